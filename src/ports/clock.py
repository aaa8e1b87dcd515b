from __future__ import annotations

import abc
from datetime import datetime


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """Local wall time of the hospital (naive, as the platform's formats carry no zone)."""


class SystemClock(Clock):
    def now(self) -> datetime:
        now = datetime.now()
        # the platform's finest format (yyyyMMddHHmmssSSS) stops at milliseconds
        return now.replace(microsecond=now.microsecond // 1000 * 1000)
