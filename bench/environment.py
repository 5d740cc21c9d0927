"""Everything that must exist before Django starts: a temporary var/ folder, the
database (dropped and created afresh), the cache, and the environment variables
that bench.settings, the payload probe and the gunicorn servers all read.

Only PostgreSQL databases whose name starts with ``pr_bench`` are ever dropped.
"""

import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/pr_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
# The public-page cache's (production: a Redis server of its own, see
# docs/deployment.md; here another database of the same one).
DEFAULT_REDIS_PAGE_CACHE_URL = "redis://127.0.0.1:6379/6"
CACHE_KEY_PREFIX = "pr_bench"
PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Environment:
    workdir: Path
    var_dir: Path
    database_url: str  # "" for SQLite
    redis_url: str  # "" for the per-process memory cache
    bare_file: Path

    @property
    def vendor(self):
        return "postgresql" if self.database_url else "sqlite"

    def child_env(self, **extra):
        """The environment of a subprocess that must see the same site."""
        env = dict(os.environ)
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def cleanup(self, keep=False):
        if self.redis_url:
            clear_redis(self.redis_url)
            clear_redis(DEFAULT_REDIS_PAGE_CACHE_URL)
        if not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _reachable(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _postgres_parts(url):
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"--database-url must be a PostgreSQL URL, not {url!r}.")
    if not name.startswith("pr_bench"):
        # The benchmark drops the database it is given: never anything else.
        raise SystemExit(
            f"Refusing database {name!r}: its name must start with pr_bench."
        )
    return parsed, name


def recreate_postgres(url):
    """DROP and CREATE the benchmark database (connecting to the 'postgres' one)."""
    import psycopg

    parsed, name = _postgres_parts(url)
    conninfo = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "dbname": "postgres",
        "connect_timeout": 5,
    }
    if parsed.password:
        conninfo["password"] = parsed.password
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def clear_redis(url):
    """Delete this benchmark's keys only (its own prefix in its own db)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=5)
        keys = list(client.scan_iter(match=f"{CACHE_KEY_PREFIX}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    except redis.RedisError:
        pass


def prepare(database_url=None, force_sqlite=False, use_redis=True, fresh=True):
    """Create the folders and the database; set the environment. Call before
    django.setup(). ``fresh=False`` keeps a PostgreSQL database as it is."""
    workdir = Path(tempfile.mkdtemp(prefix="pr-bench-"))
    var_dir = workdir / "var"
    var_dir.mkdir()
    (var_dir / "static").mkdir()  # STATIC_ROOT; whitenoise warns when it is missing
    if force_sqlite:
        database_url = ""
    elif database_url is None:
        database_url = DEFAULT_POSTGRES_URL if _reachable("127.0.0.1", 5432) else ""
    if database_url and fresh:
        recreate_postgres(database_url)
    elif database_url:
        _postgres_parts(database_url)  # the same pr_bench name rule

    redis_url = ""
    if use_redis and _reachable("127.0.0.1", 6379):
        redis_url = DEFAULT_REDIS_URL
        clear_redis(redis_url)
        clear_redis(DEFAULT_REDIS_PAGE_CACHE_URL)

    env = Environment(
        workdir=workdir,
        var_dir=var_dir,
        database_url=database_url,
        redis_url=redis_url,
        bare_file=workdir / "bare.html",
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DJANGO_VAR_DIR"] = str(var_dir)
    os.environ["BENCH_BARE_FILE"] = str(env.bare_file)
    os.environ["BENCH_PAGE_CACHE"] = "1"
    # Explicit, so a value in the caller's shell cannot point elsewhere.
    os.environ["EXCHANGES_MASTER_KEY_FILE"] = str(var_dir / "keys" / "master.keys")
    os.environ["EXCHANGES_SIGNING_KEY_FILE"] = str(var_dir / "keys" / "signing.pem")
    os.environ["EXCHANGES_PSEUDONYM_KEY_FILE"] = str(var_dir / "keys" / "pseudonym.key")
    os.environ.pop("EXCHANGES_MASTER_KEYS", None)
    os.environ.pop("EXCHANGES_PSEUDONYM_KEY", None)
    os.environ.pop("S3_BUCKET", None)
    os.environ.pop("DJANGO_MEDIA_ROOT", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        os.environ["REDIS_PAGE_CACHE_URL"] = DEFAULT_REDIS_PAGE_CACHE_URL
        os.environ["CACHE_KEY_PREFIX"] = CACHE_KEY_PREFIX
    else:
        os.environ.pop("REDIS_URL", None)
        os.environ.pop("REDIS_PAGE_CACHE_URL", None)
    return env
