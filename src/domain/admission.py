"""The 医保 platform's side of one hospital stay (住院): 2401 admission, fees, 2402 discharge,
settlement, and the cancellations, each in the order the platform accepts them.

States: REGISTERING (the 住院号 is claimed, 2401 in flight or in doubt) → ADMITTED → DISCHARGED
(2402) → SETTLING (a 2304 in flight) → SETTLED; CANCELLED (2404). Undone in reverse: 2305 takes a
SETTLED stay back to DISCHARGED, 2405 a DISCHARGED one back to ADMITTED, 2404 ends an ADMITTED one
without fees. Only the discharge settlement (mid_setl_flag 0) is modelled: the platform settles every
unsettled fee row of the stay at once, so the fee rows are not settled by batch as 门诊 ones are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.errors import FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.money import ZERO
from domain.settlement import Settlement, SettlementState
from domain.text import excerpt
from domain.visit import Diagnosis, FeeItem, FeeState


class AdmissionState(str, Enum):
    REGISTERING = "REGISTERING"  # 住院号 claimed; a 2401 is in flight or its outcome is being resolved
    ADMITTED = "ADMITTED"  # 2401 done: in hospital, fees come and go
    DISCHARGED = "DISCHARGED"  # 2402 done: fees may still be corrected, the stay may be settled
    SETTLING = "SETTLING"  # a 2304 is in flight; nobody else may settle or change fees
    SETTLED = "SETTLED"  # the discharge settlement is in force
    CANCELLED = "CANCELLED"  # 2404 done


# what identifies a fee row's content: the same feedetl_sn sent again with these equal is the same row
_FEE_IDENTITY = ("med_list_codg", "medins_list_codg", "cnt", "pric", "det_item_fee_sumamt", "fee_ocur_time")


@dataclass
class InsuredAdmission:
    """Aggregate root: one inpatient mdtrt_id on the platform."""

    id: str
    psn_no: str
    insutype: str
    med_type: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    ipt_no: str  # 住院号, the hospital's; unique: it is claimed before 2401 leaves
    begntime: datetime
    dept_code: str  # adm_dept_codg
    dept_name: str
    caty: str
    atddr_no: str
    chfpdr_name: str
    adm_bed: str = ""
    adm_diag_dscr: str = ""
    dise_codg: str = ""  # 病种, when one applies (not the ICD diagnosis)
    dise_name: str = ""
    insuplc_admdvs: str = ""
    psn_name: str = ""
    mdtrt_id: str = ""
    state: AdmissionState = AdmissionState.ADMITTED
    endtime: datetime | None = None
    dscg_dept_code: str = ""
    dscg_dept_name: str = ""
    dscg_way: str = ""
    # when the 2304 claim was taken (hospital time): a journaled 2304 older than it belongs to an
    # earlier claim and says nothing about this one
    settling_since: datetime | None = None
    diagnoses: list[Diagnosis] = field(default_factory=list)  # at admission (2401 / 2403)
    discharge_diagnoses: list[Diagnosis] = field(default_factory=list)  # 2402
    fees: list[FeeItem] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    version: int = 1

    # ---- guards -------------------------------------------------------------------------
    def _require(self, *states: AdmissionState, doing: str) -> None:
        if self.state not in states:
            allowed = ", ".join(s.value for s in states)
            raise IllegalTransition(f"cannot {doing}: admission {self.id} is {self.state.value} (needs {allowed})")

    @staticmethod
    def main_diagnosis(diagnoses: list[Diagnosis], where: str = "diseinfo") -> Diagnosis:
        if not diagnoses:
            raise ValidationFailed([FieldViolation(where, "at least one diagnosis is required")])
        mains = [d for d in diagnoses if d.maindiag_flag == "1"]
        if len(mains) != 1:
            raise ValidationFailed([FieldViolation(where, f"exactly one main diagnosis (maindiag_flag 1) is "
                                                          f"required, {len(mains)} given")])
        return mains[0]

    # ---- admission ----------------------------------------------------------------------
    def complete_admission(self, mdtrt_id: str) -> None:
        """The platform admitted the stay (2401 answered, or a query proved it)."""
        self._require(AdmissionState.REGISTERING, doing="complete the admission")
        if not mdtrt_id:
            raise IllegalTransition(f"admission {self.id}: an admission needs the platform's mdtrt_id")
        self.mdtrt_id, self.state = mdtrt_id, AdmissionState.ADMITTED

    def change(self, **changes) -> None:
        """2403: department, bed, doctor, diagnoses... (not after the discharge settlement)."""
        self._require(AdmissionState.ADMITTED, AdmissionState.DISCHARGED, doing="change the admission")
        if "diagnoses" in changes:
            self.main_diagnosis(changes["diagnoses"])
        unknown = [k for k in changes if k not in _CHANGEABLE]
        if unknown:
            raise ValidationFailed([FieldViolation(k, "cannot be changed by 2403") for k in unknown])
        for name, value in changes.items():
            setattr(self, name, list(value) if name == "diagnoses" else value)

    def require_admitted_once(self, doing: str) -> None:
        """The platform holds the stay: admitted and not taken back."""
        self._require(AdmissionState.ADMITTED, AdmissionState.DISCHARGED, AdmissionState.SETTLING,
                      AdmissionState.SETTLED, doing=doing)

    def cancel(self) -> None:
        """2404: only an admission still in hospital, without fees or settlements on the platform."""
        self._require(AdmissionState.ADMITTED, doing="cancel the admission")
        if self.live_fees():
            raise IllegalTransition(f"cannot cancel the admission: admission {self.id} has "
                                    f"{len(self.live_fees())} fee rows on the platform (cancel them first, 2302)")
        self.state = AdmissionState.CANCELLED

    # ---- fees ---------------------------------------------------------------------------
    def live_fees(self) -> list[FeeItem]:
        return [f for f in self.fees if f.state is not FeeState.CANCELLED]

    def unsettled_fees(self) -> list[FeeItem]:
        return [f for f in self.fees if f.state is FeeState.UPLOADED]

    def unsettled_total(self) -> Decimal:
        return sum((f.det_item_fee_sumamt for f in self.unsettled_fees()), ZERO)

    def new_fees(self, items: list[FeeItem]) -> list[FeeItem]:
        """Of `items`, those not recorded yet. A row whose feedetl_sn is recorded with the same content
        is the same row sent again (left out); with other content, or cancelled, it is refused."""
        self._require(AdmissionState.ADMITTED, AdmissionState.DISCHARGED, doing="upload fees")
        if not items:
            raise ValidationFailed([FieldViolation("feedetail", "at least one fee row is required")])
        found = [v for i, item in enumerate(items) for v in item.violations(i)]
        known = {f.feedetl_sn: f for f in self.fees}
        seen: set[str] = set()
        fresh = []
        for i, item in enumerate(items):
            where = f"feedetail[{i}].feedetl_sn"
            if item.feedetl_sn in seen:
                found.append(FieldViolation(where, f"{excerpt(item.feedetl_sn)} appears twice"))
            seen.add(item.feedetl_sn)
            held = known.get(item.feedetl_sn)
            if held is None:
                fresh.append(item)
            elif held.state is FeeState.CANCELLED:
                found.append(FieldViolation(where, f"{excerpt(item.feedetl_sn)} was cancelled; use a new one"))
            elif any(getattr(held, k) != getattr(item, k) for k in _FEE_IDENTITY):
                found.append(FieldViolation(where, f"{excerpt(item.feedetl_sn)} is already used by another row"))
        if found:
            raise ValidationFailed(found)
        return fresh

    def add_fees(self, items: list[FeeItem]) -> list[FeeItem]:
        """Record the rows not recorded yet (see new_fees); returns them."""
        fresh = self.new_fees(items)
        self.fees.extend(fresh)
        return fresh

    def fees_to_cancel(self, feedetl_sns: list[str]) -> list[FeeItem]:
        self._require(AdmissionState.ADMITTED, AdmissionState.DISCHARGED, doing="cancel fees")
        if not feedetl_sns:
            raise ValidationFailed([FieldViolation("feedetl_sn", "name at least one fee row")])
        rows = {f.feedetl_sn: f for f in self.unsettled_fees()}
        missing = [FieldViolation(f"feedetl_sn[{i}]", f"{excerpt(sn)} is not an uploaded, unsettled row")
                   for i, sn in enumerate(feedetl_sns) if sn not in rows]
        if missing:
            raise ValidationFailed(missing)
        return [rows[sn] for sn in dict.fromkeys(feedetl_sns)]

    def cancel_fees(self, feedetl_sns: list[str]) -> None:
        for row in self.fees_to_cancel(feedetl_sns):
            row.state = FeeState.CANCELLED

    # ---- discharge ----------------------------------------------------------------------
    def discharge(self, endtime: datetime, dept_code: str, dept_name: str, dscg_way: str,
                  diagnoses: list[Diagnosis]) -> None:
        self._require(AdmissionState.ADMITTED, doing="discharge")
        self.main_diagnosis(diagnoses)
        if endtime < self.begntime:
            raise ValidationFailed([FieldViolation("endtime", f"{endtime} is before the admission {self.begntime}")])
        self.endtime, self.dscg_dept_code, self.dscg_dept_name, self.dscg_way = endtime, dept_code, dept_name, dscg_way
        self.discharge_diagnoses = list(diagnoses)
        self.state = AdmissionState.DISCHARGED

    def cancel_discharge(self) -> None:
        """2405: back in hospital (only while the discharge is not settled)."""
        self._require(AdmissionState.DISCHARGED, doing="cancel the discharge")
        self.endtime, self.dscg_dept_code, self.dscg_dept_name, self.dscg_way = None, "", "", ""
        self.discharge_diagnoses = []
        self.state = AdmissionState.ADMITTED

    # ---- settlement ---------------------------------------------------------------------
    def check_settleable(self, doing: str = "settle") -> None:
        self._require(AdmissionState.DISCHARGED, doing=doing)
        if not self.unsettled_fees():
            raise IllegalTransition(f"cannot {doing}: admission {self.id} has no unsettled fees")

    def begin_settlement(self, at: datetime | None = None) -> None:
        """Claim the stay for one 2304 at `at`; the version bump makes a second claim lose."""
        self.check_settleable()
        self.state, self.settling_since = AdmissionState.SETTLING, at

    def complete_settlement(self, settlement: Settlement) -> None:
        self._require(AdmissionState.SETTLING, doing="complete a settlement")
        for row in self.unsettled_fees():
            row.state = FeeState.SETTLED
        self.settlements.append(settlement)
        self.state, self.settling_since = AdmissionState.SETTLED, None

    def abandon_settlement(self) -> None:
        """The 2304 did not take effect (refused, never sent, or reversed by 2601)."""
        self._require(AdmissionState.SETTLING, doing="abandon a settlement")
        self.state, self.settling_since = AdmissionState.DISCHARGED, None

    def active_settlement(self) -> Settlement | None:
        return next((s for s in self.settlements if s.state is SettlementState.ACTIVE), None)

    def settlement(self, setl_id: str) -> Settlement:
        for s in self.settlements:
            if s.setl_id == setl_id:
                return s
        raise NotFound(f"admission {self.id} has no settlement {excerpt(setl_id)}")

    def check_cancellable(self, setl_id: str) -> Settlement:
        self._require(AdmissionState.SETTLED, doing="cancel a settlement")
        original = self.settlement(setl_id)
        if original is not self.active_settlement():
            raise IllegalTransition(f"settlement {excerpt(setl_id)} of admission {self.id} is not active")
        return original

    def cancel_settlement(self, setl_id: str, negative: Settlement) -> None:
        """2305 done: the original is kept and marked, the negative one beside it; the fees are open again."""
        original = self.check_cancellable(setl_id)
        original.state, original.cancel_setl_id = SettlementState.CANCELLED, negative.setl_id
        negative.state = SettlementState.CANCELLED
        self.settlements.append(negative)
        for row in self.fees:
            if row.state is FeeState.SETTLED:
                row.state = FeeState.UPLOADED
        self.state = AdmissionState.DISCHARGED


_CHANGEABLE = frozenset({"med_type", "begntime", "dept_code", "dept_name", "caty", "atddr_no", "chfpdr_name",
                         "adm_bed", "adm_diag_dscr", "dise_codg", "dise_name", "diagnoses"})
