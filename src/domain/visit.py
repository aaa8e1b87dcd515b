"""An outpatient insured visit (门诊就诊) and the rules of its life on the platform."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.errors import FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.money import ZERO, line_total
from domain.settlement import Settlement, SettlementState
from domain.text import excerpt


class VisitState(str, Enum):
    REGISTERING = "REGISTERING"  # its 门诊号 is claimed and a 2201 is in flight, or its outcome is being resolved
    REGISTERED = "REGISTERED"  # 2201 done: fees may come and go
    SETTLING = "SETTLING"  # a 2207 is in flight; nobody else may settle or change fees
    SETTLED = "SETTLED"  # an active settlement exists
    CANCELLED = "CANCELLED"  # 2202 done


class FeeState(str, Enum):
    UPLOADED = "UPLOADED"
    CANCELLED = "CANCELLED"
    SETTLED = "SETTLED"


@dataclass
class Diagnosis:
    diag_type: str
    diag_srt_no: int
    diag_code: str
    diag_name: str
    diag_dept: str
    dise_dor_no: str
    dise_dor_name: str
    diag_time: datetime
    vali_flag: str = "1"
    maindiag_flag: str = "0"


@dataclass
class FeeItem:
    """One 费用明细 row; the classification fields come back from the platform on 2204."""

    feedetl_sn: str
    chrg_bchno: str
    med_list_codg: str
    medins_list_codg: str
    det_item_fee_sumamt: Decimal
    cnt: Decimal
    pric: Decimal
    fee_ocur_time: datetime
    bilg_dept_codg: str
    bilg_dept_name: str
    bilg_dr_codg: str
    bilg_dr_name: str
    medins_list_name: str = ""
    rx_circ_flag: str = "0"
    hosp_appr_flag: str = "1"
    state: FeeState = FeeState.UPLOADED
    chrgitm_lv: str = ""
    med_chrgitm_type: str = ""
    fulamt_ownpay_amt: Decimal = ZERO
    overlmt_amt: Decimal = ZERO
    preselfpay_amt: Decimal = ZERO
    inscp_scp_amt: Decimal = ZERO

    def violations(self, index: int) -> list[FieldViolation]:
        where = f"feedetail[{index}]"
        found = []
        if self.cnt <= 0:
            found.append(FieldViolation(f"{where}.cnt", "must be greater than zero"))
        if self.pric < 0:
            found.append(FieldViolation(f"{where}.pric", "must not be negative"))
        if line_total(self.cnt, self.pric) != self.det_item_fee_sumamt:
            found.append(FieldViolation(
                f"{where}.det_item_fee_sumamt",
                f"{self.det_item_fee_sumamt} is not cnt {self.cnt} × pric {self.pric}"))
        return found


@dataclass
class Visit:
    """Aggregate root: registration, diagnoses, fees and settlements of one 门诊 mdtrt_id."""

    id: str
    psn_no: str
    insutype: str
    med_type: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    ipt_otp_no: str
    begntime: datetime
    dept_code: str
    dept_name: str
    caty: str
    atddr_no: str
    dr_name: str
    insuplc_admdvs: str = ""
    psn_name: str = ""
    mdtrt_id: str = ""
    state: VisitState = VisitState.REGISTERED
    settling_batch: str = ""
    # when the 2207 claim was taken (hospital time): a journaled 2207 older than it belongs to an
    # earlier claim and says nothing about this one
    settling_since: datetime | None = None
    diagnoses: list[Diagnosis] = field(default_factory=list)
    fees: list[FeeItem] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    version: int = 1

    # ---- guards -------------------------------------------------------------------------
    def _require(self, *states: VisitState, doing: str) -> None:
        if self.state not in states:
            allowed = ", ".join(s.value for s in states)
            raise IllegalTransition(f"cannot {doing}: visit {self.id} is {self.state.value} (needs {allowed})")

    # ---- diagnoses ----------------------------------------------------------------------
    def record_diagnoses(self, diagnoses: list[Diagnosis]) -> None:
        self._require(VisitState.REGISTERED, doing="record diagnoses")
        if not diagnoses:
            raise ValidationFailed([FieldViolation("diseinfo", "at least one diagnosis is required")])
        self.diagnoses = list(diagnoses)

    # ---- fees ---------------------------------------------------------------------------
    def add_fees(self, items: list[FeeItem]) -> None:
        self._require(VisitState.REGISTERED, doing="upload fees")
        if not items:
            raise ValidationFailed([FieldViolation("feedetail", "at least one fee row is required")])
        found = [v for i, item in enumerate(items) for v in item.violations(i)]
        existing = {f.feedetl_sn for f in self.fees}
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.feedetl_sn in existing or item.feedetl_sn in seen:
                found.append(FieldViolation(f"feedetail[{i}].feedetl_sn", f"{excerpt(item.feedetl_sn)} is already used"))
            seen.add(item.feedetl_sn)
            if self.batch_state(item.chrg_bchno) is FeeState.SETTLED:
                found.append(FieldViolation(f"feedetail[{i}].chrg_bchno", f"batch {excerpt(item.chrg_bchno)} is settled"))
        if found:
            raise ValidationFailed(found)
        self.fees.extend(items)

    def batch(self, chrg_bchno: str) -> list[FeeItem]:
        return [f for f in self.fees if f.chrg_bchno == chrg_bchno and f.state is not FeeState.CANCELLED]

    def batch_state(self, chrg_bchno: str) -> FeeState | None:
        rows = self.batch(chrg_bchno)
        if not rows:
            return None
        return FeeState.SETTLED if any(f.state is FeeState.SETTLED for f in rows) else FeeState.UPLOADED

    def batch_total(self, chrg_bchno: str) -> Decimal:
        return sum((f.det_item_fee_sumamt for f in self.batch(chrg_bchno)), ZERO)

    def cancel_fees(self, chrg_bchno: str) -> None:
        self._require(VisitState.REGISTERED, doing="cancel fees")
        rows = self.batch(chrg_bchno)
        if not rows:
            raise NotFound(f"visit {self.id} has no uploaded fees in batch {excerpt(chrg_bchno)}")
        for row in rows:
            row.state = FeeState.CANCELLED

    # ---- settlement ---------------------------------------------------------------------
    def begin_settlement(self, chrg_bchno: str, at: datetime | None = None) -> None:
        """Claim the visit for one 2207 at `at`; the version bump makes a second claim lose."""
        self._require(VisitState.REGISTERED, doing="settle")
        if self.batch_state(chrg_bchno) is not FeeState.UPLOADED:
            raise IllegalTransition(f"batch {excerpt(chrg_bchno)} of visit {self.id} has no unsettled fees")
        self.state = VisitState.SETTLING
        self.settling_batch, self.settling_since = chrg_bchno, at

    def complete_settlement(self, settlement: Settlement) -> None:
        self._require(VisitState.SETTLING, doing="complete a settlement")
        for row in self.batch(self.settling_batch):
            row.state = FeeState.SETTLED
        self.settlements.append(settlement)
        self.state = VisitState.SETTLED
        self.settling_batch, self.settling_since = "", None

    def abandon_settlement(self) -> None:
        """The 2207 did not take effect (refused, never sent, or reversed by 2601)."""
        self._require(VisitState.SETTLING, doing="abandon a settlement")
        self.state = VisitState.REGISTERED
        self.settling_batch, self.settling_since = "", None

    def active_settlement(self) -> Settlement | None:
        return next((s for s in self.settlements if s.state is SettlementState.ACTIVE), None)

    def settlement(self, setl_id: str) -> Settlement:
        for s in self.settlements:
            if s.setl_id == setl_id:
                return s
        raise NotFound(f"visit {self.id} has no settlement {excerpt(setl_id)}")

    def cancel_settlement(self, setl_id: str, negative: Settlement) -> None:
        """2208 done: keep the original, mark it, keep the negative one beside it."""
        self._require(VisitState.SETTLED, doing="cancel a settlement")
        original = self.settlement(setl_id)
        if original.state is not SettlementState.ACTIVE:
            raise IllegalTransition(f"settlement {excerpt(setl_id)} is {original.state.value}")
        original.state = SettlementState.CANCELLED
        original.cancel_setl_id = negative.setl_id
        negative.state = SettlementState.CANCELLED
        negative.chrg_bchno = original.chrg_bchno
        self.settlements.append(negative)
        for row in self.fees:
            if row.chrg_bchno == original.chrg_bchno and row.state is FeeState.SETTLED:
                row.state = FeeState.UPLOADED
        self.state = VisitState.REGISTERED

    def void_settlement(self, setl_id: str) -> Settlement:
        """Reconciliation found the platform does not hold our active settlement: as far as the
        platform is concerned it never happened (REVERSED), and the batch may be settled again."""
        self._require(VisitState.SETTLED, doing="void a settlement")
        original = self.settlement(setl_id)
        if original is not self.active_settlement():
            raise IllegalTransition(f"settlement {excerpt(setl_id)} of visit {self.id} is not the active one")
        original.state = SettlementState.REVERSED
        for row in self.fees:
            if row.chrg_bchno == original.chrg_bchno and row.state is FeeState.SETTLED:
                row.state = FeeState.UPLOADED
        self.state = VisitState.REGISTERED
        return original

    # ---- registration -------------------------------------------------------------------
    def complete_registration(self, mdtrt_id: str) -> None:
        """The platform registered the visit (2201 answered, or a query proved it)."""
        self._require(VisitState.REGISTERING, doing="complete the registration")
        if not mdtrt_id:
            raise IllegalTransition(f"visit {self.id}: a registration needs the platform's mdtrt_id")
        self.mdtrt_id = mdtrt_id
        self.state = VisitState.REGISTERED

    def cancel_registration(self) -> None:
        self._require(VisitState.REGISTERED, doing="cancel the registration")
        self.state = VisitState.CANCELLED
