"""Leadtrack settings, read from the environment only (django-environ).

Every value has a working default for a single machine: SQLite under ``var/``, Celery's
filesystem broker under ``var/``, and emails written as files under ``var/mail/``. A
deployment across several machines changes environment variables only (see the README).
"""

from pathlib import Path

import environ
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("LEADTRACK_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string in the environment "
            "(DEBUG is off, so Leadtrack refuses to start with a default key)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the tracker, used for links in emails (briefs, escalations).
# Without SITE_URL, a local run's links follow PORT (``make run PORT=8731``).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip(
    "/"
)

DJANGO_APPS = [
    "leadtrack.apps.LeadtrackAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "anymail",
    "axes",
    "csp",
    "django_celery_beat",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework",
    "rest_framework.authtoken",
    "simple_history",
]
LOCAL_APPS = [
    # First: the firm's profile and working calendar, which every other app reads.
    "firm.apps.FirmConfig",
    "leads.apps.LeadsConfig",
    "qualification.apps.QualificationConfig",
    "compliance.apps.ComplianceConfig",
    "routing.apps.RoutingConfig",
    "followups.apps.FollowupsConfig",
    # Last: its admin module composes the other apps' admin pieces into the tracker.
    "leadtrack.apps.LeadtrackConfig",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: an ESP's inbound webhook is answered through the short stack below.
    "leadtrack.middleware.InboundWebhookMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "leadtrack.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last: it turns locked-out sign-ins into a clear page.
    "axes.middleware.AxesMiddleware",
]
# What an ESP's inbound webhook (/anymail/<esp>/inbound/) goes through instead: a machine
# posting an email needs no session, user, CSRF token, messages, history author, static
# files or rendered policy, only the security headers and the size limit
# (leadtrack/middleware.py; its answer carries a fixed CSP of its own).
LEADTRACK_INBOUND_WEBHOOK_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "leadtrack.middleware.RequestBodyLimitMiddleware",
]

ROOT_URLCONF = "leadtrack.urls"
WSGI_APPLICATION = "leadtrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leadtrack.context_processors.firm",
            ],
        },
    }
]

# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'leadtrack.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat write to one file: WAL, a busy timeout and IMMEDIATE
    # transactions keep "database is locked" away under load.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
# Connections are kept between requests on SQLite as on PostgreSQL: a new SQLite
# connection re-reads the whole schema, which cost about half of a replayed webhook.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Authentication and security
# ---------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin sign-in is throttled against password guessing (django-axes): after
# AXES_FAILURE_LIMIT failures from one username and address, sign-in is refused for
# AXES_COOLOFF_MINUTES.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The locked-out user is told so, and from when they can try again (page or JSON).
AXES_LOCKOUT_CALLABLE = "leadtrack.lockout.lockout_response"

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    if env.bool("USE_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # the enquiry form opts out on its own view to be embeddable
# Content-Security-Policy on every response (django-csp): scripts only from the site
# itself (and the enquiry form's one nonced line), nothing framed except the enquiry form,
# which the firm's website may frame: LEADTRACK_FRAME_ANCESTORS lists its origins
# (e.g. "https://www.ashdownmarsh.co.uk"). Styles allow inline: the admin sets them.
LEADTRACK_FRAME_ANCESTORS = env.list("LEADTRACK_FRAME_ANCESTORS", default=["'self'"])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        # ReDoc renders in a web worker made from a blob.
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# A refused enquiry form gets a page the enquirer can act on (other pages: Django's).
CSRF_FAILURE_VIEW = "leadtrack.public.views.csrf_failure"

# Request bodies: Django's own limit for form fields, and Leadtrack's limit on any body
# (API and webhooks) so a 10 MB post is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
LEADTRACK_MAX_BODY_BYTES = env.int("LEADTRACK_MAX_BODY_BYTES", default=5 * 1024 * 1024)

# ---------------------------------------------------------------------------
# Internationalisation: UK English, Europe/London, aware datetimes everywhere
# ---------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["leadtrack.formats"]

# ---------------------------------------------------------------------------
# Static files
# ---------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps when collectstatic has not run
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"

# ---------------------------------------------------------------------------
# Email: Django's mail system; anymail's ESP backends for production sending
# ---------------------------------------------------------------------------

EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
EMAIL_CONFIG = environ.Env.email_url_config(EMAIL_URL)
if EMAIL_URL.startswith("filemail://"):
    # django-environ drops the leading "/" of filemail:///abs/path; keep the path as written
    # (absolute, or relative to the project folder).
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(BASE_DIR / EMAIL_URL.removeprefix("filemail://"))
    Path(EMAIL_CONFIG["EMAIL_FILE_PATH"]).mkdir(parents=True, exist_ok=True)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Leadtrack <leads@example.co.uk>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# anymail: the inbound webhook secret (basic auth, "user:password") and each ESP's own
# signing keys; every ANYMAIL_* variable in the environment is passed through.
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in env.ENVIRON.items()
    if key.startswith("ANYMAIL_") and value
}
# Several webhook secrets (comma-separated) let one be rotated without dropping email.
if "," in ANYMAIL.get("WEBHOOK_SECRET", ""):
    ANYMAIL["WEBHOOK_SECRET"] = [s.strip() for s in ANYMAIL["WEBHOOK_SECRET"].split(",")]

# ---------------------------------------------------------------------------
# Celery: the filesystem broker by default, Redis (or any kombu URL) when set
# ---------------------------------------------------------------------------

CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=env.str("REDIS_URL", default="filesystem://")
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport with atomic writes and a reader that skips what it
    # cannot read (leadtrack/broker.py), so a half-written file never kills the worker.
    CELERY_BROKER_TRANSPORT = "leadtrack.broker:FilesystemTransport"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # Look for new messages twenty times a second (kombu's default is once a second).
        # A lead crosses the broker twice before its brief is sent (the pipeline, then
        # the brief's send), and each crossing waited up to an interval: at 0.25 s that
        # was a p95 of 3.8 s from capture to brief, at 0.05 s 0.5 s
        # (docs/performance.md). An idle worker's look costs one directory listing.
        "polling_interval": 0.05,
    }
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # kombu's Redis transport, publishing through one client (see leadtrack/broker.py).
    CELERY_BROKER_TRANSPORT = "leadtrack.broker:RedisTransport"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat's schedule lives in the database (django-celery-beat), edited in the admin under
# *Periodic tasks*; the defaults are installed once by a migration (leadtrack/periodic_tasks.py).
# Left empty on purpose: beat would overwrite the database from it at every start.
CELERY_BEAT_SCHEDULE: dict = {}

# ---------------------------------------------------------------------------
# REST API
# ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["leadtrack.api.permissions.IsStaffUser"],
    "DEFAULT_PARSER_CLASSES": [
        "leadtrack.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "leadtrack.api.pagination.LeadtrackPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "leadtrack.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_THROTTLE", default="10/min")},
    # The throttles read the client address as the enquiry form's rate limit does: through
    # exactly LEADTRACK_TRUSTED_PROXY_COUNT proxies (set below from the environment).
    "NUM_PROXIES": env.int("LEADTRACK_TRUSTED_PROXY_COUNT", default=0),
    "PAGE_SIZE": 50,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Leadtrack API",
    "DESCRIPTION": (
        "Capture enquiries from any channel and read the firm's leads, their qualification, "
        "ownership and timeline. Authenticate with `Authorization: Token <token>` from "
        "`POST /api/v1/auth/token/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI and ReDoc assets are served from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# ---------------------------------------------------------------------------
# Cache (rate limits, throttles)
# ---------------------------------------------------------------------------

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The filesystem broker has no host; kombu warns about that on every connection.
        "kombu.connection": {"level": "ERROR"},
        # flufl.bounce logs each detector it runs at INFO, a dozen lines per bounce.
        "flufl.bounce": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------------------
# Leadtrack
# ---------------------------------------------------------------------------

LEADTRACK_FIRM_NAME = env.str("LEADTRACK_FIRM_NAME", default="Ashdown Marsh LLP")
# Where acknowledgements say the firm will answer within, in plain words.
LEADTRACK_RESPONSE_PROMISE = env.str("LEADTRACK_RESPONSE_PROMISE", default="within one working day")
# The pipeline: step functions run in order for every captured lead, like MIDDLEWARE.
# Each step takes ``lead`` and is idempotent; the runner records each step's run.
LEADTRACK_PIPELINE = [
    "qualification.steps.qualify",
    # Conflict check on the enquirer, their organisation and the other parties, before
    # routing, so the owner's brief says what it found.
    "compliance.steps.conflict_check",
    # Obligations next, from the tier and practice area, so that the owner's brief can say
    # when the first action is due (the follow-ups pass to the owner when routing assigns).
    "followups.steps.schedule",
    # Right after, so the owner's brief goes out within seconds of arrival.
    "routing.steps.assign",
    # The lawful basis the enquiry came with is recorded before anything is sent to the
    # enquirer; the brief does not need it, so it does not hold the brief up.
    "compliance.steps.lawful_basis",
    "leads.steps.acknowledge",
]
# Who may see which lead (and everything tied to one), on every surface: a function
# ``(user, queryset) -> queryset`` (docs/security.md).
LEADTRACK_LEAD_VISIBILITY = "leadtrack.access.visible_leads"
# Asked by ``leads.services.lead_change_status`` before every status change (like the
# pipeline steps, a list of functions), each with ``lead``, ``old_status``, ``new_status``,
# ``reason`` and ``actor``: it raises ValidationError to refuse the change, or returns the
# reason to record (possibly in the firm's own words), or None (docs/compliance.md).
LEADTRACK_STATUS_CHECKS = [
    "followups.services.closure.status_change_check",
    "compliance.checks.conflict_decided",
    "compliance.checks.due_diligence_before_won",
]
# Practice areas (slugs) where referral fees are banned (personal injury: LASPO 2012 s56);
# a referral from an introducer with a fee arrangement is flagged there.
LEADTRACK_REFERRAL_FEE_BANNED_AREAS = env.list(
    "LEADTRACK_REFERRAL_FEE_BANNED_AREAS", default=["personal-injury"]
)
# The nightly retention run first logs a dry run this many days ahead: what is coming.
LEADTRACK_RETENTION_NOTICE_DAYS = env.int("LEADTRACK_RETENTION_NOTICE_DAYS", default=30)
# Channels whose enquirers get an acknowledgement email (staff-logged calls, referrals
# and imports do not).
LEADTRACK_ACKNOWLEDGE_CHANNELS = env.list(
    "LEADTRACK_ACKNOWLEDGE_CHANNELS", default=["email", "web_form", "api", "social"]
)
# The longest message a person may submit (web form, API, admin entry, import), in
# characters; longer is refused with an error saying so. Email is kept whole.
LEADTRACK_MESSAGE_MAX_CHARS = env.int("LEADTRACK_MESSAGE_MAX_CHARS", default=20_000)
# The public enquiry form accepts this many posts per client address per window.
LEADTRACK_ENQUIRY_RATE_LIMIT = env.int("LEADTRACK_ENQUIRY_RATE_LIMIT", default=10)
LEADTRACK_ENQUIRY_RATE_WINDOW_SECONDS = env.int(
    "LEADTRACK_ENQUIRY_RATE_WINDOW_SECONDS", default=600
)
# How many proxies (load balancer, nginx) sit in front of the web processes and append to
# X-Forwarded-For. 0 trusts no header and uses REMOTE_ADDR; 1 takes the last address in
# X-Forwarded-For (the one your own proxy saw). Set it to match the deployment exactly:
# too high lets a client choose its own address and dodge the rate limit.
LEADTRACK_TRUSTED_PROXY_COUNT = env.int("LEADTRACK_TRUSTED_PROXY_COUNT", default=0)
# A supplied arrival time older than this many days is refused as a mistake.
LEADTRACK_MAX_ARRIVAL_AGE_DAYS = env.int("LEADTRACK_MAX_ARRIVAL_AGE_DAYS", default=3650)
# The safety net re-runs a lead whose pipeline has not completed this long after capture.
LEADTRACK_PIPELINE_STALL_SECONDS = env.int("LEADTRACK_PIPELINE_STALL_SECONDS", default=120)
# After this many failed attempts of one step the safety net stops and the lead is shown
# as "pipeline failed" in the admin for a person to look at.
LEADTRACK_PIPELINE_MAX_ATTEMPTS = env.int("LEADTRACK_PIPELINE_MAX_ATTEMPTS", default=10)
# Routing: the firm-wide triage owner (a member's username) takes any lead nobody else
# can; when unset or not an active member, the most senior active member does.
LEADTRACK_TRIAGE_USERNAME = env.str("LEADTRACK_TRIAGE_USERNAME", default="eleanor.marsh")
# A brief's "first action due" when the enquiry states no deadline: hours after arrival,
# by tier.
LEADTRACK_BRIEF_RESPONSE_HOURS = {
    "A": env.int("LEADTRACK_BRIEF_RESPONSE_HOURS_A", default=2),
    "B": env.int("LEADTRACK_BRIEF_RESPONSE_HOURS_B", default=24),
    "C": env.int("LEADTRACK_BRIEF_RESPONSE_HOURS_C", default=72),
}
# The demo firm's members sign in with this password (``make run`` prints it).
LEADTRACK_DEMO_PASSWORD = env.str("LEADTRACK_DEMO_PASSWORD", default="demo-pass-2026")
# Inbound email (docs/inbound-email.md). The address the firm's enquiries arrive at, and
# that staff put in Cc/Bcc so their replies are logged on the lead.
LEADTRACK_TRACKING_ADDRESS = env.str(
    "LEADTRACK_TRACKING_ADDRESS",
    default=DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip(),
).lower()
# Senders at these domains are members of staff, as are active users by their email.
LEADTRACK_STAFF_EMAIL_DOMAINS = [
    d.lower().lstrip("@") for d in env.list("LEADTRACK_STAFF_EMAIL_DOMAINS", default=[])
]
# A Date or Received header older than this is not believed as the arrival time.
LEADTRACK_EMAIL_MAX_DATE_AGE_DAYS = env.int("LEADTRACK_EMAIL_MAX_DATE_AGE_DAYS", default=14)
# Where the ESP scores spam without flagging it, this score or more is held as spam.
LEADTRACK_SPAM_SCORE_THRESHOLD = env.float("LEADTRACK_SPAM_SCORE_THRESHOLD", default=5.0)
# Attachments: each kept up to this size, at most this many per email.
LEADTRACK_ATTACHMENT_MAX_BYTES = env.int("LEADTRACK_ATTACHMENT_MAX_BYTES", default=4 * 1024 * 1024)
LEADTRACK_ATTACHMENTS_PER_EMAIL = env.int("LEADTRACK_ATTACHMENTS_PER_EMAIL", default=20)
# A reply written in the tracker carries attachments up to this size in all (under the
# request body limit, LEADTRACK_MAX_BODY_BYTES, which the upload must also pass).
LEADTRACK_REPLY_ATTACHMENTS_MAX_BYTES = env.int(
    "LEADTRACK_REPLY_ATTACHMENTS_MAX_BYTES", default=4 * 1024 * 1024
)
# A stored email that fails this many times is marked failed (and shown in the admin);
# until then the worker retries it with backoff, and beat reprocesses it.
LEADTRACK_INBOUND_MAX_ATTEMPTS = env.int("LEADTRACK_INBOUND_MAX_ATTEMPTS", default=5)
# A repeat delivery of a stored email still unprocessed queues its processing again only
# once the email has been stored this long (seconds): before that its first message is on
# its way, and beat's safety net covers a lost one after the same minute.
LEADTRACK_INBOUND_REQUEUE_AFTER = env.int("LEADTRACK_INBOUND_REQUEUE_AFTER", default=60)
# A signed webhook (Mailgun) whose signature is older or newer than this is a replay.
LEADTRACK_WEBHOOK_MAX_AGE_SECONDS = env.int("LEADTRACK_WEBHOOK_MAX_AGE_SECONDS", default=300)
# Without ANYMAIL_WEBHOOK_SECRET, webhooks that rely on basic auth refuse deliveries,
# unless this is set (local experiments only).
LEADTRACK_INBOUND_ALLOW_UNAUTHENTICATED = env.bool(
    "LEADTRACK_INBOUND_ALLOW_UNAUTHENTICATED", default=False
)
# Tests and end-to-end checks set this to fail, rather than skip, when PostgreSQL, Redis or
# a Celery worker cannot be reached.
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

# The firm's working calendar's first-run defaults (then edited in the admin under The
# firm), the address that is told about follow-ups nobody owns, and the most one sweep
# escalates.
LEADTRACK_BUSINESS_NATION = env.str("LEADTRACK_BUSINESS_NATION", default="ENG")  # ENG, SCT, NIR
LEADTRACK_BUSINESS_OPENS = env.str("LEADTRACK_BUSINESS_OPENS", default="09:00")
LEADTRACK_BUSINESS_CLOSES = env.str("LEADTRACK_BUSINESS_CLOSES", default="17:30")
LEADTRACK_TRIAGE_EMAIL = env.str("LEADTRACK_TRIAGE_EMAIL", default="triage@example.co.uk")
LEADTRACK_ESCALATION_SWEEP_LIMIT = env.int("LEADTRACK_ESCALATION_SWEEP_LIMIT", default=20000)
# An escalation email lists at most this many items (most urgent first) and links to the rest.
LEADTRACK_ESCALATION_EMAIL_MAX_ITEMS = env.int("LEADTRACK_ESCALATION_EMAIL_MAX_ITEMS", default=50)
