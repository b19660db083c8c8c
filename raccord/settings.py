"""Raccord settings: embedded defaults for development, environment variables for production.

``RACCORD_ENV`` selects the profile:

- ``dev`` (default): SQLite (WAL) under ``var/``, uploads under ``var/media/``, e-mail written to
  ``var/outbox/`` (readable at ``/dev/outbox/``), tasks run in-process.
- ``test``: same as dev, in-memory e-mail, used by the test suite.
- ``production``: everything comes from environment variables; a missing required one stops
  start-up with a message naming it. See README "Configuration".
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("RACCORD_ENV", "dev").strip().lower()
if ENV not in {"dev", "test", "production"}:
    raise ImproperlyConfigured(
        f"RACCORD_ENV={ENV!r} is not a known profile: use dev, test or production."
    )
PRODUCTION = ENV == "production"
VAR_DIR = Path(os.environ.get("RACCORD_VAR_DIR", BASE_DIR / "var"))


def env_required(name: str) -> str:
    """A variable production cannot start without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"Missing required environment variable {name} (RACCORD_ENV=production)."
        )
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a whole number, not {raw!r}."
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


_RATE = re.compile(r"(\d+)/(\d*)(s|sec|m|min|h|hour|d|day)")


def env_rate(name: str, default: str) -> str:
    """A rate « calls/period » as django-ninja's throttling reads it: ``120/min``, ``1000/h``,
    ``10/5m`` (s, sec, m, min, h, hour, d, day, optionally preceded by a number)."""
    raw = "".join(os.environ.get(name, "").split()) or default
    match = _RATE.fullmatch(raw)
    if match is None or int(match[1]) < 1 or (match[2] and int(match[2]) < 1):
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a rate such as 120/min or 1000/h, not {raw!r}."
        )
    return raw


# --- Core -------------------------------------------------------------------------------------
if PRODUCTION:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or [env_required("DJANGO_ALLOWED_HOSTS")]
    DEBUG = False
else:
    SECRET_KEY = os.environ.get(
        "DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
    )
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    DEBUG = env_bool("DJANGO_DEBUG", ENV == "dev")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "raccord.core",
    "raccord.accounts",
    "raccord.operators",
    "raccord.places",
    "raccord.dossiers",
    "raccord.documents",
    "raccord.tracking",
    "raccord.portal",
    "raccord.backoffice",
    "raccord.offers",
    "raccord.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "raccord.accounts.middleware.StaffMfaRequiredMiddleware",
]

ROOT_URLCONF = "raccord.urls"
WSGI_APPLICATION = "raccord.wsgi.application"
ASGI_APPLICATION = "raccord.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "raccord" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "raccord.core.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
if PRODUCTION:
    DATABASES = {"default": dj_database_url.parse(env_required("DATABASE_URL"), conn_max_age=60)}
elif os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "raccord.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# Holds the API rate limits and the login rate limits (allauth): in production it must be shared
# by every worker process (and every host), so it is the database by default (one table, made by
# ``manage.py createcachetable``) or Redis (``RACCORD_CACHE=redis://…``, with the ``redis``
# package installed). ``memory`` is per process: the limits then multiply by the processes.
_cache = os.environ.get("RACCORD_CACHE", "database" if PRODUCTION else "memory").strip()
if _cache == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "raccord_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
elif _cache.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache}
    }
elif _cache == "memory":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"RACCORD_CACHE must be database, memory or a redis:// address, not {_cache!r}."
    )

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "raccord.accounts.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = 3  # new codes a person may ask for
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_CHANGE = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = False  # the seed tells a person that an e-mail is already registered
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Raccord] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "raccord.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "raccord.accounts.allauth_forms.SignupForm",
    "login": "raccord.accounts.allauth_forms.LoginForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Raccord"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "raccord" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "raccord" / "static"]
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("RACCORD_MEDIA_ROOT", VAR_DIR / "media"))
# Uploads are never served from the web root: no URL pattern serves MEDIA_URL; files go through
# views that check permissions.
MEDIA_URL = "/nonpublic/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

_storage_backend = os.environ.get("RACCORD_STORAGE", "filesystem").strip().lower()
if _storage_backend == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_required("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif _storage_backend == "filesystem":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
else:
    raise ImproperlyConfigured("RACCORD_STORAGE must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Raccord <ne-pas-repondre@raccord.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_DIR = VAR_DIR / "outbox"
if PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_required("EMAIL_HOST")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 20
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_TIMEOUT = 10
elif ENV == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "raccord.core.mail.OutboxEmailBackend"

# --- Tasks ------------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("RACCORD_TASKS", "immediate" if not PRODUCTION else "database")
            == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer probes /healthz over plain HTTP: answer it rather than redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "raccord.core.log_handlers.StderrHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RACCORD_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Raccord ----------------------------------------------------------------------------------
RACCORD_DEV_PAGES = not PRODUCTION and ENV == "dev"
# The public address of the site, e.g. https://raccord.example.fr: e-mails link to it.
RACCORD_SITE_URL = (
    (env_required("RACCORD_SITE_URL") if PRODUCTION else os.environ.get("RACCORD_SITE_URL", ""))
    .strip()
    .rstrip("/")
)
if RACCORD_SITE_URL and not RACCORD_SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"RACCORD_SITE_URL must start with https:// (or http://), not {RACCORD_SITE_URL!r}."
    )
RACCORD_SIGNUP_OPEN = env_bool("RACCORD_SIGNUP_OPEN", True)
# Days before an action's deadline when its reminder is sent (raccord/tracking/clocks.py).
RACCORD_REMINDER_DAYS_BEFORE = env_int("RACCORD_REMINDER_DAYS_BEFORE", 3)
# E-mail retries (raccord/tracking/notify.py): first delay, longest delay, attempts before
# the notification is marked failed.
RACCORD_NOTIFICATION_RETRY_SECONDS = env_int("RACCORD_NOTIFICATION_RETRY_SECONDS", 60)
RACCORD_NOTIFICATION_RETRY_MAX_SECONDS = env_int("RACCORD_NOTIFICATION_RETRY_MAX_SECONDS", 6 * 3600)
RACCORD_NOTIFICATION_MAX_ATTEMPTS = env_int("RACCORD_NOTIFICATION_MAX_ATTEMPTS", 12)
# How often a process checks whether the regulatory parameters were edited elsewhere
# (raccord/core/parameters.py): one cheap query at most this often.
RACCORD_PARAMETERS_RECHECK_SECONDS = env_int("RACCORD_PARAMETERS_RECHECK_SECONDS", 2)
# Requester API rate limits (raccord/api/throttling.py, django-ninja's throttling): calls per
# account (all of a person's tokens together), and per client address for calls without a valid
# token. A refused call gets 429 with Retry-After.
RACCORD_API_RATE_USER = env_rate("RACCORD_API_RATE_USER", "120/min")
RACCORD_API_RATE_ANON = env_rate("RACCORD_API_RATE_ANON", "30/min")
# Reverse proxies in front of Raccord that append the client's address to X-Forwarded-For: the
# address limited for calls without a token is the one the nearest of them saw (0: REMOTE_ADDR).
NINJA_NUM_PROXIES = env_int("RACCORD_PROXY_COUNT", 1 if PRODUCTION else 0)
