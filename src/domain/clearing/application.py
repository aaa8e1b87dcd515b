"""One clearing application and its life: claimed (APPLYING) before the platform is asked, then
APPLIED with the centre's 清算申请事件ID, or REFUSED with its words; APPLIED → REVOKED by the revocation
of its own kind. None of 3202a / 3203a / 1608 has a query that shows whether it took effect, so an
application whose call ended in doubt stays APPLYING (claimed, marked in doubt) for an operator."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from domain.clearing.figures import ClearingFigures
from domain.clearing.period import ClearingPeriod
from domain.errors import IllegalTransition

AREA_LOCAL, AREA_REMOTE = "local", "remote"


class ClearingKind(str, Enum):
    SUMMARY = "SUMMARY"  # 3202a 清算申请（汇总）, revoked by 3204a
    DETAIL = "DETAIL"  # 3203a 清算申请（按明细）, revoked by 3204b
    REMOTE = "REMOTE"  # 1608 异地清算申请, revoked by 1618

    @property
    def area(self) -> str:
        return AREA_REMOTE if self is ClearingKind.REMOTE else AREA_LOCAL


# kind -> (the application's infno, its revocation's)
KIND_TRANSACTIONS = {ClearingKind.SUMMARY: ("3202a", "3204a"), ClearingKind.DETAIL: ("3203a", "3204b"),
                     ClearingKind.REMOTE: ("1608", "1618")}


class ClearingState(str, Enum):
    APPLYING = "APPLYING"  # claimed: the call is under way, or ended in doubt (see in_doubt)
    APPLIED = "APPLIED"
    REFUSED = "REFUSED"  # the platform refused it, or it was never sent: see error
    REVOKED = "REVOKED"


@dataclass
class ClearingApplication:
    id: str
    kind: ClearingKind
    clr_type: str
    clr_way: str
    clr_optins: str
    first_day: date
    last_day: date
    figures: ClearingFigures
    operator_code: str
    created_at: datetime
    state: ClearingState = ClearingState.APPLYING
    clr_appy_evt_id: str = ""
    applied_at: datetime | None = None
    error: str = ""  # the platform's words of a refusal, or why it was not sent
    in_doubt: str = ""  # the call's outcome is unknown: what to do
    revoked_at: datetime | None = None
    revoked_by: str = ""
    revoke_reason: str = ""
    note: str = ""  # the last revocation the platform refused, an operator's word ...
    version: int = 0

    @property
    def period(self) -> ClearingPeriod:
        return ClearingPeriod(self.first_day, self.last_day)

    @property
    def infno(self) -> str:
        return KIND_TRANSACTIONS[self.kind][0]

    @property
    def revoke_infno(self) -> str:
        return KIND_TRANSACTIONS[self.kind][1]

    @property
    def standing(self) -> bool:
        """It holds its period: no other application of its area, 清算类别 and agency may overlap it."""
        return self.state in (ClearingState.APPLYING, ClearingState.APPLIED)

    def same_request(self, kind: ClearingKind, clr_type: str, clr_optins: str, period: ClearingPeriod) -> bool:
        return (self.kind, self.clr_type, self.clr_optins, self.period) == (kind, clr_type, clr_optins, period)

    def applied(self, evt_id: str, at: datetime) -> None:
        self._require(ClearingState.APPLYING, "record it as applied")
        self.state, self.clr_appy_evt_id, self.applied_at, self.in_doubt = ClearingState.APPLIED, evt_id, at, ""

    def refused(self, words: str) -> None:
        self._require(ClearingState.APPLYING, "record a refusal")
        self.state, self.error, self.in_doubt = ClearingState.REFUSED, words[:2000], ""

    def doubt(self, what_to_do: str) -> None:
        self._require(ClearingState.APPLYING, "mark it in doubt")
        self.in_doubt = what_to_do[:2000]

    def check_revocable(self) -> None:
        self._require(ClearingState.APPLIED, "revoke it")

    def revoked(self, at: datetime, operator_code: str, reason: str) -> None:
        self.check_revocable()
        self.state, self.revoked_at, self.revoked_by, self.revoke_reason = ClearingState.REVOKED, at, operator_code, \
            reason

    def _require(self, state: ClearingState, doing: str) -> None:
        if self.state is not state:
            raise IllegalTransition(f"clearing application {self.id} is {self.state.value}, not {state.value}: "
                                    f"cannot {doing}")
