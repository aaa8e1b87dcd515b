"""What the simulator's HTTP fronts share: serving in a background thread and stopping promptly."""
from __future__ import annotations

import threading
from socketserver import BaseServer


class BackgroundServing:
    """Mixin for a front that owns `_server` (a socketserver) and `stopping` (an Event that wakes
    handlers holding a socket on purpose: delays, timeouts)."""

    _server: BaseServer
    stopping: threading.Event
    host: str
    _thread: threading.Thread | None = None
    thread_name = "yb-sim-front"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> int:
        """Serve in a background thread; returns the bound port."""
        # a short poll keeps stop() prompt (shutdown waits for the loop's next poll)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=self.thread_name, daemon=True)
        self._thread.start()
        return self.port

    def serve_forever(self) -> None:
        try:
            self._server.serve_forever(poll_interval=0.1)
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:  # shutdown() would wait forever on a loop never started
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
