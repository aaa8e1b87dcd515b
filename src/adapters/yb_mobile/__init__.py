"""The local mobile-payment centre (医保移动支付, 6xxx): SM4/SM2 envelope and the Platform adapter."""
from adapters.yb_mobile.client import MobilePayPlatform, MobilePaySettings
from adapters.yb_mobile.crypto import CryptoError, SM2PrivateKey, SM2PublicKey
from adapters.yb_mobile.envelope import SPEC_PATHS, Channel, EnvelopeError

__all__ = ["MobilePayPlatform", "MobilePaySettings", "SPEC_PATHS", "Channel", "EnvelopeError", "CryptoError",
           "SM2PrivateKey", "SM2PublicKey"]
