"""How the HTTP adapter reads a transport failure: before the request left (connecting, waiting for
a pooled connection) it is PlatformUnreachable, safe to send again; once it may have left (a read
timeout, a reset, a closed connection, a protocol error, a write cut short) PlatformOutcomeUnknown."""
from __future__ import annotations

import socket
from datetime import datetime

import httpx
import pytest

from adapters.yb_http.client import HttpPlatform, HttpSettings
from domain.institution import Institution
from domain.operator import Operator
from ports.catalogue import load_catalogue
from ports.platform import PlatformOutcomeUnknown, PlatformRequest, PlatformUnreachable

URL = "http://127.0.0.1:9/fsi/api/rsfComIfsService/callService"


def request() -> PlatformRequest:
    return PlatformRequest("1101", "H42010600001202603020930000001", {"data": {"psn_no": "1"}},
                           Operator("C001", "测试员"), datetime(2026, 3, 2, 9, 30), "S1")


def platform(url: str = URL, transport: httpx.BaseTransport | None = None) -> HttpPlatform:
    return HttpPlatform(HttpSettings(url=url, paasid="his", token="t", connect_timeout=1, read_timeout=1),
                        Institution(), load_catalogue(), transport=transport)


def failing(exc: Exception) -> httpx.MockTransport:
    def handler(_: httpx.Request) -> httpx.Response:
        raise exc
    return httpx.MockTransport(handler)


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"),
                                 httpx.PoolTimeout("busy"), httpx.UnsupportedProtocol("ftp")],
                         ids=lambda e: type(e).__name__)
def test_failures_before_sending_are_unreachable(exc):
    with pytest.raises(PlatformUnreachable, match=type(exc).__name__):
        platform(transport=failing(exc)).execute(request())


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("late"), httpx.ReadError("[Errno 104] Connection reset by peer"),
                                 httpx.RemoteProtocolError("Server disconnected without sending a response."),
                                 httpx.WriteError("broken pipe"), httpx.WriteTimeout("slow"),
                                 httpx.LocalProtocolError("bad"), httpx.CloseError("close"),
                                 httpx.DecodingError("gzip"), ConnectionResetError(104, "reset")],
                         ids=lambda e: type(e).__name__)
def test_failures_after_sending_are_unknown_outcomes(exc):
    with pytest.raises(PlatformOutcomeUnknown, match=type(exc).__name__):
        platform(transport=failing(exc)).execute(request())


def test_nothing_listening_is_unreachable():
    with socket.socket() as probe:  # a port just freed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = platform(f"http://127.0.0.1:{port}/fsi/api/rsfComIfsService/callService")
    try:
        with pytest.raises(PlatformUnreachable, match="ConnectError"):
            http.execute(request())
    finally:
        http.close()
