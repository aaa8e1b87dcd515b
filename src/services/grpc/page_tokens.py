"""Page tokens (AIP-158): opaque to clients, signed by the server, bound to one listing's filters.

A token carries a keyset position (for visits: the last listed visit's begntime and id), never an
offset, so the next page starts where the last one ended however many rows were added meanwhile.
It also carries a digest of the filters it was issued for: the same position means nothing in a
listing with other filters, so such a token is refused rather than silently continued.

Position and digest are signed with HMAC-SHA256, so a client cannot forge a position (e.g. to
jump into a listing) without the key. The key is random per server process unless one is given:
tokens lapse when the process restarts, and server processes behind one address would need one
shared key (PageTokens(key) given to each servicer). AIP-158 lets tokens expire; the client then
starts again from the first page.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Sequence

from domain.errors import FieldViolation, ValidationFailed
from domain.text import excerpt

_VERSION = 1
_MAC_BYTES = 16  # HMAC-SHA256 cut to 128 bits: still far beyond guessing, and a shorter token
_MAX_TOKEN = 1024  # characters; anything longer was not issued here and is not decoded
_URLSAFE_BASE64 = re.compile(r"[A-Za-z0-9_-]+")


class PageTokens:
    def __init__(self, key: bytes | None = None, field: str = "page_token"):
        """`key`: the HMAC key (at least 16 bytes); None draws a random one for this process.
        `field`: the request field named in violations."""
        if key is not None and len(key) < 16:
            raise ValueError("a page token key needs at least 16 bytes")
        self._key = key if key is not None else secrets.token_bytes(32)
        self.field = field

    def issue(self, filters: str, position: Sequence[str]) -> str:
        """A token for the page after `position` in the listing selected by `filters` (any text
        that is equal exactly when two requests select the same listing)."""
        payload = json.dumps([_VERSION, _digest(filters), *position], ensure_ascii=False,
                             separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(payload + self._mac(payload)).decode().rstrip("=")

    def read(self, token: str, filters: str) -> list[str] | None:
        """The position a token carries; None for "" (the first page). ValidationFailed naming
        the field for a token this server did not issue, or issued for other filters."""
        if not token:
            return None
        payload = self._verified(token)
        if payload is None:
            raise self._refused(token, "is not a page token this server issued (or it has expired); "
                                       "start again without one")
        try:
            version, digest, *position = json.loads(payload)
        except (ValueError, TypeError):
            raise self._refused(token, "is not a page token this server issued") from None
        if version != _VERSION or not all(isinstance(p, str) for p in position):
            raise self._refused(token, "is not a page token this server issued")
        if digest != _digest(filters):
            raise self._refused(token, "was issued for other filters: send the filters of the request that "
                                       "returned it, or start again without a token")
        return position

    def _verified(self, token: str) -> bytes | None:
        if len(token) > _MAX_TOKEN or not _URLSAFE_BASE64.fullmatch(token):
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return None
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if len(raw) <= _MAC_BYTES or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        return payload

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def _refused(self, token: str, why: str) -> ValidationFailed:
        return ValidationFailed([FieldViolation(self.field, f"{excerpt(token)} {why}")])


def _digest(filters: str) -> str:
    # Not secret (the MAC covers it); short, and tells "other filters" apart from a forged token.
    return hashlib.sha256(filters.encode()).hexdigest()[:16]
