"""The mobile-payment centre's cryptography: SM4 data key and encData, the sorted sign source,
SM3withSM2 signatures (r||s, user id 1234567812345678 unless another is given).

The arithmetic comes from gmssl (pure Python). Its SM2 class has sharp edges that this module
covers, so nothing else should touch it:
  * it strips a "04" prefix with str.lstrip, which also eats a leading 0/4 of X: keys are set on
    the object after construction instead;
  * its nonce comes from `random` (not a CSPRNG) and may fall outside [1, n-1]: k is always ours;
  * its verify accepts r or s out of range and its PKCS7 unpadding checks nothing: both are
    checked here.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from gmssl import sm2, sm3, sm4

from ports.jsoncodec import encode_json  # Decimal-exact writer shared with the FSI adapter

SM2_USER_ID = "1234567812345678"  # GM/T 0009 default; what the centres actually use
_CURVE = sm2.default_ecc_table
_N = int(_CURVE["n"], 16)
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)
_NO_PADDING = -1  # gmssl pads only for its PKCS7/ZERO constants; padding is done here
_BLOCK = 16
UNSIGNED_KEYS = frozenset({"signData", "encData", "extra"})


class CryptoError(ValueError):
    """Bad key material, a ciphertext that does not decrypt, or a malformed signature."""


# ---- SM4 ----------------------------------------------------------------------------------------

def _sm4(key: bytes, data: bytes, mode: int) -> bytes:
    if len(key) != 16:
        raise CryptoError(f"SM4 key must be 16 bytes, got {len(key)}")
    cipher = sm4.CryptSM4(mode, padding_mode=_NO_PADDING)
    cipher.set_key(key, mode)
    return cipher.crypt_ecb(data)


def sm4_ecb_encrypt(key: bytes, plain: bytes) -> bytes:
    pad = _BLOCK - len(plain) % _BLOCK
    return _sm4(key, plain + bytes([pad]) * pad, sm4.SM4_ENCRYPT)


def sm4_ecb_decrypt(key: bytes, cipher: bytes) -> bytes:
    if not cipher or len(cipher) % _BLOCK:
        raise CryptoError(f"SM4 ciphertext length {len(cipher)} is not a positive multiple of 16")
    plain = _sm4(key, cipher, sm4.SM4_DECRYPT)
    pad = plain[-1]
    if not 1 <= pad <= _BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise CryptoError("SM4 padding is invalid (wrong key or corrupted data)")
    return plain[:-pad]


def derive_data_key(app_id: str, app_secret: str) -> bytes:
    """K = ASCII(UPPER(HEX(SM4_ECB(key=appId[0:16], appSecret)))[0:16])."""
    if len(app_id) < 16 or not app_id[:16].isascii():
        raise CryptoError("appId must start with at least 16 ASCII characters")
    derived = sm4_ecb_encrypt(app_id[:16].encode("ascii"), app_secret.encode("utf-8"))
    return derived.hex().upper()[:16].encode("ascii")


def encrypt_data(key: bytes, text: str) -> str:
    """encData: upper-case hex of SM4-ECB/PKCS7 over the UTF-8 text."""
    return sm4_ecb_encrypt(key, text.encode("utf-8")).hex().upper()


def decrypt_data(key: bytes, enc_data: str) -> str:
    try:
        cipher = bytes.fromhex(enc_data.strip())
    except (ValueError, AttributeError) as exc:
        raise CryptoError(f"encData is not hex: {exc}") from None
    try:
        return sm4_ecb_decrypt(key, cipher).decode("utf-8")
    except UnicodeDecodeError:
        raise CryptoError("decrypted encData is not UTF-8 (wrong key?)") from None


# ---- the sign source ----------------------------------------------------------------------------

def _sorted(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _sorted(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_sorted(v) for v in value]
    return value


def canonical_json(value: object) -> str:
    """Compact JSON, keys sorted recursively, Chinese unescaped. Decimals keep their exact text."""
    return encode_json(_sorted(value))


def render(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (Mapping, list, tuple)):
        return canonical_json(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, (Mapping, list, tuple)) and len(value) == 0)


def sign_source(fields: Mapping, app_secret: str) -> str:
    """k=v pairs in ascending key order (empty values and signData/encData/extra left out),
    joined with '&', then '&key=' + appSecret."""
    pairs = [f"{k}={render(fields[k])}" for k in sorted(fields)
             if k not in UNSIGNED_KEYS and not is_empty(fields[k])]
    return "&".join(pairs) + "&key=" + app_secret


# ---- SM2 ----------------------------------------------------------------------------------------

def _on_curve(x: int, y: int) -> bool:
    return 0 <= x < _P and 0 <= y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError, AttributeError) as exc:
        raise CryptoError(f"not Base64: {exc}") from None


class SM2PublicKey:
    def __init__(self, x: int, y: int):
        if not _on_curve(x, y):
            raise CryptoError("SM2 public key is not a point on the curve")
        self.x, self.y = x, y

    @classmethod
    def from_base64(cls, text: str) -> SM2PublicKey:
        raw = _b64(text)
        if len(raw) == 65 and raw[0] == 4:
            raw = raw[1:]
        if len(raw) != 64:
            raise CryptoError(f"SM2 public key must be 64 or 65 (0x04||X||Y) bytes, got {len(raw)}")
        return cls(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))

    @property
    def hex(self) -> str:
        return f"{self.x:064x}{self.y:064x}"

    def to_base64(self) -> str:
        return base64.b64encode(b"\x04" + bytes.fromhex(self.hex)).decode("ascii")

    def _engine(self, private_hex: str = "") -> sm2.CryptSM2:
        engine = sm2.CryptSM2(private_key=private_hex, public_key="")
        engine.public_key = self.hex  # set after construction: the constructor's lstrip mangles keys
        return engine

    def digest(self, message: bytes, user_id: str = SM2_USER_ID) -> bytes:
        """e = SM3(Z || M), Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2).
        Computed here because gmssl's sign_with_sm3 hard-codes the default user id."""
        uid = user_id.encode("utf-8")
        if len(uid) * 8 > 0xFFFF:
            raise CryptoError("SM2 user id too long")
        z_input = ((len(uid) * 8).to_bytes(2, "big") + uid
                   + bytes.fromhex(_CURVE["a"] + _CURVE["b"] + _CURVE["g"] + self.hex))
        z = bytes.fromhex(sm3.sm3_hash(list(z_input)))
        return bytes.fromhex(sm3.sm3_hash(list(z + message)))

    def verify(self, message: bytes, signature: bytes, user_id: str = SM2_USER_ID) -> bool:
        """SM3withSM2 over `message`; `signature` is the 64-byte r||s."""
        if len(signature) != 64:
            return False
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        if not (1 <= r < _N and 1 <= s < _N):
            return False
        try:
            return bool(self._engine().verify(signature.hex(), self.digest(message, user_id)))
        except (TypeError, ValueError):  # a degenerate point inside gmssl: not a valid signature
            return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SM2PublicKey) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self) -> int:
        return hash((self.x, self.y))


class SM2PrivateKey:
    def __init__(self, d: int):
        if not 1 <= d <= _N - 2:
            raise CryptoError("SM2 private key out of range")
        self.d = d
        point = sm2.CryptSM2(private_key="", public_key="")._kg(d, _CURVE["g"])
        self.public_key = SM2PublicKey(int(point[:64], 16), int(point[64:], 16))

    @classmethod
    def from_base64(cls, text: str) -> SM2PrivateKey:
        raw = _b64(text)
        if len(raw) == 33 and raw[0] == 0:  # some tools keep the sign byte of a DER integer
            raw = raw[1:]
        if len(raw) != 32:
            raise CryptoError(f"SM2 private key must be 32 bytes, got {len(raw)}")
        return cls(int.from_bytes(raw, "big"))

    @classmethod
    def generate(cls) -> SM2PrivateKey:
        return cls(secrets.randbelow(_N - 2) + 1)

    @classmethod
    def from_seed(cls, seed: str) -> SM2PrivateKey:
        """A reproducible key for simulators and tests (never for production)."""
        digest = hashlib.sha256(("yb-mobile-test-key:" + seed).encode("utf-8")).digest()
        return cls(int.from_bytes(digest, "big") % (_N - 2) + 1)

    def to_base64(self) -> str:
        return base64.b64encode(self.d.to_bytes(32, "big")).decode("ascii")

    def sign(self, message: bytes, k: int | None = None, user_id: str = SM2_USER_ID) -> bytes:
        """64-byte r||s. `k` is for known-answer tests only; real signatures use a fresh nonce."""
        engine = self.public_key._engine(f"{self.d:064x}")
        digest = self.public_key.digest(message, user_id)
        for _ in range(8):
            nonce = k if k is not None else secrets.randbelow(_N - 1) + 1
            result = engine.sign(digest, f"{nonce:064x}")
            if result is not None:
                return bytes.fromhex(result)
            if k is not None:
                raise CryptoError("the given k yields no valid signature")
        raise CryptoError("could not produce an SM2 signature")  # pragma: no cover - p ~ 2^-256


def sign_base64(key: SM2PrivateKey, source: str, k: int | None = None, user_id: str = SM2_USER_ID) -> str:
    return base64.b64encode(key.sign(source.encode("utf-8"), k, user_id)).decode("ascii")


def verify_base64(key: SM2PublicKey, source: str, sign_data: str, user_id: str = SM2_USER_ID) -> bool:
    try:
        signature = _b64(sign_data)
    except CryptoError:
        return False
    return key.verify(source.encode("utf-8"), signature, user_id)


__all__ = ["CryptoError", "SM2PrivateKey", "SM2PublicKey", "SM2_USER_ID", "UNSIGNED_KEYS", "canonical_json",
           "decrypt_data", "derive_data_key", "encrypt_data", "is_empty", "render", "sign_base64", "sign_source",
           "sm4_ecb_decrypt", "sm4_ecb_encrypt", "verify_base64"]
