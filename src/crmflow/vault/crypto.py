"""Encrypt secret values with AES-256-GCM under a key derived from CRMFLOW_SECRET_KEY.

The setting is any long string; HKDF-SHA256 turns it into the AES key (and a short key id, so a
value written under another key is reported as such instead of as "corrupt"). Every value is
bound to its company and name as associated data: a ciphertext copied into another row, or
another company's, fails authentication instead of decrypting.

Stored form: ``v1.<key id>.<base64url(12-byte nonce | ciphertext | 16-byte tag)>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
# A shorter setting is refused: HKDF does not stretch a guessable password.
MIN_KEY_CHARS = 16
_SALT = b"crmflow secrets store"
_INFO = b"crmflow/secrets/v1 aes-256-gcm"
_NONCE_BYTES = 12
KEY_HELP = (
    "set CRMFLOW_SECRET_KEY to a long random string (e.g. the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) and restart"
)


class SecretKeyMissing(Exception):
    """CRMFLOW_SECRET_KEY is unset or too short: secrets can be neither written nor read."""


class SecretUnreadable(Exception):
    """A stored value does not decrypt: another key, or the row was altered or moved."""


@dataclass(frozen=True)
class _Key:
    cipher: AESGCM
    key_id: str


@lru_cache(maxsize=4)
def _derive(setting: str) -> _Key:
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        setting.encode()
    )
    key_id = hmac.new(material, b"key id", hashlib.sha256).hexdigest()[:12]
    return _Key(cipher=AESGCM(material), key_id=key_id)


def check_key(setting: str | None) -> None:
    """Raise SecretKeyMissing (saying how to fix it) unless the setting can encrypt."""
    if not setting:
        raise SecretKeyMissing(f"CRMFLOW_SECRET_KEY is not configured: {KEY_HELP}")
    if len(setting) < MIN_KEY_CHARS:
        raise SecretKeyMissing(
            f"CRMFLOW_SECRET_KEY is too short (at least {MIN_KEY_CHARS} characters): {KEY_HELP}"
        )


def _key(setting: str | None) -> _Key:
    check_key(setting)
    assert setting is not None
    return _derive(setting)


def _associated_data(company_id: int, name: str) -> bytes:
    return f"crmflow-secret\x00{company_id}\x00{name}".encode()


def encrypt(setting: str | None, *, company_id: int, name: str, value: str) -> str:
    """Encrypt `value` for (company, name); raise SecretKeyMissing without a usable key."""
    key = _key(setting)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = key.cipher.encrypt(nonce, value.encode(), _associated_data(company_id, name))
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{VERSION}.{key.key_id}.{body}"


def decrypt(setting: str | None, *, company_id: int, name: str, stored: str) -> str:
    """Decrypt a stored value of (company, name); SecretKeyMissing or SecretUnreadable say why."""
    key = _key(setting)
    version, _, rest = stored.partition(".")
    key_id, _, body = rest.partition(".")
    if version != VERSION or not body:
        raise SecretUnreadable(f"secret {name} is not in a format this version can read")
    if not hmac.compare_digest(key_id, key.key_id):
        raise SecretUnreadable(
            f"secret {name} was encrypted with another CRMFLOW_SECRET_KEY (key id {key_id}; "
            f"the current key's id is {key.key_id}): restore that key or write the secret again"
        )
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = key.cipher.decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated_data(company_id, name)
        )
        return plain.decode()
    except (InvalidTag, ValueError) as exc:
        raise SecretUnreadable(
            f"secret {name} does not decrypt: its stored value was altered or copied from "
            "another secret; write it again"
        ) from exc
