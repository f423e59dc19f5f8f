"""Settings for the scrutiny recommendations tracker: one file, driven by the environment.

With nothing set, this is a production configuration (DEBUG off) and refuses to start
without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. `make run` and `make test` set
DJANGO_DEBUG=1, which gives a local development configuration with SQLite under var/.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# Demo mode loads demo users with a shared, published password: never on a real service.
DEMO_MODE = env_bool("TRACKER_DEMO")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-not-for-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
else:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG is off (production). For local use, set DJANGO_DEBUG=1."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the host names this service answers to "
            "when DJANGO_DEBUG is off (production)."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "govuk",
    "guidance",
    "recommendations",
    "accounts",
    "evidence",
    "spreadsheets",
    "reports",
    "reminders",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.access.AccessPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.security.NoStoreForSignedInMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

VAR_DIR = BASE_DIR / "var"
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default shares its file with the report worker (`make run`): WAL lets
    # readers and the one writer work at once; a writer waits up to 20 s for the lock
    # instead of failing; and a transaction takes the write lock when it starts
    # (IMMEDIATE), so two writers queue rather than one failing halfway ("database is
    # locked"). Nothing holds a transaction open across a print (reports/issuing.py).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request (and the health check) in seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache every instance shares: the dashboard's and recommendation pages' content, built
# once per version of the data they show (recommendations/page_cache.py). A table in the
# database (made by `migrate`), or Redis where TRACKER_REDIS_URL names one. Nothing in it
# is needed for correctness: losing it costs a rebuild.
if os.environ.get("TRACKER_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["TRACKER_REDIS_URL"],
            "TIMEOUT": 3600,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tracker_cache",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# TRACKER_PAGE_CACHE=0 builds every page afresh (to measure what the cache saves).
PAGE_CACHE = env_bool("TRACKER_PAGE_CACHE", True)

# Background jobs (draft PDFs): queued in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A draft render still "running" after this long had its worker die: retried, then failed.
DRAFT_RENDER_STALE_AFTER = int(os.environ.get("TRACKER_DRAFT_STALE_SECONDS", "120"))
DRAFT_RENDER_ATTEMPTS = 3

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sign-in: django-axes locks an account from the address it is attacked from (username and
# IP address together, so other users, even behind the same council proxy, are unaffected)
# after 5 failed sign-ins in a row, for 15 minutes, and shows accounts/locked_out.html.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("TRACKER_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# What was typed as the username, cut to a username's length (see accounts/security.py).
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"

# Two-factor sign-in for editors and administrators (accounts/two_factor.py); demo mode
# exempts everyone. Each wrong code in a row doubles the wait before the next try.
OTP_TOTP_ISSUER = "Recommendations tracker"

# Sessions end after 30 minutes without a request, and at sign-out: requests renew them, at
# most once a minute (accounts/sessions.py), so a page read is not a database write.
SESSION_COOKIE_AGE = int(os.environ.get("TRACKER_SESSION_SECONDS", str(30 * 60)))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# What the pages use, folder by folder: static/src (the Sass that `make assets` builds
# static/css from) is a source, never served.
STATICFILES_DIRS = [
    (folder.name, folder)
    for folder in sorted((BASE_DIR / "static").iterdir())
    if folder.is_dir() and folder.name != "src"
]
STATIC_ROOT = Path(os.environ.get("TRACKER_STATIC_ROOT") or VAR_DIR / "staticfiles")
# The manifest of hashed names (staticfiles.json) is for the templates, not for browsers:
# kept beside STATIC_ROOT, not in it, so WhiteNoise does not serve it (tracker/storage.py).
STATIC_MANIFEST_ROOT = STATIC_ROOT.parent / f"{STATIC_ROOT.name}-manifest"
# Served by WhiteNoise from `collectstatic`'s output: hashed names, gzip and Brotli, cached
# for a year. In development, straight from the app and project folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "tracker.storage.StaticFilesStorage"
    },
}


def evidence_storage_settings(environ):
    """The "evidence" storage (evidence/models.py): where evidence documents' bytes are kept.

    S3-compatible object storage when EVIDENCE_S3_BUCKET is set (credentials from the
    standard AWS_* variables), otherwise a folder under var/. Neither is served at any URL:
    every download goes through the tracker's view, which applies the access policy. Objects
    are private (no public ACL) and a name is never reused, so nothing is overwritten.
    """
    bucket = environ.get("EVIDENCE_S3_BUCKET", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": environ.get("EVIDENCE_ROOT") or str(VAR_DIR / "evidence"),
                "file_permissions_mode": 0o640,
                "directory_permissions_mode": 0o750,
            },
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("EVIDENCE_S3_REGION") or None,
            "location": environ.get("EVIDENCE_S3_PREFIX", "evidence"),
            # A bucket with ACLs disabled refuses any ACL but its owner's: set it empty there.
            "default_acl": environ.get("EVIDENCE_S3_DEFAULT_ACL", "private") or None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


STORAGES["evidence"] = evidence_storage_settings(os.environ)

# Evidence documents: limits on what one progress update may carry (evidence/services.py).
# Requests are bounded too: fields held in memory up to 2.5 MB, files over 2.5 MB spooled to
# a temporary file while they are checked, and an evidence upload stops being read once it
# passes these limits (evidence/uploads.py).
EVIDENCE_MAX_FILE_BYTES = int(os.environ.get("EVIDENCE_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_UPDATE_BYTES = int(os.environ.get("EVIDENCE_MAX_UPDATE_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_FILES_PER_UPDATE = int(os.environ.get("EVIDENCE_MAX_FILES_PER_UPDATE", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# In development (and tests, which run with DEBUG off at request time) WhiteNoise finds the
# files where they are, instead of expecting `collectstatic`'s output.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Off only for `make serve` and `make load` on loopback, which have no TLS in front.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_COOKIES_SECURE", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production serves HTTPS only. Behind a proxy that ends TLS and forwards plain HTTP,
# set DJANGO_SECURE_SSL_REDIRECT=0 and DJANGO_SECURE_PROXY_SSL_HEADER=1 (X-Forwarded-Proto).
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe instances over plain HTTP (operations/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        # Said explicitly above: TLS is ended, and HTTP redirected, in front of Django.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Content-Security-Policy (django-csp): scripts only from this site's static files and
# with the page's nonce; no inline scripts or styles, no frames, no other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

# E-mail: printed to the console in development and demo mode; SMTP from the environment.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "tracker@localhost")

# Reminders start this many days before a report's cut-off; links in them start with this.
# Where the record finds the reports' cut-off dates (recommendations/calendar.py).
TRACKER_REPORTING_CALENDAR = "reports.calendar"

# Who runs the service, and where its users write: the footer's accessibility statement,
# privacy notice and help name them (guidance/).
TRACKER_ORGANISATION = os.environ.get(
    "TRACKER_ORGANISATION", "Telford & Wrekin Safeguarding Children Board"
)
TRACKER_SUPPORT_EMAIL = os.environ.get("TRACKER_SUPPORT_EMAIL", "lscb@example.gov.uk")

REMINDER_DAYS_BEFORE = int(os.environ.get("TRACKER_REMINDER_DAYS_BEFORE", "14"))
TRACKER_BASE_URL = os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:8000")

# Error e-mails go to DJANGO_ADMINS (comma-separated addresses) and carry no submitted
# data or local variables (accounts/security.py).
ADMINS = [(address, address) for address in env_list("DJANGO_ADMINS")]
DEFAULT_EXCEPTION_REPORTER_FILTER = "accounts.security.NoRequestDataExceptionReporterFilter"

# No log line or error e-mail carries an exception's message (it can quote a narrative):
# the filter replaces it on the loggers that log exceptions, before any handler sees the
# record, and again on every handler, for any other logger (tracker/log_format.py).
# Django's own loggers are configured as its default logging has them, with the filter.
WITHHELD = ["withhold_exception_messages"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "withhold_exception_messages": {"()": "tracker.log_format.WithholdExceptionMessages"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
    },
    "formatters": {
        "default": {"()": "tracker.log_format.Formatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "default", "filters": WITHHELD},
        "django_console": {
            "class": "logging.StreamHandler",
            "level": "INFO",
            "filters": [*WITHHELD, "require_debug_true"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "level": "INFO",
            "formatter": "django.server",
            "filters": WITHHELD,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": [*WITHHELD, "require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING", "filters": WITHHELD},
    "loggers": {
        # Sign-ins, failures, lock-outs, refusals, issues, downloads: one JSON line each.
        # axes would log the username as typed (maybe a password): accounts/audit.py logs.
        "security": {"level": "INFO", "filters": WITHHELD},
        "axes": {"level": "ERROR"},
        "django": {
            "handlers": ["django_console", "mail_admins"],
            "level": "INFO",
            "filters": WITHHELD,
        },
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": WITHHELD,
        },
        **{
            name: {"filters": WITHHELD}
            for name in (
                "django.request",
                "django.security.csrf",
                "django.template",
                "django.db.backends",
                "django_tasks",
                "django_tasks_db",
            )
        },
    },
}

# People (accounts/people.py, accounts/links.py, accounts/passwords.py).
# An invitation or two-factor set-up link works once, for this many days.
INVITATION_DAYS = int(os.environ.get("TRACKER_INVITATION_DAYS", "7"))
# A password reset link works once, for this long (Django's token generator).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("TRACKER_PASSWORD_RESET_SECONDS", str(24 * 60 * 60)))
# Password reset e-mails asked for, per address and per IP address, in this window; counted
# in the database (accounts.PasswordResetRequest), so the limit holds across instances.
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("TRACKER_PASSWORD_RESET_PER_ADDRESS", "3"))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("TRACKER_PASSWORD_RESET_PER_IP", "20"))
