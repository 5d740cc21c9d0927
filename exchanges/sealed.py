"""A small record sealed with its own data key: AES-256-GCM over the record's bytes,
bound by associated data to what it belongs to, the data key wrapped by the master
key (exchanges.crypto). Worklist rows and handling notes use it; deleting the row
deletes the only wrapped key (docs/encryption.md, "List rows")."""

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from exchanges import crypto


def seal(record_id, aad, plaintext, master):
    """(ciphertext = nonce || AES-GCM(data key, plaintext, aad), wrapped data key)."""
    data_key = crypto.random_bytes(crypto.KEY_SIZE)
    nonce = crypto.random_bytes(crypto.NONCE_SIZE)
    ciphertext = nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad)
    return ciphertext, crypto.wrap_key(data_key, record_id, master)


def unseal(record_id, aad, ciphertext, wrapped_key, key_id, keyring=None, what="row"):
    """The plaintext of a sealed record. Raises crypto.DecryptionError."""
    data_key = crypto.unwrap_key(wrapped_key, key_id, record_id, keyring)
    blob = bytes(ciphertext)
    try:
        return AESGCM(data_key).decrypt(
            blob[: crypto.NONCE_SIZE], blob[crypto.NONCE_SIZE :], aad
        )
    except Exception:  # noqa: BLE001 - InvalidTag and malformed blobs alike
        raise crypto.DecryptionError(
            f"This {what} failed its integrity check."
        ) from None
