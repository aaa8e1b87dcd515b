"""The local mobile-payment centre (6xxx) over HTTP: one sealed POST per transaction.

Outcome mapping (the port's contract):
  code "0" and a verified, decrypted body        -> PlatformReply(output={"data": body})
  any other code on HTTP 200                     -> PlatformRefused (a definite no)
  connect failure before anything was sent       -> PlatformUnreachable
  a transaction with no configured path          -> PlatformUnreachable (nothing was sent)
  timeout / dropped connection after sending,
  HTTP status other than 200, no code, a body
  that does not decrypt or whose signData fails  -> PlatformOutcomeUnknown (the centre may have acted)
A non-200 status is doubtful even when it carries a code: that is usually a proxy in front of the
centre speaking, not the centre. Sending is never retried here (see services.platform_gateway).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

import httpx

from adapters.yb_mobile.crypto import SM2PrivateKey, SM2PublicKey
from adapters.yb_mobile.envelope import (ENC_TYPE, SIGN_TYPE, SPEC_PATHS, SUCCESS_CODE, VERSION, Channel,
                                         EnvelopeError, code_text, decrypt, format_timestamp, header, seal,
                                         unwrap, verify)
from ports.catalogue import Catalogue, decode_output, load_catalogue
from ports.clock import SystemClock
from ports.jsoncodec import encode_json, parse_json
from ports.platform import (Platform, PlatformOutcomeUnknown, PlatformRefused, PlatformReply, PlatformRequest,
                            PlatformUnreachable)

_JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class MobilePaySettings:
    base_url: str  # the centre's base, e.g. https://host:port (paths are appended)
    app_id: str
    app_secret: str = field(repr=False)
    platform_public_key: str = ""  # Base64 SM2 public key of the centre (65 or 64 bytes)
    private_key: str = field(default="", repr=False)  # Base64 SM2 private key of our channel (32 bytes)
    paths: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(dict(SPEC_PATHS)))
    version: str = VERSION
    enc_type: str = ENC_TYPE
    sign_type: str = SIGN_TYPE
    timestamp_style: str = "datetime"  # yyyyMMddHHmmss; "millis" for epoch milliseconds
    send_trans_type: bool = False  # add transType=<infno> (then signed) for centres that want it
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_connections: int = 20

    def url_for(self, infno: str) -> str | None:
        path = self.paths.get(infno)
        return None if not path else self.base_url.rstrip("/") + "/" + path.lstrip("/")


class MobilePayPlatform(Platform):
    """The Platform port for gateway "mobile" transactions. The FSI sign_no is not used: the
    centre authenticates the channel by appId and signature."""

    def __init__(self, settings: MobilePaySettings, catalogue: Catalogue | None = None,
                 client: httpx.Client | None = None, now: Callable[[], datetime] | None = None):
        if settings.timestamp_style not in ("datetime", "millis"):
            raise ValueError(f"timestamp_style must be 'datetime' or 'millis', not {settings.timestamp_style!r}")
        self.settings = settings
        self.catalogue = catalogue or load_catalogue()
        self.channel = Channel(settings.app_id, settings.app_secret)
        self.signer = SM2PrivateKey.from_base64(settings.private_key)
        self.centre_key = SM2PublicKey.from_base64(settings.platform_public_key)
        self._now = now or SystemClock().now  # the hospital's wall time, whatever the host's zone
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            limits=httpx.Limits(max_connections=settings.max_connections,
                                max_keepalive_connections=settings.max_connections))

    # ---- the port ----------------------------------------------------------------------------
    def execute(self, request: PlatformRequest) -> PlatformReply:
        url = self.settings.url_for(request.infno)
        if url is None:
            raise PlatformUnreachable(f"no mobile-payment path configured for {request.infno}; nothing was sent",
                                      request.msgid)
        body = encode_json(self.envelope(request)).encode("utf-8")
        try:
            response = self.client.post(url, content=body, headers={"Content-Type": _JSON})
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol) as exc:
            raise PlatformUnreachable(f"{type(exc).__name__}: {exc}", request.msgid) from exc
        except httpx.HTTPError as exc:  # read timeout, dropped connection: it may have arrived
            raise PlatformOutcomeUnknown(f"{type(exc).__name__}: {exc}", request.msgid) from exc
        return self.read_reply(request, response.status_code, response.content)

    def close(self) -> None:
        self.client.close()

    # ---- parts, public for tests and tools ---------------------------------------------------
    def envelope(self, request: PlatformRequest) -> dict:
        s = self.settings
        head = header(s.app_id, format_timestamp(self._now(), s.timestamp_style), s.version, s.enc_type,
                      s.sign_type, transType=request.infno if s.send_trans_type else None)
        return seal(head, business_object(request.input), self.channel, self.signer)

    def read_reply(self, request: PlatformRequest, status: int, content: bytes) -> PlatformReply:
        msgid = request.msgid
        snippet = content[:160].decode("utf-8", "replace")
        if status != 200:
            raise PlatformOutcomeUnknown(f"mobile-payment centre answered HTTP {status}: {snippet!r}", msgid)
        try:
            message = parse_json(content)
        except ValueError:
            raise PlatformOutcomeUnknown(f"unreadable reply: {snippet!r}", msgid) from None
        if not isinstance(message, dict):
            raise PlatformOutcomeUnknown("reply is not a JSON object", msgid)
        code = code_text(message.get("code"))
        if code is None:
            raise PlatformOutcomeUnknown(f"reply without code: {snippet!r}", msgid)
        text = str(message.get("message") or message.get("msg") or "")
        if code != SUCCESS_CODE:
            self._check_refusal(message, msgid)
            raise PlatformRefused(*_refusal(code, text), msgid)
        if message.get("success") is False:
            raise PlatformOutcomeUnknown(f"reply says code 0 but success=false: {text}", msgid)
        try:
            data = decrypt(message, self.channel)
            verify(message, data, self.channel, self.centre_key)
        except EnvelopeError as exc:
            raise PlatformOutcomeUnknown(f"untrusted reply ({exc.reason}): {exc}", msgid) from exc
        return self._decode(request, unwrap(data), message)

    def _check_refusal(self, message: dict, msgid: str) -> None:
        """A refusal is taken unsigned (the spec sends none), but a signature that is there must hold:
        a forged 'no' would make the HIS repeat a payment that happened."""
        if not message.get("signData"):
            return
        try:
            verify(message, decrypt(message, self.channel), self.channel, self.centre_key)
        except EnvelopeError as exc:
            raise PlatformOutcomeUnknown(f"refusal with a bad signature ({exc.reason}): {exc}", msgid) from exc

    def _decode(self, request: PlatformRequest, data: object, message: dict) -> PlatformReply:
        tx = self.catalogue.get(request.infno)
        output = {"data": data}  # the catalogue's 6xxx output node
        if tx is None:
            return PlatformReply(output=output, raw=message)
        decoded, problems = decode_output(tx, output)
        # signed and code 0: the centre acted; fields it wrote oddly are recorded, not doubted
        return PlatformReply(output=decoded, raw=message, problems=tuple(problems))


def business_object(payload: Mapping) -> dict:
    """The catalogue puts 6xxx fields under input node "data"; the centre's D is that object."""
    if set(payload) == {"data"} and isinstance(payload["data"], Mapping):
        return dict(payload["data"])
    return dict(payload)


def _refusal(code: str, text: str) -> tuple[int, str]:
    """PlatformRefused carries an int; a code like "E1001" becomes -1 and stays in the message."""
    text = text or "(no message)"
    if code.lstrip("-").isdigit():
        return int(code), text
    return -1, f"[{code}] {text}"


__all__ = ["MobilePayPlatform", "MobilePaySettings", "SPEC_PATHS", "business_object"]
