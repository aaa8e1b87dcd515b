"""Hand-written stand-ins for the use cases: just enough behaviour to exercise the gRPC layer.

They keep visits in a dict, use the real domain objects (so domain validation errors are real),
record each call with its operator, and raise whatever error a test queues with `fail_next`.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain.errors import IllegalTransition, NotFound
from domain.journal import JournalEntry, JournalState
from domain.person import Insurance, InsuredPerson
from domain.settlement import FundPayment, Settlement
from domain.visit import Visit
from ports.repositories import VisitCursor, VisitFilter, VisitPage

NOW = datetime(2024, 3, 1, 9, 30, 0)  # the fakes' clock: naive local wall time


class _Recording:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object, tuple]] = []
        self.fail_next: BaseException | None = None

    def _enter(self, name: str, op, *args) -> None:
        self.calls.append((name, op, args))
        if self.fail_next is not None:
            exc, self.fail_next = self.fail_next, None
            raise exc

    @property
    def last(self) -> tuple[str, object, tuple]:
        return self.calls[-1]


class FakeOutpatient(_Recording):
    def __init__(self) -> None:
        super().__init__()
        self.visits: dict[str, Visit] = {}

    def read_person(self, op, mdtrt_cert_type, mdtrt_cert_no, card_sn="", psn_name=""):
        self._enter("read_person", op, mdtrt_cert_type, mdtrt_cert_no, card_sn, psn_name)
        return InsuredPerson(psn_no="P001", psn_name=psn_name or "张三", psn_cert_type="01", certno=mdtrt_cert_no,
                             gend="1", brdy=datetime(1980, 5, 6).date(), age=Decimal("43.8"), naty="01",
                             insurances=[Insurance(insutype="310", balc=Decimal("1234.5"), psn_type="11",
                                                   insuplc_admdvs="420100")])

    def register(self, op, cmd, request_key=""):
        self._enter("register", op, cmd)
        n = len(self.visits) + 1
        visit = Visit(id=f"v{n}", psn_no=cmd.psn_no, insutype=cmd.insutype, med_type=cmd.med_type,
                      mdtrt_cert_type=cmd.mdtrt_cert_type, mdtrt_cert_no=cmd.mdtrt_cert_no,
                      ipt_otp_no=cmd.ipt_otp_no or f"MZ{n}", begntime=cmd.begntime or NOW, dept_code=cmd.dept_code,
                      dept_name=cmd.dept_name, caty=cmd.caty, atddr_no=cmd.atddr_no, dr_name=cmd.dr_name,
                      insuplc_admdvs=cmd.insuplc_admdvs, psn_name="张三", mdtrt_id=f"M{n}")
        self.visits[visit.id] = visit
        return visit

    def upload_diagnoses(self, op, visit_id, diagnoses, main_cond_dscr="", dise_codg="", dise_name=""):
        self._enter("upload_diagnoses", op, visit_id, diagnoses, main_cond_dscr, dise_codg, dise_name)
        visit = self.get_visit(visit_id)
        visit.record_diagnoses(diagnoses)
        return visit

    def upload_fees(self, op, visit_id, items):
        self._enter("upload_fees", op, visit_id, items)
        visit = self.get_visit(visit_id)
        for item in items:  # what 2204 would classify: everything in scope, 甲类
            item.chrgitm_lv, item.inscp_scp_amt = "01", item.det_item_fee_sumamt
        visit.add_fees(items)
        return visit

    def cancel_fees(self, op, visit_id, chrg_bchno):
        self._enter("cancel_fees", op, visit_id, chrg_bchno)
        visit = self.get_visit(visit_id)
        visit.cancel_fees(chrg_bchno)
        return visit

    def _split(self, visit, chrg_bchno, acct_used):
        total = visit.batch_total(chrg_bchno)
        fund = (total * Decimal("0.7")).quantize(Decimal("0.01"))
        acct = (total - fund) if acct_used else Decimal("0")
        return Settlement(mdtrt_id=visit.mdtrt_id, psn_no=visit.psn_no, chrg_bchno=chrg_bchno, insutype="310",
                          med_type="11", pool_prop_selfpay=Decimal("0.7000"), medfee_sumamt=total,
                          hifp_pay=fund, fund_pay_sumamt=fund, psn_part_amt=total - fund, acct_pay=acct,
                          psn_cash_pay=total - fund - acct, inscp_scp_amt=total,
                          details=[FundPayment(fund_pay_type="310100", fund_payamt=fund, inscp_scp_amt=total,
                                               fund_pay_type_name="职工基本医疗保险统筹基金")])

    def pre_settle(self, op, visit_id, chrg_bchno, acct_used=True, psn_setlway="01"):
        self._enter("pre_settle", op, visit_id, chrg_bchno, acct_used, psn_setlway)
        visit = self.get_visit(visit_id)
        if not visit.batch(chrg_bchno):
            raise IllegalTransition(f"visit {visit_id} has nothing to pre-settle in batch {chrg_bchno}")
        return self._split(visit, chrg_bchno, acct_used)

    def settle(self, op, visit_id, chrg_bchno, acct_used=True, psn_setlway="01", invono=""):
        self._enter("settle", op, visit_id, chrg_bchno, acct_used, psn_setlway, invono)
        visit = self.get_visit(visit_id)
        visit.begin_settlement(chrg_bchno)
        settlement = self._split(visit, chrg_bchno, acct_used)
        settlement.setl_id, settlement.setl_time = f"S{len(visit.settlements) + 1}", NOW
        visit.complete_settlement(settlement)
        return visit, settlement

    def cancel_settlement(self, op, visit_id, setl_id):
        self._enter("cancel_settlement", op, visit_id, setl_id)
        visit = self.get_visit(visit_id)
        original = visit.settlement(setl_id)
        negative = Settlement(mdtrt_id=visit.mdtrt_id, psn_no=visit.psn_no, chrg_bchno=original.chrg_bchno,
                              setl_id=f"{setl_id}-N", setl_time=NOW, medfee_sumamt=-original.medfee_sumamt,
                              fund_pay_sumamt=-original.fund_pay_sumamt, psn_part_amt=-original.psn_part_amt,
                              acct_pay=-original.acct_pay, psn_cash_pay=-original.psn_cash_pay)
        visit.cancel_settlement(setl_id, negative)
        return visit, negative

    def cancel_registration(self, op, visit_id):
        self._enter("cancel_registration", op, visit_id)
        visit = self.get_visit(visit_id)
        visit.cancel_registration()
        return visit

    def get_visit(self, visit_id):
        visit = self.visits.get(visit_id) or next((v for v in self.visits.values() if v.mdtrt_id == visit_id), None)
        if visit is None:
            raise NotFound(f"no visit {visit_id}")
        return visit

    def list_visits(self, where=VisitFilter(), page_size=50, after=None):
        self._enter("list_visits", None, where, page_size, after)
        found = sorted((v for v in self.visits.values() if where.matches(v)), key=lambda v: (v.begntime, v.id),
                       reverse=True)
        if after is not None:
            found = [v for v in found if (v.begntime, v.id) < (after.begntime, after.id)]
        page = found[:page_size]
        return VisitPage(page, VisitCursor.after(page[-1]) if len(found) > page_size else None)


class FakeJournal(_Recording):
    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[int, JournalEntry] = {}

    def add(self, **values) -> JournalEntry:
        entry = JournalEntry(**{"msgid": f"H42010100001202403010930000{len(self.entries) + 1}", "infno": "2207",
                                "request": {"input": {"data": {"medfee_sumamt": Decimal("0.30")}}},
                                "operator_code": "A001", "created_at": NOW, **values})
        entry.id = len(self.entries) + 1
        self.entries[entry.id] = entry
        return entry

    def unresolved(self):
        self._enter("unresolved", None)
        return [e for e in self.entries.values() if not e.state.resolved]

    def for_visit(self, visit_id):
        self._enter("for_visit", None, visit_id)
        return [e for e in self.entries.values() if e.visit_id == visit_id]

    def get(self, entry_id):
        self._enter("get", None, entry_id)
        if entry_id not in self.entries:
            raise NotFound(f"no journal entry {entry_id}")
        return self.entries[entry_id]

    def resolve(self, entry_id, operator=None):
        self._enter("resolve", operator, entry_id)
        entry = self.get(entry_id)
        if not entry.state.resolved:
            entry.state, entry.reversal_msgid, entry.finished_at = JournalState.REVERSED, "R1", NOW
            entry.resolution = "冲正 2601 R1 succeeded"
        return entry

