"""Settings for the test suite: the real settings module with test-only values.

The environment decides the database exactly as in production (DATABASE_URL for
PostgreSQL, SQLite otherwise), so the same suite runs on both.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
# ".localhost": the demo's sites on their own host names (ocmw.localhost, ...).
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,.localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault(
    "DJANGO_VAR_DIR", tempfile.mkdtemp(prefix="protocol-registry-test-")
)

from config.settings import *  # noqa: E402, F403
from config.settings import IMMEDIATE_TASK_BACKEND  # noqa: E402

# Hashing with Argon2 on every test login would make the suite slow; the production
# hasher list is asserted separately against config.settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303

DEMO_MODE = True

# Serve static files from the apps' folders, as in development: tests do not run
# collectstatic, and the manifest storage would refuse unknown files.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The register documents are built in the request by default (the tests that read
# an export get the file at once); test_register_builds switches to "database", the
# real queue in the database, and runs its worker.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "documents": {"BACKEND": IMMEDIATE_TASK_BACKEND},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
