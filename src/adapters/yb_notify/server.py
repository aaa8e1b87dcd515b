"""The hospital's endpoint for notices the 医保 platform pushes: 7102 处方审核结果 and 7103 购药结果
(定点医疗机构接收…反馈通知).

PROVISIONAL transport: the spec is silent on how these reach the hospital; taken here as an FSI
envelope POSTed as JSON (infno, msgid, input = the spec's input fields), answered with an FSI reply:
infcode 0 when the notice is recorded (or was already: the platform delivers at least once and may
repeat one), infcode -1 with err_msg otherwise (a bad envelope, an input the transaction catalogue
refuses, an unknown hi_rxno, a state that cannot take it); the sender tries again later.

Standard library only (http.server, as the simulator's front): one small threaded server. What a
notice does is the handler's business (injected by the composition root: adapters never import
services).
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from domain.errors import DomainError, ValidationFailed
from domain.text import excerpt
from ports.catalogue import Catalogue, check_request
from ports.jsoncodec import INF_TIME_FORMAT, encode_json, parse_json

log = logging.getLogger(__name__)

# infno -> what to do with the notice's input; returns False when it changed nothing (a duplicate)
NoticeHandler = Callable[[dict], bool]
MAX_BODY = 4 << 20  # a 7103 with many rows is a few KiB; anything near this is not a notice
_JSON = "application/json;charset=UTF-8"


def _reply(infcode: int, err_msg: str, msgid: str, now: datetime) -> dict:
    return {"infcode": infcode, "inf_refmsgid": msgid or uuid.uuid4().hex, "refmsg_time": now.strftime(INF_TIME_FORMAT),
            "respond_time": now.strftime(INF_TIME_FORMAT), "err_msg": err_msg or None, "output": {}}


def answer_notice(body: bytes, handlers: Mapping[str, NoticeHandler], catalogue: Catalogue,
                  now: Callable[[], datetime]) -> dict:
    """The FSI reply to one POSTed notice (the transport aside: what the endpoint answers)."""
    try:
        envelope = parse_json(body)
    except ValueError:
        return _reply(-1, "报文不是JSON", "", now())
    if not isinstance(envelope, dict):
        return _reply(-1, "报文不是JSON对象", "", now())
    infno, msgid = str(envelope.get("infno") or ""), str(envelope.get("msgid") or "")
    handler = handlers.get(infno)
    tx = catalogue.get(infno) if handler is not None else None
    if tx is None:
        return _reply(-1, f"不接收交易[{excerpt(infno, 20)}]的通知", msgid, now())
    if not msgid:
        return _reply(-1, "缺少msgid", msgid, now())
    payload = envelope.get("input")
    violations = check_request(catalogue, tx, payload).violations
    if violations:
        shown = "; ".join(str(v) for v in violations[:5])
        return _reply(-1, f"入参校验失败: {excerpt(shown, 300)}", msgid, now())
    try:
        changed = handler(payload)
    except ValidationFailed as exc:
        return _reply(-1, excerpt(str(exc), 300), msgid, now())
    except DomainError as exc:  # unknown hi_rxno, a state that cannot take the notice
        return _reply(-1, excerpt(str(exc), 300), msgid, now())
    except Exception:
        log.exception("notice %s %s could not be recorded", infno, msgid)
        return _reply(-1, "医院系统内部错误，请稍后重发", msgid, now())
    if not changed:
        log.info("notice %s %s repeated an earlier one: nothing changed", infno, msgid)
    return _reply(0, "", msgid, now())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    endpoint: NoticeEndpoint


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 15  # seconds a peer may stall mid-request before its connection is dropped (no thread held for ever)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        log.debug("notice endpoint: " + format, *args)

    def do_POST(self) -> None:  # noqa: N802
        endpoint = self.server.endpoint
        if self.path.split("?", 1)[0].rstrip("/") != endpoint.path:
            self._send(404, {"infcode": -1, "err_msg": "not found"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._send(400, {"infcode": -1, "err_msg": "Content-Length 不是数字"})
            return
        if length > MAX_BODY:
            self._send(413, {"infcode": -1, "err_msg": "报文过大"})
            return
        try:
            body = self.rfile.read(length) if length > 0 else b""
        except OSError:  # the peer stalled past `timeout` or went away: nothing to answer
            return
        if len(body) < length:  # cut short: never act on part of a notice
            return
        self._send(200, answer_notice(body, endpoint.handlers, endpoint.catalogue, endpoint.now))

    def _send(self, status: int, value: object) -> None:
        body = encode_json(value).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", _JSON)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.info("notice endpoint: the sender left before its answer")


class NoticeEndpoint:
    """Serves POST `path` on host:port (0: any free port) in a background thread."""

    def __init__(self, handlers: Mapping[str, NoticeHandler], catalogue: Catalogue, now: Callable[[], datetime],
                 host: str = "127.0.0.1", port: int = 0, path: str = "/yb/notify"):
        self.handlers, self.catalogue, self.now = dict(handlers), catalogue, now
        self.host, self.path = host, "/" + path.strip("/")
        self._server = _Server((host, port), _Handler)
        self._server.endpoint = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    def start(self) -> NoticeEndpoint:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="yb-notify", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
