"""Settings of a minimal host site: its own root page type, its own base template,
no config/ and no home/ of the Protocol Registry project."""

import base64
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core import mail

BASE_DIR = Path(__file__).resolve().parent
STATE = Path(os.environ.get("HOST_STATE_DIR") or tempfile.mkdtemp(prefix="host-site-"))

SECRET_KEY = "host-site-test-key-" + "x" * 40  # noqa: S105 - test settings only
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]

INSTALLED_APPS = [
    "hostsite",
    # The extension, in this order: exchanges builds on protocols_registry, the
    # breach register on both.
    "protocols_registry",
    "exchanges",
    "breaches",
    # What the extension needs from Wagtail and Django.
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "simple_history",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hostproject.urls"
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
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(STATE / "host.sqlite3")}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
LANGUAGE_CODE = "nl-be"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
STATIC_URL = "/static/"
MEDIA_ROOT = STATE / "media"
MEDIA_URL = "/bestanden/"
WAGTAIL_SITE_NAME = "Gemeente Proefdorp"
WAGTAILADMIN_BASE_URL = "http://localhost"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The extension mails (breach notices, workflow steps): from Django 6.1 on a site names
# its mailer, or every mail warns that Django 2028 will have no default one.
if hasattr(mail, "mailers"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}

# The extension's settings (all optional; docs/extension.md lists their defaults).
PROTOCOLS_REGISTRY_BASE_TEMPLATE = "host_base.html"
PROTOCOLS_REGISTRY_ORGANISATION_NAME = "Gemeente Proefdorp"
PROTOCOLS_REGISTRY_URI_BASE = "https://data.proefdorp.example/id/"
EXCHANGES_BASE_TEMPLATE = "host_base.html"
EXCHANGES_MASTER_KEYS = "host1:" + base64.b64encode(os.urandom(32)).decode()
EXCHANGES_PSEUDONYM_KEY = base64.b64encode(os.urandom(32)).decode()
EXCHANGES_SIGNING_KEY_FILE = str(STATE / "signing.pem")
