"""Settings for the benchmark: the real settings module with benchmark values.

Like tests/settings.py, required variables get a default *before* the import, so
production's start-up checks pass without weakening them. DEBUG stays off: the
numbers must describe the production configuration.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
if "DJANGO_VAR_DIR" not in os.environ:  # a folder only when none is given
    os.environ["DJANGO_VAR_DIR"] = tempfile.mkdtemp(prefix="pr-bench-var-")
# Measured like production: never in development mode, whatever the shell says.
os.environ["DJANGO_DEBUG"] = "0"

from config.settings import *  # noqa: E402, F403

DEBUG = False
ROOT_URLCONF = "bench.urls"

# Logins are not measured; MD5 keeps creating the benchmark users instant.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303

# Static files straight from the apps' folders (no collectstatic in a throw-away
# run; the manifest storage would refuse every {% static %}). No autorefresh: that
# would rescan on every request, which production never does.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The public-page cache can only be switched from the environment here, so that
# the two gunicorn runs (cache on, cache off) share everything else.
PROTOCOLS_REGISTRY_CACHE_SECONDS = (
    300 if os.environ.get("BENCH_PAGE_CACHE", "1") != "0" else 0
)

# The rendered protocol texts (protocols_registry.fragment_cache), on unless a
# server is started to show what a page costs without them.
PROTOCOLS_REGISTRY_FRAGMENT_CACHE_SECONDS = (
    24 * 3600 if os.environ.get("BENCH_FRAGMENT_CACHE", "1") != "0" else 0
)

# The bytes /bench/bare/ answers with (a copy of the protocol detail page).
BENCH_BARE_FILE = os.environ.get("BENCH_BARE_FILE", "")
