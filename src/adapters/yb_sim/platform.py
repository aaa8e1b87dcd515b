"""An in-memory 医保 platform: the same rules, refusals and reply shapes as the real one, for
tests and for the dev server."""
from __future__ import annotations

import copy
from dataclasses import replace
import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.demo_items import DemoItem, demo_items
from adapters.yb_sim import ledger_faults
from adapters.yb_sim.echo import shown
from adapters.yb_sim.faults import COMMITTING, ODDLY_WRITTEN, FaultPlan, oddly_written
from adapters.yb_sim.handlers import HANDLERS, Call
from adapters.yb_sim.handlers.prescription import take_notices
from adapters.yb_sim.handlers.reversal import REFUSE, UNKNOWN_REVERSAL
from adapters.yb_sim.late import LateCommits
from adapters.yb_sim.person_spec import person_from_spec
from adapters.yb_sim.policy import Policy
from adapters.yb_sim.rx_notify import RxNotifier
from adapters.yb_sim.state import Message, Person, SimState
from domain.money import ZERO
from ports.catalogue import Catalogue, decode_output, load_catalogue, validate_request
from ports.clock import Clock, SystemClock
from ports.platform import Platform, PlatformOutcomeUnknown, PlatformRefused, PlatformReply, PlatformRequest

log = logging.getLogger(__name__)
SIGN_IN_INVALID = "签到信息不存在或已失效，请重新签到"
SIMULATED_ERROR = "系统内部错误（模拟）"
SHOWN_VIOLATIONS = 5  # a refusal's err_msg names the first few problems, as the platform's do


class SimulatorPlatform(Platform):
    def __init__(self, policy: Policy | str | Path | None = None, catalogue: Catalogue | None = None,
                 clock: Clock | None = None, seed_demo: bool = True, admdvs: str = "420106",
                 items: Iterable[DemoItem] | None = None, unknown_reversal: str = REFUSE):
        # a path is read as a policy file; None is the packaged policy.toml
        self.policy = policy if isinstance(policy, Policy) else Policy.load(policy)
        self.catalogue = catalogue or load_catalogue()
        self.clock = clock or SystemClock()
        self.admdvs = admdvs
        self.items = {i.med_list_codg: i for i in (demo_items() if items is None else items)}
        self.faults = FaultPlan()
        self.unknown_reversal = unknown_reversal
        self.late = LateCommits(self.process)
        # 7102 / 7103 pushed to the hospital (configure(url) to send them; provisional transport)
        self.rx_notifier = RxNotifier(self.faults, self.clock.now, admdvs)
        self._lock = threading.RLock()
        self._state = SimState(admdvs, self.clock.now())
        if seed_demo:
            for p in demo_persons():
                self._state.add_person(p)

    # ---- the port ----------------------------------------------------------------------------
    @property
    def unknown_reversal(self) -> str:
        """What a 2601 does when its original has not arrived: "refuse" or "remember" (handlers.reversal)."""
        return self._unknown_reversal

    @unknown_reversal.setter
    def unknown_reversal(self, value: str) -> None:
        if value not in UNKNOWN_REVERSAL:
            raise ValueError(f"unknown_reversal must be one of {', '.join(UNKNOWN_REVERSAL)}, not {value!r}")
        self._unknown_reversal = value

    def execute(self, request: PlatformRequest) -> PlatformReply:
        """Apply a pending fault for this call (if any), then process."""
        fault = self.faults.take(request.infno, request.input)
        if fault is None:
            return self.process(request)
        if fault.action in ODDLY_WRITTEN:
            reply = self.process(request)
            output, message = oddly_written(fault.action, reply.output)
            return replace(reply, output=output, message=message)
        if fault.action == "delay":
            time.sleep(fault.seconds)
            return self.process(request)
        if fault.action == "error_reply":
            raise PlatformRefused(-1, SIMULATED_ERROR, msgid=request.msgid)
        if fault.action == "late_commit":
            self.late.schedule(request, fault.seconds)
            raise PlatformOutcomeUnknown(
                f"simulated late_commit: no answer yet; the platform acts in {fault.seconds:g} s", request.msgid)
        if fault.action == "duplicate_delivery":
            try:
                self.process(request)
            except PlatformRefused:
                pass  # the first delivery's answer goes nowhere
            return self.process(request)  # the duplicate: refused as 报文ID重复
        if fault.action in COMMITTING:
            try:
                self.process(request)
            except PlatformRefused:
                pass  # refused or not, the caller hears nothing
            raise PlatformOutcomeUnknown(f"simulated {fault.action}: the reply was lost", request.msgid)
        # drop_before_commit, gateway_error: the platform never saw the request
        raise PlatformOutcomeUnknown(f"simulated {fault.action}: no reply", request.msgid)

    def process(self, request: PlatformRequest) -> PlatformReply:
        """One transaction, no faults: the reply or PlatformRefused (infcode -1)."""
        try:
            return self._process(request)
        except PlatformRefused as refused:
            refused.msgid = request.msgid
            raise
        except Exception as exc:  # a simulator bug must not escape as a foreign exception
            log.exception("simulator failed on %s %s", request.infno, request.msgid)
            raise PlatformOutcomeUnknown(f"simulator internal error: {exc}", request.msgid) from exc

    def _process(self, request: PlatformRequest) -> PlatformReply:
        tx = self.catalogue.get(request.infno)
        if tx is None or tx.code != request.infno:  # the HIS looks codes up in any case; it sends them exact
            raise PlatformRefused(-1, f"交易编号[{shown(request.infno)}]不存在")
        if not tx.applicable:
            hint = f"，请使用交易[{tx.replaced_by}]" if tx.replaced_by else ""
            raise PlatformRefused(-1, f"交易[{request.infno}]{tx.name}已停用{hint}")
        violations = validate_request(self.catalogue, tx, request.input)
        if violations:
            listed = "; ".join(str(v) for v in violations[:SHOWN_VIOLATIONS])
            more = f" (and {len(violations) - SHOWN_VIOLATIONS} more)" if len(violations) > SHOWN_VIOLATIONS else ""
            raise PlatformRefused(-1, f"入参校验失败: {listed}{more}")
        handler = HANDLERS.get(request.infno)
        with self._lock:
            if request.infno != "9001":
                self._check_sign_in(request)
            if request.msgid in self._state.messages:
                raise PlatformRefused(-1, f"报文ID重复[{request.msgid}]")
            if handler is None:
                raise PlatformRefused(-1, f"模拟器暂不支持交易[{request.infno}]")
            now = self.clock.now()
            call = Call(request, tx, self._state, self.policy, self.catalogue, self.items, now, self.admdvs,
                        unknown_reversal=self.unknown_reversal)
            record = Message(request.msgid, request.infno, "")
            self._state.messages[request.msgid] = record  # refused or not, a msgid is used once
            try:
                raw = handler(call)
            except PlatformRefused:
                record.refused = True
                raise
            record.psn_no, record.undo = call.psn_no, call.undo
            for infno, notice in take_notices(self._state):
                self.rx_notifier.notify(infno, notice)
            inf_refmsgid = self._state.ids.inf_refmsgid(now)
        output, problems = decode_output(tx, raw)
        if problems:
            log.warning("simulator reply to %s breaks the catalogue: %s", request.infno, problems)
        return PlatformReply(output=output, inf_refmsgid=inf_refmsgid, raw={"output": raw}, problems=tuple(problems))

    def _check_sign_in(self, request: PlatformRequest) -> None:
        sign = self._state.sign_ins.get(request.sign_no or "")
        if sign is None or not sign.active:
            raise PlatformRefused(-1, SIGN_IN_INVALID)
        if sign.operator_code != request.operator.code:
            raise PlatformRefused(-1, f"签到编号与操作员[{request.operator.code}]不符，请重新签到")

    # ---- for testers and the dev server ------------------------------------------------------
    def settle(self, timeout: float | None = None, now: bool = False) -> bool:
        """Wait until every late commit scheduled so far has been processed; False when some are
        still pending after `timeout` seconds. `now`: process them at once instead of at their time."""
        return self.late.settle(timeout, now)

    def add_person(self, person: Person) -> None:
        with self._lock:
            self._state.add_person(copy.deepcopy(person))

    def enrol(self, spec: dict) -> Person:
        """Add an insured person described as POST /_sim/persons takes it (person_spec); ValueError
        when the spec is bad or its psn_no or a certificate number is someone else's."""
        with self._lock:
            person = person_from_spec(spec, self.admdvs, self._state.persons.values())
            self._state.add_person(person)
            return copy.deepcopy(person)

    def persons(self) -> list[Person]:
        with self._lock:
            return copy.deepcopy(list(self._state.persons.values()))

    def balance(self, psn_no: str, insutype: str) -> Decimal:
        with self._lock:
            account = self._state.persons[psn_no].account(insutype)
            return account.balc if account else ZERO

    def deductible_used(self, psn_no: str, insutype: str, year: int | None = None) -> Decimal:
        with self._lock:
            year = year or self.clock.now().year
            return self._state.used(self._state.dedc_used, psn_no, insutype, year)

    def settlement(self, setl_id: str) -> dict | None:
        """setlinfo plus `state` (active / cancelled / reversed), or None if never issued."""
        with self._lock:
            s = self._state.settlements.get(setl_id)
            return None if s is None else dict(copy.deepcopy(s.setlinfo), state=s.state)

    def visit(self, mdtrt_id: str):
        with self._lock:
            found = self._state.visits.get(mdtrt_id)
            return copy.deepcopy(found)

    def forget_settlement(self, setl_id: str) -> None:
        """The platform loses a settlement in force (ledger_faults.forget): the HIS holds it alone."""
        with self._lock:
            ledger_faults.forget(self._state, setl_id)

    def alter_settlement(self, setl_id: str, **amounts) -> dict:
        """The platform's figures of a settlement replaced (ledger_faults.alter): amounts differ."""
        with self._lock:
            return copy.deepcopy(ledger_faults.alter(self._state, setl_id, amounts))

    def invalidate_sign_ins(self, operator_code: str | None = None) -> None:
        """Make the platform forget sign-ins (as after its nightly reset): callers must sign in again."""
        with self._lock:
            for sign in self._state.sign_ins.values():
                if operator_code is None or sign.operator_code == operator_code:
                    sign.active = False

    def now(self) -> datetime:
        return self.clock.now()
