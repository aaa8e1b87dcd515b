"""The settlement list's own rules: field paths, what the 医保办 may change, gaps and states, the claim."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.errors import IllegalTransition, ValidationFailed
from domain.settlement_lists import FieldRule, ListState, NodeRule, SettlementList, parse_path

AT = datetime(2026, 12, 7, 10, 0)
NODES = {
    "setlinfo": NodeRule("setlinfo", "结算清单信息", False, (
        FieldRule("setlinfo", "setl_id", "结算ID", True), FieldRule("setlinfo", "ntly", "国籍", True),
        FieldRule("setlinfo", "curr_addr", "现住址", False))),
    "diseinfo": NodeRule("diseinfo", "诊断信息", True, (
        FieldRule("diseinfo", "diag_code", "诊断代码", True), FieldRule("diseinfo", "maindiag_flag", "主诊断标志", True),
        FieldRule("diseinfo", "adm_cond_type", "入院病情类型", False))),
    "oprninfo": NodeRule("oprninfo", "手术操作信息", True, (
        FieldRule("oprninfo", "oprn_oprt_code", "手术操作代码", True), FieldRule("oprninfo", "anst_way", "麻醉方式", False))),
}


def a_list() -> SettlementList:
    lst = SettlementList(id="L1", stay_id="S1", patient_id="P1", admission_id="A1", ipt_no="ZY1", psn_no="N1",
                         mdtrt_id="M1", setl_id="X1", settled_at=AT, deadline=date(2026, 12, 14), created_at=AT,
                         setlinfo={"setl_id": "X1"}, rows={"diseinfo": [{"diag_code": "J18.900", "maindiag_flag": "1"}]},
                         locked=["diseinfo[0].diag_code", "diseinfo[0].maindiag_flag", "setlinfo.setl_id"])
    lst.refresh(NODES)
    return lst


def fill(lst, path, value):
    return lst.fill(parse_path(path, NODES), value, NODES, AT, "Y001", "r1")


@pytest.mark.parametrize("path", ["setlinfo", "setlinfo[0].ntly", "diseinfo.diag_code", "payinfo[0].x", "setlinfo.x",
                                  "oprninfo[0].nope", "SETLINFO.ntly", "setlinfo.ntly;drop", ""])
def test_a_path_that_names_no_field_is_refused_as_the_path(path):
    with pytest.raises(ValidationFailed) as refused:
        parse_path(path, NODES)
    assert [v.field for v in refused.value.violations] == ["path"]


def test_gaps_make_it_a_draft_and_filling_them_makes_it_ready():
    lst = a_list()
    assert (lst.state, [(g.path, g.label) for g in lst.gaps]) == (ListState.DRAFT, [("setlinfo.ntly", "国籍")])
    change = fill(lst, "setlinfo.ntly", " CHN ")
    assert (lst.state, lst.gaps, lst.setlinfo["ntly"]) == (ListState.READY, [], "CHN")
    assert (change.path, change.old, change.new, change.by, change.request_id) == ("setlinfo.ntly", "", "CHN", "Y001", "r1")
    assert fill(lst, "setlinfo.ntly", "CHN") is None and len(lst.changes) == 1  # the same value: no change
    fill(lst, "setlinfo.ntly", "")
    assert lst.state is ListState.DRAFT and "ntly" not in lst.setlinfo


def test_what_came_from_the_platform_is_never_filled_but_the_rest_of_its_row_is():
    lst = a_list()
    for path in ("setlinfo.setl_id", "diseinfo[0].diag_code", "diseinfo[0]"):
        with pytest.raises(ValidationFailed) as refused:
            fill(lst, path, "")
        assert refused.value.violations[0].field == path
    fill(lst, "diseinfo[0].adm_cond_type", "1")
    assert lst.rows["diseinfo"][0]["adm_cond_type"] == "1"


def test_rows_are_added_one_past_the_last_and_removed_from_the_end():
    lst = a_list()
    fill(lst, "setlinfo.ntly", "CHN")
    with pytest.raises(ValidationFailed):
        fill(lst, "oprninfo[1].oprn_oprt_code", "47.0901")  # rows come in order
    fill(lst, "oprninfo[0].anst_way", "1")
    assert lst.state is ListState.DRAFT and [g.path for g in lst.gaps] == ["oprninfo[0].oprn_oprt_code"]
    fill(lst, "oprninfo[0].oprn_oprt_code", "47.0901")
    assert lst.state is ListState.READY
    fill(lst, "oprninfo[0]", "")
    assert lst.rows["oprninfo"] == [] and lst.state is ListState.READY


def test_one_main_diagnosis_is_needed():
    lst = a_list()
    fill(lst, "setlinfo.ntly", "CHN")
    fill(lst, "diseinfo[1].diag_code", "I10.x00")
    fill(lst, "diseinfo[1].maindiag_flag", "1")
    assert [g.path for g in lst.gaps] == ["diseinfo"] and lst.state is ListState.DRAFT


def test_the_claim_takes_a_complete_list_once():
    lst = a_list()
    with pytest.raises(IllegalTransition, match="setlinfo.ntly"):
        lst.begin_upload(AT)
    fill(lst, "setlinfo.ntly", "CHN")
    lst.begin_upload(AT)
    with pytest.raises(IllegalTransition):
        lst.begin_upload(AT)
    with pytest.raises(IllegalTransition):
        fill(lst, "setlinfo.curr_addr", "武汉")  # nothing changes while it is being uploaded
    lst.upload_in_doubt("no answer")
    with pytest.raises(IllegalTransition, match="doubt"):
        lst.begin_upload(AT)
    lst.upload_refused("质控不通过")
    assert (lst.state, lst.last_error, lst.in_doubt) == (ListState.READY, "质控不通过", False)
    lst.begin_upload(AT)
    lst.complete_upload("SL1", AT, "Y001")
    assert (lst.state, lst.setl_list_id) == (ListState.UPLOADED, "SL1")
    with pytest.raises(IllegalTransition, match="SL1"):
        lst.begin_upload(AT)
    lst.void("2305", AT)
    assert lst.state is ListState.VOID and not lst.overdue(date(2027, 1, 1))
