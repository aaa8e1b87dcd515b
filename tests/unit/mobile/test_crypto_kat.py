"""Known-answer test: the spec's values (copied to tests/fixtures) reproduced bit for bit."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from adapters.yb_mobile.crypto import (CryptoError, SM2PrivateKey, SM2PublicKey, canonical_json, decrypt_data,
                                       derive_data_key, encrypt_data, sign_base64, sign_source, sm4_ecb_decrypt,
                                       sm4_ecb_encrypt, verify_base64)
from adapters.yb_mobile.envelope import business_data

KAT = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "mobile_pay_envelope.json")
                 .read_text(encoding="utf-8"))["known_answer_test"]


def signed_object() -> dict:
    return dict(KAT["envelope_header"], appId=KAT["appId"], data=business_data(KAT["data"]))


def test_sm4_block_vector_of_gbt_32907():
    v = KAT["sm4_gbt32907_block"]
    cipher = sm4_ecb_encrypt(bytes.fromhex(v["key"]), bytes.fromhex(v["plain"]))
    assert cipher[:16].hex() == v["cipher_first_block"]
    assert len(cipher) == 32  # a whole block of PKCS7 padding follows a full block
    assert sm4_ecb_decrypt(bytes.fromhex(v["key"]), cipher) == bytes.fromhex(v["plain"])


def test_data_key_derivation():
    assert derive_data_key(KAT["appId"], KAT["appSecret"]) == KAT["derived_key_ascii"].encode("ascii")


def test_plaintext_and_enc_data():
    body = business_data(KAT["data"])
    assert "expContent" not in body  # empty values never travel
    assert canonical_json(body) == KAT["encrypted_plaintext"]
    key = derive_data_key(KAT["appId"], KAT["appSecret"])
    assert encrypt_data(key, canonical_json(body)) == KAT["encData"]
    assert decrypt_data(key, KAT["encData"]) == KAT["encrypted_plaintext"]


def test_sign_source():
    assert sign_source(signed_object(), KAT["appSecret"]) == KAT["sign_source"]


def test_keys_load_and_match():
    private = SM2PrivateKey.from_base64(KAT["sm2_test_keys"]["private_key_b64"])
    public = SM2PublicKey.from_base64(KAT["sm2_test_keys"]["public_key_b64"])
    assert private.public_key == public
    assert public.to_base64() == KAT["sm2_test_keys"]["public_key_b64"]
    # X of this key starts with 0x09: a "04" prefix stripped with lstrip would eat its leading 0
    assert public.hex.startswith("09")


def test_signature_with_fixed_k_and_verification():
    private = SM2PrivateKey.from_base64(KAT["sm2_test_keys"]["private_key_b64"])
    public = SM2PublicKey.from_base64(KAT["sm2_test_keys"]["public_key_b64"])
    fixed = KAT["sm2_signature_with_fixed_k"]
    assert sign_base64(private, KAT["sign_source"], k=int(fixed["k_hex"], 16)) == fixed["signData"]
    assert verify_base64(public, KAT["sign_source"], fixed["signData"])
    assert not verify_base64(public, KAT["sign_source"] + " ", fixed["signData"])


def test_random_signatures_verify_and_differ():
    private = SM2PrivateKey.from_base64(KAT["sm2_test_keys"]["private_key_b64"])
    first, second = (sign_base64(private, KAT["sign_source"]) for _ in range(2))
    assert first != second  # a fresh nonce each time
    assert verify_base64(private.public_key, KAT["sign_source"], first)
    assert verify_base64(private.public_key, KAT["sign_source"], second)


def test_malformed_signatures_and_keys_are_rejected():
    public = SM2PublicKey.from_base64(KAT["sm2_test_keys"]["public_key_b64"])
    source = KAT["sign_source"]
    assert not verify_base64(public, source, "not base64!")
    assert not verify_base64(public, source, base64.b64encode(b"\x00" * 64).decode())  # r = s = 0
    assert not verify_base64(public, source, base64.b64encode(b"\xff" * 64).decode())  # r, s >= n
    assert not verify_base64(public, source, base64.b64encode(b"\x01" * 63).decode())
    with pytest.raises(CryptoError):
        SM2PublicKey.from_base64(base64.b64encode(b"\x04" + b"\x01" * 64).decode())  # not on the curve
    raw = base64.b64decode(KAT["sm2_test_keys"]["private_key_b64"])
    assert SM2PrivateKey.from_base64(base64.b64encode(b"\x00" + raw).decode()).d == int.from_bytes(raw, "big")


def test_wrong_key_or_corrupt_cipher_does_not_decrypt():
    key = derive_data_key(KAT["appId"], KAT["appSecret"])
    with pytest.raises(CryptoError):
        decrypt_data(b"0123456789ABCDEF", KAT["encData"])
    with pytest.raises(CryptoError):
        decrypt_data(key, KAT["encData"][:-2])
    with pytest.raises(CryptoError):
        decrypt_data(key, "XYZ")
