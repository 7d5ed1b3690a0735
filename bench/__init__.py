"""Scale benchmark: synthetic data generator (``bench.generate``) and harness (``python -m bench.run``)."""
