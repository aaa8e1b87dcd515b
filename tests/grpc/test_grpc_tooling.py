"""The committed stubs match the proto files; the server stops cleanly on a signal."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]


def test_stubs_match_the_protos():
    pytest.importorskip("grpc_tools")
    result = subprocess.run([sys.executable, "tools/gen_proto.py", "--check"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_check_reports_stale_and_extra_files(tmp_path):
    pytest.importorskip("grpc_tools")
    spec = importlib.util.spec_from_file_location("gen_proto", ROOT / "tools" / "gen_proto.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    fresh, current = tmp_path / "fresh", tmp_path / "current"
    gen.generate(fresh)
    shutil.copytree(fresh, current)
    assert gen.differences(fresh, current) == []
    (current / "his/v1/common_pb2.py").write_text("# edited by hand\n")
    (current / "his/v1/old_pb2.py").write_text("")
    assert gen.differences(fresh, current) == ["his/v1/common_pb2.py", "his/v1/old_pb2.py (no longer generated)"]


SERVE = textwrap.dedent("""
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("fakes", sys.argv[1])
    fakes = importlib.util.module_from_spec(spec); spec.loader.exec_module(fakes)
    from services.grpc.server import build_server, serve_until_signalled
    server, port = build_server(fakes.FakeOutpatient(), fakes.FakeJournal(), {}, address="127.0.0.1:0")
    print(port, flush=True)
    serve_until_signalled(server, on_stop=lambda: print("stopped", flush=True), grace=1)
""")


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_serve_until_signalled_stops_gracefully():
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(Path(__file__).with_name("fakes.py"))], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=10)
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "stopped"
