"""MLLP (HL7's Minimal Lower Layer Protocol) over TCP: each message framed as 0x0B <message> 0x1C 0x0D.

MllpClient sends to the RIS (the ExamLink port): one message, one ACK, on a connection kept open
between messages and opened again when it broke. MllpServer takes results from it: a thread per
connection, many messages on each, one ACK per message from the handler. What a peer may do wrong
does not take the server down: bytes outside a frame are skipped, a frame larger than `max_frame`
closes that connection, an idle or half-closed peer is let go after `idle_timeout`.
"""
from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable

import hl7

from ports.exam_link import ExamLinkError, ExamLinkRejected

log = logging.getLogger(__name__)

START, END, CR = b"\x0b", b"\x1c", b"\x0d"
MAX_FRAME = 1 << 20  # 1 MiB: a report is text; a frame this big is a misbehaving peer
_READ = 64 * 1024


class FrameTooLarge(Exception):
    pass


def frame(message: str) -> bytes:
    return START + message.encode("utf-8") + END + CR


class FrameReader:
    """Cuts a byte stream into MLLP frames. Bytes before a start block are skipped (noise, a peer
    that does not frame); a frame growing past `max_frame` raises FrameTooLarge."""

    def __init__(self, max_frame: int = MAX_FRAME):
        self.max_frame = max_frame
        self._buffer = bytearray()
        self._in_frame = False

    def feed(self, data: bytes) -> list[bytes]:
        frames: list[bytes] = []
        self._buffer += data
        while True:
            if not self._in_frame:
                start = self._buffer.find(START)
                if start < 0:
                    self._buffer.clear()  # noise: nothing in it starts a frame
                    return frames
                del self._buffer[:start + 1]
                self._in_frame = True
            end = self._buffer.find(END + CR)
            if end < 0:
                if len(self._buffer) > self.max_frame:
                    raise FrameTooLarge(f"an MLLP frame over {self.max_frame} bytes")
                return frames
            if end > self.max_frame:
                raise FrameTooLarge(f"an MLLP frame of {end} bytes (at most {self.max_frame})")
            body = bytes(self._buffer[:end])
            del self._buffer[:end + 2]
            self._in_frame = False
            # a start block inside a frame means the previous one was cut off: keep the newer one
            restart = body.rfind(START)
            frames.append(body[restart + 1:] if restart >= 0 else body)

    @property
    def pending(self) -> bool:
        """Whether part of a frame has been read."""
        return self._in_frame


def decode(body: bytes) -> str:
    return body.decode("utf-8", errors="replace")


def read_ack(ack_text: str) -> tuple[str, str, str]:
    """(MSA-1, MSA-2, MSA-3) of an ACK; ValueError when it is none."""
    text = ack_text.strip().replace("\r\n", "\r").replace("\n", "\r")
    if not text.startswith("MSH"):
        raise ValueError("the answer is no HL7 message")
    message = hl7.parse(text)
    try:
        msa = message.segment("MSA")
    except KeyError:
        raise ValueError("the answer has no MSA segment") from None
    field = (lambda n: str(msa[n]) if len(msa) > n else "")
    return field(1).strip(), message.unescape(field(2)), message.unescape(field(3))


def control_id_of(message: str) -> str:
    return str(hl7.parse(message.strip()).segment("MSH")[10])


class MllpClient:
    """The ExamLink over MLLP. Not for concurrent use: one dispatcher sends one message at a time."""

    def __init__(self, host: str, port: int, timeout: float = 10.0, max_frame: int = MAX_FRAME):
        self.host, self.port, self.timeout, self.max_frame = host, port, timeout, max_frame
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def send(self, message: str) -> str:
        """Send one message and return the accepting ACK (MSA-1 AA or CA, MSA-2 this message's
        MSH-10). Anything else raises ExamLinkError (ExamLinkRejected for AE/AR)."""
        try:
            control_id = control_id_of(message)
        except Exception as err:  # noqa: BLE001 - python-hl7 raises several kinds
            raise ExamLinkError(f"not an HL7 message: {err}") from err
        with self._lock:
            text = self._exchange(frame(message))
        try:
            code, acked_id, said = read_ack(text)
        except Exception as err:  # noqa: BLE001
            raise ExamLinkError(f"the RIS's answer is no ACK: {err}") from err
        if code not in ("AA", "CA"):
            raise ExamLinkRejected(code, said)
        if acked_id != control_id:
            raise ExamLinkError(f"the ACK is for message {acked_id!r}, not {control_id!r}")
        return text

    def _exchange(self, data: bytes) -> str:
        reused = self._sock is not None
        try:
            return self._round_trip(data)
        except _Stale:
            # the kept connection was closed by the RIS while idle, before it read anything: once more, anew
            self.close()
            if not reused:
                raise ExamLinkError(f"the RIS at {self.host}:{self.port} closed the connection unanswered") from None
            try:
                return self._round_trip(data)
            except _Stale:
                self.close()
                raise ExamLinkError(f"the RIS at {self.host}:{self.port} closed the connection unanswered") from None
        except ExamLinkError:
            self.close()
            raise

    def _round_trip(self, data: bytes) -> str:
        sock = self._connect()
        reader = FrameReader(self.max_frame)
        try:
            sock.sendall(data)
            while True:
                chunk = sock.recv(_READ)
                if not chunk:
                    if reader.pending:
                        raise ExamLinkError("the RIS closed the connection in the middle of its ACK")
                    raise _Stale()
                frames = reader.feed(chunk)
                if frames:
                    return decode(frames[0])
        except (BrokenPipeError, ConnectionResetError):
            raise _Stale() from None
        except TimeoutError:
            raise ExamLinkError(f"no ACK from the RIS within {self.timeout} s") from None
        except FrameTooLarge as err:
            raise ExamLinkError(str(err)) from None
        except OSError as err:
            raise ExamLinkError(f"MLLP connection to {self.host}:{self.port} failed: {err}") from None

    def _connect(self) -> socket.socket:
        if self._sock is None:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            except OSError as err:
                raise ExamLinkError(f"cannot connect to the RIS at {self.host}:{self.port}: {err}") from None
        return self._sock

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass


class _Stale(Exception):
    """The connection ended before any answer came."""


class MllpServer:
    """Listens for MLLP connections; `handler` turns each message's text into the ACK text sent back."""

    def __init__(self, host: str, port: int, handler: Callable[[str], str], *, max_frame: int = MAX_FRAME,
                 idle_timeout: float = 60.0):
        self.host, self.handler, self.max_frame, self.idle_timeout = host, handler, max_frame, idle_timeout
        self._requested_port = port
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._threads: set[threading.Thread] = set()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._accepting: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose when 0 was asked)."""
        if self._listener is None:
            raise RuntimeError("the MLLP server is not started")
        return self._listener.getsockname()[1]

    def start(self) -> MllpServer:
        listener = socket.create_server((self.host, self._requested_port), reuse_port=False)
        listener.settimeout(0.2)  # accept() wakes up this often to see stop()
        self._listener = listener
        self._stop.clear()
        self._accepting = threading.Thread(target=self._accept, name=f"mllp-accept-{self.port}", daemon=True)
        self._accepting.start()
        return self

    def stop(self) -> None:
        """Stop listening and close every connection (a frame half read is dropped: its sender had no ACK)."""
        self._stop.set()
        if self._accepting is not None:
            self._accepting.join(timeout=5)
            self._accepting = None
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for conn in self._connections:
                _shutdown(conn)
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)

    def __enter__(self) -> MllpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                if not self._stop.is_set():
                    log.exception("MLLP listener failed")
                return
            conn.settimeout(self.idle_timeout)
            thread = threading.Thread(target=self._serve, args=(conn, peer), name=f"mllp-{peer[0]}:{peer[1]}",
                                      daemon=True)
            with self._lock:
                self._connections.add(conn)
                self._threads.add(thread)
            thread.start()

    def _serve(self, conn: socket.socket, peer) -> None:
        reader = FrameReader(self.max_frame)
        try:
            while not self._stop.is_set():
                data = conn.recv(_READ)
                if not data:  # the peer closed (or half-closed): its answers were all sent
                    return
                for body in reader.feed(data):
                    conn.sendall(frame(self._answer(body)))
        except FrameTooLarge as err:
            log.warning("MLLP peer %s:%s: %s; connection closed", peer[0], peer[1], err)
        except TimeoutError:
            log.info("MLLP peer %s:%s idle for %s s; connection closed", peer[0], peer[1], self.idle_timeout)
        except OSError as err:
            if not self._stop.is_set():
                log.info("MLLP peer %s:%s: %s", peer[0], peer[1], err)
        finally:
            _shutdown(conn)
            with self._lock:
                self._connections.discard(conn)
                self._threads.discard(threading.current_thread())

    def _answer(self, body: bytes) -> str:
        try:
            return self.handler(decode(body))
        except Exception:  # noqa: BLE001 - the handler answers AE itself; this is a bug, still answered
            log.exception("MLLP handler failed")
            return "MSH|^~\\&|||||||ACK|ERR|P|2.5\rMSA|AE||internal error\r"


def _shutdown(conn: socket.socket) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        conn.close()
    except OSError:
        pass
