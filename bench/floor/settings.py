"""Settings of the bare receiver (see ``bench/floor/__init__.py``): the environment's
database, anymail's webhook secret, nothing else."""

import environ

env = environ.Env()
SECRET_KEY = env.str("SECRET_KEY", default="bench-floor-not-for-production")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
INSTALLED_APPS = ["anymail", "floor.apps.FloorConfig"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "floor.urls"
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = None  # persistent, as the product's
USE_TZ = True
ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
