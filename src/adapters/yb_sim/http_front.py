"""The simulator behind HTTP, speaking the real wire format: x-tif gateway signature, JSON
envelope in and out, and faults that really break the connection. Given the HIS's public key,
it also checks each request's message signature (cainfo), as a signing deployment does."""
from __future__ import annotations

import hmac
import logging
import socket
import struct
import threading
import time
from dataclasses import asdict
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

from adapters.yb_http import wire
from adapters.yb_http.sm2_signer import Sm2MessageVerifier
from adapters.yb_sim.echo import shown
from adapters.yb_sim.serving import BackgroundServing
from adapters.yb_sim.faults import DEFAULT_HOLD_SECONDS, ODDLY_WRITTEN, Fault, oddly_written
from adapters.yb_sim.late import LateCommit
from adapters.yb_sim.platform import SIMULATED_ERROR, SimulatorPlatform
from domain.operator import Operator
from domain.platform_time import parse_datetime
from ports.platform import PlatformError, PlatformRefused, PlatformReply, PlatformRequest

log = logging.getLogger(__name__)
DEFAULT_PATH = "/fsi/api/rsfComIfsService/callService"
REQUIRED_ENVELOPE = ("infno", "msgid", "mdtrtarea_admvs", "recer_sys_code", "infver", "opter_type", "opter",
                     "opter_name", "inf_time", "fixmedins_code", "fixmedins_name", "input")
_JSON = "application/json;charset=UTF-8"
_GARBAGE = b"<html><body>502 Bad Gateway</body></html>"
_BAD_GATEWAY = (b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
                b"</center><hr><center>nginx</center></body></html>")
_HTML = "text/html;charset=UTF-8"
SETTLE_TIMEOUT = 120.0  # how long POST /_sim/settle waits at most unless told
_RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST instead of FIN


def _error_text(exc: PlatformError) -> str:
    """A failed call as the platform's err_msg."""
    return exc.err_msg if isinstance(exc, PlatformRefused) else f"系统内部错误: {exc}"


def _stamp(when: datetime) -> str:
    """refmsg_time / respond_time: yyyyMMddHHmmssSSS."""
    return when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # a hospital's worth of desks connecting at once: the default backlog of 5 drops connections
    request_queue_size = 128
    front: SimulatorHttpFront

    def handle_error(self, request, client_address) -> None:
        # a client that hangs up mid-reply is routine here; keep tracebacks off stderr
        log.debug("connection from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # headers and body leave in separate writes; with Nagle on, the body would wait ~40 ms for
    # the client's delayed ACK on every reply
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)

    # ---- routing ---------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        route, simulator = self._route(), self.server.front.simulator
        if route.endswith("/_sim/health"):
            self._send_json(200, {"status": "ok"})
        elif route.endswith("/_sim/faults"):
            self._send_json(200, {"code": 0, "faults": [f.as_dict() for f in simulator.faults.pending()]})
        elif route.endswith("/_sim/config"):
            self._send_json(200, self._config())
        else:
            self._send_json(404, {"code": 404, "msg": "not found"})

    def do_DELETE(self) -> None:  # noqa: N802
        self._read_body()
        if self._route().endswith("/_sim/faults"):
            self.server.front.simulator.faults.clear()
            self._send_json(200, {"code": 0, "msg": "cleared"})
        else:
            self._send_json(404, {"code": 404, "msg": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_body()
        route = self._route()
        if route.endswith("/_sim/faults"):
            self._add_fault(body)
        elif route.endswith("/_sim/config"):
            self._set_config(body)
        elif route.endswith("/_sim/persons"):
            self._enrol(body)
        elif route.endswith("/_sim/settle"):
            self._settle(body)
        elif route.endswith("/_sim/ledger"):
            self._ledger(body)
        elif route == self.server.front.path:
            self._call(body)
        else:
            self._send_json(404, {"code": 404, "msg": "not found"})

    def _route(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/") or "/"

    # ---- plumbing --------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str = _JSON) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, status: int, value: object) -> None:
        self._send(status, wire.encode_json(value).encode("utf-8"))

    def _hang_up(self) -> None:
        """Close the connection without a word, as a dropped link or a killed gateway would."""
        self.close_connection = True

    def _reset(self) -> None:
        """Abort the connection with a TCP RST, as a firewall dropping the session does."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
            self.rfile.close()  # the socket's reader holds it open: close it first so close() acts now
            self.connection.close()
        except OSError:
            log.debug("reset of a connection already gone", exc_info=True)

    def _hold(self, late: LateCommit) -> bool:
        """Keep the connection until the platform has acted on `late`; False if the front stops first."""
        stopping = self.server.front.stopping
        while not late.done.wait(0.05):
            if stopping.is_set():
                return False
        return True

    # ---- control API -----------------------------------------------------------------------
    def _add_fault(self, body: bytes) -> None:
        try:
            spec = wire.parse_json(body or b"{}")
            fault = Fault(spec.get("infno") or None, str(spec["action"]), int(spec.get("times", 1)),
                          float(spec.get("seconds", 0) or 0), str(spec.get("contains") or ""))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self._send_json(400, {"code": 400, "msg": f"bad fault: {exc}"})
            return
        self.server.front.simulator.faults.add_fault(fault)
        self._send_json(200, {"code": 0, "msg": "added", "fault": fault.as_dict()})

    def _config(self) -> dict:
        simulator = self.server.front.simulator
        return {"code": 0, "unknown_reversal": simulator.unknown_reversal, "rx_notify_url": simulator.rx_notifier.url}

    def _set_config(self, body: bytes) -> None:
        simulator = self.server.front.simulator
        try:
            spec = wire.parse_json(body or b"{}")
            if not isinstance(spec, dict):
                raise ValueError("the body must be a JSON object")
            unknown = sorted(set(spec) - {"unknown_reversal", "rx_notify_url"})
            if unknown:
                raise ValueError(f"unknown setting(s): {', '.join(unknown)}")
            if "unknown_reversal" in spec:
                simulator.unknown_reversal = spec["unknown_reversal"]
            if "rx_notify_url" in spec:  # where 7102 / 7103 are pushed (the hospital's endpoint)
                if not isinstance(spec["rx_notify_url"], str):
                    raise ValueError("rx_notify_url must be a URL string")
                simulator.rx_notifier.configure(spec["rx_notify_url"])
        except ValueError as exc:
            self._send_json(400, {"code": 400, "msg": f"bad config: {exc}"})
            return
        self._send_json(200, self._config())

    def _enrol(self, body: bytes) -> None:
        try:
            person = self.server.front.simulator.enrol(wire.parse_json(body or b"{}"))
        except ValueError as exc:
            self._send_json(400, {"code": 400, "msg": f"bad person: {exc}"})
            return
        self._send_json(200, {"code": 0, "msg": "enrolled", "person": asdict(person)})

    def _settle(self, body: bytes) -> None:
        """Answer once every pending late commit has been processed (or after `timeout` seconds);
        with `now`, they are processed at once."""
        try:
            spec = wire.parse_json(body or b"{}")
            timeout, now = float(spec.get("timeout") or SETTLE_TIMEOUT), spec.get("now", False)
            if not isinstance(now, bool):
                raise ValueError("now must be true or false")
        except (ValueError, TypeError, AttributeError) as exc:
            self._send_json(400, {"code": 400, "msg": f"bad settle: {exc}"})
            return
        simulator = self.server.front.simulator
        if simulator.settle(timeout, now):
            self._send_json(200, {"code": 0, "msg": "settled", "pending": 0})
        else:
            self._send_json(504, {"code": 504, "msg": "late commits still pending", "pending": simulator.late.pending()})

    def _ledger(self, body: bytes) -> None:
        """Make the ledger disagree with the HIS (ledger_faults): {"setl_id": ..., "forget": true} or
        {"setl_id": ..., "amounts": {"medfee_sumamt": "12.00", ...}}."""
        simulator = self.server.front.simulator
        try:
            spec = wire.parse_json(body or b"{}")
            setl_id = str(spec.get("setl_id") or "")
            if spec.get("forget") is True:
                simulator.forget_settlement(setl_id)
                self._send_json(200, {"code": 0, "msg": "forgotten", "setl_id": setl_id})
                return
            amounts = spec.get("amounts")
            if not isinstance(amounts, dict) or not amounts:
                raise ValueError("give forget: true or amounts: {name: value}")
            simulator.alter_settlement(setl_id, **amounts)
        except (ValueError, TypeError, AttributeError) as exc:
            self._send_json(400, {"code": 400, "msg": f"bad ledger change: {exc}"})
            return
        self._send_json(200, {"code": 0, "msg": "altered", "setl_id": setl_id})

    # ---- the platform call -----------------------------------------------------------------
    def _call(self, body: bytes) -> None:
        front = self.server.front
        problem = front.check_gateway(self.headers)
        if problem:
            self._send_json(401, {"code": 400001, "msg": problem})
            return
        received = front.simulator.now()
        try:
            envelope = wire.parse_json(body)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            envelope = None
        if not isinstance(envelope, dict):
            self._envelope_error(received, "报文格式错误：请求体不是JSON对象")
            return
        missing = [k for k in REQUIRED_ENVELOPE if envelope.get(k) in (None, "")]
        if missing:
            self._envelope_error(received, f"报文头缺少必填字段: {', '.join(missing)}")
            return
        if front.message_verifier is not None:
            problem = front.message_verifier.problem(envelope, body.decode("utf-8", "replace"))
            if problem:
                self._envelope_error(received, problem)
                return
        if front.institution_code and str(envelope["fixmedins_code"]) != front.institution_code:
            self._envelope_error(received, f"定点医药机构编号[{shown(envelope['fixmedins_code'])}]无效")
            return
        inf_time = parse_datetime(str(envelope["inf_time"]))
        if inf_time is None:
            self._envelope_error(received,
                                 f"inf_time[{shown(envelope['inf_time'])}]格式错误，应为yyyy-MM-dd HH:mm:ss")
            return
        request = PlatformRequest(
            infno=str(envelope["infno"]), msgid=str(envelope["msgid"]),
            input=envelope["input"] if isinstance(envelope["input"], dict) else {},
            operator=Operator(code=str(envelope["opter"]), name=str(envelope["opter_name"]),
                              type=str(envelope["opter_type"])),
            inf_time=inf_time, sign_no=str(envelope.get("sign_no") or ""),
            insuplc_admdvs=str(envelope.get("insuplc_admdvs") or ""))
        self._dispatch(request, front.simulator.faults.take(request.infno, request.input), received)

    def _dispatch(self, request: PlatformRequest, fault: Fault | None, received: datetime) -> None:
        front = self.server.front
        action = fault.action if fault else ""
        if action == "drop_before_commit":
            self._hang_up()
            return
        if action == "reset_before_commit":
            self._reset()
            return
        if action == "gateway_error":
            self._send_json(500, {"code": "999", "msg": "gateway busy"})
            return
        if action == "error_reply":
            self._envelope_error(received, SIMULATED_ERROR)
            return
        if action == "delay":
            front.stopping.wait(fault.seconds)
        if action == "late_commit":
            # the platform acts after the delay whatever happens to this connection; the client's
            # read timeout usually ends its wait first
            late = front.simulator.late.schedule(request, fault.seconds)
            if not self._hold(late):
                self._hang_up()
                return
            reply, error = late.reply, _error_text(late.error) if late.error else ""
        else:
            if action == "duplicate_delivery":
                self._process(request)  # the first delivery acts; its answer goes nowhere
            reply, error = self._process(request)
        if action == "timeout_after_commit":
            front.stopping.wait(fault.seconds or DEFAULT_HOLD_SECONDS)
            self._hang_up()
            return
        if action == "drop_after_commit":
            self._hang_up()
            return
        if action == "reset_after_commit":
            self._reset()
            return
        if action == "garbage_after_commit":
            self._send(200, _GARBAGE, _HTML)
            return
        if action == "bad_gateway_after_commit":
            self._send(502, _BAD_GATEWAY, _HTML)
            return
        if reply is None:
            self._envelope_error(received, error)
            return
        content = reply.output.get("file") if isinstance(reply.output, dict) else None
        if isinstance(content, (bytes, bytearray)):  # 9102: the file itself, not an envelope
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            name = str(reply.output.get("filename") or "file")
            ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
            # headers travel as latin-1: a Chinese filename goes in the RFC 5987 form beside an ASCII one
            self.send_header("Content-Disposition",
                             f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(bytes(content))
            return
        output, message = oddly_written(action, reply.output) if action in ODDLY_WRITTEN else (reply.output, "")
        self._send_json(200, {
            "infcode": 0, "inf_refmsgid": reply.inf_refmsgid, "refmsg_time": _stamp(received),
            "respond_time": _stamp(front.simulator.now()), "err_msg": message or None, "warn_msg": None,
            "cainfo": None, "signtype": None, "output": output})

    def _process(self, request: PlatformRequest) -> tuple[PlatformReply | None, str]:
        """The platform's reply, or None and its err_msg."""
        try:
            return self.server.front.simulator.process(request), ""
        except PlatformError as exc:
            return None, _error_text(exc)

    def _envelope_error(self, received: datetime, message: str) -> None:
        self._send_json(200, {
            "infcode": -1, "inf_refmsgid": None, "refmsg_time": _stamp(received),
            "respond_time": _stamp(self.server.front.simulator.now()), "err_msg": message,
            "warn_msg": None, "cainfo": None, "signtype": None, "output": None})


class SimulatorHttpFront(BackgroundServing):
    thread_name = "yb-sim-http"

    def __init__(self, simulator: SimulatorPlatform, host: str = "127.0.0.1", port: int = 0,
                 paasid: str = "his", token: str = "his-secret", path: str = DEFAULT_PATH,
                 institution_code: str | None = None, window_seconds: int = 180,
                 message_verifier: Sm2MessageVerifier | None = None):
        self.simulator = simulator
        self.message_verifier = message_verifier  # None: cainfo is not looked at
        self.host = host
        self.paasid = paasid
        self.token = token
        self.path = "/" + path.strip("/")
        self.institution_code = institution_code
        self.window_seconds = window_seconds
        self.stopping = threading.Event()  # wakes handlers that hold a socket (delay, timeout)
        self._server = _Server((host, port), _Handler)
        self._server.front = self

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def check_gateway(self, headers) -> str:
        """Why the x-tif headers are not acceptable; "" when they are."""
        values = {name: headers.get(name) for name in
                  (wire.HEADER_PAASID, wire.HEADER_TIMESTAMP, wire.HEADER_NONCE, wire.HEADER_SIGNATURE)}
        missing = [name for name, value in values.items() if not value]
        if missing:
            return f"缺少网关请求头: {', '.join(missing)}"
        if values[wire.HEADER_PAASID] != self.paasid:
            return f"paasid[{shown(values[wire.HEADER_PAASID])}]无效"
        ts = values[wire.HEADER_TIMESTAMP].strip()
        if not ts.isdigit():
            return "x-tif-timestamp 格式错误"
        if abs(time.time() - int(ts)) > self.window_seconds:
            return "x-tif-timestamp 超出允许的时间窗口"
        expected = wire.signature(ts, self.token, values[wire.HEADER_NONCE])
        given = values[wire.HEADER_SIGNATURE].strip().lower()
        if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
            return "x-tif-signature 签名校验失败"
        return ""
