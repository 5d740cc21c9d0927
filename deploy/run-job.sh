#!/usr/bin/env bash
# Run one management command with the site's environment, for cron:
#   deploy/run-job.sh enforce_retention
# ENV_FILE (default /etc/protocol-registry/env) holds the site's variables.
set -euo pipefail
INSTALL_DIR="${INSTALL_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
ENV_FILE="${ENV_FILE:-/etc/protocol-registry/env}"
if [[ -r "$ENV_FILE" ]]; then
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
fi
cd "$INSTALL_DIR"
exec "${PYTHON:-$INSTALL_DIR/.venv/bin/python}" manage.py "$@"
