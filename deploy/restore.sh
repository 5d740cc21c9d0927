#!/usr/bin/env bash
# Restore the backup $BACKUP_DIR/<timestamp>/ (and its keys from
# $BACKUP_KEYS_DIR/<timestamp>/ when that is set) into an EMPTY database:
#
#   1. stop the site and its scheduled jobs;
#   2. create an empty database (PostgreSQL: createdb; SQLite: a DJANGO_VAR_DIR
#      without db.sqlite3) and point the site's environment at it;
#   3. deploy/restore.sh 20250101T013000Z          (asks before restoring)
#      deploy/restore.sh 20250101T013000Z --yes    (does not ask)
#   4. start the site once the command reports that enforce_retention ran.
#
# The command checks every file against the manifest first and restores nothing if
# one differs; afterwards it migrates, verifies the audit log and deletes what passed
# its retention date since the backup was made.
set -euo pipefail

INSTALL_DIR="${INSTALL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
PYTHON="${PYTHON:-$INSTALL_DIR/.venv/bin/python}"
: "${BACKUP_DIR:?Set BACKUP_DIR to the folder that holds the backups.}"

if [[ $# -lt 1 || "$1" == -* ]]; then
    echo "Usage: $0 TIMESTAMP [--yes]   (a folder name in $BACKUP_DIR)" >&2
    ls -1 "$BACKUP_DIR" >&2 || true
    exit 2
fi
stamp="$1"
shift

args=(--from "$BACKUP_DIR/$stamp")
if [[ -n "${BACKUP_KEYS_DIR:-}" ]]; then
    args+=(--keys-from "$BACKUP_KEYS_DIR/$stamp")
fi

cd "$INSTALL_DIR"
exec "$PYTHON" manage.py restore_site "${args[@]}" "$@"
