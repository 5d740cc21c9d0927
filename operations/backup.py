"""Back up and restore the whole site: database, stored files and (apart) the keys.

A backup is a folder ``<timestamp>/`` with the database dump, a copy of every stored
file under ``files/<storage alias>/`` and ``manifest.json`` listing each with its size
and SHA-256. The keys never go in it: a backup holds the payloads' ciphertext and
their wrapped data keys, so a backup and the master key together are the plaintext.
``--keys-to`` copies the keys to a separate folder, ``<timestamp>/`` as well.

Files are copied only through Django's storage API (listdir, open, save), so the same
code works for the local file system and for S3.
"""

import datetime
import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from exchanges import crypto, signing
from exchanges.conf import get_setting, key_file_setting

FORMAT = 1
MANIFEST = "manifest.json"
KEYS_MANIFEST = "keys-manifest.json"
MASTER_KEYS = "master.keys"
SIGNING_KEY = "signing.pem"
# Not needed to read anything back; needed to recompute a person's pseudonym, e.g. to
# answer their question whether they were in a transfer.
PSEUDONYM_KEY = "pseudonym.key"
# Signs the audit log's heads; without it a restored site cannot sign new ones.
AUDIT_LOG_KEY = "audit-log.pem"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# Written under this name and renamed when complete, so that an interrupted backup is
# never taken for a good one (and deploy/backup.sh expires it like the others).
PARTIAL = ".partial"


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""


# --- small helpers --------------------------------------------------------------------


def _timestamp():
    return timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _private_dir(path):
    """A folder only the owner can enter: backups hold personal data."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _private_file(path):
    """A new file (never an existing one) readable by the owner only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _storage_sha256(storage, name):
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def _local_path(root, alias, name):
    """Where stored file ``name`` of storage ``alias`` lives in a backup. Names come
    from the manifest on restore: a ``..`` must not lead outside the folder."""
    parts = PurePosixPath(name).parts
    if (
        not parts
        or PurePosixPath(name).is_absolute()
        or ".." in parts
        or "/" in alias
        or alias in ("", ".", "..")
    ):
        raise BackupError(f"Refusing the unsafe file name {alias}:{name!r}.")
    return Path(root, "files", alias, *parts)


def _write_json(path, content):
    with _private_file(path) as handle:
        handle.write(json.dumps(content, indent=2, sort_keys=True).encode() + b"\n")


def _read_json(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist: not a backup folder.") from None
    except ValueError:
        raise BackupError(f"{path} is not valid JSON.") from None


def human_size(size):
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return ""  # not reached


# --- what to copy ---------------------------------------------------------------------


def storages_to_copy():
    """(alias, storage, folder) of every storage with site files.

    The payloads usually live in the default storage; only a separate payload
    storage is copied as well, and then only the payloads' folder of it.
    """
    default = storages["default"]
    copies = [("default", default, "")]
    alias = get_setting("EXCHANGES_PAYLOAD_STORAGE")
    if alias != "default" and storages[alias] is not default:
        copies.append((alias, storages[alias], get_setting("EXCHANGES_PAYLOAD_PREFIX")))
    return copies


def walk(storage, folder=""):
    """Every file name below ``folder`` of a storage (recursive listdir)."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever stored there
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(dirs):
        yield from walk(storage, posixpath.join(folder, name) if folder else name)


def key_files():
    """(name in the key folder, setting, path or None, environment value or None)."""
    env_keys = get_setting("EXCHANGES_MASTER_KEYS")
    pseudonym_key = get_setting("EXCHANGES_PSEUDONYM_KEY")
    return [
        (
            MASTER_KEYS,
            "EXCHANGES_MASTER_KEYS" if env_keys else "EXCHANGES_MASTER_KEY_FILE",
            None if env_keys else key_file_setting("EXCHANGES_MASTER_KEY_FILE"),
            env_keys or None,
        ),
        (
            SIGNING_KEY,
            "EXCHANGES_SIGNING_KEY_FILE",
            key_file_setting("EXCHANGES_SIGNING_KEY_FILE"),
            None,
        ),
        (
            AUDIT_LOG_KEY,
            "EXCHANGES_AUDIT_LOG_KEY_FILE",
            key_file_setting("EXCHANGES_AUDIT_LOG_KEY_FILE"),
            None,
        ),
        (
            PSEUDONYM_KEY,
            "EXCHANGES_PSEUDONYM_KEY"
            if pseudonym_key
            else "EXCHANGES_PSEUDONYM_KEY_FILE",
            None if pseudonym_key else key_file_setting("EXCHANGES_PSEUDONYM_KEY_FILE"),
            pseudonym_key or None,
        ),
    ]


def _storage_path(storage, name):
    try:
        return Path(storage.path(name)).resolve()
    except NotImplementedError:  # object storage: no local path, no key inside it
        return None


# --- the database ---------------------------------------------------------------------


def _pg_args_env(settings_dict):
    """Connection options for pg_dump/pg_restore. The password goes in the
    environment: a command line is visible to every user of the machine."""
    args, env = [], {}
    for option, value in (
        ("--host", settings_dict.get("HOST")),
        ("--port", settings_dict.get("PORT")),
        ("--username", settings_dict.get("USER")),
    ):
        if value:
            args += [option, str(value)]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    options = settings_dict.get("OPTIONS", {})
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
        ("passfile", "PGPASSFILE"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run_pg(program, args, env):
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed (Debian: postgresql-client).")
    # A list of arguments, no shell: names and paths cannot inject anything.
    result = subprocess.run(  # noqa: S603
        [executable, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-2000:]}")


def dump_database(path):
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_args_env(settings_dict)
        _private_file(path).close()  # pg_dump keeps the owner-only mode
        _run_pg(
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                f"--file={path}",
                *args,
                f"--dbname={settings_dict['NAME']}",
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        # The online backup API copies a consistent snapshot while the site writes.
        connection.ensure_connection()
        _private_file(path).close()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
            # A self-contained file: no -wal beside it holding the last pages.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    else:
        raise BackupError(
            f"Backing up a {connection.vendor} database is not supported."
        )


def restore_database(path):
    settings_dict = connection.settings_dict
    connection.close()
    if connection.vendor == "postgresql":
        args, env = _pg_args_env(settings_dict)
        # One transaction: a failure leaves the database empty, ready for a rerun.
        # The audit table's append-only trigger is created after its data.
        _run_pg(
            "pg_restore",
            [
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                *args,
                f"--dbname={settings_dict['NAME']}",
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        target = Path(settings_dict["NAME"])
        if not _sqlite_file_is_empty(target):
            raise BackupError(f"{target} is not empty: restore into a new file.")
        temporary = target.with_name(target.name + ".restoring")
        shutil.copyfile(path, temporary)
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    else:
        raise BackupError(f"Restoring a {connection.vendor} database is not supported.")


def _sqlite_file_is_empty(path):
    """No file, or a file without a single table, index or view. Merely opening the
    database (the emptiness check does) writes a header page for WAL mode, so the
    size alone says nothing. A leftover journal would be replayed into the restored
    file: that counts as not empty too."""
    for journal in (Path(f"{path}-wal"), Path(f"{path}-journal")):
        if journal.exists() and journal.stat().st_size > 0:
            return False
    if not path.exists() or path.stat().st_size == 0:
        return True
    database = sqlite3.connect(path)
    try:
        return database.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        database.close()


def database_is_empty():
    return not connection.introspection.table_names()


def _migration_state():
    """The latest applied migration of each app: tells which code can restore it."""
    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _audit_head():
    from exchanges.models import AuditEvent

    head = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    return (
        {"last_sequence": head["sequence"], "last_hash": head["hash"]} if head else None
    )


def _master_key_ids_in_use():
    """Every master key a row of the backup needs: payloads, worklist rows and any
    other model registered in exchanges.keyring."""
    from exchanges import keyring

    return keyring.key_ids_in_use()


# --- backup ---------------------------------------------------------------------------


@dataclass
class BackupResult:
    folder: Path
    database_size: int
    file_count: int
    file_size: int
    keys_folder: Path | None = None
    key_locations: list = field(default_factory=list)
    vanished: int = 0


def create_backup(to, keys_to=None):
    to = Path(to).resolve()
    keys_to = Path(keys_to).resolve() if keys_to else None
    if keys_to and (keys_to == to or to in keys_to.parents or keys_to in to.parents):
        raise BackupError("--keys-to must be a folder apart from --to, not inside it.")
    stamp = _timestamp()
    final = to / stamp
    partial = to / (stamp + PARTIAL)
    if final.exists() or partial.exists():
        raise BackupError(f"{final} already exists: wait a second and run again.")
    _private_dir(to)
    partial.mkdir(mode=0o700)
    try:
        manifest, vanished = _write_backup(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)  # personal data: leave no half copy
        raise
    os.rename(partial, final)

    result = BackupResult(
        folder=final,
        database_size=manifest["database"]["size"],
        file_count=len(manifest["files"]),
        file_size=sum(item["size"] for item in manifest["files"]),
        vanished=vanished,
    )
    if keys_to:
        result.keys_folder = backup_keys(keys_to / stamp, stamp)
    else:
        result.key_locations = [
            f"{setting}: {path if path else 'the environment variable'}"
            + ("" if value or (path and path.exists()) else " (MISSING)")
            for _name, setting, path, value in key_files()
        ]
    return result


def _write_backup(folder):
    """Dump the database and copy the files into ``folder``; write the manifest."""
    created_at = timezone.now()
    # Read before the dump, so the dump holds at least this event and these keys.
    audit_head = _audit_head()
    key_ids = _master_key_ids_in_use()
    migrations = _migration_state()
    vendor = connection.vendor
    dump_name = DUMP_NAMES.get(vendor, "database.dump")
    # The database first, then the files: a file stored meanwhile is merely extra,
    # whereas files first would let the dump name files the backup lacks.
    dump_database(folder / dump_name)
    files, vanished = _copy_files(folder)
    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(timespec="seconds"),
        "django": django.get_version(),
        "database": {
            "vendor": vendor,
            "file": dump_name,
            "size": (folder / dump_name).stat().st_size,
            "sha256": _sha256(folder / dump_name),
        },
        "migrations": migrations,
        "audit": audit_head,
        "master_key_ids_in_use": key_ids,
        "files": files,
    }
    _write_json(folder / MANIFEST, manifest)
    return manifest, vanished


def _copy_files(folder):
    """Copy every stored file to folder/files/<alias>/<name>, hashing on the way."""
    key_paths = {path.resolve() for _n, _s, path, _v in key_files() if path}
    files, vanished = [], 0
    for alias, storage, prefix in storages_to_copy():
        for name in walk(storage, prefix):
            if _storage_path(storage, name) in key_paths:
                raise BackupError(
                    f"A key file lies inside storage {alias!r} ({name}): move the "
                    "keys out of the media folder, they must not be in backups."
                )
            target = _local_path(folder, alias, name)
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            try:
                with storage.open(name, "rb") as source, _private_file(target) as sink:
                    for chunk in source.chunks():
                        digest.update(chunk)
                        size += len(chunk)
                        sink.write(chunk)
            except FileNotFoundError:
                # Deleted since listdir (retention ran meanwhile): rightly left out.
                target.unlink(missing_ok=True)
                vanished += 1
                continue
            files.append(
                {
                    "storage": alias,
                    "name": name,
                    "size": size,
                    "sha256": digest.hexdigest(),
                }
            )
    return files, vanished


def backup_keys(folder, stamp):
    """Copy the key material to ``folder`` (owner-only), with its own manifest."""
    folder = Path(folder)
    if folder.exists():
        raise BackupError(f"{folder} already exists.")
    _private_dir(folder.parent)
    folder.mkdir(mode=0o700)
    entries = []
    for name, setting, path, value in key_files():
        if value is not None:
            content = "\n".join(value.replace(",", "\n").split()).encode() + b"\n"
        elif path is not None and path.is_file():
            content = path.read_bytes()
        else:
            raise BackupError(f"{setting} names no existing key file ({path}).")
        with _private_file(folder / name) as handle:
            handle.write(content)
        entries.append(
            {
                "name": name,
                "setting": setting,
                "original_path": str(path) if path else None,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )
    _write_json(
        folder / KEYS_MANIFEST,
        {
            "format": FORMAT,
            "backup": stamp,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "master_key_ids": [key.key_id for key in crypto.load_keyring()],
            "signing_key_id": signing.key_id(),
            "files": entries,
        },
    )
    return folder


# --- restore --------------------------------------------------------------------------


@dataclass
class RestorePlan:
    folder: Path
    manifest: dict
    files_to_copy: list  # manifest entries not yet in their storage
    files_present: int  # identical files already in storage
    keys_manifest: dict | None = None
    keys_to_copy: list = field(default_factory=list)  # (source, target path)


def plan_restore(folder, keys_from=None):
    """Check everything a restore needs, before it changes anything.

    Raises BackupError when the target database is not empty, a file differs from
    the manifest, a file or key would overwrite a different one, or the keys the
    payloads need are missing. Returns what apply_restore() will do.
    """
    folder = Path(folder).resolve()
    manifest = _read_json(folder / MANIFEST)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup holds a {vendor} database; this site uses {connection.vendor}."
        )
    if not database_is_empty():
        raise BackupError(
            "The target database is not empty. Create a new, empty database, point "
            "the site at it and run the restore again. Nothing was changed."
        )
    _check_code_is_new_enough(manifest["migrations"])

    # Every byte is checked before anything is restored: all or nothing.
    _verify(folder / manifest["database"]["file"], manifest["database"])
    for entry in manifest["files"]:
        _verify(_local_path(folder, entry["storage"], entry["name"]), entry)

    files_to_copy, files_present = [], 0
    for entry in manifest["files"]:
        if entry["storage"] not in storages.backends:
            raise BackupError(f"This site has no storage {entry['storage']!r}.")
        storage = storages[entry["storage"]]
        if storage.exists(entry["name"]):
            if _storage_sha256(storage, entry["name"]) != entry["sha256"]:
                raise BackupError(
                    f"{entry['storage']}:{entry['name']} already exists with other "
                    "content; refusing to overwrite it. Nothing was changed."
                )
            files_present += 1
        else:
            files_to_copy.append(entry)

    plan = RestorePlan(folder, manifest, files_to_copy, files_present)
    if keys_from:
        _plan_keys(plan, Path(keys_from).resolve())
    _check_keys_available(plan)
    return plan


def _verify(path, entry):
    if not path.is_file():
        raise BackupError(f"{path} is missing from the backup. Nothing was changed.")
    if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
        raise BackupError(
            f"{path} does not match its SHA-256 in the manifest (damaged or "
            "tampered with). Nothing was changed."
        )


def _check_code_is_new_enough(migrations):
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "The backup was made by newer code (unknown migrations: "
            f"{', '.join(unknown)}). Install that version first. Nothing was changed."
        )


def _plan_keys(plan, keys_from):
    keys_manifest = _read_json(keys_from / KEYS_MANIFEST)
    targets = {name: path for name, _s, path, _v in key_files()}
    for entry in keys_manifest["files"]:
        source = keys_from / entry["name"]
        _verify(source, entry)
        target = targets.get(entry["name"])
        if target is None:
            continue  # master keys come from the environment here (checked below)
        if target.exists():
            if _sha256(target) != entry["sha256"]:
                raise BackupError(
                    f"{target} exists and differs from the key in {keys_from}; "
                    "refusing to overwrite a key. Nothing was changed."
                )
            continue
        plan.keys_to_copy.append((source, target))
    plan.keys_manifest = keys_manifest


def _check_keys_available(plan):
    """Without the master keys the restored payloads are unreadable; without the
    signing key enforce_retention cannot write deletion evidence."""
    copying = {target for _source, target in plan.keys_to_copy}
    names = {name: path for name, _s, path, _v in key_files()}
    if plan.keys_manifest and names[MASTER_KEYS] is not None:
        available = set(plan.keys_manifest["master_key_ids"])
    else:
        try:
            available = {key.key_id for key in crypto.load_keyring()}
        except crypto.KeyringError:
            available = set()
    missing = sorted(set(plan.manifest["master_key_ids_in_use"]) - available)
    if missing:
        raise BackupError(
            f"The master key(s) {', '.join(missing)} that the backed-up files need "
            "are not available: pass --keys-from with the key backup of this date "
            "(or set EXCHANGES_MASTER_KEYS). Nothing was changed."
        )
    signing_path = names[SIGNING_KEY]
    if not signing_path or not (signing_path.exists() or signing_path in copying):
        raise BackupError(
            "No signing key: enforce_retention could not sign deletion evidence "
            "after the restore. Pass --keys-from. Nothing was changed."
        )


def apply_restore(plan):
    """Restore the database, then the files, then the keys. The database goes first
    because it is the step most likely to fail, and it fails whole."""
    restore_database(plan.folder / plan.manifest["database"]["file"])
    for entry in plan.files_to_copy:
        storage = storages[entry["storage"]]
        source = _local_path(plan.folder, entry["storage"], entry["name"])
        with open(source, "rb") as handle:
            saved = storage.save(entry["name"], File(handle, name=entry["name"]))
        if saved != entry["name"]:
            raise BackupError(
                f"Storage {entry['storage']!r} saved {entry['name']} as {saved}."
            )
    for source, target in plan.keys_to_copy:
        _private_dir(target.parent)
        with _private_file(target) as handle:
            handle.write(source.read_bytes())


def check_audit_head(manifest):
    """The event that was the newest when the backup started must be in the
    restored log, unchanged: the chain alone cannot show a cut-off tail."""
    from exchanges.models import AuditEvent

    head = manifest.get("audit")
    if (
        head
        and not AuditEvent.objects.filter(
            sequence=head["last_sequence"], hash=head["last_hash"]
        ).exists()
    ):
        raise BackupError(
            f"Audit event #{head['last_sequence']} of the backup is missing or "
            "changed in the restored database."
        )
