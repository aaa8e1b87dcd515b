"""A fake radiology system (RIS) on a real MLLP socket, for tests: it acknowledges the orders it gets
(or refuses, or is down), keeps them, and sends results (ORU^R01) to the HIS's listener.

    with FakeRis() as ris:                       # listens on 127.0.0.1, a free port
        link = MllpClient("127.0.0.1", ris.port, timeout=5)
        ...
        ris.orders                               # every message received, as text
        ris.answer = "AE"                        # refuse from now on (AR too); "AA" again to accept
        ack = ris.send_result(host, port, oru_r01("R1", [(1, "未见异常")], control_id="ORU1"))

Loaded by path like the other shared helpers (tests/conftest.py registers it as `tests_fake_ris`).
"""
from __future__ import annotations

import socket
import threading
from datetime import datetime

from adapters.hl7.mllp import FrameReader, MllpServer, decode, frame


class FakeRis:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, answer: str = "AA"):
        self.answer = answer  # MSA-1 of the ACKs it sends
        self.orders: list[str] = []
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        self.server = MllpServer(host, port, self._handle, idle_timeout=10)
        self.host = host

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> FakeRis:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> FakeRis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handle(self, message: str) -> str:
        fields = message.split("\r", 1)[0].split("|")
        control_id = fields[9] if len(fields) > 9 else ""
        with self._lock:
            code = self.answer
            if code == "AA":
                self.orders.append(message)
                self._received.notify_all()
        return (f"MSH|^~\\&|RIS|H|HIS|H|20261207100000||ACK^O01^ACK|R{control_id}|P|2.5\r"
                f"MSA|{code}|{control_id}|{'' if code == 'AA' else 'refused by the fake RIS'}\r")

    def wait_for(self, count: int, timeout: float = 10.0) -> list[str]:
        """The orders once `count` have arrived (the test fails on the timeout, not a timed assertion)."""
        with self._received:
            if not self._received.wait_for(lambda: len(self.orders) >= count, timeout):
                raise AssertionError(f"the fake RIS got {len(self.orders)} orders, expected {count}")
            return list(self.orders)

    @staticmethod
    def send_result(host: str, port: int, message: str, timeout: float = 10.0) -> str:
        """Send one message to an MLLP listener (the HIS's), return the ACK text whatever it says."""
        return exchange(host, port, [frame(message)], timeout)[0]


def exchange(host: str, port: int, chunks: list[bytes], timeout: float = 10.0, expect: int = 1) -> list[str]:
    """Write raw bytes to an MLLP listener and read `expect` framed answers."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        for chunk in chunks:
            sock.sendall(chunk)
        reader, answers = FrameReader(), []
        while len(answers) < expect:
            data = sock.recv(65536)
            if not data:
                break
            answers += [decode(f) for f in reader.feed(data)]
        return answers


def minimal_orm(control_id: str, patient_name: str = "欧阳娜娜") -> str:
    """Just enough of an ORM^O01 for the link and the outbox (MSH-10 is what they look at)."""
    return (f"MSH|^~\\&|HIS|H|RIS|H|20261207100000||ORM^O01^ORM_O01|{control_id}|P|2.5\r"
            f"PID|1||P1||{patient_name}\rORC|NW|X-1\r")


def control_ids(messages: list[str]) -> list[str]:
    """MSH-10 of each message."""
    return [m.split("\r", 1)[0].split("|")[9] for m in messages]


def oru_r01(request_id: str, parts: list[tuple[int, str]], *, control_id: str, status: str = "F",
            reported_at: datetime = datetime(2026, 12, 7, 15, 30), sending_app: str = "RIS") -> str:
    """An ORU^R01 as a RIS sends it: one OBR per part (OBR-2 "<request>-<part>"), the report text in
    OBX lines (one line per OBX, as many RIS do; \\.br\\ would do as well)."""
    at = reported_at.strftime("%Y%m%d%H%M%S")
    segments = [f"MSH|^~\\&|{sending_app}|H|HIS|H|{at}||ORU^R01^ORU_R01|{control_id}|P|2.5||||||UNICODE UTF-8",
                "PID|1||P1^^^H^PI||张三"]
    for i, (no, text) in enumerate(parts, start=1):
        segments.append(_segment("OBR", {1: str(i), 2: f"{request_id}-{no}", 3: f"F{request_id}{no}", 4: "CT^CT",
                                         22: at, 25: status}))
        for j, line in enumerate(text.split("\n"), start=1):
            segments.append(_segment("OBX", {1: str(j), 2: "TX", 3: "IMP^印象", 5: line, 11: status, 14: at}))
    return "\r".join(segments) + "\r"


def _segment(name: str, fields: dict[int, str]) -> str:
    return "|".join([name] + [fields.get(n, "") for n in range(1, max(fields) + 1)])
