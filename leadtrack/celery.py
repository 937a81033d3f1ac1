"""The Celery application: configured from Django settings (``CELERY_*``) in every
environment, so the worker, beat and the web process agree on broker and schedule."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")

# Every task publishes a plain delay() with its route worked out once (leadtrack/broker.py).
app = Celery("leadtrack", task_cls="leadtrack.broker:PublishingTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_worker_process(**_kwargs) -> None:
    """Each worker process (prefork child or solo) loads the active qualification
    version's classifiers before its first task (``leadtrack.startup``)."""
    from leadtrack.startup import process_warm

    process_warm("worker")
