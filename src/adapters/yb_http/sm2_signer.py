"""SM3withSM2 message signatures: cainfo = Base64 of the 64-byte r||s (the length of the one real
cainfo on record, a Jilin reply), signtype "SM2". The signer serves the HTTP platform; the verifier
is the check a signing deployment makes on receipt (the simulator's front uses it).

Which text is signed is configuration (wire.signing_string); both forms are provisional, as no
public Hubei source confirms either. The SM2 arithmetic is the mobile envelope's (gmssl with its
flaws covered), not a second implementation.
"""
from __future__ import annotations

from collections.abc import Mapping

from adapters.yb_http.wire import SIGNING_STRINGS, encode_json, raw_member, signing_string
from adapters.yb_mobile.crypto import SM2_USER_ID, CryptoError, SM2PrivateKey, SM2PublicKey, sign_base64, verify_base64
from ports.message_signer import MessageSignature, MessageSigner

SIGNTYPE_SM2 = "SM2"


def _check_form(form: str) -> str:
    if form not in SIGNING_STRINGS:
        raise ValueError(f"unknown signing string {form!r}; one of {', '.join(SIGNING_STRINGS)}")
    return form


class Sm2MessageSigner(MessageSigner):
    def __init__(self, key: SM2PrivateKey, signing_string: str = "sorted_fields", user_id: str = SM2_USER_ID,
                 signtype: str = SIGNTYPE_SM2):
        self.key, self.form, self.user_id, self.signtype = key, _check_form(signing_string), user_id, signtype

    @classmethod
    def from_base64(cls, private_key: str, **options) -> Sm2MessageSigner:
        """The key as configured: Base64 of the 32-byte private scalar. Refuses what is no key."""
        if not private_key.strip():
            raise ValueError("no SM2 private key given")
        try:
            return cls(SM2PrivateKey.from_base64(private_key), **options)
        except CryptoError as exc:
            raise ValueError(f"not a usable SM2 private key: {exc}") from None

    @property
    def public_key(self) -> SM2PublicKey:
        return self.key.public_key

    def sign(self, envelope: Mapping[str, object]) -> MessageSignature:
        fields = {**envelope, "signtype": self.signtype}
        # the body is written by the same encoder, and JSON's encoding of a member is the encoding
        # of its value: this is the input's text in the body, byte for byte
        source = signing_string(self.form, fields, encode_json(envelope.get("input")))
        return MessageSignature(self.signtype, sign_base64(self.key, source, user_id=self.user_id))


class Sm2MessageVerifier:
    """A receiving platform's check of signtype and cainfo."""

    def __init__(self, public_key: SM2PublicKey, signing_string: str = "sorted_fields",
                 user_id: str = SM2_USER_ID, signtype: str = SIGNTYPE_SM2):
        self.key, self.form, self.user_id, self.signtype = public_key, _check_form(signing_string), user_id, signtype

    @classmethod
    def from_base64(cls, public_key: str, **options) -> Sm2MessageVerifier:
        try:
            return cls(SM2PublicKey.from_base64(public_key), **options)
        except CryptoError as exc:
            raise ValueError(f"not a usable SM2 public key: {exc}") from None

    def problem(self, envelope: Mapping[str, object], body: str) -> str:
        """Why the signature of this request is not acceptable; "" when it is. `body` is the
        request text as received (the input form is checked over the input's text in it)."""
        cainfo = envelope.get("cainfo")
        if not cainfo or not isinstance(cainfo, str):
            return "数字签名信息(cainfo)为空"
        if envelope.get("signtype") != self.signtype:
            return f"签名类型[{envelope.get('signtype')}]不支持，应为{self.signtype}"
        input_text = raw_member(body, "input") if self.form == "input" else ""
        if input_text is None:
            return "报文缺少交易输入(input)"
        source = signing_string(self.form, envelope, input_text)
        if not verify_base64(self.key, source, cainfo, user_id=self.user_id):
            return "数字签名(cainfo)验签失败"
        return ""
