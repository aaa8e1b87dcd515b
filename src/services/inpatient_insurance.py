"""Use cases of the 医保 side of a hospital stay (住院): 2401 → 2301/2302 → 2402 → 2303 → 2304, the
changes (2403) and the cancellations in the platform's order (2305 → 2405 → 2404).

The rules of services.outpatient hold here too: no database transaction is open while a request is on
the wire; the stay is loaded once, the change checked on it before anything is sent, and what the
platform accepted recorded on that same object (its version guards the commit; a concurrent change
makes it applied again on a fresh load). What must not race is claimed first: the 住院号 before 2401
(a REGISTERING stay), the stay before 2304 (SETTLING, with the claim's time). A claim whose call ended
in doubt stays until the journal settles it (services.journal).
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime

from domain.admission import AdmissionState, InsuredAdmission
from domain.errors import AlreadyExists, ConcurrencyConflict, IllegalTransition, NotFound, ValidationFailed
from domain.operator import Operator
from domain.settlement import Settlement, SettlementRules
from domain.text import excerpt
from domain.visit import Diagnosis, FeeItem
from ports.clock import Clock
from ports.unit_of_work import UnitOfWork
from services import personal_data
from services.errors import PlatformRejected, PlatformUnavailable
from services.platform_gateway import CallContext, PlatformGateway
from services.translation import admissions as wire
from services.translation import fees, settlements

log = logging.getLogger(__name__)

ADMISSION_CODES = frozenset({"2401"})
INPATIENT_SETTLEMENT_CODES = frozenset({"2304"})
_GONE = ("not_sent", "reversed", "not_applied")  # PlatformUnavailable outcomes: it did not take effect


@dataclass(frozen=True)
class AdmitPatient:
    """2401. `ipt_no` is the hospital's 住院号 (the inpatient record's number)."""

    psn_no: str
    insutype: str
    med_type: str  # 21 普通住院, ... (the platform refuses a non-inpatient 医疗类别)
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    ipt_no: str
    dept_code: str  # 入院科室
    dept_name: str
    atddr_no: str  # 主治医生
    chfpdr_name: str  # 主诊医师
    adm_bed: str
    diagnoses: tuple[Diagnosis, ...]  # admission diagnoses, exactly one with maindiag_flag 1
    caty: str = ""
    begntime: datetime | None = None  # now when None
    adm_diag_dscr: str = ""  # the main diagnosis's name when empty
    dise_codg: str = ""  # 病种, when one applies
    dise_name: str = ""
    insuplc_admdvs: str = ""  # taken from the person's 1101 picture when empty


@dataclass(frozen=True)
class ChangeAdmission:
    """2403: the fields given (not None) replace the stay's; the rest stay as they are."""

    med_type: str | None = None
    begntime: datetime | None = None
    dept_code: str | None = None
    dept_name: str | None = None
    caty: str | None = None
    atddr_no: str | None = None
    chfpdr_name: str | None = None
    adm_bed: str | None = None
    adm_diag_dscr: str | None = None
    dise_codg: str | None = None
    dise_name: str | None = None
    diagnoses: tuple[Diagnosis, ...] | None = None

    def changes(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


@dataclass(frozen=True)
class Discharge:
    """2402."""

    dept_code: str  # 出院科室
    dept_name: str
    diagnoses: tuple[Diagnosis, ...]  # discharge diagnoses, exactly one with maindiag_flag 1
    dscg_way: str = "1"  # 离院方式: 1 医嘱离院
    endtime: datetime | None = None  # now when None


@dataclass(frozen=True)
class InpatientInsuranceConfig:
    settlement_rules: SettlementRules = SettlementRules()


class InpatientInsuranceService:
    def __init__(self, uow: Callable[[], UnitOfWork], gateway: PlatformGateway, clock: Clock,
                 config: InpatientInsuranceConfig = InpatientInsuranceConfig()):
        self.uow, self.gateway, self.clock, self.config = uow, gateway, clock, config

    # ---- 2401 / 2403 / 2404 ----------------------------------------------------------------
    def admit(self, op: Operator, cmd: AdmitPatient) -> InsuredAdmission:
        """2401. The 住院号 is claimed first, by a REGISTERING stay stored before anything leaves: the
        same admission asked for twice reaches the platform once (the second gets the stay admitted);
        the 住院号 held by another person's stay is refused. A refused 2401 leaves nothing claimed."""
        with self.uow() as uow:
            person = uow.persons.get(cmd.psn_no)
        personal_data.declare(cmd.mdtrt_cert_no, *((person.certno, person.psn_name) if person else ()))
        insurance = person.insurance(cmd.insutype) if person else None
        adm = InsuredAdmission(
            id=str(uuid.uuid4()), psn_no=cmd.psn_no, insutype=cmd.insutype, med_type=cmd.med_type,
            mdtrt_cert_type=cmd.mdtrt_cert_type, mdtrt_cert_no=cmd.mdtrt_cert_no, ipt_no=cmd.ipt_no,
            begntime=cmd.begntime or self.clock.now(), dept_code=cmd.dept_code, dept_name=cmd.dept_name,
            caty=cmd.caty, atddr_no=cmd.atddr_no, chfpdr_name=cmd.chfpdr_name, adm_bed=cmd.adm_bed,
            adm_diag_dscr=cmd.adm_diag_dscr, dise_codg=cmd.dise_codg, dise_name=cmd.dise_name,
            insuplc_admdvs=cmd.insuplc_admdvs or (insurance.insuplc_admdvs if insurance else ""),
            psn_name=person.psn_name if person else "", state=AdmissionState.REGISTERING,
            diagnoses=[replace(d) for d in cmd.diagnoses])
        InsuredAdmission.main_diagnosis(adm.diagnoses)
        payload = wire.admission(adm)
        self.gateway.check("2401", payload)  # nothing is claimed for a bad request
        holder = self._claim_number(adm)
        if holder is not None:
            return holder
        try:
            output = self.gateway.call(op, "2401", payload, self._ctx(adm))
        except PlatformUnavailable as exc:
            if exc.outcome in _GONE:
                discard_admission_claim(self.uow, adm.id)
            raise  # "unresolved": the 住院号 stays claimed until the journal settles the doubt
        except (PlatformRejected, ValidationFailed):
            discard_admission_claim(self.uow, adm.id)  # definitely not admitted: the number is free again
            raise
        mdtrt_id = wire.mdtrt_id_of(output)
        adm.complete_admission(mdtrt_id)
        return self._record(adm, lambda a: a.complete_admission(mdtrt_id))

    def _claim_number(self, adm: InsuredAdmission) -> InsuredAdmission | None:
        for _ in range(2):
            try:
                with self.uow() as uow:
                    uow.admissions.add(adm)
                    uow.commit()
                    return None
            except ConcurrencyConflict:
                pass
            with self.uow() as uow:
                holder = uow.admissions.by_ipt_no(adm.ipt_no)
            if holder is None:
                continue  # discarded meanwhile: try again
            if holder.psn_no == adm.psn_no and holder.state is AdmissionState.REGISTERING:
                raise IllegalTransition(f"住院号 {excerpt(adm.ipt_no)} is being admitted (admission {holder.id}); "
                                        "its outcome is being settled, ask again shortly")
            if holder.psn_no == adm.psn_no and holder.state is not AdmissionState.CANCELLED:
                return holder  # the same admission asked for again: one mdtrt_id, not two
            raise AlreadyExists(f"住院号 {excerpt(adm.ipt_no)} belongs to admission {holder.id} "
                                f"({holder.state.value})", resource="admission", name=holder.id)
        raise ConcurrencyConflict(f"住院号 {excerpt(adm.ipt_no)} is contended; retry")

    def change_admission(self, op: Operator, admission_id: str, cmd: ChangeAdmission) -> InsuredAdmission:
        """2403 (department transfer, bed, doctor, diagnoses); not once the discharge is settled."""
        changes = cmd.changes()
        if "diagnoses" in changes:
            changes["diagnoses"] = [replace(d) for d in changes["diagnoses"]]
        adm = self.get(admission_id)
        adm.change(**changes)
        self.gateway.call(op, "2403", wire.admission_change(adm), self._ctx(adm))
        again = cmd.changes()
        return self._record(adm, lambda a: a.change(**{k: [replace(d) for d in v] if k == "diagnoses" else v
                                                        for k, v in again.items()}))

    def cancel_admission(self, op: Operator, admission_id: str) -> InsuredAdmission:
        """2404: only in hospital (cancel a discharge first, 2405) and without fees (2302 first)."""
        adm = self.get(admission_id)
        adm.cancel()
        self.gateway.call(op, "2404", wire.cancellation(adm), self._ctx(adm))
        return self._record(adm, lambda a: a.cancel())

    # ---- 2301 / 2302 -----------------------------------------------------------------------
    def upload_fees(self, op: Operator, admission_id: str, items: list[FeeItem]) -> InsuredAdmission:
        """2301. Rows already recorded (same feedetl_sn, same content) are left out: an upload sent
        again sends only what is new, nothing when nothing is."""
        adm = self.get(admission_id)
        fresh = adm.new_fees(items)  # every rule checked first: bad rows send nothing
        if not fresh:
            return adm
        try:
            output = self.gateway.call(op, "2301", wire.fee_upload(adm, fresh), self._ctx(adm))
        except PlatformRejected:
            again = self.get(admission_id)  # a concurrent upload of the same rows got there first
            if not again.new_fees(items):
                return again
            raise
        fees.classify(fresh, output)
        adm.add_fees(fresh)
        return self._record(adm, lambda a: a.add_fees([replace(i) for i in fresh]))

    def cancel_fees(self, op: Operator, admission_id: str, feedetl_sns: list[str]) -> InsuredAdmission:
        """2302 of uploaded, unsettled rows."""
        adm = self.get(admission_id)
        rows = adm.fees_to_cancel(feedetl_sns)
        self.gateway.call(op, "2302", wire.fee_cancel(adm, rows), self._ctx(adm))
        adm.cancel_fees(feedetl_sns)
        return self._record(adm, lambda a: a.cancel_fees(feedetl_sns))

    # ---- 2402 / 2405 -----------------------------------------------------------------------
    def discharge(self, op: Operator, admission_id: str, cmd: Discharge) -> InsuredAdmission:
        endtime = cmd.endtime or self.clock.now()
        act = lambda a: a.discharge(endtime, cmd.dept_code, cmd.dept_name, cmd.dscg_way,  # noqa: E731
                                    [replace(d) for d in cmd.diagnoses])
        adm = self.get(admission_id)
        act(adm)
        self.gateway.call(op, "2402", wire.discharge(adm), self._ctx(adm))
        return self._record(adm, act)

    def cancel_discharge(self, op: Operator, admission_id: str) -> InsuredAdmission:
        """2405: back in hospital; not while the discharge is settled (2305 first)."""
        adm = self.get(admission_id)
        adm.cancel_discharge()
        self.gateway.call(op, "2405", wire.cancellation(adm), self._ctx(adm))
        return self._record(adm, lambda a: a.cancel_discharge())

    # ---- 2303 / 2304 / 2305 ----------------------------------------------------------------
    def pre_settle(self, op: Operator, admission_id: str, acct_used: bool = True,
                   psn_setlway: str = "01") -> Settlement:
        """2303: the fund / person split the discharge settlement would have now."""
        adm = self.get(admission_id)
        adm.check_settleable(doing="pre-settle")
        reader = settlements.SettlementReader("", self.config.settlement_rules)
        self.gateway.call(op, "2303", wire.settle(adm, acct_used, psn_setlway), self._ctx(adm), verify=reader)
        return reader.settlement

    def settle(self, op: Operator, admission_id: str, acct_used: bool = True, psn_setlway: str = "01",
               invono: str = "") -> tuple[InsuredAdmission, Settlement]:
        """2304, the discharge settlement of every unsettled fee row. The stay is claimed (SETTLING)
        first: of two at once, one settles. Refused or proven not applied: released; in doubt: it
        stays SETTLING until the journal settles the doubt (冲正 2601, or the claim's own 2304)."""
        request: dict = {}

        def claim(a: InsuredAdmission) -> None:
            a.begin_settlement(self.clock.now())
            request["payload"] = wire.settle(a, acct_used, psn_setlway, invono)
            self.gateway.check("2304", request["payload"])  # inside the claim: a bad request writes nothing

        adm = self._change(admission_id, claim)
        reader = settlements.SettlementReader("", self.config.settlement_rules)
        try:
            self.gateway.call(op, "2304", request["payload"], self._ctx(adm), verify=reader)
        except PlatformUnavailable as exc:
            if exc.outcome in _GONE:
                self._change(adm.id, lambda a: a.abandon_settlement())
            raise
        except (PlatformRejected, ValidationFailed):
            self._change(adm.id, lambda a: a.abandon_settlement())
            raise
        settlement = reader.settlement
        adm.complete_settlement(settlement)
        return self._record(adm, lambda a: a.complete_settlement(settlements.copy(settlement))), settlement

    def cancel_settlement(self, op: Operator, admission_id: str, setl_id: str) -> tuple[InsuredAdmission, Settlement]:
        """2305: the stay is DISCHARGED again, its fees open; the negative settlement is kept."""
        adm = self.get(admission_id)
        adm.check_cancellable(setl_id)
        reader = settlements.SettlementReader("", self.config.settlement_rules)
        self.gateway.call(op, "2305", wire.settlement_cancel(adm, setl_id), self._ctx(adm), verify=reader)
        negative = reader.settlement
        adm.cancel_settlement(setl_id, negative)
        return self._record(adm, lambda a: a.cancel_settlement(setl_id, settlements.copy(negative))), negative

    # ---- 2406 / 2407 -----------------------------------------------------------------------
    def upload_special_attribute(self, op: Operator, admission_id: str, flag_type: str, flag: str,
                                 memo: str = "") -> str:
        """2406 就医特殊属性上传; returns the platform's detail id. Nothing is recorded on the admission:
        the platform holds the attributes (2407 reads them back)."""
        adm = self.get(admission_id)
        adm.require_admitted_once("upload a special attribute")
        output = self.gateway.call(op, "2406", wire.special_attribute(adm, flag_type, flag, memo), self._ctx(adm))
        return wire.special_attribute_id(output)

    def special_attributes(self, op: Operator, admission_id: str, max_pages: int = 20) -> list[dict]:
        """2407, every page (at most `max_pages`): the platform's rows as it sent them."""
        adm = self.get(admission_id)
        adm.require_admitted_once("read the special attributes")
        found: list[dict] = []
        page = 1
        while page <= max_pages:
            output = self.gateway.call(op, "2407", wire.special_attribute_query(adm, page), self._ctx(adm))
            rows, pages = wire.special_attribute_rows(output)
            found.extend(rows)
            if page >= pages or not rows:
                break
            page += 1
        return found

    # ---- reads -----------------------------------------------------------------------------
    def get(self, admission_id: str) -> InsuredAdmission:
        """By the stay's id, or by its mdtrt_id."""
        with self.uow() as uow:
            adm = uow.admissions.get(admission_id) or uow.admissions.by_mdtrt_id(admission_id)
        if adm is None:
            raise NotFound(f"no admission {excerpt(admission_id)}")
        personal_data.declare(adm.mdtrt_cert_no, adm.psn_name)
        return adm

    def by_ipt_no(self, ipt_no: str) -> InsuredAdmission | None:
        with self.uow() as uow:
            return uow.admissions.by_ipt_no(ipt_no)

    # ---- helpers ---------------------------------------------------------------------------
    def _change(self, admission_id: str, action: Callable[[InsuredAdmission], None]) -> InsuredAdmission:
        with self.uow() as uow:
            adm = uow.admissions.get(admission_id) or uow.admissions.by_mdtrt_id(admission_id)
            if adm is None:
                raise NotFound(f"no admission {excerpt(admission_id)}")
            personal_data.declare(adm.mdtrt_cert_no, adm.psn_name)
            action(adm)
            uow.commit()
            return adm

    def _record(self, adm: InsuredAdmission, redo: Callable[[InsuredAdmission], None]) -> InsuredAdmission:
        """Store a change the platform accepted; on a concurrent change, `redo` it on a fresh load so
        that what the platform holds is never dropped."""
        admission_id = adm.id
        try:
            with self.uow() as uow:
                uow.admissions.attach(adm)
                uow.commit()
            return adm
        except ConcurrencyConflict:
            return self._change(admission_id, redo)

    @staticmethod
    def _ctx(adm: InsuredAdmission) -> CallContext:
        # the journal finds a stay's calls by visit_id: the stay's id stands there
        return CallContext(psn_no=adm.psn_no, mdtrt_id=adm.mdtrt_id, visit_id=adm.id,
                           insuplc_admdvs=adm.insuplc_admdvs)


def discard_admission_claim(uow_factory: Callable[[], UnitOfWork], admission_id: str) -> InsuredAdmission | None:
    """Free the 住院号 of an admission that never took effect: its REGISTERING stay is removed.
    Returns the stay removed, None when there was none (or it is admitted after all)."""
    with uow_factory() as uow:
        adm = uow.admissions.get(admission_id)
        if adm is None or adm.state is not AdmissionState.REGISTERING:
            return None
        uow.admissions.discard(adm)
        uow.commit()
        return adm
