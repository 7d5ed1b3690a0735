"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# gunicorn runs no management command, so no system check: refuse to serve here instead when
# production is unsafe (development key, demo users able to log in).
from config.checks import refuse_unsafe_production  # noqa: E402 - needs Django set up

refuse_unsafe_production()
