"""The installation's Ed25519 key, which signs deletion evidence and certificates so
that an auditor can check them offline against the published public key."""

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.core.exceptions import ImproperlyConfigured

from exchanges.conf import key_file_setting


class SignatureError(Exception):
    pass


def create_signing_key(path):
    """Write a new private key (PEM, PKCS#8), readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return path


@lru_cache(maxsize=4)
def load_private_key(path):
    """The Ed25519 private key in the PEM file at ``path`` (read once per process)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"The signing key file {path} does not exist."
        ) from None
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} does not hold an Ed25519 private key.")
    return key


def _key_path():
    path = key_file_setting("EXCHANGES_SIGNING_KEY_FILE")
    if path is None:
        raise ImproperlyConfigured("Set EXCHANGES_SIGNING_KEY_FILE to the signing key.")
    return str(path)


def private_key():
    return load_private_key(_key_path())


@lru_cache(maxsize=4)
def _key_id_of_file(path):
    return key_id(load_private_key(path).public_key())


def public_key():
    return private_key().public_key()


def public_key_pem(key=None):
    key = key or public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key=None):
    """A short, stable name for a public key (by default the installation's): its
    SHA-256, first 16 hex digits."""
    if key is None:
        return _key_id_of_file(_key_path())
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(data):
    return base64.b64encode(private_key().sign(data)).decode("ascii")


def load_public_key(pem):
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError("Not an Ed25519 public key.")
    return key


def verify(data, signature_b64, key=None):
    key = key or public_key()
    try:
        key.verify(base64.b64decode(signature_b64), data)
    except (InvalidSignature, ValueError):
        raise SignatureError("The signature does not match.") from None
