"""Settings for the Protocol Registry site, read from the environment.

One module for every environment. It is safe by default: DEBUG is off unless
``DJANGO_DEBUG=1`` is set, and with DEBUG off a missing ``SECRET_KEY`` or
``ALLOWED_HOSTS`` stops start-up instead of falling back to something insecure.
``make run`` sets the development switches; production sets real values.
"""

import datetime
import importlib.util
from pathlib import Path

import dj_database_url
import django
from csp.constants import NONE, SELF
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.env import env_bool, env_int, env_list, env_str
from security.passwords import predictable_words

BASE_DIR = Path(__file__).resolve().parent.parent

# The immediate backend of the tasks framework that runs the register builds: Django's
# own from Django 6 on, the django-tasks backport's before (register_builds imports
# ``task`` from the same one).
IMMEDIATE_TASK_BACKEND = (
    "django.tasks.backends.immediate.ImmediateBackend"
    if importlib.util.find_spec("django.tasks")
    else "django_tasks.backends.immediate.ImmediateBackend"
)
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
    # ".localhost": the demo's sites (ocmw.localhost, thuispunt.localhost).
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".localhost", "[::1]"]
if "*" in ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' in production.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "security",
    "operations",
    "home",
    "protocols_registry",
    "exchanges",
    "breaches",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    # The organisation of each site (protocols_registry.SiteOrganisation).
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    # Installed because home's migrations depend on them; this site stores no
    # Wagtail documents and does not serve /documents/. Images: the sites' logos.
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
    # For its Dutch messages; the validator itself is in AUTH_PASSWORD_VALIDATORS.
    "django_zxcvbn_password_validator",
    # The task queue in the database (TASKS["documents"]), label django_tasks_database.
    "django_tasks_db",
]

MIDDLEWARE = [
    # The client's address from the trusted proxies (DJANGO_TRUSTED_PROXY_COUNT),
    # before anything reads REMOTE_ADDR.
    "security.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "security.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # While Redis is down: a 503 page for staff and the login, before anything
    # reads the session through it (operations/outage.py).
    "operations.outage.SharedCacheOutageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "security.middleware.SessionTimeoutMiddleware",
    "security.middleware.RequireSecondFactorMiddleware",
    # Signed-in users' pages: never stored by a browser or the HTTP cache in front.
    "security.middleware.PersonalPagesNoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Who acts, for the audit events of changes to users, roles and permissions.
    "exchanges.request_context.AuditRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Cached public pages, answered before Wagtail's routing (inside every other
    # middleware, so their headers still apply).
    "protocols_registry.public_cache.PublicPageCacheMiddleware",
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
    # How many guesses the password takes (zxcvbn), with the Dutch and local words
    # of PASSWORD_EXTRA_DICTIONARY (below) among those it tries first.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's highest score: at least 10^10 guesses. "Welkom2026!!" takes 10^8, a
# passphrase of four uncommon words far more than 10^10.
PASSWORD_MINIMAL_STRENGTH = 4

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
# Logging out takes a POST (a GET shows a confirmation), then the login page, as
# Wagtail's admin did; /admin/logout/ goes through allauth too (config/urls.py).
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
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
# security.middleware.TrustedProxyMiddleware puts the client's address as the
# proxies saw it in REMOTE_ADDR; everything after it (django-axes, the audit log,
# the counting of refused attempts) reads only REMOTE_ADDR, never X-Forwarded-For.
SECURITY_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = 0
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
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
    # The language switcher names each language in itself.
    ("en", pgettext_lazy("language in itself", "English")),
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
# Two caches, so that page content can never evict security state:
# - "default" keeps the security state: sessions (kept in the database and read
#   through this cache, so a Redis restart logs nobody out), django-allauth's login
#   rate limits and the used one-time codes (allauth always uses "default"), and
#   Wagtail's own small lookups. Its Redis runs with maxmemory-policy noeviction
#   (docs/deployment.md, deploy/redis/): every key it holds expires by itself.
# - "pages" keeps the public-page cache and the values derived from it
#   (protocols_registry.public_cache); its Redis may evict (allkeys-lru).
# django-axes keeps its lockouts in the database. With REDIS_URL every app server
# shares both; REDIS_PAGE_CACHE_URL must then name a Redis server of its own (a
# Redis database number on the same server shares its memory limit and eviction
# policy). Without Redis each process has its own memory caches (`make run`).
REDIS_URL = env_str("REDIS_URL")
REDIS_PAGE_CACHE_URL = env_str("REDIS_PAGE_CACHE_URL")
# A Redis that stops answering (a network partition, a stalled host) costs each
# request this long, once (see public_cache.cache_unavailable), instead of redis-py's
# 5 s per call. A healthy one answers in a millisecond.
_REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if REDIS_URL:
    if not REDIS_PAGE_CACHE_URL or REDIS_PAGE_CACHE_URL == REDIS_URL:
        raise ImproperlyConfigured(
            "REDIS_URL is set: set REDIS_PAGE_CACHE_URL to another Redis for the "
            "public-page cache (docs/deployment.md, Redis)."
        )
    _KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "protocolregister")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _KEY_PREFIX,
            "TIMEOUT": 300,
            "OPTIONS": _REDIS_OPTIONS,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_PAGE_CACHE_URL,
            "KEY_PREFIX": _KEY_PREFIX,
            "TIMEOUT": 300,
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "protocol-registry",
            # Far more than one process's logins will fill: culling would drop
            # used one-time codes.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "protocol-registry-pages",
            "OPTIONS": {"MAX_ENTRIES": 5_000},
        },
    }
PROTOCOLS_REGISTRY_CACHE_ALIAS = "pages"

# --- HTTP cache in front (Varnish, deploy/varnish/default.vcl) -----------------------
# VARNISH_URLS: the address of each Varnish server's listener the app servers may
# purge, comma-separated (http://127.0.0.1:6081). With it, public pages answer
# "Cache-Control: public, max-age=0, s-maxage=HTTP_CACHE_SECONDS" and Wagtail's
# frontend_cache purges exactly the changed addresses (protocols_registry.
# frontend_cache). Without it (`make run`) nothing is purged and pages say
# "public, no-cache": the site works uncached.
VARNISH_URLS = env_list("VARNISH_URLS", [])
if VARNISH_URLS:
    WAGTAILFRONTENDCACHE = {
        f"varnish{number}": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": url,
        }
        for number, url in enumerate(VARNISH_URLS, start=1)
    }
# HTTP_CACHE_SECONDS alone: pages marked shareable without purging (the benchmark,
# whose own process purges).
PROTOCOLS_REGISTRY_SHARED_CACHE_SECONDS = env_int(
    "HTTP_CACHE_SECONDS", 3600 if VARNISH_URLS else 0
)

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
# Master keys wrap the data key of every encrypted payload and worklist row; the
# pseudonym key keys the pseudonyms; the signing key signs deletion evidence. Keep
# them outside the database, out of git and out of backups of the database.
# `make run` creates development keys under var/keys/.
EXCHANGES_MASTER_KEYS = env_str("EXCHANGES_MASTER_KEYS")
EXCHANGES_MASTER_KEY_FILE = env_str(
    "EXCHANGES_MASTER_KEY_FILE", str(VAR_DIR / "keys" / "master.keys")
)
EXCHANGES_SIGNING_KEY_FILE = env_str(
    "EXCHANGES_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "signing.pem")
)
# The audit log's signed tree heads (docs/transparency.md): the key that signs them,
# the log's name, and the places outside the database that keep a copy of each.
EXCHANGES_AUDIT_LOG_KEY_FILE = env_str(
    "EXCHANGES_AUDIT_LOG_KEY_FILE", str(VAR_DIR / "keys" / "audit-log.pem")
)
EXCHANGES_AUDIT_LOG_ORIGIN = env_str("EXCHANGES_AUDIT_LOG_ORIGIN")
EXCHANGES_AUDIT_HEAD_DIR = env_str(
    "EXCHANGES_AUDIT_HEAD_DIR", str(VAR_DIR / "audit-heads") if DEBUG else ""
)
if env_str("EXCHANGES_AUDIT_HEAD_BUCKET"):
    EXCHANGES_AUDIT_HEAD_BUCKET = {
        "bucket": env_str("EXCHANGES_AUDIT_HEAD_BUCKET"),
        "prefix": env_str("EXCHANGES_AUDIT_HEAD_PREFIX", "audit-heads/"),
        "retention_days": env_int("EXCHANGES_AUDIT_HEAD_RETENTION_DAYS", 3650),
        "endpoint_url": env_str("EXCHANGES_AUDIT_HEAD_ENDPOINT_URL"),
        "region_name": env_str("EXCHANGES_AUDIT_HEAD_REGION"),
    }
# The pseudonym key (HMAC of national register numbers): its own key, not SECRET_KEY.
EXCHANGES_PSEUDONYM_KEY = env_str("EXCHANGES_PSEUDONYM_KEY")
EXCHANGES_PSEUDONYM_KEY_FILE = env_str(
    "EXCHANGES_PSEUDONYM_KEY_FILE", str(VAR_DIR / "keys" / "pseudonym.key")
)
# --- Background tasks (Django's tasks framework, the django-tasks backport) ---------
# Wagtail's own tasks (reference and search index) stay immediate, as they were.
# The register PDF and XLSX are built by the "documents" backend: the task queue in
# the database, emptied by `manage.py db_worker --backend documents`
# (deploy/systemd/protocol-registry-worker.service). DJANGO_DOCUMENT_TASKS=immediate
# builds them in the request instead: the default with DEBUG on (make run, no worker).
# Wagtail 8.0 queues its tasks through the backport even on Django 6, whose built-in
# framework (django.tasks) runs the register builds: "default" stays the backport's,
# "documents" is the framework's that protocols_registry.register_builds uses.
_IMMEDIATE_TASKS = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
_IMMEDIATE_DOCUMENT_TASKS = {"BACKEND": IMMEDIATE_TASK_BACKEND}
TASKS = {
    "default": _IMMEDIATE_TASKS,
    "documents": (
        _IMMEDIATE_DOCUMENT_TASKS
        if env_str("DJANGO_DOCUMENT_TASKS", "immediate" if DEBUG else "database")
        == "immediate"
        else {"BACKEND": "django_tasks_db.DatabaseBackend"}
    ),
}
PROTOCOLS_REGISTRY_DOCUMENT_TASK_BACKEND = "documents"

PROTOCOLS_REGISTRY_ORGANISATION_NAME = env_str(
    "PROTOCOLS_REGISTRY_ORGANISATION_NAME", "OCMW Gent"
)

# Words a password must not rest on (security/passwords.py): Dutch and local words
# zxcvbn does not know, and the names of this site and its organisation.
PASSWORD_EXTRA_DICTIONARY = predictable_words(
    PROTOCOLS_REGISTRY_ORGANISATION_NAME, WAGTAIL_SITE_NAME
)

# --- E-mail (password reset) --------------------------------------------------------
smtp_email_backend = "django.core.mail.backends.smtp.EmailBackend"
email_backend = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else smtp_email_backend,
)
smtp_options = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 587),
    "username": env_str("EMAIL_HOST_USER"),
    "password": env_str("EMAIL_HOST_PASSWORD"),
    "use_tls": env_bool("EMAIL_USE_TLS", True),
}
if hasattr(mail, "mailers"):
    # Django 6.1 replaces the EMAIL_* settings by MAILERS (the old ones warn and go in
    # Django 2028, and may not stand beside MAILERS). Same environment variables.
    MAILERS = {
        "default": {
            "BACKEND": email_backend,
            # Other backends (console, a test's locmem) refuse the SMTP options.
            "OPTIONS": smtp_options if email_backend == smtp_email_backend else {},
        }
    }
else:
    EMAIL_BACKEND = email_backend
    EMAIL_HOST = smtp_options["host"]
    EMAIL_PORT = smtp_options["port"]
    EMAIL_HOST_USER = smtp_options["username"]
    EMAIL_HOST_PASSWORD = smtp_options["password"]
    EMAIL_USE_TLS = smtp_options["use_tls"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "protocolregister@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Operators who get alerts (a broken audit chain): "name@example.org,other@example.org".
# Django 6 takes plain addresses and deprecates the (name, address) pairs 5.2 needs.
ADMINS = [
    address if django.VERSION >= (6, 0) else (address, address)
    for address in env_list("DJANGO_ADMINS")
]

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
        "django.tasks": {"level": "WARNING"},
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
