"""One port, one server: a second server (or `his serve`) on a port another server holds is refused, over
real sockets, instead of silently sharing it through SO_REUSEPORT; stopping is logged."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.grpc.server import AddressUnavailable, build_server

fakes = sys.modules["tests_grpc_fakes"]  # loaded by this folder's conftest
FakeJournal, FakeOutpatient = fakes.FakeJournal, fakes.FakeOutpatient


def _serving(port: int) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
    return reply.status == health_pb2.HealthCheckResponse.SERVING


@pytest.fixture
def held_port():
    """A port a running server holds."""
    server, port = build_server(FakeOutpatient(), FakeJournal(), {}, address="127.0.0.1:0")
    server.start()
    try:
        yield port
    finally:
        server.stop(None).wait()


def test_a_second_server_cannot_bind_a_port_the_first_holds(held_port):
    address = f"127.0.0.1:{held_port}"
    with pytest.raises(AddressUnavailable, match=f"cannot listen on {address}: the port is in use"):
        build_server(FakeOutpatient(), FakeJournal(), {}, address=address)
    assert _serving(held_port)


def test_the_port_is_free_again_once_its_server_stopped():
    first, port = build_server(FakeOutpatient(), FakeJournal(), {}, address="127.0.0.1:0")
    first.start()
    first.stop(None).wait()
    second, again = build_server(FakeOutpatient(), FakeJournal(), {}, address=f"127.0.0.1:{port}")
    second.start()
    try:
        assert again == port and _serving(port)
    finally:
        second.stop(None).wait()


def _his_serve(tmp_path, port: int, **popen) -> dict:
    """subprocess arguments for `his serve` on 127.0.0.1:port with its own SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIS_")}
    return dict(args=[sys.executable, "-m", "services.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                      "--database-url", f"sqlite:///{tmp_path / 'his.db'}"],
                cwd=tmp_path, env=env, text=True, **popen)


def test_his_serve_on_a_busy_port_exits_with_a_one_line_message(tmp_path, held_port):
    done = subprocess.run(**_his_serve(tmp_path, held_port, capture_output=True, timeout=60))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == (f"his serve: cannot listen on 127.0.0.1:{held_port}: the port is in use "
                                            "(another server?) or the address is not available here")
    assert "gRPC on port" not in done.stdout
    assert _serving(held_port)


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_his_serve_logs_when_it_has_stopped(tmp_path):
    proc = subprocess.Popen(**_his_serve(tmp_path, 0, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    try:
        first = proc.stdout.readline()
        assert first.startswith("his: gRPC on port "), first + proc.stderr.read()
        port = int(first.removeprefix("his: gRPC on port ").split(";")[0])
        assert _serving(port)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert f"gRPC server on 127.0.0.1:{port} stopped" in err
