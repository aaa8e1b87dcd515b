"""Sealing personal data at rest: AES-GCM bound to its purpose, keyed digests for lookups."""
from __future__ import annotations

import pytest

from adapters.field_cipher import AesGcmFieldCipher
from ports.field_cipher import CannotOpen

KEY = bytes(range(32))


def test_a_sealed_value_opens_to_what_was_sealed_and_does_not_show_it():
    cipher = AesGcmFieldCipher(KEY)
    sealed = cipher.seal("11010519491231002X", "identifier:ID_CARD")
    assert b"11010519491231002X" not in sealed and b"0519491231" not in sealed
    assert cipher.open(sealed, "identifier:ID_CARD") == "11010519491231002X"
    assert cipher.seal("张三", "p") != cipher.seal("张三", "p")  # a fresh nonce each time


def test_a_value_opens_only_for_its_own_purpose_and_key():
    cipher = AesGcmFieldCipher(KEY)
    sealed = cipher.seal("13800138000", "patients.phone:p1")
    with pytest.raises(CannotOpen):
        cipher.open(sealed, "patients.phone:p2")  # copied onto another patient's row
    with pytest.raises(CannotOpen):
        AesGcmFieldCipher(bytes(32)).open(sealed, "patients.phone:p1")
    altered = bytearray(sealed)
    altered[20] ^= 1
    with pytest.raises(CannotOpen):
        cipher.open(bytes(altered), "patients.phone:p1")
    with pytest.raises(CannotOpen):
        cipher.open(b"\x01short", "patients.phone:p1")


def test_digests_are_stable_per_value_and_purpose_and_need_the_key():
    cipher = AesGcmFieldCipher(KEY)
    one = cipher.digest("13800138000", "phone")
    assert one == AesGcmFieldCipher(KEY).digest("13800138000", "phone")
    assert one != cipher.digest("13800138001", "phone")
    assert one != cipher.digest("13800138000", "identifier:VISIT_CARD")
    assert one != AesGcmFieldCipher(bytes(32)).digest("13800138000", "phone")
    assert "13800138000" not in one


def test_a_short_key_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        AesGcmFieldCipher(b"too short")


def test_the_configured_data_key_must_be_base64_of_32_bytes():
    import base64

    from pydantic import ValidationError

    from services.settings import Settings

    good = base64.b64encode(bytes(range(32))).decode()
    assert Settings(patients={"data_key": good}).patients.data_key == good
    for bad in ("not base64!", base64.b64encode(b"sixteen bytes!!!").decode()):
        with pytest.raises(ValidationError, match="data_key"):
            Settings(patients={"data_key": bad})
