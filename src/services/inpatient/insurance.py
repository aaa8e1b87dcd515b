"""The seam for the 医保 side of a stay. The inpatient use cases call a StayInsurance for INSURED
stays only, at the points the platform needs to hear of them, never inside an open database
transaction; a self-pay stay never reaches it.

The integrator plugs the platform calls in here (2401 admit, 2404 cancel_admission, 2403 change,
2402 discharge and 2405 recall, 2303 preview, 2304 settle and 2305 cancel_settlement, 2301/2302 the
ward's charges, 2406/2407 special attributes). Until then
NotWiredInsurance refuses insured stays with a clear error, and the admission is undone as it would
be for a refused 2401."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domain.errors import IllegalTransition
from domain.inpatient import AdmissionOrder, InpatientStay, StayCharge
from domain.operator import Operator
from domain.settlement import Settlement


@dataclass(frozen=True)
class InsuredSettlement:
    """What 2303 would settle or 2304 settled: the stay's total, what the funds paid, the patient's
    part (account and cash), and the platform's settlement whole (its fund lines, for the slip)."""

    setl_id: str
    total: Decimal
    fund_amount: Decimal
    cash: Decimal
    detail: Settlement | None = None


@dataclass(frozen=True)
class PlatformAttribute:
    """A 就医特殊属性 as the platform holds it (2407)."""

    detl_id: str
    flag_type: str
    flag: str
    memo: str


class StayInsurance(Protocol):
    def admit(self, op: Operator, stay: InpatientStay, order: AdmissionOrder) -> str:
        """2401 (after 1101 when the insurance read is stale), with the order's diagnoses, 医疗类别 and
        病种. Returns the 医保 admission's id (kept as stay.yb_admission_id). Raises when refused or
        undone; an accepted admission it cannot confirm it revokes itself (2404) before raising."""

    def cancel_admission(self, op: Operator, stay: InpatientStay) -> None:
        """2404: the admission taken back (fees uploaded are cancelled first, 2302)."""

    def admission_outcome(self, stay: InpatientStay) -> str | None:
        """What became of a 2401 that was in doubt, as the journal settled it: the 医保 admission's id
        (it took effect), "" (it did not), None (still in doubt)."""

    def change(self, op: Operator, stay: InpatientStay) -> None:
        """2403: the stay's department, ward or diagnoses changed (called after the change is kept)."""

    def discharge(self, op: Operator, stay: InpatientStay) -> None:
        """2402 with stay.discharge_diagnoses (the ward's charges uploaded first, 2301)."""

    def settle(self, op: Operator, stay: InpatientStay) -> InsuredSettlement:
        """2303 then 2304."""

    def preview(self, op: Operator, stay: InpatientStay) -> InsuredSettlement:
        """2303: the split the settlement would have now (nothing changes)."""

    def settlement(self, stay: InpatientStay) -> Settlement | None:
        """The platform's settlement in force for the stay, as it answered it (None: not settled)."""

    def cancel_settlement(self, op: Operator, stay: InpatientStay) -> None:
        """2305 of the stay's settlement in force."""

    def recall(self, op: Operator, stay: InpatientStay) -> None:
        """2405: the discharge taken back (the settlement cancelled first)."""

    def withdraw_charges(self, op: Operator, stay: InpatientStay, lines: list[StayCharge]) -> None:
        """2302 of those lines the platform holds (uploaded before a recall); nothing for the others."""

    def mark_special(self, op: Operator, stay: InpatientStay, flag_type: str, flag: str, memo: str) -> str:
        """2406; returns the platform's detail id."""

    def special_attributes(self, op: Operator, stay: InpatientStay) -> list[PlatformAttribute]:
        """2407: what the platform holds for the stay."""


class NotWiredInsurance:
    """The default until the 医保 side is wired: every insured step is refused."""

    def _refuse(self, stay: InpatientStay):
        raise IllegalTransition(f"stay {stay.ipt_no} is insured, and the 医保 side of inpatient stays is not "
                                "wired in this build: admit the patient as self-pay")

    def admit(self, op, stay, order) -> str:
        self._refuse(stay)

    def cancel_admission(self, op, stay) -> None:
        self._refuse(stay)

    def admission_outcome(self, stay) -> str | None:
        self._refuse(stay)

    def change(self, op, stay) -> None:
        self._refuse(stay)

    def discharge(self, op, stay) -> None:
        self._refuse(stay)

    def settle(self, op, stay) -> InsuredSettlement:
        self._refuse(stay)

    def preview(self, op, stay) -> InsuredSettlement:
        self._refuse(stay)

    def settlement(self, stay) -> Settlement | None:
        return None

    def cancel_settlement(self, op, stay) -> None:
        self._refuse(stay)

    def recall(self, op, stay) -> None:
        self._refuse(stay)

    def withdraw_charges(self, op, stay, lines) -> None:
        self._refuse(stay)

    def mark_special(self, op, stay, flag_type, flag, memo) -> str:
        self._refuse(stay)

    def special_attributes(self, op, stay) -> list[PlatformAttribute]:
        self._refuse(stay)
