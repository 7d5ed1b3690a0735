"""The Celery application.

Workers are started with ``celery -A config worker``. Settings come from Django's
settings module under the ``CELERY_`` namespace.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("strikewatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
