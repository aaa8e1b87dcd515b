"""The simulator behind the local mobile-payment centre's HTTP interface: appId/encData/signData
envelope in and out (adapters.yb_mobile.envelope, the same code the real adapter uses), its own
SM2 key pair, and the simulator's faults that break the connection.

The centre has no FSI sign-in, but SimulatorPlatform.process wants one for every code but 9001:
the front signs in once (9001) as its own operator and signs in again when the simulator has
forgotten it. Reply codes: "0" success; "-1" the simulator refused (its message); "1001" bad
envelope; "1002" unknown appId (unsigned: no secret to sign with); "1003" signData does not
verify; "1004" encData does not decrypt; "1005" timestamp outside the window; "9999" internal.
"""
from __future__ import annotations

import itertools
import logging
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from adapters.yb_mobile.client import MobilePaySettings
from adapters.yb_mobile.crypto import SM2PrivateKey, SM2PublicKey
from adapters.yb_mobile.envelope import (ENC_TYPE, SIGN_TYPE, SPEC_PATHS, SUCCESS_CODE, VERSION, Channel,
                                         EnvelopeError, format_timestamp, header, open_sealed, parse_timestamp,
                                         seal)
from adapters.yb_sim.serving import BackgroundServing
from adapters.yb_sim.faults import DEFAULT_HOLD_SECONDS
from adapters.yb_sim.platform import SIMULATED_ERROR, SimulatorPlatform
from domain.operator import Operator
from ports.jsoncodec import encode_json, parse_json
from ports.platform import PlatformError, PlatformRefused, PlatformReply, PlatformRequest

log = logging.getLogger(__name__)
# The spec's five paths plus simulator conventions for the codes whose paths are unpublished.
SIM_PATHS = {**SPEC_PATHS, **{code: f"/org/local/api/hos/sim/{code}" for code in ("6101", "6204", "6302")}}
DEFAULT_APP_ID = "HB4201060000SIMAPP000001"
DEFAULT_APP_SECRET = "SIMSECRET0123456789MOBILE"
CENTRE_KEY_SEED = "yb-sim-mobile-centre"
CHANNEL_KEY_SEED = "yb-sim-mobile-channel"
REQUIRED = ("appId", "encType", "signType", "timestamp", "version", "encData", "signData")
_JSON = "application/json;charset=UTF-8"
_GARBAGE = b"<html><body>502 Bad Gateway</body></html>"
_ENVELOPE_CODES = {EnvelopeError.MALFORMED: "1001", EnvelopeError.BAD_SIGNATURE: "1003",
                   EnvelopeError.UNDECRYPTABLE: "1004"}


@dataclass(frozen=True)
class MobileApp:
    """A channel the centre knows: appId, its secret and the channel's SM2 public key."""

    app_id: str
    app_secret: str = field(repr=False)
    public_key: SM2PublicKey = field(repr=False)

    @property
    def channel(self) -> Channel:
        return Channel(self.app_id, self.app_secret)


class _Refusal(Exception):
    def __init__(self, code: str, message: str, signed: bool = True):
        super().__init__(message)
        self.code, self.message, self.signed = code, message, signed


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    front: MobilePayFront

    def handle_error(self, request, client_address) -> None:
        log.debug("connection from %s failed", client_address, exc_info=True)  # hang-ups are routine here


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802
        route = self.path.split("?", 1)[0].rstrip("/")
        self._send(200 if route.endswith("/_sim/health") else 404,
                   {"status": "ok"} if route.endswith("/_sim/health") else {"code": "404", "message": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        front = self.server.front
        infno = front.route(self.path)
        if infno is None:
            self._send(404, {"code": "404", "message": "not found"})
            return
        fault = front.simulator.faults.take(infno)
        action = fault.action if fault else ""
        if action == "drop_before_commit":
            self.close_connection = True  # hang up without a word, as a dropped link would
            return
        if action == "gateway_error":
            self._send(500, {"code": "999", "message": "gateway busy"})
            return
        if action == "delay":
            front.stopping.wait(fault.seconds)
        reply = front.answer(infno, body, error_reply=action == "error_reply")
        if action == "timeout_after_commit":
            front.stopping.wait(fault.seconds or DEFAULT_HOLD_SECONDS)
            self.close_connection = True
        elif action == "drop_after_commit":
            self.close_connection = True
        elif action == "garbage_after_commit":
            self._send_bytes(200, _GARBAGE, "text/html;charset=UTF-8")
        else:
            self._send(200, reply)

    def _send(self, status: int, value: object) -> None:
        self._send_bytes(status, encode_json(value).encode("utf-8"), _JSON)

    def _send_bytes(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class MobilePayFront(BackgroundServing):
    thread_name = "yb-sim-mobile"

    def __init__(self, simulator: SimulatorPlatform, host: str = "127.0.0.1", port: int = 0,
                 apps: Iterable[MobileApp] | None = None, centre_key: SM2PrivateKey | None = None,
                 paths: Mapping[str, str] | None = None, operator: Operator = Operator("MOBILE01", "移动支付中心"),
                 window_seconds: int | None = 600):
        self.simulator = simulator
        self.host = host
        self.centre_key = centre_key or SM2PrivateKey.from_seed(CENTRE_KEY_SEED)
        self.channel_key = SM2PrivateKey.from_seed(CHANNEL_KEY_SEED)  # the default app's, for client_settings()
        default = [MobileApp(DEFAULT_APP_ID, DEFAULT_APP_SECRET, self.channel_key.public_key)]
        self.apps = {a.app_id: a for a in (default if apps is None else apps)}
        self.paths = dict(SIM_PATHS if paths is None else paths)
        self._by_path = {"/" + p.strip("/"): code for code, p in self.paths.items()}
        self.operator = operator
        self.window_seconds = window_seconds
        self.stopping = threading.Event()  # wakes handlers that hold a socket (delay, timeout)
        self._sign_lock = threading.Lock()
        self._sign_no = ""
        self._msg_prefix, self._msg_seq = "MOBILE" + secrets.token_hex(4).upper(), itertools.count(1)
        self._server = _Server((host, port), _Handler)
        self._server.front = self

    # ---- addresses ---------------------------------------------------------------------------
    def route(self, path: str) -> str | None:
        return self._by_path.get(path.split("?", 1)[0].rstrip("/") or "/")

    def client_settings(self, **overrides: object) -> MobilePaySettings:
        """Settings for a MobilePayPlatform talking to this front as the default app."""
        values = dict(base_url=self.base_url, app_id=DEFAULT_APP_ID, app_secret=DEFAULT_APP_SECRET,
                      platform_public_key=self.centre_key.public_key.to_base64(),
                      private_key=self.channel_key.to_base64(), paths=dict(self.paths))
        values.update(overrides)
        return MobilePaySettings(**values)

    # ---- one call ----------------------------------------------------------------------------
    def answer(self, infno: str, body: bytes, error_reply: bool = False) -> dict:
        """The reply envelope for one request body (never raises)."""
        app, version = None, VERSION
        try:
            envelope = self._envelope(body)
            version = str(envelope.get("version") or VERSION)
            app = self.apps.get(str(envelope["appId"]))
            if app is None:
                raise _Refusal("1002", f"appId[{envelope['appId']}]未注册", signed=False)
            self._check_header(envelope)
            try:
                data = open_sealed(envelope, app.channel, app.public_key)
            except EnvelopeError as exc:
                raise _Refusal(_ENVELOPE_CODES[exc.reason], str(exc)) from None
            if error_reply:
                raise _Refusal("-1", SIMULATED_ERROR)
            reply = self._process(infno, data)
        except _Refusal as refusal:
            return self._reply(refusal.code, refusal.message, None, app if refusal.signed else None, version)
        output = reply.output.get("data") if isinstance(reply.output.get("data"), dict) else {}
        return self._reply(SUCCESS_CODE, "成功", output, app, version)

    def _envelope(self, body: bytes) -> dict:
        try:
            envelope = parse_json(body)
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict):
            raise _Refusal("1001", "报文格式错误：请求体不是JSON对象", signed=False)
        missing = [k for k in REQUIRED if envelope.get(k) in (None, "")]
        if missing:
            raise _Refusal("1001", f"报文缺少必填字段: {', '.join(missing)}", signed=False)
        return envelope

    def _check_header(self, envelope: dict) -> None:
        if str(envelope["encType"]).upper() != ENC_TYPE or str(envelope["signType"]).upper() != SIGN_TYPE:
            raise _Refusal("1001", f"不支持的加密/签名方式[{envelope['encType']}/{envelope['signType']}]")
        sent = parse_timestamp(envelope["timestamp"])
        if sent is None:
            raise _Refusal("1005", f"timestamp[{envelope['timestamp']}]格式错误")
        if self.window_seconds is not None and abs((self.simulator.now() - sent).total_seconds()) > self.window_seconds:
            raise _Refusal("1005", "timestamp超出允许的时间窗口")

    def _process(self, infno: str, data: dict) -> PlatformReply:
        for attempt in (1, 2):
            request = PlatformRequest(infno=infno, msgid=f"{self._msg_prefix}{next(self._msg_seq):08d}",
                                      input={"data": data}, operator=self.operator,
                                      inf_time=self.simulator.now(), sign_no=self._sign())
            try:
                return self.simulator.process(request)
            except PlatformRefused as refused:
                if attempt == 1 and refused.sign_in_invalid:
                    self._forget_sign_in(request.sign_no)
                    continue
                raise _Refusal("-1", refused.err_msg) from None
            except PlatformError as exc:
                raise _Refusal("9999", f"系统内部错误: {exc}") from None
        raise AssertionError("unreachable")

    def _sign(self) -> str:
        with self._sign_lock:
            if not self._sign_no:
                request = PlatformRequest(
                    infno="9001", msgid=f"{self._msg_prefix}{next(self._msg_seq):08d}",
                    input={"signIn": {"opter_no": self.operator.code, "mac": "", "ip": "127.0.0.1"}},
                    operator=self.operator, inf_time=self.simulator.now())
                try:
                    self._sign_no = self.simulator.process(request).output["signinoutb"]["sign_no"]
                except PlatformError as exc:
                    raise _Refusal("9999", f"移动支付中心签到失败: {exc}") from None
            return self._sign_no

    def _forget_sign_in(self, sign_no: str) -> None:
        with self._sign_lock:
            if self._sign_no == sign_no:
                self._sign_no = ""

    def _reply(self, code: str, message: str, data: dict | None, app: MobileApp | None, version: str) -> dict:
        head = header(app.app_id if app else "", format_timestamp(self.simulator.now()), version,
                      code=code, message=message, success=code == SUCCESS_CODE)
        if app is None:
            return head
        return seal(head, data, app.channel, self.centre_key, encrypt_empty=data is not None)



__all__ = ["MobilePayFront", "MobileApp", "SIM_PATHS", "DEFAULT_APP_ID", "DEFAULT_APP_SECRET"]
