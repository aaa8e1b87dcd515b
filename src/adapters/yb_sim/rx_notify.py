"""The platform's pushes to a hospital of 处方流转 feedback: 7102 处方审核结果 and 7103 购药结果
(定点医疗机构接收…反馈通知).

PROVISIONAL transport: the spec names the messages and their fields but not how they reach the
hospital. Played here as a push: an FSI envelope (infno 7102 / 7103, the spec's input fields) POSTed
as JSON to the hospital's notification URL, repeated until the hospital answers infcode 0 —
at least once, so a notice may arrive twice. The simulator's fault plan applies to each attempt:
`drop_before_commit` loses it (it is sent again later), `duplicate_delivery` sends it twice.

A notice is queued by the handlers (state section "prescription", outbox) and sent by one background
thread, oldest first (one the hospital refuses goes behind the others); with no URL configured the
notices stay queued (`pending()`), nothing is sent.
"""
from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from datetime import datetime

from adapters.yb_sim.faults import FaultPlan
from ports.jsoncodec import INF_TIME_FORMAT, encode_json
from ports.platform import make_msgid

log = logging.getLogger(__name__)

PLATFORM_CODE = "YBPT42"  # who the notice comes from (fixmedins_code of the envelope): the platform


class RxNotifier:
    def __init__(self, faults: FaultPlan, now: Callable[[], datetime], admdvs: str,
                 first_retry: float = 0.05, max_retry: float = 2.0, timeout: float = 5.0):
        self.url = ""
        self.faults, self.now, self.admdvs = faults, now, admdvs
        self.first_retry, self.max_retry, self.timeout = first_retry, max_retry, timeout
        self._queue: deque[dict] = deque()
        self._wake = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._seq = 0
        self.delivered = 0  # acknowledged notices (each counted once however often it was sent)

    # ---- for the handlers and testers --------------------------------------------------------
    def notify(self, infno: str, input: dict) -> None:
        with self._wake:
            self._seq += 1
            now = self.now()
            self._queue.append({"infno": infno, "msgid": make_msgid(PLATFORM_CODE, now, self._seq % 10000),
                                "mdtrtarea_admvs": self.admdvs, "insuplc_admdvs": self.admdvs,
                                "recer_sys_code": "YBPT", "infver": "V1.0", "opter_type": "2", "opter": "YBPT",
                                "opter_name": "医保信息平台", "inf_time": now.strftime(INF_TIME_FORMAT),
                                "fixmedins_code": PLATFORM_CODE, "fixmedins_name": "医疗保障信息平台",
                                "sign_no": "", "input": input})
            self._wake.notify_all()

    def pending(self) -> list[dict]:
        with self._wake:
            return list(self._queue)

    def configure(self, url: str) -> None:
        """Start pushing to `url` ("" stops pushing; the queue is kept)."""
        with self._wake:
            self.url = url
            if url and self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="yb-sim-rx-notify", daemon=True)
                self._thread.start()
            self._wake.notify_all()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # ---- the sender --------------------------------------------------------------------------
    def _run(self) -> None:
        wait = self.first_retry
        while True:
            with self._wake:
                while not self._stopping and (not self._queue or not self.url):
                    self._wake.wait()
                if self._stopping:
                    return
                envelope, url = self._queue[0], self.url
            if self._attempt(url, envelope):
                with self._wake:
                    if self._queue and self._queue[0] is envelope:
                        self._queue.popleft()
                        self.delivered += 1
                wait = self.first_retry
                continue
            with self._wake:  # not acknowledged: again later, the same message (same msgid), behind the others
                if self._queue and self._queue[0] is envelope:
                    self._queue.rotate(-1)
                self._wake.wait(timeout=wait)
            wait = min(wait * 2, self.max_retry)

    def _attempt(self, url: str, envelope: dict) -> bool:
        fault = self.faults.take(envelope["infno"], envelope["input"])
        if fault is not None and fault.action == "drop_before_commit":
            return False
        sends = 2 if fault is not None and fault.action == "duplicate_delivery" else 1
        acknowledged = False
        for _ in range(sends):
            acknowledged = self._post(url, envelope) or acknowledged
        return acknowledged

    def _post(self, url: str, envelope: dict) -> bool:
        body = encode_json(envelope).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json;charset=UTF-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                answer = json.loads(reply.read().decode("utf-8") or "{}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log.info("rx notice %s %s not delivered: %s", envelope["infno"], envelope["msgid"], exc)
            return False
        if str(answer.get("infcode")) == "0":
            return True
        log.info("rx notice %s %s refused by the hospital: %s", envelope["infno"], envelope["msgid"],
                 str(answer.get("err_msg"))[:200])
        return False
