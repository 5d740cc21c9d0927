#!/usr/bin/env bash
# Back up the site (database and stored files) into $BACKUP_DIR/<timestamp>/, the keys
# into $BACKUP_KEYS_DIR/<timestamp>/ when that is set, then expire old backups.
# Run it daily from cron or a systemd timer, as the user the site runs as, e.g.
#   30 1 * * *  BACKUP_DIR=/backup/site BACKUP_KEYS_DIR=/backup-keys/site \
#               /srv/protocol-registry/deploy/backup.sh
# The same environment as the site (DATABASE_URL, S3_*, EXCHANGES_*...) is needed.
#
#   BACKUP_DIR        required; where backups go (never the same media as the keys)
#   BACKUP_KEYS_DIR   optional; where copies of the keys go. Without it, back the keys
#                     up some other way: the backups are unreadable without them.
#   BACKUP_KEEP_DAYS  default 35; backups (and key copies) older than this are deleted
#   INSTALL_DIR       default: the folder above this script (where manage.py is)
#   PYTHON            default: $INSTALL_DIR/.venv/bin/python
set -euo pipefail

INSTALL_DIR="${INSTALL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
PYTHON="${PYTHON:-$INSTALL_DIR/.venv/bin/python}"
: "${BACKUP_DIR:?Set BACKUP_DIR to the folder that receives the backups.}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-35}"
if ! [[ "$BACKUP_KEEP_DAYS" =~ ^[0-9]+$ ]] || (( BACKUP_KEEP_DAYS < 1 )); then
    echo "BACKUP_KEEP_DAYS must be a whole number of days (1 or more)." >&2
    exit 2
fi

args=(--to "$BACKUP_DIR")
if [[ -n "${BACKUP_KEYS_DIR:-}" ]]; then
    args+=(--keys-to "$BACKUP_KEYS_DIR")
fi

cd "$INSTALL_DIR"
# With set -e a failed backup stops here: old backups are only expired after a new
# one succeeded.
"$PYTHON" manage.py backup_site "${args[@]}"

# Expire old backups. This expiry is the erasure window for deleted personal data: a
# transfer deleted today (retention date reached, person contacted) still sits,
# ciphertext and wrapped data key together, in every backup of the last
# BACKUP_KEEP_DAYS days, and is gone for good only when the last of them is deleted
# here. Keep BACKUP_KEEP_DAYS in line with what the DPO promises data subjects.
# Only folders named like backup_site's timestamps are touched (.partial ones are
# interrupted runs); the name, not the file time, says how old a backup is.
cutoff="$(date -u -d "-${BACKUP_KEEP_DAYS} days" +%Y%m%dT%H%M%SZ)"
for root in "$BACKUP_DIR" "${BACKUP_KEYS_DIR:-}"; do
    [[ -n "$root" && -d "$root" ]] || continue
    for folder in "$root"/20??????T??????Z "$root"/20??????T??????Z.partial; do
        [[ -d "$folder" ]] || continue
        stamp="$(basename "$folder")"
        stamp="${stamp%.partial}"
        if [[ "$stamp" < "$cutoff" ]]; then
            rm -rf -- "$folder"
            echo "Expired backup $folder (older than $BACKUP_KEEP_DAYS days)."
        fi
    done
done
