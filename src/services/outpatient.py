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
from datetime import datetime

from domain.errors import (AlreadyExists, ConcurrencyConflict, FieldViolation, IllegalTransition, NotFound,
                           ValidationFailed)
from domain.operator import Operator
from domain.person import InsuredPerson
from domain.settlement import Settlement, SettlementRules
from domain.text import excerpt
from domain.visit import Diagnosis, FeeItem, Visit, VisitState
from ports.clock import Clock
from ports.repositories import VisitCursor, VisitFilter, VisitPage
from ports.unit_of_work import UnitOfWork
from services import personal_data
from services.errors import PlatformRejected, PlatformUnavailable
from services.platform_gateway import CallContext, PlatformGateway
from services.translation import fees, persons, settlements, visits

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
        payload = persons.person_query(mdtrt_cert_type, mdtrt_cert_no, card_sn, psn_name, self.clock.now())
        personal_data.declare(mdtrt_cert_no, card_sn, psn_name)
        output = self.gateway.call(op, "1101", payload)
        person = persons.person_from_reply(output)
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
        payload = visits.registration(visit, with_med_type=self.config.register_infno == "2201A")
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
        mdtrt_id = visits.mdtrt_id_of(output)
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
        payload = visits.visit_info(visit, diagnoses, main_cond_dscr, dise_codg, dise_name)
        self.gateway.call(op, self.config.visit_info_infno, payload, self._ctx(visit))
        return self._record(visit, lambda v: v.record_diagnoses([replace(d) for d in diagnoses]))

    # ---- 2204 / 2205 -----------------------------------------------------------------------
    def upload_fees(self, op: Operator, visit_id: str, items: list[FeeItem]) -> Visit:
        visit = self.get_visit(visit_id)
        visit.add_fees(items)  # every rule checked first: bad rows send nothing
        output = self.gateway.call(op, "2204", fees.upload(visit, items), self._ctx(visit))
        fees.classify(items, output)
        return self._record(visit, lambda v: v.add_fees([replace(i) for i in items]))

    def cancel_fees(self, op: Operator, visit_id: str, chrg_bchno: str) -> Visit:
        visit = self.get_visit(visit_id)
        visit.cancel_fees(chrg_bchno)
        self.gateway.call(op, "2205", fees.cancel(visit, chrg_bchno), self._ctx(visit))
        return self._record(visit, lambda v: v.cancel_fees(chrg_bchno))

    # ---- 2206 / 2207 / 2208 ----------------------------------------------------------------
    def pre_settle(self, op: Operator, visit_id: str, chrg_bchno: str, acct_used: bool = True,
                   psn_setlway: str = "01") -> Settlement:
        visit = self.get_visit(visit_id)
        if visit.state is not VisitState.REGISTERED or not visit.batch(chrg_bchno):
            raise IllegalTransition(f"visit {visit.id} has nothing to pre-settle in batch {excerpt(chrg_bchno)}")
        reader = settlements.SettlementReader(chrg_bchno, self.config.settlement_rules)
        self.gateway.call(op, "2206", settlements.settle(visit, chrg_bchno, acct_used, psn_setlway),
                          self._ctx(visit), verify=reader)
        return reader.settlement

    def settle(self, op: Operator, visit_id: str, chrg_bchno: str, acct_used: bool = True,
               psn_setlway: str = "01", invono: str = "") -> tuple[Visit, Settlement]:
        request: dict = {}

        def claim(v: Visit) -> None:
            v.begin_settlement(chrg_bchno, self.clock.now())
            request["payload"] = settlements.settle(v, chrg_bchno, acct_used, psn_setlway, invono)
            # checked inside the claim's unit of work, before its commit: a bad request writes nothing
            self.gateway.check("2207", request["payload"])

        visit = self._change(visit_id, claim)  # the claim: of two at once, one wins
        visit_id, payload = visit.id, request["payload"]
        try:
            reader = settlements.SettlementReader(chrg_bchno, self.config.settlement_rules)
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
        return self._record(visit, lambda v: v.complete_settlement(settlements.copy(settlement))), settlement

    def cancel_settlement(self, op: Operator, visit_id: str, setl_id: str) -> tuple[Visit, Settlement]:
        visit = self.get_visit(visit_id)
        if visit.state is not VisitState.SETTLED:
            raise IllegalTransition(f"cannot cancel a settlement: visit {visit.id} is {visit.state.value} "
                                    "(needs SETTLED)")
        original = visit.settlement(setl_id)
        if visit.active_settlement() is not original:
            raise IllegalTransition(f"settlement {excerpt(setl_id)} of visit {visit.id} is not active")
        reader = settlements.SettlementReader(original.chrg_bchno, self.config.settlement_rules)
        self.gateway.call(op, "2208", settlements.settlement_cancel(visit, setl_id), self._ctx(visit), verify=reader)
        negative = reader.settlement
        visit.cancel_settlement(setl_id, negative)
        return self._record(visit, lambda v: v.cancel_settlement(setl_id, settlements.copy(negative))), negative

    # ---- 2202 ------------------------------------------------------------------------------
    def cancel_registration(self, op: Operator, visit_id: str) -> Visit:
        visit = self.get_visit(visit_id)
        visit.cancel_registration()
        self.gateway.call(op, "2202", visits.registration_cancel(visit), self._ctx(visit))
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

