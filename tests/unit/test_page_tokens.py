"""Page tokens: what they carry comes back only to the server that signed them, and only for the
filters they were issued for; anything else is a short INVALID_ARGUMENT-style violation."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from domain.errors import ValidationFailed
from domain.text import EXCERPT
from services.grpc.page_tokens import PageTokens

FILTERS = '["P001", "", "", "", []]'
POSITION = ["2026-05-04T09:30:00.000001", "3f2a-visit"]


def _refusal(tokens: PageTokens, token: str, filters: str = FILTERS) -> str:
    with pytest.raises(ValidationFailed) as caught:
        tokens.read(token, filters)
    [violation] = caught.value.violations
    assert violation.field == "page_token"
    return violation.description


def _unpadded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_token_gives_back_its_position_for_the_same_filters():
    tokens = PageTokens()
    token = tokens.issue(FILTERS, POSITION)
    assert tokens.read(token, FILTERS) == POSITION
    assert tokens.read("", FILTERS) is None  # the first page


def test_a_token_with_other_filters_is_refused_as_such():
    tokens = PageTokens()
    token = tokens.issue(FILTERS, POSITION)
    assert "other filters" in _refusal(tokens, token, '["P002", "", "", "", []]')


def test_a_token_is_good_only_where_it_was_signed():
    key = b"k" * 32
    token = PageTokens(key).issue(FILTERS, POSITION)
    assert PageTokens(key).read(token, FILTERS) == POSITION  # another process with the same key
    assert "not a page token this server issued" in _refusal(PageTokens(), token)  # another key
    assert "not a page token this server issued" in _refusal(PageTokens(b"j" * 32), token)


def test_a_changed_position_is_refused():
    tokens = PageTokens()
    raw = base64.urlsafe_b64decode(tokens.issue(FILTERS, POSITION) + "==")
    payload, mac = raw[:-16], raw[-16:]
    forged = json.loads(payload)
    forged[-1] = "another-visit"
    assert "not a page token this server issued" in _refusal(
        tokens, _unpadded(json.dumps(forged, separators=(",", ":")).encode() + mac))
    for cut in (1, 16, len(raw) - 1):  # truncated, or the signature alone
        assert "not a page token this server issued" in _refusal(tokens, _unpadded(raw[:-cut]))
        assert "not a page token this server issued" in _refusal(tokens, _unpadded(raw[cut:]))


@pytest.mark.parametrize("token", ["garbage!", "=", "a", "Zm9v", " " + "A" * 30, "\u202e1234", "é" * 10])
def test_malformed_tokens_are_refused(token):
    assert "not a page token this server issued" in _refusal(PageTokens(), token)


def test_a_refusal_repeats_only_an_excerpt_of_the_token():
    long_token = "A" * 100_000
    description = _refusal(PageTokens(), long_token)
    assert "A" * (EXCERPT + 1) not in description and "100000 characters" in description
    assert len(description) < 200


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        PageTokens(b"short")


def test_a_signed_token_of_another_format_is_refused():
    key = b"k" * 32
    payload = json.dumps([2, "0" * 16, *POSITION]).encode()
    token = _unpadded(payload + hmac.new(key, payload, hashlib.sha256).digest()[:16])
    assert "not a page token this server issued" in _refusal(PageTokens(key), token)
