"""Envelope encryption: round trip, tampering, wrong keys, bounded memory."""

import base64
import hashlib
import io
import os
import tracemalloc
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchanges import crypto

BINDING = b"transfer:2024_VB_00591/1"


def encrypt(data, payload_id, chunk_size=1024):
    sink = io.BytesIO()
    encryptor = crypto.StreamEncryptor(sink, payload_id, BINDING, chunk_size=chunk_size)
    for start in range(0, len(data), 333):  # pieces that do not align with chunks
        encryptor.update(data[start : start + 333])
    encryptor.finish()
    return sink.getvalue(), encryptor


def decrypt(ciphertext, data_key, payload_id, binding=BINDING):
    return b"".join(
        crypto.decrypt_chunks(io.BytesIO(ciphertext), data_key, payload_id, binding)
    )


@pytest.mark.parametrize("size", [0, 1, 1023, 1024, 1025, 4096, 10_000])
def test_round_trip_at_every_chunk_boundary(size):
    data = os.urandom(size)
    payload_id = uuid.uuid4()
    ciphertext, encryptor = encrypt(data, payload_id)
    if size >= 16:  # a shorter string turns up in random bytes by chance
        assert data not in ciphertext
    assert decrypt(ciphertext, encryptor.data_key, payload_id) == data
    assert encryptor.size == size

    assert encryptor.plain_hash.hexdigest() == hashlib.sha256(data).hexdigest()
    assert encryptor.cipher_hash.hexdigest() == hashlib.sha256(ciphertext).hexdigest()


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    size=st.integers(min_value=0, max_value=5000),
    pieces=st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=8),
)
def test_round_trip_whatever_pieces_the_upload_arrives_in(size, pieces):
    """Django hands the upload over in pieces of any size, empty ones included."""
    data = os.urandom(size)
    payload_id = uuid.uuid4()
    sink = io.BytesIO()
    encryptor = crypto.StreamEncryptor(sink, payload_id, BINDING, chunk_size=1024)
    start, turn = 0, 0
    while start < size:
        piece = pieces[turn % len(pieces)]
        encryptor.update(data[start : start + piece])
        start, turn = start + piece, turn + 1
        if turn > 10_000:  # only zero-sized pieces: hand over the rest
            encryptor.update(data[start:])
            break
    encryptor.finish()
    ciphertext = sink.getvalue()
    assert decrypt(ciphertext, encryptor.data_key, payload_id) == data
    assert encryptor.size == size
    assert encryptor.plain_hash.digest() == hashlib.sha256(data).digest()
    assert encryptor.cipher_hash.digest() == hashlib.sha256(ciphertext).digest()
    assert encryptor.cipher_size == len(ciphertext)


def test_every_data_key_is_fresh_and_256_bits():
    first = encrypt(b"x", uuid.uuid4())[1].data_key
    second = encrypt(b"x", uuid.uuid4())[1].data_key
    assert len(first) == 32 and first != second


@pytest.mark.parametrize(
    "position", [0, 5, crypto.HEADER_SIZE, crypto.HEADER_SIZE + 1500, -1]
)
def test_one_flipped_byte_is_refused(position):
    payload_id = uuid.uuid4()
    ciphertext, encryptor = encrypt(os.urandom(3000), payload_id)
    tampered = bytearray(ciphertext)
    tampered[position] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        decrypt(bytes(tampered), encryptor.data_key, payload_id)


def test_a_file_moved_to_another_record_is_refused():
    payload_id = uuid.uuid4()
    ciphertext, encryptor = encrypt(b"lijst", payload_id)
    with pytest.raises(crypto.DecryptionError):
        decrypt(ciphertext, encryptor.data_key, uuid.uuid4())
    with pytest.raises(crypto.DecryptionError):
        decrypt(ciphertext, encryptor.data_key, payload_id, b"transfer:other/2")


def test_truncated_extended_and_reordered_files_are_refused():
    payload_id = uuid.uuid4()
    ciphertext, encryptor = encrypt(os.urandom(3000), payload_id, chunk_size=1024)
    sealed = 1024 + crypto.TAG_SIZE
    header, body = ciphertext[: crypto.HEADER_SIZE], ciphertext[crypto.HEADER_SIZE :]
    chunks = [body[i : i + sealed] for i in range(0, len(body), sealed)]
    assert len(chunks) == 3
    for variant in (
        header + b"".join(chunks[:2]),  # last chunk dropped
        header + b"".join(chunks + [chunks[0]]),  # chunk appended
        header + chunks[1] + chunks[0] + chunks[2],  # reordered
        header,  # only the header
    ):
        with pytest.raises(crypto.DecryptionError):
            decrypt(variant, encryptor.data_key, payload_id)


def test_wrapped_key_opens_only_with_its_master_key_and_record():
    master = crypto.MasterKey("k1", os.urandom(32))
    other = crypto.MasterKey("k1", os.urandom(32))
    payload_id = uuid.uuid4()
    data_key = os.urandom(32)
    wrapped = crypto.wrap_key(data_key, payload_id, master)
    assert crypto.unwrap_key(wrapped, "k1", payload_id, [master]) == data_key
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(wrapped, "k1", payload_id, [other])
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(wrapped, "k1", uuid.uuid4(), [master])
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_key(wrapped, "unknown", payload_id, [master])


def test_nonces_are_exactly_twelve_bytes():
    assert len(crypto._nonce(b"1234567", 5, last=False)) == 12
    with pytest.raises(ValueError, match="12 bytes"):
        crypto._nonce(b"123", 5, last=True)  # AESGCM itself would accept 8 bytes


def test_keyring_from_the_environment_setting(settings):
    key = base64.b64encode(os.urandom(32)).decode()
    settings.EXCHANGES_MASTER_KEYS = f"new:{key},old:{key}"
    keyring = crypto.load_keyring()
    assert [k.key_id for k in keyring] == ["new", "old"]


@pytest.mark.parametrize(
    "value, message",
    [
        ("k1:bm90IDMyIGJ5dGVz", "entry 1"),
        ("nocolon", "entry 1"),
        ("k" * 41 + ":" + base64.b64encode(bytes(32)).decode(), "entry 1"),
        ("k1:" + base64.b64encode(bytes(32)).decode() + "\nk 2:AAAA", "entry 2"),
        ("", "No master key"),
    ],
)
def test_bad_keyrings_say_what_is_wrong(settings, tmp_path, value, message):
    settings.EXCHANGES_MASTER_KEYS = value
    settings.EXCHANGES_MASTER_KEY_FILE = (
        str(tmp_path / "missing.keys") if not value else ""
    )
    with pytest.raises(
        crypto.KeyringError, match=message if value else "does not exist"
    ):
        crypto.load_keyring()


def test_a_large_file_is_encrypted_in_bounded_memory(tmp_path):
    """64 MB through the encryptor keeps Python's allocations to a few chunks."""
    payload_id = uuid.uuid4()
    block = os.urandom(256 * 1024)
    with open(tmp_path / "out.enc", "wb") as sink:
        tracemalloc.start()
        encryptor = crypto.StreamEncryptor(
            sink, payload_id, BINDING, chunk_size=1024 * 1024
        )
        for _ in range(256):
            encryptor.update(block)
        encryptor.finish()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert encryptor.size == 64 * 1024 * 1024
    assert peak < 8 * 1024 * 1024, peak
    with open(tmp_path / "out.enc", "rb") as source:
        tracemalloc.start()
        total = sum(
            len(c)
            for c in crypto.decrypt_chunks(
                source, encryptor.data_key, payload_id, BINDING
            )
        )
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert total == 64 * 1024 * 1024
    assert peak < 8 * 1024 * 1024, peak
