"""The Celery application: configured from Django settings (``CELERY_*``) in every
environment, so the worker, beat and the web process agree on broker and schedule."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")

# Every task publishes a plain delay() with its route worked out once (leadtrack/broker.py).
app = Celery("leadtrack", task_cls="leadtrack.broker:PublishingTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
