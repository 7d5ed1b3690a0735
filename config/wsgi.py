"""WSGI entry point (served by ``python -m config.serve``: granian)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The web server runs no management command, so no system check: refuse to serve here instead when
# production is unsafe (development key, demo users able to log in).
from config.checks import refuse_unsafe_production  # noqa: E402 - needs Django set up

refuse_unsafe_production()

# Everything loaded so far lives as long as the worker: Django, the apps, and the URLconf with
# every view it imports (resolved here, not by the first request). Moved out of the cyclic
# collector's reach, a full collection walks only what was made since: one request building
# thousands of objects (the weapons table: ~3,700 rows) set one off every two or three
# requests, and walking ~110,000 start-up objects took 90-150 ms of it (the weapons p95 at 2-3
# times its p50; docs/PERFORMANCE.md section 16).
import gc  # noqa: E402

from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports the views
gc.collect()
gc.freeze()
