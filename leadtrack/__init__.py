"""The Leadtrack project package: settings, URLs, Celery app, admin site and API wiring."""

from .celery import app as celery_app

__all__ = ["celery_app"]
