"""Encryption of single database fields, and keyed hashes to look them up.

A field is stored as a Fernet token (AES-128-CBC with HMAC-SHA256, from `cryptography`).
VALNAV_FIELD_ENCRYPTION_KEYS is a list of Fernet keys: the first encrypts, every key decrypts, so a
key is rotated by putting a new one first and re-encrypting (`rotate`) before the old one is
removed (docs/deploy.md).

An encrypted field cannot be searched, so a look-up hash is stored beside it: HMAC-SHA256 under
VALNAV_LOOKUP_HASH_KEY. A plain hash would not do: there are only a few hundred million possible
personnummer, and hashing them all to reverse a stored hash takes minutes. Without the key the
HMAC cannot be computed at all.

With DEBUG or TESTING on and the variables unset, fixed keys are derived from SECRET_KEY (HKDF), so
development and the test suite need no configuration. Otherwise missing keys raise
ImproperlyConfigured, and `manage.py check --deploy` reports them (valnav.E003).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# HKDF labels: each purpose gets its own key from the same SECRET_KEY.
_DEV_ENCRYPTION_INFO = b"valnav.fieldcrypto.encryption.v1"
_DEV_LOOKUP_INFO = b"valnav.fieldcrypto.lookup-hash.v1"


class FieldDecryptionError(ValueError):
    """A token that none of VALNAV_FIELD_ENCRYPTION_KEYS can decrypt."""

    def __init__(self) -> None:
        super().__init__(
            "The value cannot be decrypted with any key in VALNAV_FIELD_ENCRYPTION_KEYS: the key "
            "that encrypted it has been removed or replaced, or the stored token is damaged."
        )


def encrypt(value: str) -> str:
    """A Fernet token (ASCII) of `value`, under the first configured key."""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The value in `token`; raises FieldDecryptionError when no configured key opens it."""
    try:
        return _fernet().decrypt(token.encode("utf-8")).decode("utf-8")
    except InvalidToken:
        raise FieldDecryptionError from None


def rotate(token: str) -> str:
    """`token` re-encrypted under the first configured key (for key rotation)."""
    try:
        return _fernet().rotate(token.encode("utf-8")).decode("ascii")
    except InvalidToken:
        raise FieldDecryptionError from None


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 of `value` under VALNAV_LOOKUP_HASH_KEY, as 64 hexadecimal characters.

    Only Unicode form (NFKC) and surrounding whitespace are normalised here; the caller passes
    the domain's canonical form (the twelve digits of `Identity.number` for a personnummer), so
    that every way of writing one number gives the same hash.
    """
    normalised = unicodedata.normalize("NFKC", value).strip()
    return hmac.new(_lookup_key(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def is_valid_fernet_key(key: str) -> bool:
    """True when `key` is a Fernet key (32 bytes in URL-safe base64)."""
    try:
        Fernet(key)
    except ValueError:
        return False
    return True


def _development_allowed() -> bool:
    return bool(settings.DEBUG or settings.TESTING)


def _fernet() -> MultiFernet:
    keys = settings.VALNAV_FIELD_ENCRYPTION_KEYS
    if isinstance(keys, str):
        # A bare string would otherwise be read one character at a time.
        raise ImproperlyConfigured("VALNAV_FIELD_ENCRYPTION_KEYS must be a list of keys.")
    return _multifernet(tuple(keys), settings.SECRET_KEY, _development_allowed())


def _lookup_key() -> bytes:
    return _hmac_key(settings.VALNAV_LOOKUP_HASH_KEY, settings.SECRET_KEY, _development_allowed())


# Cached on the settings' values, so override_settings in tests gives a fresh MultiFernet.
@functools.lru_cache(maxsize=16)
def _multifernet(keys: tuple[str, ...], secret_key: str, development: bool) -> MultiFernet:
    if not keys:
        if not development:
            raise ImproperlyConfigured(
                "VALNAV_FIELD_ENCRYPTION_KEYS must be set when DEBUG is off (docs/deploy.md)."
            )
        keys = (base64.urlsafe_b64encode(_derive(secret_key, _DEV_ENCRYPTION_INFO)).decode(),)
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            # The position only: the message may reach a log, a key must not.
            raise ImproperlyConfigured(
                f"Key {position} in VALNAV_FIELD_ENCRYPTION_KEYS is not a valid Fernet key."
            ) from None
    return MultiFernet(fernets)


@functools.lru_cache(maxsize=16)
def _hmac_key(configured: str, secret_key: str, development: bool) -> bytes:
    if configured:
        return configured.encode("utf-8")
    if not development:
        raise ImproperlyConfigured(
            "VALNAV_LOOKUP_HASH_KEY must be set when DEBUG is off (docs/deploy.md)."
        )
    return _derive(secret_key, _DEV_LOOKUP_INFO)


def _derive(secret_key: str, info: bytes) -> bytes:
    """32 bytes derived from SECRET_KEY for one purpose (development and tests only)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info)
    return hkdf.derive(secret_key.encode("utf-8"))
