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
    # Key of the pseudonyms that stand for a person in audit events and evidence
    # (HMAC-SHA256): EXCHANGES_PSEUDONYM_KEY (base64 of 32 bytes, usually from the
    # environment) or a file holding that base64 line. Never in the database or git.
    "EXCHANGES_PSEUDONYM_KEY": "",
    "EXCHANGES_PSEUDONYM_KEY_FILE": "",
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
    # The audit log's signed tree heads (exchanges.audit_heads, docs/transparency.md).
    # Ed25519 key (PEM, PKCS#8) that signs them; never in the database.
    "EXCHANGES_AUDIT_LOG_KEY_FILE": "",
    # The log's name in its heads and its key (a schema-less URL, set once and never
    # changed); empty: "<first ALLOWED_HOSTS entry>/audit-log".
    "EXCHANGES_AUDIT_LOG_ORIGIN": "",
    # Folder (ideally on another machine or a write-once mount) that keeps a copy of
    # every signed head; empty: none.
    "EXCHANGES_AUDIT_HEAD_DIR": "",
    # Object storage with S3 Object Lock (compliance mode) that keeps a copy of every
    # head: {"bucket": ..., "prefix": ..., "retention_days": ..., "endpoint_url": ...,
    # "region_name": ...}; credentials come from boto3's usual sources. None: none.
    "EXCHANGES_AUDIT_HEAD_BUCKET": None,
    # The role whose members approve every membership of a role that opens personal
    # data (exchanges.role_grants): the DPO.
    "EXCHANGES_ROLE_APPROVER_GROUP": "DPO",
    # Groups whose members get each head by mail with `publish_audit_head --mail`.
    "EXCHANGES_AUDIT_HEAD_MAIL_GROUPS": ["DPO", "Auditor"],
    # Refused attempts (exchanges.refusals): counted per client in windows of this
    # many seconds, one audit event per window instead of one per attempt; beyond
    # the limit in one window the client gets "429 Too Many Requests".
    "EXCHANGES_REFUSAL_WINDOW_SECONDS": 600,
    "EXCHANGES_REFUSAL_LIMIT": 20,
    # Anonymous clients kept apart in one window; those beyond share one count.
    "EXCHANGES_REFUSAL_CLIENTS_PER_WINDOW": 100,
}


def get_setting(name):
    return getattr(settings, name, DEFAULTS[name])


def key_file_setting(name):
    value = get_setting(name)
    return Path(value) if value else None
