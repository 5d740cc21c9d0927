"""The envelope format of docs/encryption.md, pinned by fixed test vectors.

The vectors in vectors/envelope.json are committed bytes, made once by
vectors/generate.py from the written format without importing the application.
Here the application must open them, and, given the same keys and nonces, write
exactly them: a change of one byte of the format fails."""

import io
import json
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from exchanges import crypto, worklist

VECTORS = json.loads(
    (Path(__file__).parent / "vectors" / "envelope.json").read_text(encoding="utf-8")
)
MASTER = crypto.MasterKey(
    VECTORS["master_key"]["key_id"], bytes.fromhex(VECTORS["master_key"]["key"])
)
PAYLOADS = {vector["name"]: vector for vector in VECTORS["payloads"]}
ROW = VECTORS["list_row"]


def unhex(vector, name):
    return bytes.fromhex(vector[name])


@pytest.fixture
def fixed_randomness(monkeypatch):
    """Make crypto.random_bytes hand out the given values, in order, each of the
    size asked for; fail if the code asks for anything else."""
    queue = []

    def random_bytes(size):
        assert queue, f"unexpected request for {size} random bytes"
        value = queue.pop(0)
        assert len(value) == size, (len(value), size)
        return value

    monkeypatch.setattr(crypto, "random_bytes", random_bytes)
    yield queue
    assert not queue, "some fixed values were not used"


# --- reading committed bytes -------------------------------------------------------------


@pytest.mark.parametrize("name", PAYLOADS)
def test_the_committed_payloads_decrypt_to_their_plaintext(name):
    vector = PAYLOADS[name]
    payload_id = uuid.UUID(vector["payload_id"])
    data_key = crypto.unwrap_key(
        unhex(vector, "wrapped_key"), MASTER.key_id, payload_id, [MASTER]
    )
    assert data_key == unhex(vector, "data_key")
    chunks = list(
        crypto.decrypt_chunks(
            io.BytesIO(unhex(vector, "ciphertext")),
            data_key,
            payload_id,
            vector["binding"].encode(),
        )
    )
    assert b"".join(chunks) == unhex(vector, "plaintext")
    size, chunk_size = len(unhex(vector, "plaintext")), vector["chunk_size"]
    assert len(chunks) == max(1, -(-size // chunk_size))


def test_the_header_and_the_wrap_have_the_documented_layout():
    vector = PAYLOADS["three chunks, the last one short"]
    ciphertext = unhex(vector, "ciphertext")
    assert ciphertext[:7] == b"PRXENC1"
    assert ciphertext[7:11] == (16).to_bytes(4, "big")
    assert ciphertext[11:18] == unhex(vector, "nonce_prefix")
    # 46 bytes in chunks of 16: 16 + 16 + 14, each followed by a 16-byte tag.
    assert len(unhex(vector, "plaintext")) == 46
    assert len(ciphertext) == 18 + (16 + 16) * 2 + (14 + 16)
    assert len(unhex(vector, "wrapped_key")) == 12 + 32 + 16
    assert unhex(vector, "wrapped_key")[:12] == unhex(vector, "wrap_nonce")


def test_the_committed_list_row_opens():
    entry = SimpleNamespace(
        id=uuid.UUID(ROW["entry_id"]),
        key_id=MASTER.key_id,
        wrapped_key=unhex(ROW, "wrapped_key"),
        ciphertext=unhex(ROW, "ciphertext"),
        transfer=SimpleNamespace(reference=ROW["transfer_reference"]),
    )
    assert worklist.open_entry(entry, [MASTER]) == ROW["row"]


def test_the_committed_pseudonym():
    vector = VECTORS["pseudonym"]
    transfer = SimpleNamespace(reference=vector["transfer_reference"])
    key = unhex(vector, "key")
    assert (
        worklist.pseudonym(transfer, vector["national_number"], key)
        == (vector["pseudonym"])
    )


# --- writing exactly those bytes -----------------------------------------------------------


@pytest.mark.parametrize("name", PAYLOADS)
@pytest.mark.parametrize("piece", [1, 7, 4096])
def test_encrypting_with_the_fixed_randomness_writes_the_committed_bytes(
    fixed_randomness, name, piece
):
    vector = PAYLOADS[name]
    payload_id = uuid.UUID(vector["payload_id"])
    fixed_randomness += [unhex(vector, "data_key"), unhex(vector, "nonce_prefix")]
    sink = io.BytesIO()
    encryptor = crypto.StreamEncryptor(
        sink, payload_id, vector["binding"].encode(), chunk_size=vector["chunk_size"]
    )
    plaintext = unhex(vector, "plaintext")
    for start in range(0, len(plaintext), piece):  # however the upload arrives
        encryptor.update(plaintext[start : start + piece])
    encryptor.finish()
    assert sink.getvalue().hex() == vector["ciphertext"]
    assert encryptor.plain_hash.hexdigest() == vector["sha256_plaintext"]
    assert encryptor.cipher_hash.hexdigest() == vector["sha256_ciphertext"]

    fixed_randomness.append(unhex(vector, "wrap_nonce"))
    wrapped = crypto.wrap_key(encryptor.data_key, payload_id, MASTER)
    assert wrapped.hex() == vector["wrapped_key"]


def test_sealing_a_list_row_with_the_fixed_randomness_writes_the_committed_bytes(
    fixed_randomness,
):
    fixed_randomness += [
        unhex(ROW, "data_key"),
        unhex(ROW, "nonce"),
        unhex(ROW, "wrap_nonce"),
    ]
    entry = SimpleNamespace(id=uuid.UUID(ROW["entry_id"]))
    transfer = SimpleNamespace(reference=ROW["transfer_reference"])
    worklist._seal(entry, transfer, ROW["row"], MASTER)
    assert entry.ciphertext.hex() == ROW["ciphertext"]
    assert entry.wrapped_key.hex() == ROW["wrapped_key"]
    assert entry.key_id == MASTER.key_id
