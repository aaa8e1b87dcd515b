"""MLLP over real sockets on localhost: the client against the server and the fake RIS, and a server
that outlives what peers do wrong (noise, oversized frames, slow and half-closed peers)."""
from __future__ import annotations

import socket
import threading

import pytest
from tests_fake_ris import FakeRis, exchange

from adapters.hl7.mllp import END, START, FrameReader, FrameTooLarge, MllpClient, MllpServer, frame
from ports.exam_link import ExamLinkError, ExamLinkRejected

HOST = "127.0.0.1"


def message(control_id: str, text: str = "头颅平扫") -> str:
    return (f"MSH|^~\\&|HIS|H|RIS|H|20261207100000||ORM^O01^ORM_O01|{control_id}|P|2.5||||||UNICODE UTF-8\r"
            f"OBR|1|EX1-1||HEAD^{text}\r")


class Recorder:
    """A handler that acks AA and keeps what it got, with the connection (thread) it came on."""

    def __init__(self):
        self.got: list[tuple[str, str]] = []

    def __call__(self, text: str) -> str:
        self.got.append((threading.current_thread().name, text))
        control_id = text.split("\r")[0].split("|")[9]
        return f"MSH|^~\\&|RIS|H|HIS|H|20261207100001||ACK^O01^ACK|A{control_id}|P|2.5\rMSA|AA|{control_id}\r"


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def server(recorder):
    with MllpServer(HOST, 0, recorder, max_frame=4096, idle_timeout=5) as running:
        yield running


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def test_messages_and_acks_go_both_ways_on_one_kept_connection(server, recorder):
    client = MllpClient(HOST, server.port, timeout=5)
    acks = [client.send(message(f"C{i}", f"部位{i}")) for i in range(5)]
    client.close()
    assert [a.split("\r")[1] for a in acks] == [f"MSA|AA|C{i}" for i in range(5)]
    assert [text for _, text in recorder.got] == [message(f"C{i}", f"部位{i}") for i in range(5)]
    assert len({conn for conn, _ in recorder.got}) == 1  # one connection carried them all


def test_a_negative_ack_is_an_error_with_what_the_ris_said():
    with FakeRis(answer="AE") as ris:
        client = MllpClient(HOST, ris.port, timeout=5)
        with pytest.raises(ExamLinkRejected) as err:
            client.send(message("C1"))
        assert err.value.code == "AE" and "refused" in err.value.text
        assert ris.orders == []


def test_an_ack_for_another_message_is_an_error():
    def wrong(text: str) -> str:
        return "MSH|^~\\&|RIS|H|HIS|H|20261207||ACK|X|P|2.5\rMSA|AA|SOMEONE-ELSE\r"

    with MllpServer(HOST, 0, wrong) as srv:
        with pytest.raises(ExamLinkError, match="SOMEONE-ELSE"):
            MllpClient(HOST, srv.port, timeout=5).send(message("C1"))


def test_no_server_is_an_error_and_the_client_connects_once_one_listens():
    port = free_port()
    client = MllpClient(HOST, port, timeout=2)
    with pytest.raises(ExamLinkError, match="cannot connect"):
        client.send(message("C1"))
    with FakeRis(port=port) as ris:
        client.send(message("C1"))
        assert len(ris.orders) == 1


def test_a_kept_connection_the_server_dropped_is_opened_again(recorder):
    server = MllpServer(HOST, 0, recorder).start()
    port = server.port
    client = MllpClient(HOST, port, timeout=5)
    client.send(message("C1"))
    server.stop()  # closes the connection the client keeps
    with MllpServer(HOST, port, recorder):
        client.send(message("C2"))
    assert [t.split("\r")[0].split("|")[9] for _, t in recorder.got] == ["C1", "C2"]


def test_no_ack_in_time_is_an_error():
    release = threading.Event()

    def stuck(text: str) -> str:
        release.wait(10)
        return "MSH|^~\\&|||||||ACK|X|P|2.5\rMSA|AA|C1\r"

    with MllpServer(HOST, 0, stuck) as srv:
        with pytest.raises(ExamLinkError, match="no ACK"):
            MllpClient(HOST, srv.port, timeout=0.3).send(message("C1"))
        release.set()


def test_noise_around_frames_is_skipped(server, recorder):
    answers = exchange(HOST, server.port, [b"GET / HTTP/1.1\r\n\r\n", frame(message("C1")), b"\x00\xff junk",
                                           frame(message("C2"))], expect=2)
    assert [a.split("\r")[1] for a in answers] == ["MSA|AA|C1", "MSA|AA|C2"]
    assert len(recorder.got) == 2


def test_a_frame_arriving_byte_by_byte_is_answered(server):
    data = frame(message("C1", "慢慢来"))
    chunks = [data[i:i + 1] for i in range(len(data))]
    assert exchange(HOST, server.port, chunks)[0].split("\r")[1] == "MSA|AA|C1"


def test_a_half_closed_peer_still_gets_its_ack(server):
    with socket.create_connection((HOST, server.port), timeout=5) as sock:
        sock.sendall(frame(message("C1")))
        sock.shutdown(socket.SHUT_WR)  # nothing more from this side
        reader, answers = FrameReader(), []
        while not answers:
            data = sock.recv(4096)
            assert data, "closed before answering"
            answers = reader.feed(data)
        assert b"MSA|AA|C1" in answers[0]
        assert sock.recv(4096) == b""  # then the server closes too


def test_an_oversized_frame_closes_that_connection_only(server, recorder):
    with socket.create_connection((HOST, server.port), timeout=5) as sock:
        sock.sendall(START + b"X" * 5000)
        assert sock.recv(4096) == b""  # dropped, not answered
    assert exchange(HOST, server.port, [frame(message("C2"))])[0].split("\r")[1] == "MSA|AA|C2"
    assert [t.split("\r")[0].split("|")[9] for _, t in recorder.got] == ["C2"]


def test_a_large_report_within_the_limit_passes_whole(recorder):
    big = "影" * 300_000  # 900 kB of UTF-8, under the default 1 MiB
    with MllpServer(HOST, 0, recorder) as srv:
        MllpClient(HOST, srv.port, timeout=10).send(message("C1", big))
    assert recorder.got[0][1] == message("C1", big)


def test_a_silent_peer_does_not_hold_up_others(server):
    with socket.create_connection((HOST, server.port), timeout=5) as idle:
        idle.sendall(START + b"MSH|half a frame")  # and then nothing
        assert exchange(HOST, server.port, [frame(message("C9"))])[0].split("\r")[1] == "MSA|AA|C9"


def test_stop_closes_open_connections(recorder):
    srv = MllpServer(HOST, 0, recorder, idle_timeout=60).start()
    with socket.create_connection((HOST, srv.port), timeout=5) as sock:
        sock.sendall(frame(message("C1")))
        FrameReader().feed(sock.recv(4096))
        srv.stop()
        assert sock.recv(4096) == b""


def test_the_frame_reader_limits_and_cuts():
    reader = FrameReader(max_frame=10)
    assert reader.feed(b"xx" + START + b"abc" + END) == []
    assert reader.feed(b"\r" + START + b"de" + END + b"\r") == [b"abc", b"de"]
    with pytest.raises(FrameTooLarge):
        reader.feed(START + b"0123456789A")
