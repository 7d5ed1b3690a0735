"""Reference data: the gazetteer (Ukraine, oblasts, cities, districts) and the munition
catalogue, as pure data plus the loader that writes them (``manage.py load_reference``).

``place_records()`` and ``MUNITIONS`` need no database; ``reference_load()`` imports
the models lazily so this package can be imported by pure code (the extractor's
gazetteer) before Django is set up.
"""

from strikes.reference.munitions import MUNITIONS
from strikes.reference.places import place_records

__all__ = ["MUNITIONS", "place_records", "reference_load"]


def reference_load() -> dict:
    """Write places and munitions to the database idempotently; returns counts."""
    from strikes.reference.load import reference_load as load

    return load()
