"""The seam for the 医保 side of a stay. The inpatient use cases call a StayInsurance for INSURED
stays only, at the points the platform needs to hear of them, never inside an open database
transaction; a self-pay stay never reaches it.

The integrator plugs the platform calls in here (2401 admit, 2404 cancel_admission, 2403 change,
2402 discharge, 2303/2304 settle, and 2301/2302 uploads of the ward's charges). Until then
NotWiredInsurance refuses insured stays with a clear error, and the admission is undone as it would
be for a refused 2401."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domain.errors import IllegalTransition
from domain.inpatient import AdmissionOrder, InpatientStay
from domain.operator import Operator


@dataclass(frozen=True)
class InsuredSettlement:
    """What 2304 settled: the stay's total, what the funds paid, the patient's cash part."""

    setl_id: str
    total: Decimal
    fund_amount: Decimal
    cash: Decimal


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
