"""Settlement lists (结算清单, 4101a) of insured stays settled through the real flow (PlatformStayInsurance
over InpatientInsuranceService and the simulator): built with the gaps the HIS cannot fill, completed by
the 医保办, uploaded once; refusals, doubt and a cancelled settlement."""
from __future__ import annotations

import sys
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from inpatientkit import DOCTOR, NURSE

from domain.errors import IllegalTransition, ValidationFailed
from domain.journal import JournalState
from domain.operator import Operator
from domain.settlement_lists import ListState
from services.errors import PlatformRejected, PlatformUnavailable
from services.inpatient import Admit, ChargeLineInput, DepositInput, RecordCharges, SettleStay
from services.platform_gateway import CallContext
from services.resolver import Resolver, ResolverConfig
from services.settlement_lists import SettlementListConfig, SettlementListService
from services.translation import settlement_lists as wire

OFFICE = Operator("Y001", "医保办", role="insurance_office")
# what the HIS does not hold: the person's details, the contact person, and what configuration left empty
HIS_LACKS = {"setlinfo.ntly": "国籍", "setlinfo.prfs": "职业", "setlinfo.coner_name": "联系人姓名",
             "setlinfo.patn_rlts": "与患者关系", "setlinfo.coner_addr": "联系人地址", "setlinfo.coner_tel": "联系人电话",
             "setlinfo.bill_code": "票据代码", "setlinfo.medins_fill_dept": "医疗机构填报部门",
             "setlinfo.medins_fill_psn": "医疗机构填报人", "setlinfo.hi_paymtd": "医保支付方式"}
COMPLETE = {"setlinfo.ntly": "CHN", "setlinfo.prfs": "17", "setlinfo.coner_name": "李小四",
            "setlinfo.patn_rlts": "1", "setlinfo.coner_addr": "武汉市江岸区", "setlinfo.coner_tel": "13800000000",
            "setlinfo.bill_code": "42010621", "setlinfo.medins_fill_dept": "医保办",
            "setlinfo.medins_fill_psn": "周", "setlinfo.hi_paymtd": "3"}


@pytest.fixture
def world(insured_world):
    return insured_world


@pytest.fixture
def lists(app, world):
    # its own clock, at the platform's time (the journal's), which the tests move
    clock = sys.modules["tests_shared_fakes"].ManualClock(app.clock.now())
    return SettlementListService(app.container.uow, app.gateway, clock, app.container.catalogue(),
                                 world.patients, world.directory, app.container.journal_store(),
                                 SettlementListConfig(deadline_days=7))


def settled_stay(world):
    encounter = world.insured_encounter()
    order = world.order(encounter, med_type="21")
    stay = world.service.admit(NURSE, Admit(order.id, bed_code="01", deposit=DepositInput(
        "CASH", Decimal("2000.00"), ""))).stay
    for _ in range(2):
        world.service.record_charges(NURSE, RecordCharges(stay.id, (ChargeLineInput("CW-001"),)))
        world.clock.at += timedelta(days=1)
    world.clock.at -= timedelta(days=2)  # the next stay of the test is admitted no later than this one
    world.service.order_discharge(DOCTOR, stay.id)
    world.service.discharge(NURSE, stay.id)
    return world.service.settle(NURSE, SettleStay(stay.id))


def ready_list(world, lists):
    stay = settled_stay(world)
    return stay, lists.fill(OFFICE, lists.build_for_stay(stay.id).id, COMPLETE)


def list_of(lists, stay):
    [found] = [x for x in lists.worklist(states=tuple(ListState)) if x.stay_id == stay.id and x.state is not ListState.VOID]
    return found


def uploads(app, lst):
    return [e for e in app.journal.for_visit(lst.id) if e.infno == "4101a"]


def test_a_settled_stay_gets_a_draft_list_whose_gaps_are_what_the_his_lacks(app, world, lists, simulator):
    stay = settled_stay(world)
    report = lists.follow_settlements()
    assert [x.stay_id for x in report.built if x.stay_id == stay.id] == [stay.id]
    lst = list_of(lists, stay)
    adm = app.inpatient_insurance.get(stay.yb_admission_id)
    assert lst.state is ListState.DRAFT
    assert {g.path: g.label for g in lst.gaps} == HIS_LACKS
    info = lst.setlinfo
    assert (info["psn_no"], info["mdtrt_id"], info["setl_id"]) == (adm.psn_no, adm.mdtrt_id, stay.settlement.setl_id)
    assert info["medcasno"] == stay.ipt_no and info["dscg_caty"] == "A03"
    assert info["bill_no"] == stay.deposit(stay.settlement.deposit_id).receipt_no
    assert info["setl_begn_date"] == adm.begntime.date().isoformat()
    assert info["setl_end_date"] == adm.endtime.date().isoformat()
    assert [(r["diag_code"], r["maindiag_flag"], r["adm_cond_type"]) for r in lst.rows["diseinfo"]] == \
        [(d.diag_code, d.maindiag_flag, "1") for d in adm.discharge_diagnoses]
    settlement = adm.active_settlement()
    assert sum(f.amount for f in lst.fund_lines) == sum(d.fund_payamt for d in settlement.details)
    assert lst.deadline == lst.settled_at.date() + timedelta(days=7)
    assert all(x.stay_id != stay.id for x in lists.follow_settlements().built)  # built once


def test_filling_the_gaps_makes_it_ready_and_it_is_uploaded_once(app, world, lists, simulator):
    stay = settled_stay(world)
    lst = lists.build_for_stay(stay.id)
    half = dict(list(COMPLETE.items())[:4])
    lst = lists.fill(OFFICE, lst.id, half, request_id="r1")
    assert lst.state is ListState.DRAFT and {g.path for g in lst.gaps} == set(HIS_LACKS) - set(half)
    lst = lists.fill(OFFICE, lst.id, COMPLETE, request_id="r2")
    assert lst.state is ListState.READY and lst.gaps == []
    assert {c.path for c in lst.changes if c.by == OFFICE.code} == set(COMPLETE)
    uploaded = lists.upload(OFFICE, lst.id)
    assert uploaded.state is ListState.UPLOADED and uploaded.setl_list_id
    again = lists.upload(OFFICE, lst.id)  # asked again: nothing is sent
    assert again.setl_list_id == uploaded.setl_list_id and len(uploads(app, lst)) == 1
    sent = uploads(app, lst)[0].request["input"]
    assert sent["setlinfo"]["ntly"] == "CHN" and sent["setlinfo"]["setl_id"] == stay.settlement.setl_id
    with pytest.raises(IllegalTransition):
        lists.fill(OFFICE, lst.id, {"setlinfo.prfs": "90"})


def test_fields_from_the_platform_and_bad_paths_or_values_are_refused_field_by_field(world, lists, simulator):
    stay = settled_stay(world)
    lst = lists.build_for_stay(stay.id)
    with pytest.raises(ValidationFailed) as refused:
        lists.fill(OFFICE, lst.id, {"setlinfo.setl_id": "X", "diseinfo[0].diag_code": "A00", "setlinfo.nope": "1",
                                    "payinfo[0].x": "1", "setlinfo.ntly": "CHN-TOO-LONG", "oprninfo[3].anst_way": "1",
                                    "setlinfo.coner_name": "李小四"})
    fields = {v.field for v in refused.value.violations}
    assert fields == {"setlinfo.setl_id", "diseinfo[0].diag_code", "setlinfo.nope", "payinfo[0].x", "setlinfo.ntly",
                      "oprninfo[3].anst_way"}
    assert lists.get(lst.id).setlinfo.get("coner_name") is None  # one bad value: nothing stored
    lst = lists.fill(OFFICE, lst.id, {"oprninfo[0].oprn_oprt_code": "47.0901", "diseinfo[0].adm_cond_type": "2"})
    assert {g.path for g in lst.gaps} >= {"oprninfo[0].oprn_oprt_name", "oprninfo[0].oper_dr_code"}
    assert lst.rows["diseinfo"][0]["adm_cond_type"] == "2"
    lst = lists.fill(OFFICE, lst.id, {"oprninfo[0]": ""})  # the row added by mistake, taken away
    assert lst.rows["oprninfo"] == [] and not any(g.path.startswith("oprninfo") for g in lst.gaps)


def test_a_refused_upload_keeps_the_list_ready_with_the_platforms_words(app, world, lists, simulator):
    stay, lst = ready_list(world, lists)
    simulator.faults.add("4101a", "error_reply", 1, 0)
    with pytest.raises(PlatformRejected):
        lists.upload(OFFICE, lst.id)
    kept = lists.get(lst.id)
    assert kept.state is ListState.READY and "模拟" in kept.last_error
    assert lists.upload(OFFICE, lst.id).state is ListState.UPLOADED
    assert [e.state for e in uploads(app, lst)] == [JournalState.FAILED, JournalState.OK]


def test_an_upload_in_doubt_stays_claimed_for_an_operator(app, world, lists, simulator):
    stay, lst = ready_list(world, lists)
    simulator.faults.add("4101a", "timeout_after_commit", 1, 0)
    with pytest.raises(PlatformUnavailable):
        lists.upload(OFFICE, lst.id)
    doubtful = lists.get(lst.id)
    assert doubtful.state is ListState.UPLOADING and doubtful.in_doubt
    with pytest.raises(IllegalTransition):
        lists.upload(OFFICE, lst.id)  # never sent twice while in doubt
    assert len(uploads(app, lst)) == 1
    lists.settle_uploads()  # the journal cannot prove it either way: it stays for an operator
    assert lists.get(lst.id).state is ListState.UPLOADING
    setl_list_id = "SL-TOLD-BY-THE-CENTRE"
    done = lists.resolve_upload(OFFICE, lst.id, True, setl_list_id, "医保中心电话确认已收到")
    assert done.state is ListState.UPLOADED and done.setl_list_id == setl_list_id


def test_a_cancelled_settlement_voids_its_list_and_the_next_settlement_gets_a_new_one(app, world, lists, simulator):
    stay = settled_stay(world)
    first = lists.upload(OFFICE, lists.fill(OFFICE, lists.build_for_stay(stay.id).id, COMPLETE).id)
    world.service.cancel_settlement(NURSE, stay.id, "费用录入有误")
    report = lists.follow_settlements()
    assert [v.id for v in report.voided] == [first.id]
    assert lists.get(first.id).state is ListState.VOID
    resettled = world.service.settle(NURSE, SettleStay(stay.id))
    world.clock.at += timedelta(days=3)
    [second] = [x for x in lists.follow_settlements().built if x.stay_id == stay.id]
    assert second.setl_id == resettled.settlement.setl_id != first.setl_id and second.previous_id == first.id
    # what the 医保办 filled is carried over; no receipt was issued at a settlement that squared to nothing
    assert [g.path for g in second.gaps] == ["setlinfo.bill_no"]
    assert second.deadline == second.settled_at.date() + timedelta(days=7)
    second = lists.fill(OFFICE, second.id, {"setlinfo.bill_no": "FP0002"})
    assert second.state is ListState.READY and lists.upload(OFFICE, second.id).state is ListState.UPLOADED


def test_the_worklist_lists_open_lists_by_deadline_and_builds_on_demand_for_a_range(app, world, lists, simulator):
    stay = settled_stay(world)
    report = lists.build_range(date(2000, 1, 1), date(2000, 1, 2))
    assert all(x.stay_id != stay.id for x in report.built)
    day = stay.settlement.at.date()
    [built] = [x for x in lists.build_range(day, day).built if x.stay_id == stay.id]
    due = lists.worklist(due_before=built.deadline + timedelta(days=1))
    assert built.id in [x.id for x in due]
    assert [x.deadline for x in due] == sorted(x.deadline for x in due)
    assert built.id not in [x.id for x in lists.worklist(due_before=built.deadline)]
    with pytest.raises(ValidationFailed):
        lists.build_range(day, day - timedelta(days=1))
    assert uuid.UUID(built.id)


def test_the_resolvers_follower_builds_the_list_and_records_an_upload_its_process_did_not(app, world, lists,
                                                                                           simulator):
    stay = settled_stay(world)
    resolver = Resolver(app.journal, app.container.instances(), app.clock, f"test-{uuid.uuid4().hex[:8]}",
                        ResolverConfig(), lease=f"setl-{uuid.uuid4().hex[:8]}")
    resolver.followers = (lists.follow,)
    resolver.run_once()
    lst = list_of(lists, stay)
    lst = lists.fill(OFFICE, lst.id, COMPLETE)
    # a process claimed the list and sent 4101a, then died before recording the reply
    lists._change(lst.id, lambda x: x.begin_upload(lists.clock.now()))
    reply = app.gateway.call(OFFICE, "4101a", wire.payload(lists.get(lst.id), lists.nodes, lists.clock.now()),
                             CallContext(psn_no=lst.psn_no, mdtrt_id=lst.mdtrt_id, visit_id=lst.id))
    [moved] = lists.settle_uploads()
    assert moved.state is ListState.UPLOADED and moved.setl_list_id == wire.setl_list_id_of(reply)
    # a claim whose process died before anything was sent: open again once the grace has passed
    _, other = ready_list(world, lists)
    lists._change(other.id, lambda x: x.begin_upload(lists.clock.now()))
    assert lists.settle_uploads() == []
    lists.clock.at += timedelta(minutes=5)
    [reopened] = lists.settle_uploads()
    assert reopened.id == other.id and reopened.state is ListState.READY and "ended" in reopened.last_error
