"""Check the audit log's signed tree heads and proofs offline: Python and the
``cryptography`` package only, no Django, no database, no network.

An auditor who holds the log's public key (its verifier key, published on the
transparency page) and a proof bundle from ``manage.py audit_proof`` runs

    python -m exchanges.tlog_verify --key KEY.vkey bundle.json

or, with this one file copied anywhere, ``python tlog_verify.py --key … bundle.json``.
It checks the signatures on the signed tree head (a C2SP tlog-checkpoint in the
signed-note format), that the event's entry is in the tree with that root (an
RFC 9162 inclusion proof) and, for a bundle that also carries an older head, that
the newer tree extends the older one (an RFC 9162 consistency proof).

Formats:
- leaf hash = SHA-256(0x00 || entry); node hash = SHA-256(0x01 || left || right)
  (RFC 9162 section 2.1.1); an entry is the event's canonical JSON (UTF-8).
- checkpoint (c2sp.org/tlog-checkpoint): "<origin>\\n<tree size>\\n<base64 root>\\n".
- signed note (c2sp.org/signed-note): text, a blank line, then lines
  "— <key name> base64(4-byte key ID || signature)". The log signs with Ed25519
  (type 0x01) and adds a timestamped cosignature of its own (type 0x04,
  c2sp.org/tlog-cosignature, message "cosignature/v1\\ntime <unix>\\n" + text),
  which is how the time of the head is signed without extension lines.
- verifier key (c2sp.org/signed-note, vkey): "<name>+<hex key ID>+<base64(0x01 ||
  32-byte Ed25519 public key)>".
"""

import argparse
import base64
import binascii
import hashlib
import json
import struct
import sys
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
EM_DASH = "\u2014"
MAX_SIGNATURES = 16
MAX_NOTE_BYTES = 16 * 1024
# A tree of at most 2**63 leaves never needs a longer path than 63 hashes (one per
# level); a consistency proof needs at most two per level.
MAX_TREE_SIZE = 2**63 - 1
MAX_INCLUSION_PATH = 63
MAX_CONSISTENCY_PATH = 2 * 63


class VerificationError(Exception):
    """A signature, a head or a proof does not check out. The message says which."""


# --- RFC 9162 hashing and proof verification ------------------------------------------


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _check_hash(value, what):
    if not isinstance(value, bytes) or len(value) != 32:
        raise VerificationError(f"{what} is not a 32-byte SHA-256 hash.")


def verify_inclusion(index, size, entry_hash, path, root):
    """RFC 9162 section 2.1.3.2: ``entry_hash`` is leaf number ``index`` (from 0)
    of the tree of ``size`` leaves whose root is ``root``."""
    if not 0 <= index < size <= MAX_TREE_SIZE:
        raise VerificationError(f"Leaf {index} cannot be in a tree of {size} leaves.")
    if len(path) > MAX_INCLUSION_PATH:
        raise VerificationError("The inclusion proof is longer than any tree needs.")
    for value in (entry_hash, root, *path):
        _check_hash(value, "A proof value")
    fn, sn, r = index, size - 1, entry_hash
    for p in path:
        if sn == 0:
            raise VerificationError("The inclusion proof is too long for this tree.")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("The inclusion proof is too short for this tree.")
    if r != root:
        raise VerificationError(
            "The entry is not in this tree: the proof leads to another root."
        )


def verify_consistency(size1, size2, path, root1, root2):
    """RFC 9162 section 2.1.4.2: the tree of ``size2`` leaves with root ``root2``
    extends (keeps every leaf of) the tree of ``size1`` leaves with root ``root1``."""
    if size1 > size2:
        raise VerificationError(
            f"The older head has {size1} events, more than the {size2} of the newer "
            "one: the log lost events."
        )
    if size1 < 0 or size2 > MAX_TREE_SIZE:
        raise VerificationError("A tree size is out of range.")
    if len(path) > MAX_CONSISTENCY_PATH:
        raise VerificationError("The consistency proof is longer than any tree needs.")
    for value in (root1, root2, *path):
        _check_hash(value, "A proof value")
    if size1 == size2:
        if path:
            raise VerificationError("Two heads of the same size need no proof.")
        if root1 != root2:
            raise VerificationError(
                f"Two different roots for the same {size1} events: the log was "
                "rewritten."
            )
        return
    if size1 == 0:
        if path:
            raise VerificationError("An empty tree needs no consistency proof.")
        return
    if not path:
        raise VerificationError("The consistency proof is empty.")
    path = list(path)
    if size1 & (size1 - 1) == 0:  # an exact power of two
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("The consistency proof is too long.")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("The consistency proof is too short.")
    if fr != root1:
        raise VerificationError(
            f"The log no longer holds the first {size1} events as they were signed: "
            "they were changed, removed or reordered."
        )
    if sr != root2:
        raise VerificationError("The newer root does not follow from the proof.")


# --- signed notes, checkpoints and verifier keys ------------------------------------


def key_id(name, signature_type, public_key_bytes):
    """c2sp.org/signed-note: SHA-256(name || 0x0A || type || public key)[:4]."""
    digest = hashlib.sha256(
        name.encode() + b"\n" + bytes([signature_type]) + public_key_bytes
    ).digest()
    return digest[:4]


def _check_name(name):
    if not name or any(char.isspace() or char == "+" for char in name):
        raise VerificationError(f"{name!r} cannot be a key name.")


@dataclass(frozen=True)
class VerifierKey:
    name: str
    public_key: bytes  # 32 bytes, Ed25519

    @classmethod
    def parse(cls, text):
        """Read a vkey: "<name>+<hex key ID>+<base64(0x01 || public key)>"."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise VerificationError("A verifier key reads name+keyid+key.")
        name, hex_id, encoded = parts
        _check_name(name)
        try:
            material = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise VerificationError("The verifier key is not base64.") from None
        if len(material) != 33 or material[0] != ED25519:
            raise VerificationError("The verifier key is not an Ed25519 key.")
        key = cls(name, material[1:])
        if hex_id.lower() != key.key_id(ED25519).hex():
            raise VerificationError("The verifier key's ID does not match its key.")
        return key

    def key_id(self, signature_type=ED25519):
        return key_id(self.name, signature_type, self.public_key)

    def __str__(self):
        encoded = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id().hex()}+{encoded}"

    def _verify(self, signature, message):
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                signature, message
            )
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    timestamp: int  # Unix time of the log's own timestamped signature
    text: str  # the signed note text (what the signatures cover)
    note: str  # the whole signed note

    @classmethod
    def parse_text(cls, text):
        """The three lines of c2sp.org/tlog-checkpoint (extension lines refused:
        this log writes none)."""
        if not text.endswith("\n"):
            raise VerificationError("A checkpoint ends with a newline.")
        lines = text[:-1].split("\n")
        if len(lines) != 3:
            raise VerificationError(
                "A checkpoint has three lines: origin, tree size, root hash."
            )
        origin, size_text, root_text = lines
        _check_name(origin)
        if not size_text.isascii() or not size_text.isdigit():
            raise VerificationError("The tree size is not a decimal number.")
        if size_text != str(int(size_text)):
            raise VerificationError("The tree size has leading zeroes.")
        size = int(size_text)
        if size > MAX_TREE_SIZE:
            raise VerificationError("The tree size is out of range.")
        try:
            root = base64.b64decode(root_text, validate=True)
        except binascii.Error:
            raise VerificationError("The root hash is not base64.") from None
        if len(root) != 32 or base64.b64encode(root).decode() != root_text:
            raise VerificationError("The root hash is not a base64 SHA-256 hash.")
        return origin, size, root


def split_note(note):
    """(text, [(key name, signature bytes)]) of a signed note."""
    if len(note.encode()) > MAX_NOTE_BYTES:
        raise VerificationError("The signed note is too large.")
    if any(ord(char) < 0x20 and char != "\n" for char in note):
        raise VerificationError("A signed note holds no control characters.")
    separator = note.rfind("\n\n")
    if separator < 0:
        raise VerificationError("No blank line separates the note from signatures.")
    text, block = note[: separator + 1], note[separator + 2 :]
    if not block.endswith("\n"):
        raise VerificationError("The last signature line ends with a newline.")
    signatures = []
    for line in block[:-1].split("\n"):
        prefix = EM_DASH + " "
        if not line.startswith(prefix):
            raise VerificationError("A signature line starts with an em dash.")
        name, space, encoded = line[len(prefix) :].rpartition(" ")
        if not space:
            raise VerificationError("A signature line names its key.")
        _check_name(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise VerificationError("A signature is not base64.") from None
        if len(raw) < 5:
            raise VerificationError("A signature is too short.")
        signatures.append((name, raw))
    if len(signatures) > MAX_SIGNATURES:
        raise VerificationError("The note carries too many signatures.")
    return text, signatures


def open_checkpoint(note, key):
    """Verify a signed tree head with the log's verifier key and return it.

    Both of the log's signatures must be there and valid: the Ed25519 note signature
    and its timestamped cosignature (which signs the time). Signatures of other keys
    (witnesses) are ignored, as c2sp.org/signed-note requires.
    """
    text, signatures = split_note(note)
    origin, size, root = Checkpoint.parse_text(text)
    if origin != key.name:
        raise VerificationError(
            f"This head is from log {origin!r}, the key is of {key.name!r}."
        )
    plain_id, timed_id = key.key_id(ED25519), key.key_id(COSIGNATURE_V1)
    signed = timestamp = None
    for name, raw in signatures:
        if name != key.name:
            continue
        if raw[:4] == plain_id:
            if not key._verify(raw[4:], text.encode()):
                raise VerificationError("The log's signature does not match.")
            signed = True
        elif raw[:4] == timed_id:
            if len(raw) != 4 + 8 + 64:
                raise VerificationError("The timestamped signature is malformed.")
            (stamp,) = struct.unpack(">Q", raw[4:12])
            message = f"cosignature/v1\ntime {stamp}\n{text}".encode()
            if stamp > MAX_TREE_SIZE or not key._verify(raw[12:], message):
                raise VerificationError(
                    "The log's timestamped signature does not match."
                )
            timestamp = stamp
    if not signed or timestamp is None:
        raise VerificationError("The head lacks the log's signatures.")
    return Checkpoint(origin, size, root, timestamp, text, note)


def _b64list(values, what):
    if not isinstance(values, list):
        raise VerificationError(f"{what} is a list of base64 hashes.")
    try:
        return [base64.b64decode(value, validate=True) for value in values]
    except (binascii.Error, TypeError):
        raise VerificationError(f"{what} holds something that is not base64.") from None


def verify_bundle(bundle, key):
    """Check a proof bundle from ``manage.py audit_proof``; returns a summary."""
    head = open_checkpoint(bundle["checkpoint"], key)
    entry = bundle["entry"].encode()
    index = bundle["leaf_index"]
    if not isinstance(index, int) or isinstance(index, bool):
        raise VerificationError("leaf_index is a whole number.")
    if json.loads(entry).get("sequence") != index + 1:
        raise VerificationError("The entry's sequence is not its place in the tree.")
    verify_inclusion(
        index,
        head.size,
        leaf_hash(entry),
        _b64list(bundle["inclusion_proof"], "inclusion_proof"),
        head.root,
    )
    lines = [
        f"Event #{index + 1} is in the signed head of {head.size} events "
        f"(signed at Unix time {head.timestamp})."
    ]
    if bundle.get("older_checkpoint"):
        older = open_checkpoint(bundle["older_checkpoint"], key)
        verify_consistency(
            older.size,
            head.size,
            _b64list(bundle.get("consistency_proof", []), "consistency_proof"),
            older.root,
            head.root,
        )
        lines.append(
            f"The head of {head.size} events extends the older head of "
            f"{older.size} events."
        )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Verify an audit log proof bundle offline (exchanges.tlog_verify)."
    )
    parser.add_argument("bundle", help="proof bundle (JSON) from manage.py audit_proof")
    parser.add_argument(
        "--key",
        required=True,
        help="file with the log's verifier key, as published on the transparency page",
    )
    args = parser.parse_args(argv)
    try:
        with open(args.key, encoding="utf-8") as handle:
            key = VerifierKey.parse(handle.read())
        with open(args.bundle, encoding="utf-8") as handle:
            bundle = json.load(handle)
        lines = verify_bundle(bundle, key)
    except (OSError, ValueError, KeyError, VerificationError) as error:
        print(f"NOT VERIFIED: {error}", file=sys.stderr)  # noqa: T201
        return 1
    for line in lines:
        print(f"OK: {line}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
