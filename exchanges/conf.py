"""Settings the exchanges app reads, with their defaults (listed in docs/extension.md)."""

from pathlib import Path

from django.conf import settings

DEFAULTS = {
    # Master keys that wrap the per-file data keys. Either EXCHANGES_MASTER_KEYS (a
    # string "id:base64key[,id:base64key…]", first one active — usually from the
    # environment) or a key file with one "id:base64key" per line, first one active.
    # Never in the database, never in git.
    "EXCHANGES_MASTER_KEYS": "",
    "EXCHANGES_MASTER_KEY_FILE": "",
    # Ed25519 key that signs deletion evidence and certificates (PEM, PKCS#8).
    "EXCHANGES_SIGNING_KEY_FILE": "",
    # Storage alias (settings.STORAGES) for encrypted payloads.
    "EXCHANGES_PAYLOAD_STORAGE": "default",
    # Folder inside that storage.
    "EXCHANGES_PAYLOAD_PREFIX": "exchanges/payloads",
    # Plaintext bytes per encrypted chunk: memory use is about two chunks.
    "EXCHANGES_CHUNK_SIZE": 1024 * 1024,
    # Largest payload accepted, in bytes.
    "EXCHANGES_MAX_PAYLOAD_SIZE": 200 * 1024 * 1024,
    # Kinds of file an upload link accepts by default (see exchanges.filetypes).
    "EXCHANGES_ALLOWED_TYPES": ["csv", "xlsx", "pdf"],
    # Hours an upload link stays valid by default, and the longest allowed.
    "EXCHANGES_UPLOAD_LINK_HOURS": 72,
    "EXCHANGES_UPLOAD_LINK_MAX_HOURS": 24 * 14,
    # Where ciphertext is written while an upload arrives (never plaintext).
    "EXCHANGES_UPLOAD_TEMP_DIR": None,
    # Template the public upload pages extend (blocks "title" and "content").
    "EXCHANGES_BASE_TEMPLATE": "base.html",
    # Name of the installation on deletion certificates.
    "EXCHANGES_INSTALLATION_NAME": "",
}


def get_setting(name):
    return getattr(settings, name, DEFAULTS[name])


def key_file_setting(name):
    value = get_setting(name)
    return Path(value) if value else None
