"""WSGI entry point for gunicorn: ``gunicorn leadtrack.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from leadtrack.local_env import local_env_read

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")
local_env_read()

application = get_wsgi_application()

from leadtrack.startup import process_warm  # noqa: E402 (needs the apps loaded)

process_warm("web")
