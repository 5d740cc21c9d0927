"""The Merkle tree (exchanges.merkle) and the offline verifier (exchanges.tlog_verify)
against the published RFC 6962 test vectors, and every malformed proof refused."""

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from exchanges import merkle
from exchanges.tlog_verify import (
    Checkpoint,
    VerificationError,
    VerifierKey,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)

# The eight leaves of the RFC 6962 reference tests (certificate-transparency-go,
# merkle/testdata) and the roots of their first 1..8 leaves, as published there.
LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
HASHES = [leaf_hash(leaf) for leaf in LEAVES]
# Published proofs for the same tree: inclusion of leaf 5 in 8, consistency 6 -> 8
# and 2 -> 5.
INCLUSION_5_OF_8 = [
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
]
CONSISTENCY_6_TO_8 = [
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
]
CONSISTENCY_2_TO_5 = [
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
]


def unhex(values):
    return [bytes.fromhex(value) for value in values]


def root_of(size):
    return bytes.fromhex(ROOTS[size - 1])


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_published_vectors(size):
    assert merkle.root(HASHES[:size]).hex() == ROOTS[size - 1]


def test_the_empty_tree_is_the_hash_of_nothing():
    assert merkle.root([]) == hashlib.sha256(b"").digest()


def test_proofs_match_the_published_vectors():
    assert merkle.inclusion_path(5, HASHES) == unhex(INCLUSION_5_OF_8)
    assert merkle.consistency_proof(6, HASHES) == unhex(CONSISTENCY_6_TO_8)
    assert merkle.consistency_proof(2, HASHES[:5]) == unhex(CONSISTENCY_2_TO_5)
    verify_inclusion(5, 8, HASHES[5], unhex(INCLUSION_5_OF_8), root_of(8))
    verify_consistency(6, 8, unhex(CONSISTENCY_6_TO_8), root_of(6), root_of(8))
    verify_consistency(2, 5, unhex(CONSISTENCY_2_TO_5), root_of(2), root_of(5))


@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))))
def test_every_proof_of_every_tree_verifies(sizes):
    size, older = sizes
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(size)]
    root = merkle.root(leaves)
    for index in range(size):
        verify_inclusion(
            index, size, leaves[index], merkle.inclusion_path(index, leaves), root
        )
    proof = merkle.consistency_proof(older, leaves)
    verify_consistency(older, size, proof, merkle.root(leaves[:older]), root)


@given(st.integers(2, 40), st.data())
def test_a_changed_leaf_or_proof_hash_is_refused(size, data):
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(size)]
    older = data.draw(st.integers(1, size - 1))
    changed = data.draw(st.integers(0, older - 1))
    rewritten = list(leaves)
    rewritten[changed] = leaf_hash(b"rewritten")
    # The rewritten log cannot prove that it extends the head signed before.
    with pytest.raises(VerificationError):
        verify_consistency(
            older,
            size,
            merkle.consistency_proof(older, rewritten),
            merkle.root(leaves[:older]),
            merkle.root(rewritten),
        )
    path = merkle.inclusion_path(changed, leaves)
    if path:
        flipped = data.draw(st.integers(0, len(path) - 1))
        path[flipped] = bytes([path[flipped][0] ^ 1]) + path[flipped][1:]
        with pytest.raises(VerificationError):
            verify_inclusion(changed, size, leaves[changed], path, merkle.root(leaves))


def test_malformed_proofs_are_refused():
    inclusion = unhex(INCLUSION_5_OF_8)
    with pytest.raises(VerificationError, match="longer than any tree"):
        verify_inclusion(5, 8, HASHES[5], inclusion * 22, root_of(8))
    with pytest.raises(VerificationError, match="too long"):
        verify_inclusion(5, 8, HASHES[5], [*inclusion, inclusion[0]], root_of(8))
    with pytest.raises(VerificationError, match="too short"):
        verify_inclusion(5, 8, HASHES[5], inclusion[:2], root_of(8))
    with pytest.raises(VerificationError, match="cannot be in a tree"):
        verify_inclusion(8, 8, HASHES[5], inclusion, root_of(8))
    with pytest.raises(VerificationError, match="32-byte"):
        verify_inclusion(5, 8, HASHES[5], [b"short", *inclusion[1:]], root_of(8))
    consistency = unhex(CONSISTENCY_6_TO_8)
    with pytest.raises(VerificationError, match="lost events"):
        verify_consistency(8, 6, consistency, root_of(8), root_of(6))
    with pytest.raises(VerificationError, match="longer than any tree"):
        verify_consistency(6, 8, consistency * 43, root_of(6), root_of(8))
    with pytest.raises(VerificationError, match="too long"):
        verify_consistency(6, 8, [*consistency, consistency[0]], root_of(6), root_of(8))
    with pytest.raises(VerificationError):
        verify_consistency(6, 8, consistency[:2], root_of(6), root_of(8))
    with pytest.raises(VerificationError, match="empty"):
        verify_consistency(6, 8, [], root_of(6), root_of(8))
    with pytest.raises(VerificationError, match="rewritten"):
        verify_consistency(8, 8, [], root_of(7), root_of(8))


# --- signed notes ------------------------------------------------------------------


@pytest.fixture
def log_key():
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return private, VerifierKey("example.org/audit-log", raw)


def signed(private, key, text, timestamp=1733500000):
    """A note signed as c2sp.org/signed-note and tlog-cosignature prescribe,
    written out here independently of exchanges.audit_heads."""
    name = key.name.encode()
    plain_id = hashlib.sha256(name + b"\n\x01" + key.public_key).digest()[:4]
    timed_id = hashlib.sha256(name + b"\n\x04" + key.public_key).digest()[:4]
    plain = plain_id + private.sign(text.encode())
    message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
    timed = timed_id + timestamp.to_bytes(8, "big") + private.sign(message)
    lines = "".join(
        f"\u2014 {key.name} {base64.b64encode(sig).decode()}\n"
        for sig in (plain, timed)
    )
    return f"{text}\n{lines}"


TEXT = f"example.org/audit-log\n8\n{base64.b64encode(root_of(8)).decode()}\n"


def test_a_signed_head_opens_with_its_key(log_key):
    private, key = log_key
    head = open_checkpoint(signed(private, key, TEXT), key)
    assert (head.origin, head.size, head.root) == (
        "example.org/audit-log",
        8,
        root_of(8),
    )
    assert head.timestamp == 1733500000


def test_the_verifier_key_round_trips_in_vkey_form(log_key):
    _private, key = log_key
    text = str(key)
    name, key_id_hex, _material = text.split("+", 2)
    assert name == key.name and len(key_id_hex) == 8
    assert VerifierKey.parse(text) == key
    with pytest.raises(VerificationError, match="ID does not match"):
        VerifierKey.parse(f"{name}+00000000+{_material}")


def test_forged_or_incomplete_heads_are_refused(log_key):
    private, key = log_key
    note = signed(private, key, TEXT)
    forged = note.replace("\n8\n", "\n9\n", 1)
    with pytest.raises(VerificationError, match="signature does not match"):
        open_checkpoint(forged, key)
    other, _ = Ed25519PrivateKey.generate(), None
    with pytest.raises(VerificationError, match="signature"):
        open_checkpoint(signed(other, key, TEXT), key)
    only_plain = note[: note.rindex("\u2014")]
    with pytest.raises(VerificationError, match="lacks the log's signatures"):
        open_checkpoint(only_plain, key)
    elsewhere = TEXT.replace("example.org", "example.net")
    with pytest.raises(VerificationError, match="from log"):
        open_checkpoint(signed(private, key, elsewhere), key)
    with pytest.raises(VerificationError, match="leading zeroes"):
        Checkpoint.parse_text(TEXT.replace("\n8\n", "\n08\n"))
    with pytest.raises(VerificationError, match="three lines"):
        Checkpoint.parse_text(TEXT + "extension\n")


def test_a_witness_signature_beside_the_logs_is_ignored(log_key):
    private, key = log_key
    note = signed(private, key, TEXT)
    witness = (
        f"\u2014 witness.example/w1 {base64.b64encode(b'1234' + bytes(72)).decode()}\n"
    )
    assert open_checkpoint(note + witness, key).size == 8
