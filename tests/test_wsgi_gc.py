"""The WSGI entry point leaves the start-up objects out of the cyclic collector's reach, so a full
collection during a request walks only what requests made (docs/PERFORMANCE.md section 16)."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import gc, sys, time
import config.wsgi
assert "strikes.api.weapons" in sys.modules, "the views are loaded before the freeze"
frozen, left = gc.get_freeze_count(), len(gc.get_objects())
started = time.perf_counter()
gc.collect()
print(frozen, left, time.perf_counter() - started)
"""


def test_wsgi_freezes_what_it_loaded_views_included():
    env = {**os.environ, "DEBUG": "true", "DJANGO_SECRET_KEY": "x"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    frozen, left, seconds = out.stdout.split()
    # Django, the apps and every view: well over 50,000 objects (about 130,000 today).
    assert int(frozen) > 50_000
    assert int(left) < 1_000
    assert float(seconds) < 0.05  # a full collection over the start-up objects took ~90 ms
