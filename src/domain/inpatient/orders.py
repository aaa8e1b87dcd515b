"""住院证 (admission order): what the outpatient doctor issues on an encounter to have the patient
admitted. One admission uses it; it can be changed or cancelled while unused, and it lapses some days
after the planned date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum

from domain.errors import FieldViolation, IllegalTransition, ValidationFailed
from domain.money import ZERO


class Condition(str, Enum):
    """入院病情. The waiting list of a full ward takes 危 before 急 before 一般."""

    CRITICAL = "CRITICAL"  # 危
    URGENT = "URGENT"  # 急
    ORDINARY = "ORDINARY"  # 一般

    @property
    def priority(self) -> int:
        return _PRIORITY[self]


_PRIORITY = {Condition.CRITICAL: 0, Condition.URGENT: 1, Condition.ORDINARY: 2}


class OrderState(str, Enum):
    ISSUED = "ISSUED"
    USED = "USED"  # an admission was made with it
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


@dataclass
class AdmissionDiagnosis:
    """A diagnosis carried from the encounter (2401 diseinfo: diag_type, diag_code, diag_name, maindiag_flag)."""

    code: str
    name: str
    main: bool
    kind: str = "1"  # diag_type: 1 西医, 2 中医主病, 3 中医主证


def diagnosis_violations(diagnoses: list[AdmissionDiagnosis], where: str = "diagnoses") -> list[FieldViolation]:
    found = []
    if not diagnoses:
        found.append(FieldViolation(where, "at least one diagnosis is required"))
    for i, d in enumerate(diagnoses):
        if not d.code:
            found.append(FieldViolation(f"{where}[{i}].code", "is required"))
        if not d.name:
            found.append(FieldViolation(f"{where}[{i}].name", "is required"))
    if diagnoses and sum(1 for d in diagnoses if d.main) != 1:
        found.append(FieldViolation(where, "exactly one main diagnosis"))
    return found


@dataclass
class AdmissionOrder:
    id: str
    encounter_id: str
    patient_id: str
    dept_code: str  # admitting department
    ward_code: str
    diagnoses: list[AdmissionDiagnosis]
    condition: Condition
    suggested_deposit: Decimal
    planned_date: date
    issued_by: str
    issued_at: datetime
    state: OrderState = OrderState.ISSUED
    med_type: str = ""  # 医疗类别 of an insured stay (21 普通住院 ...); "" for self-pay
    dise_codg: str = ""  # 病种 when one applies (2401 dise_codg / dise_name)
    dise_name: str = ""
    note: str = ""
    changed_at: datetime | None = None
    changed_by: str = ""
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    stay_id: str = ""  # the admission that used it
    version: int = 0

    def violations(self) -> list[FieldViolation]:
        found = diagnosis_violations(self.diagnoses)
        if not self.dept_code:
            found.append(FieldViolation("dept_code", "is required"))
        if not self.ward_code:
            found.append(FieldViolation("ward_code", "is required"))
        if self.suggested_deposit < ZERO:
            found.append(FieldViolation("suggested_deposit", "must not be negative"))
        if bool(self.dise_codg) != bool(self.dise_name):
            found.append(FieldViolation("dise_codg", "病种 needs both its code and its name"))
        return found

    def validate(self) -> None:
        found = self.violations()
        if found:
            raise ValidationFailed(found)

    def expires_after(self, valid_days: int) -> date:
        """The last day it can be used."""
        return self.planned_date + timedelta(days=valid_days)

    def expire_if_due(self, today: date, valid_days: int) -> bool:
        """ISSUED past its last day becomes EXPIRED; True when it did just now."""
        if self.state is OrderState.ISSUED and today > self.expires_after(valid_days):
            self.state = OrderState.EXPIRED
            return True
        return False

    def require_issued(self, doing: str) -> None:
        if self.state is not OrderState.ISSUED:
            raise IllegalTransition(f"cannot {doing}: admission order {self.id} is {self.state.value} "
                                    "(needs ISSUED)")

    def change(self, at: datetime, by: str, **values) -> None:
        """New values for what the doctor decided (department, ward, diagnoses, condition, deposit,
        planned date, 医疗类别, 病种, note); checked whole before anything is kept."""
        self.require_issued("change it")
        before = {k: getattr(self, k) for k in values}
        for k, v in values.items():
            setattr(self, k, v)
        found = self.violations()
        if found:
            for k, v in before.items():
                setattr(self, k, v)
            raise ValidationFailed(found)
        self.changed_at, self.changed_by = at, by

    def cancel(self, at: datetime, reason: str) -> None:
        self.require_issued("cancel it")
        self.state, self.cancelled_at, self.cancel_reason = OrderState.CANCELLED, at, reason

    def use(self, stay_id: str) -> None:
        self.require_issued("admit with it")
        self.state, self.stay_id = OrderState.USED, stay_id

    def release(self, stay_id: str) -> None:
        """The admission that used it was undone or cancelled: usable again."""
        if self.state is not OrderState.USED or self.stay_id != stay_id:
            raise IllegalTransition(f"admission order {self.id} is {self.state.value}, not used by stay {stay_id}")
        self.state, self.stay_id = OrderState.ISSUED, ""


@dataclass(frozen=True)
class OrderRules:
    valid_days: int = 7  # days past the planned date an unused order stays good


