"""`his sim serve --verify-public-key`: the front checks cainfo with the key given, or refuses to start."""
from __future__ import annotations

import pytest

from adapters.yb_mobile.crypto import SM2PrivateKey
from services.cli import _message_verifier, parser

KEY = SM2PrivateKey.from_seed("cli-signing")


def args(*extra: str):
    return parser().parse_args(["sim", "serve", *extra])


def test_no_key_no_check():
    assert _message_verifier(args()) is None


def test_the_key_and_the_signing_string_given_are_used():
    verifier = _message_verifier(args("--verify-public-key", KEY.public_key.to_base64(), "--signing-string", "input",
                                      "--signing-user-id", "ALICE123@YAHOO.COM"))
    assert (verifier.key, verifier.form, verifier.user_id) == (KEY.public_key, "input", "ALICE123@YAHOO.COM")


def test_a_malformed_key_stops_the_simulator_with_a_clear_message():
    with pytest.raises(SystemExit, match="--verify-public-key: not a usable SM2 public key"):
        _message_verifier(args("--verify-public-key", "AAAA"))
