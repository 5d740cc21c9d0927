"""How tests/exchanges/vectors/envelope.json was made: from docs/encryption.md alone.

This script does not import the application: it builds every vector from the format
written down in docs/encryption.md, with fixed keys and nonces, using only the Python
standard library and the AES-GCM primitive of ``cryptography``. The tests read the
committed JSON; they never run this script, so a change in the code that alters a
single byte of the format fails them.

    python tests/exchanges/vectors/generate.py > tests/exchanges/vectors/envelope.json

Run it again only when the format changes on purpose (a new version string), and
then add vectors rather than replace them: old files must stay readable.
"""

import hashlib
import hmac
import json
import struct
import sys
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def counting(start, size):
    return bytes((start + i) % 256 for i in range(size))


MASTER_KEY_ID = "k0vector"
MASTER_KEY = counting(0x00, 32)
REFERENCE = "2024_VB_00591/1"
BINDING = b"transfer:" + REFERENCE.encode("utf-8")


def wrap(data_key, record_id, nonce):
    aad = b"protocol-registry/data-key/v1|" + str(record_id).encode("ascii")
    return nonce + AESGCM(MASTER_KEY).encrypt(nonce, data_key, aad)


def payload_vector(name, plaintext, chunk_size, payload_id, data_key, prefix, nonce):
    header = b"PRXENC1" + struct.pack(">I", chunk_size) + prefix
    aad = (
        b"protocol-registry/payload/v1|"
        + header
        + b"|"
        + str(payload_id).encode("ascii")
        + b"|"
        + BINDING
    )
    chunks = [
        plaintext[start : start + chunk_size]
        for start in range(0, len(plaintext), chunk_size)
    ] or [b""]
    sealed = b""
    for counter, chunk in enumerate(chunks):
        last = counter == len(chunks) - 1
        chunk_nonce = (
            prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")
        )
        sealed += AESGCM(data_key).encrypt(chunk_nonce, chunk, aad)
    ciphertext = header + sealed
    return {
        "name": name,
        "payload_id": str(payload_id),
        "binding": BINDING.decode("utf-8"),
        "chunk_size": chunk_size,
        "plaintext": plaintext.hex(),
        "data_key": data_key.hex(),
        "nonce_prefix": prefix.hex(),
        "ciphertext": ciphertext.hex(),
        "sha256_plaintext": hashlib.sha256(plaintext).hexdigest(),
        "sha256_ciphertext": hashlib.sha256(ciphertext).hexdigest(),
        "wrap_nonce": nonce.hex(),
        "wrapped_key": wrap(data_key, payload_id, nonce).hex(),
    }


def list_row_vector():
    entry_id = uuid.UUID("00000000-0000-4000-8000-00000000e001")
    row = {
        "last_name": "Voorbeeld",
        "first_name": "Zoë",
        "national_number": "25020250175",
        "cir_status": "Niet bevestigd",
        "missing_documents": ["Inkomensbewijs", "Attest referentieadres"],
    }
    plaintext = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")
    data_key, nonce, wrap_nonce = (
        counting(0x40, 32),
        counting(0xC0, 12),
        counting(0xD0, 12),
    )
    aad = (
        b"protocol-registry/list-entry/v1|"
        + str(entry_id).encode("ascii")
        + b"|"
        + REFERENCE.encode("utf-8")
    )
    return {
        "entry_id": str(entry_id),
        "transfer_reference": REFERENCE,
        "row": row,
        "plaintext": plaintext.hex(),
        "data_key": data_key.hex(),
        "nonce": nonce.hex(),
        "ciphertext": (nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad)).hex(),
        "wrap_nonce": wrap_nonce.hex(),
        "wrapped_key": wrap(data_key, entry_id, wrap_nonce).hex(),
    }


def pseudonym_vector():
    key = counting(0x60, 32)
    number = "25020250175"
    message = (
        b"protocol-registry/pseudonym/v1|" + REFERENCE.encode() + b"|" + number.encode()
    )
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return {
        "key": key.hex(),
        "transfer_reference": REFERENCE,
        "national_number": number,
        "pseudonym": "P-" + digest[:12].upper(),
    }


def main():
    vectors = {
        "about": "Fixed test vectors of docs/encryption.md, made by generate.py.",
        "master_key": {"key_id": MASTER_KEY_ID, "key": MASTER_KEY.hex()},
        "payloads": [
            payload_vector(
                "one chunk",
                b"Naam;Voornaam;Rijksregisternummer\r\nVoorbeeld;Zo\xc3\xab;25.02.02-501.75\r\n",
                1024,
                uuid.UUID("00000000-0000-4000-8000-00000000a001"),
                counting(0x20, 32),
                counting(0xA0, 7),
                counting(0xB0, 12),
            ),
            payload_vector(
                "three chunks, the last one short",
                b"Naam;Voornaam\r\nEen;Twee\r\nDrie;Vier\r\nVijf;Zes\r\n",
                16,
                uuid.UUID("00000000-0000-4000-8000-00000000a002"),
                counting(0x21, 32),
                counting(0xA1, 7),
                counting(0xB1, 12),
            ),
            payload_vector(
                "two full chunks",
                b"0123456789abcdefFEDCBA9876543210",
                16,
                uuid.UUID("00000000-0000-4000-8000-00000000a003"),
                counting(0x22, 32),
                counting(0xA2, 7),
                counting(0xB2, 12),
            ),
            payload_vector(
                "empty file",
                b"",
                16,
                uuid.UUID("00000000-0000-4000-8000-00000000a004"),
                counting(0x23, 32),
                counting(0xA3, 7),
                counting(0xB3, 12),
            ),
        ],
        "list_row": list_row_vector(),
        "pseudonym": pseudonym_vector(),
    }
    json.dump(vectors, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
