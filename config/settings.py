"""Settings for the Protocol Registry site, read from the environment.

One module for every environment. It is safe by default: DEBUG is off unless
``DJANGO_DEBUG=1`` is set, and with DEBUG off a missing ``SECRET_KEY`` or
``ALLOWED_HOSTS`` stops start-up instead of falling back to something insecure.
``make run`` sets the development switches; production sets real values.
"""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
            "random value (for example: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'). There is no fallback key."
        )
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Set the ALLOWED_HOSTS environment variable to "
            "the comma-separated host names this site answers to (no '*')."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if "*" in ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' in production.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "security",
    "operations",
    "home",
    "protocols_registry",
    "exchanges",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    # Installed because home's migrations depend on them; this site stores no
    # Wagtail images or documents and does not serve /documents/.
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "simple_history",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "security.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "security.middleware.SessionTimeoutMiddleware",
    "security.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Cached public pages, answered before Wagtail's routing (inside every other
    # middleware, so their headers still apply).
    "protocols_registry.public_cache.PublicPageCacheMiddleware",
    # The request's Wagtail Site without a query (after the page cache: a hit
    # needs no site).
    "home.middleware.CachedSiteMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -----------------------------------------------------------------------
# SQLite under var/ is the embedded default (no service needed); DATABASE_URL selects
# PostgreSQL in production and in CI.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_PREPARED_STATEMENTS", True
    ):
        # A protocol page's content is read with the same statements every time,
        # and PostgreSQL spent longer planning them than running them; the project
        # prepares those (protocols_registry.compiled_query), which needs server-side
        # parameter binding. Nothing else is prepared (psycopg's prepare_threshold
        # stays off, as Django leaves it): the list's best plan depends on its
        # filter values, and a generic plan made its page 50 twice as slow. Off for
        # a transaction-mode connection pooler (PgBouncer before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # Writers take the lock when their transaction starts, so two
                # processes (web and the retention job) serialise instead of failing
                # half-way with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Every login goes through django-allauth (password, then the second factor);
# Wagtail's own password-only login URL redirects there (config/urls.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/admin/"
WAGTAILADMIN_LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "security.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# django-axes locks a user name per address (5 failures, 30 minutes). allauth's
# "login_failed" limit also guards the second factor per user: at most 10 wrong codes
# per 5 minutes, whatever the address; it is kept loose enough that nobody can lock
# a colleague out for long by mistyping their name.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,10/5m/key"}
MFA_ADAPTER = "security.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Protocolregister")
MFA_RECOVERY_CODE_COUNT = 10

# Login throttling (django-axes): 5 failures for one user name from one address lock
# that pair for 30 minutes. Only REMOTE_ADDR is trusted unless the number of proxies
# in front is configured: a forged X-Forwarded-For then changes nothing.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "security.axes.username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/lockout.html"
AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if AXES_IPWARE_PROXY_COUNT
    else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

# Sessions: end when the browser closes, after 30 minutes without a request and at
# most 8 hours after login (security.middleware.SessionTimeoutMiddleware).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURITY_IDLE_TIMEOUT = env_int("SECURITY_IDLE_TIMEOUT", 30 * 60)
SECURITY_ABSOLUTE_TIMEOUT = env_int("SECURITY_ABSOLUTE_TIMEOUT", 8 * 60 * 60)

# --- Languages ------------------------------------------------------------------------
# Dutch (Belgium) is the default and is served without a prefix; English lives under
# /en/. A URL prefix rather than a cookie keeps every URL citable and lets caches
# key on the URL alone.
LANGUAGE_CODE = "nl-be"
LANGUAGES = [
    ("nl-be", _("Dutch")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("nl-be", "Nederlands")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl-be", "Nederlands"), ("en", "English")]

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]

# Uploaded files are never served straight from MEDIA_ROOT: every download goes
# through a view that checks permission (see docs/deployment.md).
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Several app servers share files through S3-compatible object storage: set
# S3_BUCKET (and S3_ENDPOINT_URL for a store other than AWS). Signed decisions,
# advices and the encrypted payloads then live in that bucket; the payloads are
# encrypted before they leave the app server, so the store never sees plaintext.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _DEFAULT_STORAGE = {
        "BACKEND": "operations.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            # Credentials from S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, or else
            # boto3's own chain (instance role, AWS_* variables, ~/.aws).
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX", ""),
            # Private objects, never overwritten; downloads go through the views.
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "object_parameters": (
                {"ServerSideEncryption": env_str("S3_SERVER_SIDE_ENCRYPTION")}
                if env_str("S3_SERVER_SIDE_ENCRYPTION")
                else {}
            ),
        },
    }
else:
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Cache and sessions -------------------------------------------------------------
# With REDIS_URL every app server shares one cache: the public-page cache, login
# throttles and used one-time codes. Sessions are kept in the database and read
# through that cache, so a Redis restart logs nobody out. Without Redis each process
# has its own memory cache (fine for one process, as with `make run`).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "protocolregister"),
            "TIMEOUT": 300,
            # A Redis that stops answering (a network partition, a stalled host)
            # costs each request this long, once (see public_cache.cache_unavailable),
            # instead of redis-py's 5 s per call. A healthy one answers in a
            # millisecond.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "protocol-registry",
        }
    }

# --- Wagtail --------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Protocolregister")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "dutch",
    }
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe app servers over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy: it must set X-Forwarded-Proto.
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Keys of the exchanges app (see docs/deployment.md) ------------------------------
# Master keys wrap the data key of every encrypted payload; the signing key signs
# deletion evidence. Keep both outside the database, out of git and out of backups
# of the database. `make run` creates development keys under var/keys/.
EXCHANGES_MASTER_KEYS = env_str("EXCHANGES_MASTER_KEYS")
EXCHANGES_MASTER_KEY_FILE = env_str(
    "EXCHANGES_MASTER_KEY_FILE", str(VAR_DIR / "keys" / "master.keys")
)
EXCHANGES_SIGNING_KEY_FILE = env_str(
    "EXCHANGES_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "signing.pem")
)
PROTOCOLS_REGISTRY_ORGANISATION_NAME = env_str(
    "PROTOCOLS_REGISTRY_ORGANISATION_NAME", "OCMW Gent"
)

# --- E-mail (password reset) --------------------------------------------------------
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "protocolregister@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Operators who get alerts (a broken audit chain): "name@example.org,other@example.org".
ADMINS = [(address, address) for address in env_list("DJANGO_ADMINS")]

# --- Content Security Policy (django-csp) ----------------------------------------------
# Strict on the public site, the login pages and the upload page: scripts and styles
# only from this site, no inline code, no framing. Wagtail's admin still writes inline
# scripts (choosers), so there the same policy is report-only: violations are reported
# to the browser console and changed nothing.
_STRICT_CSP = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "form-action": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
}
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": _STRICT_CSP,
}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {
    "DIRECTIVES": _STRICT_CSP,
}

# --- Logging --------------------------------------------------------------------------
# One JSON object per line (security.logging): values cannot forge lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "security.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request errors are logged without the request body or query string.
        "django.request": {"level": "ERROR"},
        # One line per background task is noise, not an audit trail.
        "django_tasks": {"level": "WARNING"},
        # django-axes repeats what security.auth logs, with more detail than needed.
        "axes": {"level": "WARNING"},
    },
}

# --- Demo -----------------------------------------------------------------------------
# Demo users and demo content are a development convenience: the loader refuses to
# run unless DEMO_MODE is on, and DEMO_MODE cannot be on with DEBUG off.
DEMO_MODE = DEBUG
# The demo users may log in without a second factor while DEBUG is on, unless
# DEMO_SKIP_MFA=0. With DEBUG off the switch stops start-up.
DEMO_SKIP_MFA = env_bool("DEMO_SKIP_MFA", DEBUG)
if DEMO_SKIP_MFA and not DEBUG:
    raise ImproperlyConfigured(
        "DEMO_SKIP_MFA is for development only; remove it in production."
    )
SECURITY_MFA_EXEMPT_USERS = (
    ["admin", "dpo", "secretary", "editor", "officer", "auditor"]
    if DEMO_SKIP_MFA
    else []
)
DEMO_CREDENTIALS_FILE = VAR_DIR / "demo-credentials.txt"
