"""Envelope encryption of payloads with AES-256-GCM.

Each file gets a fresh 256-bit data key. The data key is wrapped (encrypted) with the
active master key; only the wrapped key is stored, in the database. The master keys
come from the environment or a key file, never from the database or git. Deleting a
payload destroys its wrapped key, which makes the ciphertext unreadable everywhere,
backups included once they expire (crypto-shredding).

The file is encrypted in chunks (the STREAM construction): each chunk is sealed with
its own 12-byte nonce = 7-byte random prefix || 4-byte chunk counter || 1-byte
"last chunk" flag, and with associated data that binds it to its payload and
transfer. Reordering, truncating, extending or swapping chunks or whole files
therefore fails authentication, and memory stays at about two chunks whatever the
file size.
"""

import base64
import hashlib
import os
import re
import secrets
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from exchanges.conf import get_setting, key_file_setting

MAGIC = b"PRXENC1"
HEADER = struct.Struct(">7sI7s")  # magic, chunk size, nonce prefix
HEADER_SIZE = HEADER.size
TAG_SIZE = 16
NONCE_SIZE = 12
PREFIX_SIZE = 7  # random part of a chunk nonce; 4-byte counter and 1-byte flag follow
KEY_SIZE = 32
KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")  # fits the key_id columns
WRAP_CONTEXT = b"protocol-registry/data-key/v1|"
CHUNK_CONTEXT = b"protocol-registry/payload/v1|"


class DecryptionError(Exception):
    """The ciphertext, its record or the key do not match: tampered or wrong key."""


class KeyringError(ImproperlyConfigured):
    pass


# --- master keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    key: bytes


def _parse_keys(text, source):
    keys = []
    for number, raw in enumerate(text.replace(",", "\n").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key_id, sep, encoded = line.partition(":")
        key_id = key_id.strip()
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except ValueError:
            key = b""
        if not sep or not KEY_ID.fullmatch(key_id) or len(key) != KEY_SIZE:
            raise KeyringError(
                f"{source}, entry {number}: expected 'key-id:base64 of 32 bytes' "
                "(a key id is 1 to 40 letters, digits, '.', '_' or '-')."
            )
        keys.append(MasterKey(key_id, key))
    if not keys:
        raise KeyringError(f"{source} holds no master key.")
    if len({key.key_id for key in keys}) != len(keys):
        raise KeyringError(f"{source} uses a key id twice.")
    return keys


def load_keyring():
    """The master keys, active one first. Raises KeyringError with a clear message."""
    from_env = get_setting("EXCHANGES_MASTER_KEYS")
    if from_env:
        return _parse_keys(from_env, "EXCHANGES_MASTER_KEYS")
    return read_key_file(key_file())


def key_file():
    """The key file the keyring comes from; None when EXCHANGES_MASTER_KEYS sets it
    (then only whoever sets the environment can change the keyring)."""
    if get_setting("EXCHANGES_MASTER_KEYS"):
        return None
    path = key_file_setting("EXCHANGES_MASTER_KEY_FILE")
    if path is None:
        raise KeyringError(
            "No master key: set EXCHANGES_MASTER_KEYS or EXCHANGES_MASTER_KEY_FILE."
        )
    return path


def read_key_file(path):
    try:
        text = Path(path).read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyringError(f"The master key file {path} does not exist.") from None
    return _parse_keys(text, f"The master key file {path}")


def new_master_key():
    return MasterKey("k" + secrets.token_hex(4), os.urandom(KEY_SIZE))


def key_line(key):
    """A keyring entry: ``id:base64 of the 32 key bytes``."""
    return f"{key.key_id}:{base64.b64encode(key.key).decode('ascii')}"


def new_master_key_line():
    return key_line(new_master_key())


def create_key_file(path):
    """Create a key file with one fresh key, readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_master_key_line() + "\n")
    return path


def write_key_file(path, keys):
    """Replace the key file atomically with ``keys`` (MasterKey list, active first)."""
    path = Path(path)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        for key in keys:
            handle.write(key_line(key) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def add_to_key_file(path, key):
    """Append ``key`` as the last, not active, key: servers can read with it before
    any server writes with it."""
    keys = read_key_file(path)
    if any(existing.key_id == key.key_id for existing in keys):
        raise KeyringError(f"The master key file {path} already holds {key.key_id}.")
    write_key_file(path, [*keys, key])


def activate_in_key_file(path, key_id):
    """Move ``key_id`` to the front: new wraps use it from the next request on."""
    keys = read_key_file(path)
    chosen = [key for key in keys if key.key_id == key_id]
    if not chosen:
        raise KeyringError(f"The master key file {path} does not hold {key_id}.")
    write_key_file(path, chosen + [key for key in keys if key.key_id != key_id])


def remove_from_key_file(path, key_id):
    keys = read_key_file(path)
    kept = [key for key in keys if key.key_id != key_id]
    if len(kept) == len(keys):
        raise KeyringError(f"The master key file {path} does not hold {key_id}.")
    if not kept or keys[0].key_id == key_id:
        raise KeyringError(f"{key_id} is the active master key: it cannot be removed.")
    write_key_file(path, kept)


# --- the pseudonym key ----------------------------------------------------------------
# Its own key rather than SECRET_KEY: SECRET_KEY signs sessions, is handed to every
# library that wants one and is rotated for reasons of its own; whoever holds the
# pseudonym key and the database can test a guessed national register number.


def _parse_pseudonym_key(text, source):
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != KEY_SIZE:
        raise KeyringError(f"{source}: expected the base64 of 32 random bytes.")
    return key


def load_pseudonym_key():
    """The 32-byte HMAC key of pseudonyms. Raises KeyringError with a clear message."""
    from_env = get_setting("EXCHANGES_PSEUDONYM_KEY")
    if from_env:
        return _parse_pseudonym_key(from_env, "EXCHANGES_PSEUDONYM_KEY")
    path = key_file_setting("EXCHANGES_PSEUDONYM_KEY_FILE")
    if path is None:
        raise KeyringError(
            "No pseudonym key: set EXCHANGES_PSEUDONYM_KEY or "
            "EXCHANGES_PSEUDONYM_KEY_FILE (manage.py create_keys makes the file)."
        )
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyringError(
            f"The pseudonym key file {path} does not exist (manage.py create_keys "
            "makes it)."
        ) from None
    return _parse_pseudonym_key(text, f"The pseudonym key file {path}")


def create_pseudonym_key_file(path):
    """Create the pseudonym key file (base64 of 32 random bytes), owner-only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(os.urandom(KEY_SIZE)).decode("ascii") + "\n")
    return path


# --- data keys ----------------------------------------------------------------------


def _wrap_aad(payload_id):
    return WRAP_CONTEXT + str(payload_id).encode("ascii")


def random_bytes(size):
    """Every random value of the envelope (data keys, nonce prefixes, wrap nonces)
    comes from here. Only the test vectors replace it, to pin the exact bytes."""
    return os.urandom(size)


def wrap_key(data_key, payload_id, master):
    """nonce (12 bytes) || AES-256-GCM(master, data key, AAD = context || record id)."""
    nonce = random_bytes(NONCE_SIZE)
    return nonce + AESGCM(master.key).encrypt(nonce, data_key, _wrap_aad(payload_id))


def unwrap_key(wrapped, key_id, payload_id, keyring=None):
    keyring = keyring or load_keyring()
    master = next((key for key in keyring if key.key_id == key_id), None)
    if master is None:
        raise DecryptionError(f"Master key {key_id} is not in the keyring.")
    wrapped = bytes(wrapped)
    try:
        return AESGCM(master.key).decrypt(
            wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], _wrap_aad(payload_id)
        )
    except InvalidTag:
        raise DecryptionError("The data key does not belong to this payload.") from None


# --- streaming encryption -------------------------------------------------------------


def chunk_aad(header, payload_id, binding):
    return CHUNK_CONTEXT + header + b"|" + str(payload_id).encode() + b"|" + binding


def _nonce(prefix, counter, last):
    if counter >= 2**32:
        raise ValueError("File too large for this chunk size.")
    nonce = prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")
    if len(nonce) != NONCE_SIZE:  # AESGCM would accept other lengths: refuse them here
        raise ValueError("AES-GCM nonces must be exactly 12 bytes.")
    return nonce


class StreamEncryptor:
    """Encrypt a file chunk by chunk, writing ciphertext to ``sink`` (a binary file).

    Feed plaintext with ``update()`` in pieces of any size, then ``finish()`` (or
    ``close()`` to give up). Keeps SHA-256 of the plaintext and of the ciphertext,
    which the evidence needs. Each sealed chunk is hashed on a helper thread while
    the next one fills and is encrypted: hashlib releases the GIL, so on a second
    core the hashes cost no time (on one core, none extra). Memory stays at two
    chunk buffers, filled in place, whatever the file size.
    """

    def __init__(self, sink, payload_id, binding, chunk_size=None):
        self.sink = sink
        self.payload_id = payload_id
        self.binding = binding
        self.chunk_size = chunk_size or get_setting("EXCHANGES_CHUNK_SIZE")
        self.data_key = random_bytes(KEY_SIZE)
        self._aead = AESGCM(self.data_key)
        self._prefix = random_bytes(PREFIX_SIZE)
        self.header = HEADER.pack(MAGIC, self.chunk_size, self._prefix)
        self._aad = chunk_aad(self.header, payload_id, binding)
        # Two buffers: one fills while the other's chunk is being hashed. No new
        # megabyte per chunk and no copy before the cipher (growing and trimming a
        # bytearray cost more than AES-GCM itself).
        self._views = [memoryview(bytearray(self.chunk_size)) for _ in range(2)]
        self._hashing = [None, None]  # the pending hash job of each buffer
        self._current = 0
        self._filled = 0
        self._counter = 0
        self._hasher = None  # a one-thread pool, started at the second chunk
        self.plain_hash = hashlib.sha256()
        self.cipher_hash = hashlib.sha256(self.header)
        self.size = 0
        self.cipher_size = 0
        self.sink.write(self.header)
        self.cipher_size += len(self.header)

    def _hash(self, plain, sealed):
        self.plain_hash.update(plain)
        self.cipher_hash.update(sealed)

    def _seal(self, last):
        plain = self._views[self._current][: self._filled]
        nonce = _nonce(self._prefix, self._counter, last)
        sealed = self._aead.encrypt(nonce, plain, self._aad)
        self.sink.write(sealed)
        self.cipher_size += len(sealed)
        self._counter += 1
        if last and self._hasher is None:  # a file of one chunk: no thread for it
            self._hash(plain, sealed)
            return
        if self._hasher is None:
            self._hasher = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="payload-hash"
            )
        # One thread, so the hashes see the chunks in order.
        self._hashing[self._current] = self._hasher.submit(self._hash, plain, sealed)
        self._current ^= 1
        self._filled = 0
        pending = self._hashing[self._current]
        if pending is not None:  # the buffer we refill next must be hashed first
            pending.result()
            self._hashing[self._current] = None

    def update(self, data):
        self.size += len(data)
        data = memoryview(data)
        while data:
            if self._filled == self.chunk_size:
                # Sealed only once more data arrives: the last chunk must be
                # sealed as last.
                self._seal(last=False)
            taken = min(len(data), self.chunk_size - self._filled)
            view = self._views[self._current]
            view[self._filled : self._filled + taken] = data[:taken]
            self._filled += taken
            data = data[taken:]

    def finish(self):
        self._seal(last=True)
        for pending in self._hashing:
            if pending is not None:
                pending.result()
        self._hashing = [None, None]
        self.close()
        return self

    def close(self):
        """Stop the helper thread (after finish(), or when the upload is given up)."""
        if self._hasher is not None:
            self._hasher.shutdown(wait=True)
            self._hasher = None


def decrypt_chunks(source, data_key, payload_id, binding):
    """Yield the plaintext of an encrypted file, chunk by chunk, checking each.

    ``source`` is a binary file positioned at the start. Raises DecryptionError on
    any mismatch: a changed byte, a missing or extra chunk, another record's file.
    """
    header = source.read(HEADER_SIZE)
    if len(header) != HEADER_SIZE:
        raise DecryptionError("The file is too short to be an encrypted payload.")
    magic, chunk_size, prefix = HEADER.unpack(header)
    if magic != MAGIC or not 0 < chunk_size <= 64 * 1024 * 1024:
        raise DecryptionError("The file is not an encrypted payload.")
    aead = AESGCM(data_key)
    aad = chunk_aad(header, payload_id, binding)
    sealed_size = chunk_size + TAG_SIZE
    counter = 0
    current = source.read(sealed_size)
    while True:
        following = source.read(sealed_size)
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, counter, last), current, aad)
        except InvalidTag:
            raise DecryptionError(
                "The payload failed its integrity check (changed, truncated or "
                "belonging to another record)."
            ) from None
        if last:
            return
        counter += 1
        current = following
