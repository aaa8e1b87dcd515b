"""Use cases of an outpatient insured visit (门诊医保就诊): thin orchestration of domain + platform.

Rule of every use case that calls the platform: no database transaction stays open while the
request is on the wire. The visit is loaded once, the change is checked on it before anything is
sent, and after the platform agreed the same object is recorded (its version guards the commit;
should the visit have changed meanwhile, the change is applied again on a fresh load). State that
must not race (a settlement) is claimed first in its own transaction, so a second claim loses.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from domain.errors import (AlreadyExists, ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound,
                           ValidationFailed)
from domain.money import money, to_decimal
from domain.operator import Operator
from domain.person import Insurance, InsuredPerson
from domain.platform_time import parse_datetime
from domain.settlement import Settlement, SettlementRules
from domain.text import excerpt
from domain.visit import Diagnosis, FeeItem, Visit, VisitState
from ports.clock import Clock
from ports.repositories import VisitCursor, VisitFilter, VisitPage
from ports.unit_of_work import UnitOfWork
from services import personal_data
from services.errors import PlatformRejected, PlatformUnavailable
from services.platform_gateway import CallContext, PlatformGateway

DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class RegisterVisit:
    psn_no: str
    insutype: str
    med_type: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str
    dept_code: str
    dept_name: str
    caty: str
    atddr_no: str
    dr_name: str
    ipt_otp_no: str = ""  # 门诊号; generated when empty
    begntime: datetime | None = None
    insuplc_admdvs: str = ""  # taken from the person's 1101 picture when empty


@dataclass(frozen=True)
class OutpatientConfig:
    register_infno: str = "2201A"  # Hubei: 2201 plus med_type
    visit_info_infno: str = "2203"
    settlement_rules: SettlementRules = SettlementRules()  # the region's arithmetic, for discrepancies


class OutpatientService:
    def __init__(self, uow: Callable[[], UnitOfWork], gateway: PlatformGateway, clock: Clock,
                 config: OutpatientConfig = OutpatientConfig()):
        self.uow, self.gateway, self.clock, self.config = uow, gateway, clock, config

    # ---- 1101 ------------------------------------------------------------------------------
    def read_person(self, op: Operator, mdtrt_cert_type: str, mdtrt_cert_no: str, card_sn: str = "",
                    psn_name: str = "") -> InsuredPerson:
        payload = {"data": {"mdtrt_cert_type": mdtrt_cert_type, "mdtrt_cert_no": mdtrt_cert_no, "card_sn": card_sn,
                            "begntime": self.clock.now().strftime(DATETIME), "psn_cert_type": "",
                            "certno": mdtrt_cert_no if mdtrt_cert_type == "02" else "", "psn_name": psn_name}}
        personal_data.declare(mdtrt_cert_no, card_sn, psn_name)
        output = self.gateway.call(op, "1101", payload)
        person = _person_from_1101(output)
        personal_data.declare(person.certno, person.psn_name)
        with self.uow() as uow:
            uow.persons.save(person)
            uow.commit()
        return person

    # ---- 2201 / 2201A ----------------------------------------------------------------------
    def register(self, op: Operator, cmd: RegisterVisit, request_key: str = "") -> Visit:
        """2201/2201A. The 门诊号 (ipt_otp_no) is claimed first, by a REGISTERING visit stored before
        anything leaves: the same number registered twice reaches the platform once. A second
        registration of the same person under the same number returns the visit registered; under
        another person it is refused. `request_key` (a client's request_id) makes a generated 门诊号
        the same on every retry of one request."""
        begntime = cmd.begntime or self.clock.now()
        with self.uow() as uow:
            person = uow.persons.get(cmd.psn_no)
        personal_data.declare(cmd.mdtrt_cert_no, *((person.certno, person.psn_name) if person else ()))
        insurance = person.insurance(cmd.insutype) if person else None
        insuplc = cmd.insuplc_admdvs or (insurance.insuplc_admdvs if insurance else "")
        visit = Visit(id=str(uuid.uuid4()), psn_no=cmd.psn_no, insutype=cmd.insutype, med_type=cmd.med_type,
                      mdtrt_cert_type=cmd.mdtrt_cert_type, mdtrt_cert_no=cmd.mdtrt_cert_no,
                      ipt_otp_no=cmd.ipt_otp_no or _outpatient_number(begntime, request_key),
                      begntime=begntime, dept_code=cmd.dept_code, dept_name=cmd.dept_name, caty=cmd.caty,
                      atddr_no=cmd.atddr_no, dr_name=cmd.dr_name, insuplc_admdvs=insuplc,
                      psn_name=person.psn_name if person else "", state=VisitState.REGISTERING)
        data = {"psn_no": visit.psn_no, "insutype": visit.insutype, "begntime": begntime.strftime(DATETIME),
                "mdtrt_cert_type": visit.mdtrt_cert_type, "mdtrt_cert_no": visit.mdtrt_cert_no,
                "ipt_otp_no": visit.ipt_otp_no, "atddr_no": visit.atddr_no, "dr_name": visit.dr_name,
                "dept_code": visit.dept_code, "dept_name": visit.dept_name, "caty": visit.caty}
        if self.config.register_infno == "2201A":
            data["med_type"] = visit.med_type
        payload = {"data": data}
        self.gateway.check(self.config.register_infno, payload)  # nothing is claimed for a bad request
        existing = self._claim_number(visit)
        if existing is not None:
            return existing
        try:
            output = self.gateway.call(op, self.config.register_infno, payload, self._ctx(visit))
        except PlatformUnavailable as exc:
            if exc.outcome in ("not_sent", "reversed", "not_applied"):
                self._discard(visit.id)
            raise  # "unresolved": the number stays claimed until the journal settles the doubt
        except (PlatformRejected, ValidationFailed):
            self._discard(visit.id)  # definitely not registered: the number is free again
            raise
        mdtrt_id = str((output.get("data") or {}).get("mdtrt_id") or "")
        visit.complete_registration(mdtrt_id)
        return self._record(visit, lambda v: v.complete_registration(mdtrt_id))

    def _claim_number(self, visit: Visit) -> Visit | None:
        """Store the REGISTERING visit; None when the number was free, else the visit that holds it
        (when it is this person's registration) or a refusal."""
        for _ in range(2):
            try:  # the number is almost always free: try to take it, look at its holder only when not
                with self.uow() as uow:
                    uow.visits.add(visit)
                    uow.commit()
                    return None
            except ConcurrencyConflict:
                pass
            with self.uow() as uow:
                holder = uow.visits.by_ipt_otp_no(visit.ipt_otp_no)
            if holder is None:
                continue  # its holder was discarded meanwhile: try again
            if holder.psn_no == visit.psn_no and holder.state in (VisitState.REGISTERED, VisitState.SETTLING,
                                                                   VisitState.SETTLED):
                return holder  # the same registration asked for again: one mdtrt_id, not two
            if holder.psn_no == visit.psn_no and holder.state is VisitState.REGISTERING:
                raise IllegalTransition(f"门诊号 {excerpt(visit.ipt_otp_no)} is being registered (visit {holder.id}); "
                                        "its outcome is being settled, ask again shortly")
            raise AlreadyExists(f"门诊号 {excerpt(visit.ipt_otp_no)} belongs to visit {holder.id} "
                                f"({holder.state.value})", resource="visit", name=holder.id)
        raise ConcurrencyConflict(f"门诊号 {excerpt(visit.ipt_otp_no)} is contended; retry")

    def _discard(self, visit_id: str) -> None:
        discard_claim(self.uow, visit_id)

    # ---- 2203 ------------------------------------------------------------------------------
    def upload_diagnoses(self, op: Operator, visit_id: str, diagnoses: list[Diagnosis], main_cond_dscr: str = "",
                         dise_codg: str = "", dise_name: str = "") -> Visit:
        """2203. `dise_codg` / `dise_name` are the 病种 (a chronic-illness or per-disease settlement code),
        given only when one applies; they are not the ICD diagnosis, which travels in diseinfo."""
        visit = self.get_visit(visit_id)
        visit.record_diagnoses(diagnoses)  # checked before anything is sent
        payload = {
            "mdtrtinfo": {"mdtrt_id": visit.mdtrt_id, "psn_no": visit.psn_no, "med_type": visit.med_type,
                          "begntime": visit.begntime.strftime(DATETIME), "main_cond_dscr": main_cond_dscr,
                          "dise_codg": dise_codg, "dise_name": dise_name},
            "diseinfo": [{"diag_type": d.diag_type, "diag_srt_no": d.diag_srt_no, "diag_code": d.diag_code,
                          "diag_name": d.diag_name, "diag_dept": d.diag_dept, "dise_dor_no": d.dise_dor_no,
                          "dise_dor_name": d.dise_dor_name, "diag_time": d.diag_time.strftime(DATETIME),
                          "vali_flag": d.vali_flag} for d in diagnoses]}
        self.gateway.call(op, self.config.visit_info_infno, payload, self._ctx(visit))
        return self._record(visit, lambda v: v.record_diagnoses([replace(d) for d in diagnoses]))

    # ---- 2204 / 2205 -----------------------------------------------------------------------
    def upload_fees(self, op: Operator, visit_id: str, items: list[FeeItem]) -> Visit:
        visit = self.get_visit(visit_id)
        visit.add_fees(items)  # every rule checked first: bad rows send nothing
        rows = [_fee_row(visit, item) for item in items]
        output = self.gateway.call(op, "2204", {"feedetail": rows}, self._ctx(visit))
        classify(items, output)
        return self._record(visit, lambda v: v.add_fees([replace(i) for i in items]))

    def cancel_fees(self, op: Operator, visit_id: str, chrg_bchno: str) -> Visit:
        visit = self.get_visit(visit_id)
        visit.cancel_fees(chrg_bchno)
        payload = {"data": {"mdtrt_id": visit.mdtrt_id, "chrg_bchno": chrg_bchno, "psn_no": visit.psn_no}}
        self.gateway.call(op, "2205", payload, self._ctx(visit))
        return self._record(visit, lambda v: v.cancel_fees(chrg_bchno))

    # ---- 2206 / 2207 / 2208 ----------------------------------------------------------------
    def pre_settle(self, op: Operator, visit_id: str, chrg_bchno: str, acct_used: bool = True,
                   psn_setlway: str = "01") -> Settlement:
        visit = self.get_visit(visit_id)
        if visit.state is not VisitState.REGISTERED or not visit.batch(chrg_bchno):
            raise IllegalTransition(f"visit {visit.id} has nothing to pre-settle in batch {excerpt(chrg_bchno)}")
        reader = _SettlementReader(chrg_bchno, self.config.settlement_rules)
        self.gateway.call(op, "2206", {"data": self._settle_data(visit, chrg_bchno, acct_used, psn_setlway)},
                          self._ctx(visit), verify=reader)
        return reader.settlement

    def settle(self, op: Operator, visit_id: str, chrg_bchno: str, acct_used: bool = True,
               psn_setlway: str = "01", invono: str = "") -> tuple[Visit, Settlement]:
        request: dict = {}

        def claim(v: Visit) -> None:
            v.begin_settlement(chrg_bchno)
            data = self._settle_data(v, chrg_bchno, acct_used, psn_setlway)
            data.update(invono=invono, **_batch_split(v, chrg_bchno))
            request["payload"] = {"data": data}
            # checked inside the claim's unit of work, before its commit: a bad request writes nothing
            self.gateway.check("2207", request["payload"])

        visit = self._change(visit_id, claim)  # the claim: of two at once, one wins
        visit_id, payload = visit.id, request["payload"]
        try:
            reader = _SettlementReader(chrg_bchno, self.config.settlement_rules)
            self.gateway.call(op, "2207", payload, self._ctx(visit), verify=reader)
        except PlatformUnavailable as exc:
            if exc.outcome in ("not_sent", "reversed", "not_applied"):
                self._change(visit_id, lambda v: v.abandon_settlement())
            raise  # "unresolved": the visit stays SETTLING until recovery settles the doubt
        except (PlatformRejected, ValidationFailed):
            self._change(visit_id, lambda v: v.abandon_settlement())  # definitely not settled
            raise
        # Settled on the platform. Should recording it fail, the visit stays SETTLING (blocked, not
        # forgotten) and the journal keeps the full reply.
        settlement = reader.settlement
        visit.complete_settlement(settlement)
        return self._record(visit, lambda v: v.complete_settlement(_copy(settlement))), settlement

    def cancel_settlement(self, op: Operator, visit_id: str, setl_id: str) -> tuple[Visit, Settlement]:
        visit = self.get_visit(visit_id)
        if visit.state is not VisitState.SETTLED:
            raise IllegalTransition(f"cannot cancel a settlement: visit {visit.id} is {visit.state.value} "
                                    "(needs SETTLED)")
        original = visit.settlement(setl_id)
        if visit.active_settlement() is not original:
            raise IllegalTransition(f"settlement {excerpt(setl_id)} of visit {visit.id} is not active")
        payload = {"data": {"setl_id": setl_id, "mdtrt_id": visit.mdtrt_id, "psn_no": visit.psn_no}}
        reader = _SettlementReader(original.chrg_bchno, self.config.settlement_rules)
        self.gateway.call(op, "2208", payload, self._ctx(visit), verify=reader)
        negative = reader.settlement
        visit.cancel_settlement(setl_id, negative)
        return self._record(visit, lambda v: v.cancel_settlement(setl_id, _copy(negative))), negative

    # ---- 2202 ------------------------------------------------------------------------------
    def cancel_registration(self, op: Operator, visit_id: str) -> Visit:
        visit = self.get_visit(visit_id)
        visit.cancel_registration()
        payload = {"data": {"psn_no": visit.psn_no, "mdtrt_id": visit.mdtrt_id, "ipt_otp_no": visit.ipt_otp_no}}
        self.gateway.call(op, "2202", payload, self._ctx(visit))
        return self._record(visit, lambda v: v.cancel_registration())

    # ---- reads -----------------------------------------------------------------------------
    def get_visit(self, visit_id: str) -> Visit:
        with self.uow() as uow:
            visit = uow.visits.get(visit_id) or uow.visits.by_mdtrt_id(visit_id)
            if visit is None:
                raise NotFound(f"no visit {excerpt(visit_id)}")
            personal_data.declare(visit.mdtrt_cert_no, visit.psn_name)
            return visit

    def list_visits(self, where: VisitFilter = VisitFilter(), page_size: int = 50,
                    after: VisitCursor | None = None) -> VisitPage:
        """One page of the visits matching `where`, newest begntime first (ties: id descending),
        starting after `after`; its `next` continues the listing."""
        if page_size < 1:
            raise ValidationFailed([FieldViolation("page_size", "must be at least 1")])
        with self.uow() as uow:
            return uow.visits.list(where, limit=page_size, after=after)

    # ---- helpers ---------------------------------------------------------------------------
    def _change(self, visit_id: str, action: Callable[[Visit], None]) -> Visit:
        with self.uow() as uow:
            visit = uow.visits.get(visit_id) or uow.visits.by_mdtrt_id(visit_id)
            if visit is None:
                raise NotFound(f"no visit {excerpt(visit_id)}")
            personal_data.declare(visit.mdtrt_cert_no, visit.psn_name)
            action(visit)
            uow.commit()
            return visit

    def _record(self, visit: Visit, redo: Callable[[Visit], None]) -> Visit:
        """Store a change the platform accepted, made on `visit` as loaded before the call (one
        load per use case). If someone changed the visit meanwhile, `redo` applies it again to a
        fresh load, so that what the platform holds is never dropped."""
        visit_id = visit.id  # read now: a failed commit leaves the object expired and detached
        try:
            with self.uow() as uow:
                uow.visits.attach(visit)
                uow.commit()
            return visit
        except ConcurrencyConflict:
            return self._change(visit_id, redo)

    @staticmethod
    def _ctx(visit: Visit) -> CallContext:
        return CallContext(psn_no=visit.psn_no, mdtrt_id=visit.mdtrt_id, visit_id=visit.id,
                           insuplc_admdvs=visit.insuplc_admdvs)

    @staticmethod
    def _settle_data(visit: Visit, chrg_bchno: str, acct_used: bool, psn_setlway: str) -> dict:
        return {"psn_no": visit.psn_no, "mdtrt_cert_type": visit.mdtrt_cert_type,
                "mdtrt_cert_no": visit.mdtrt_cert_no, "med_type": visit.med_type,
                "medfee_sumamt": visit.batch_total(chrg_bchno), "psn_setlway": psn_setlway,
                "mdtrt_id": visit.mdtrt_id, "chrg_bchno": chrg_bchno, "acct_used_flag": "1" if acct_used else "0",
                "insutype": visit.insutype}


def discard_claim(uow_factory: Callable[[], UnitOfWork], visit_id: str) -> Visit | None:
    """Free the 门诊号 of a registration that never took effect: its REGISTERING visit is removed.
    Returns the visit removed, None when there was none (or it is registered after all)."""
    with uow_factory() as uow:
        visit = uow.visits.get(visit_id)
        if visit is None or visit.state is not VisitState.REGISTERING:
            return None
        uow.visits.discard(visit)
        uow.commit()
        return visit


def _outpatient_number(begntime: datetime, request_key: str = "") -> str:
    """A 门诊号 for a registration whose caller gave none (within 2201's 30 characters). Drawn from the
    caller's request_id when there is one, so every retry of that request asks for the same number
    (whatever time it comes); else MZ + the time + 8 random hex digits."""
    if request_key:
        return "MZR" + hashlib.sha256(request_key.encode()).hexdigest()[:20].upper()
    return f"MZ{begntime:%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


def _copy(settlement: Settlement) -> Settlement:
    return replace(settlement, details=[replace(d) for d in settlement.details],
                   discrepancies=list(settlement.discrepancies))


def settlement_from_output(output: dict, chrg_bchno: str, rules: SettlementRules = SettlementRules()) -> Settlement:
    """The settlement a 2206/2207/2208 reply holds, exactly as given, with its discrepancies."""
    setlinfo = output.get("setlinfo")
    return Settlement.from_setlinfo(setlinfo if isinstance(setlinfo, dict) else {},
                                    output.get("setldetail") if isinstance(output.get("setldetail"), list) else [],
                                    chrg_bchno, rules)


class _SettlementReader:
    """Reads a settlement reply for the gateway once, keeps it, and tells the gateway what in it does
    not hold together (journaled beside the call; the settlement stands as the platform made it)."""

    def __init__(self, chrg_bchno: str, rules: SettlementRules):
        self.chrg_bchno, self.rules = chrg_bchno, rules
        self.settlement: Settlement | None = None

    def __call__(self, output: dict) -> list[str]:
        self.settlement = settlement_from_output(output, self.chrg_bchno, self.rules)
        return list(self.settlement.discrepancies)


def _fee_row(visit: Visit, item: FeeItem) -> dict:
    return {"feedetl_sn": item.feedetl_sn, "mdtrt_id": visit.mdtrt_id, "psn_no": visit.psn_no,
            "chrg_bchno": item.chrg_bchno, "rx_circ_flag": item.rx_circ_flag,
            "fee_ocur_time": item.fee_ocur_time.strftime(DATETIME), "med_list_codg": item.med_list_codg,
            "medins_list_codg": item.medins_list_codg, "det_item_fee_sumamt": item.det_item_fee_sumamt,
            "cnt": item.cnt, "pric": item.pric, "bilg_dept_codg": item.bilg_dept_codg,
            "bilg_dept_name": item.bilg_dept_name, "bilg_dr_codg": item.bilg_dr_codg,
            "bilg_dr_name": item.bilg_dr_name, "hosp_appr_flag": item.hosp_appr_flag}


def classify(items: list[FeeItem], output: dict) -> None:
    """Each item takes the platform's classification from 2204's result rows."""
    results = {str(r.get("feedetl_sn")): r for r in output.get("result") or []}
    for item in items:
        r = results.get(item.feedetl_sn) or {}
        item.chrgitm_lv = str(r.get("chrgitm_lv") or "")
        item.med_chrgitm_type = str(r.get("med_chrgitm_type") or "")
        for name in ("fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt"):
            if r.get(name) is not None:
                setattr(item, name, money(r[name]))


# ---- back from the journal: what a confirmed 2201 / 2204 held, when only the platform kept it ------
def visit_from_registration(visit_id: str, request: dict, output: dict) -> Visit:
    """The visit a journaled 2201/2201A registered (request as journaled: insuplc_admdvs + input)."""
    data = (request.get("input") or {}).get("data") or {}
    begntime = parse_datetime(str(data.get("begntime") or ""))
    if begntime is None:
        raise ValidationFailed([FieldViolation("data.begntime", "not in the journaled registration")])
    visit = Visit(id=visit_id, psn_no=str(data.get("psn_no") or ""), insutype=str(data.get("insutype") or ""),
                  med_type=str(data.get("med_type") or "11"), mdtrt_cert_type=str(data.get("mdtrt_cert_type") or ""),
                  mdtrt_cert_no=str(data.get("mdtrt_cert_no") or ""), ipt_otp_no=str(data.get("ipt_otp_no") or ""),
                  begntime=begntime, dept_code=str(data.get("dept_code") or ""),
                  dept_name=str(data.get("dept_name") or ""), caty=str(data.get("caty") or ""),
                  atddr_no=str(data.get("atddr_no") or ""), dr_name=str(data.get("dr_name") or ""),
                  insuplc_admdvs=str(request.get("insuplc_admdvs") or ""))
    visit.mdtrt_id = str(((output or {}).get("data") or {}).get("mdtrt_id") or "")
    return visit


def fees_from_upload(request: dict, output: dict) -> list[FeeItem]:
    """The fee items a journaled 2204 uploaded, classified by its (rebuilt) reply. The HIS's own
    item name (medins_list_name) never travels to the platform, so it is not known here."""
    items = []
    for row in (request.get("input") or {}).get("feedetail") or []:
        at = parse_datetime(str(row.get("fee_ocur_time") or ""))
        if at is None:
            raise ValidationFailed([FieldViolation("feedetail.fee_ocur_time", "not in the journaled upload")])
        items.append(FeeItem(
            feedetl_sn=str(row.get("feedetl_sn") or ""), chrg_bchno=str(row.get("chrg_bchno") or ""),
            med_list_codg=str(row.get("med_list_codg") or ""), medins_list_codg=str(row.get("medins_list_codg") or ""),
            det_item_fee_sumamt=money(row.get("det_item_fee_sumamt") or 0), cnt=to_decimal(row.get("cnt") or 0),
            pric=to_decimal(row.get("pric") or 0), fee_ocur_time=at,
            bilg_dept_codg=str(row.get("bilg_dept_codg") or ""), bilg_dept_name=str(row.get("bilg_dept_name") or ""),
            bilg_dr_codg=str(row.get("bilg_dr_codg") or ""), bilg_dr_name=str(row.get("bilg_dr_name") or ""),
            rx_circ_flag=str(row.get("rx_circ_flag") or "0"), hosp_appr_flag=str(row.get("hosp_appr_flag") or "1")))
    classify(items, output or {})
    return items


def _batch_split(visit: Visit, chrg_bchno: str) -> dict[str, Decimal]:
    """2207 repeats the 2204 classification totals of the batch."""
    rows = visit.batch(chrg_bchno)
    total = lambda name: money(sum((getattr(r, name) for r in rows), Decimal(0)))  # noqa: E731
    return {"fulamt_ownpay_amt": total("fulamt_ownpay_amt"), "overlmt_selfpay": total("overlmt_amt"),
            "preselfpay_amt": total("preselfpay_amt"), "inscp_scp_amt": total("inscp_scp_amt")}


def _person_from_1101(output: dict) -> InsuredPerson:
    base = output.get("baseinfo") or {}
    if not base.get("psn_no"):
        raise ValidationFailed([FieldViolation("baseinfo.psn_no", "1101 returned no person")], subject="1101 reply")
    brdy = base.get("brdy")
    insurances = [Insurance(insutype=str(i.get("insutype") or ""), balc=money(i.get("balc") or 0),
                            psn_type=str(i.get("psn_type") or ""), insuplc_admdvs=str(i.get("insuplc_admdvs") or ""),
                            psn_insu_stas=str(i.get("psn_insu_stas") or ""),
                            cvlserv_flag=str(i.get("cvlserv_flag") or "0"), emp_name=str(i.get("emp_name") or ""))
                  for i in output.get("insuinfo") or []]
    return InsuredPerson(psn_no=str(base["psn_no"]), psn_name=str(base.get("psn_name") or ""),
                         psn_cert_type=str(base.get("psn_cert_type") or ""), certno=str(base.get("certno") or ""),
                         gend=str(base.get("gend") or ""),
                         brdy=date.fromisoformat(brdy) if isinstance(brdy, str) and brdy else None,
                         age=base.get("age"), naty=str(base.get("naty") or ""), insurances=insurances)
