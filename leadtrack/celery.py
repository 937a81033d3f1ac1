"""The Celery application: configured from Django settings (``CELERY_*``) in every
environment, so the worker, beat and the web process agree on broker and schedule."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")

app = Celery("leadtrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
