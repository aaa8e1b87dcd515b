"""FieldCipher with AES-256-GCM (pycryptodomex) and HMAC-SHA256 digests.

One configured data key; the encryption key and the digest key are derived from it (HMAC with
distinct labels), so neither reveals the other. A sealed value is: format byte, 12-byte random
nonce, ciphertext, 16-byte tag; the purpose is its associated data, so a value moved to another
column (or another row, when the purpose names the row) fails to open.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from Cryptodome.Cipher import AES

from ports.field_cipher import CannotOpen, FieldCipher

_FORMAT = b"\x01"
_NONCE, _TAG = 12, 16
KEY_BYTES = 32


class AesGcmFieldCipher(FieldCipher):
    def __init__(self, data_key: bytes):
        if len(data_key) < KEY_BYTES:
            raise ValueError(f"the data key needs {KEY_BYTES} bytes at least, got {len(data_key)}")
        self._enc = hmac.new(data_key, b"his.patients.encryption", hashlib.sha256).digest()
        self._mac = hmac.new(data_key, b"his.patients.lookup", hashlib.sha256).digest()

    def seal(self, value: str, purpose: str) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        cipher = AES.new(self._enc, AES.MODE_GCM, nonce=nonce)
        cipher.update(purpose.encode())
        body, tag = cipher.encrypt_and_digest(value.encode())
        return _FORMAT + nonce + body + tag

    def open(self, sealed: bytes, purpose: str) -> str:
        sealed = bytes(sealed)
        if len(sealed) < 1 + _NONCE + _TAG or sealed[:1] != _FORMAT:
            raise CannotOpen(f"not a sealed value ({purpose})")
        nonce, body, tag = sealed[1:1 + _NONCE], sealed[1 + _NONCE:-_TAG], sealed[-_TAG:]
        cipher = AES.new(self._enc, AES.MODE_GCM, nonce=nonce)
        cipher.update(purpose.encode())
        try:
            return cipher.decrypt_and_verify(body, tag).decode()
        except ValueError:
            raise CannotOpen(f"a sealed value ({purpose}) was altered or sealed under another key") from None

    def digest(self, value: str, purpose: str) -> str:
        return hmac.new(self._mac, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
