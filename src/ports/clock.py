from __future__ import annotations

import abc
from datetime import datetime
from zoneinfo import ZoneInfo

# The platform's times carry no zone: they are the hospital's wall time. Hubei is on China time.
HOSPITAL_ZONE = "Asia/Shanghai"


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """Local wall time of the hospital (naive, as the platform's formats carry no zone)."""


class SystemClock(Clock):
    """The hospital's wall time, read in its own zone whatever zone the host is set to (a server
    on UTC would otherwise stamp msgids, inf_time and settlements eight hours early)."""

    def __init__(self, zone: str | ZoneInfo = HOSPITAL_ZONE):
        self.zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)

    def now(self) -> datetime:
        now = datetime.now(self.zone)
        # the platform's finest format (yyyyMMddHHmmssSSS) stops at milliseconds
        return now.replace(tzinfo=None, microsecond=now.microsecond // 1000 * 1000)
