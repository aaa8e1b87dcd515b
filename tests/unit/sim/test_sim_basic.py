"""1201 医药机构信息获取, 2001 人员待遇享受检查, 1901 字典表查询 on the simulator."""
from __future__ import annotations

import copy
from datetime import date

import pytest
from simkit import FIXMEDINS, P_RESIDENT, P_TWO, P_WORKER, Driver, person_by_no

from adapters.yb_sim import SimulatorPlatform
from ports.catalogue import decode_output, load_catalogue

CATALOGUE = load_catalogue()


def conforms(infno: str, reply) -> dict:
    """The reply decodes cleanly and every required output field has a value."""
    tx = CATALOGUE.get(infno)
    output, problems = decode_output(tx, reply.raw["output"])
    assert problems == [], problems
    for node in tx.output:
        rows = output[node.name] if node.is_array else [output[node.name]]
        for row in rows:
            missing = [f.name for f in node.fields if f.required and row.get(f.name) in (None, "")]
            assert missing == [], (infno, node.name, missing)
    return output


# ---- 1201 ---------------------------------------------------------------------------------------

def _orgs(his: Driver, **query) -> list[dict]:
    reply = his.call("1201", {"medinsinfo": dict({"fixmedins_type": "1"}, **query)})
    return conforms("1201", reply)["medinsinfo"]


def test_1201_lists_hospitals_with_the_simulators_own_first(his: Driver):
    rows = _orgs(his)
    assert rows[0]["fixmedins_code"] == FIXMEDINS and rows[0]["fixmedins_name"] == "武汉市示范医院"
    assert len(rows) >= 3 and {r["fixmedins_type"] for r in rows} == {"1"}
    assert all(len(r["uscc"]) == 18 for r in rows) and len({r["uscc"] for r in rows}) == len(rows)


def test_1201_filters_by_code_name_and_type(his: Driver):
    assert [r["fixmedins_code"] for r in _orgs(his, fixmedins_code=FIXMEDINS)] == [FIXMEDINS]
    assert all("中医" in r["fixmedins_name"] for r in _orgs(his, fixmedins_name="中医"))
    assert _orgs(his, fixmedins_name="中医")
    pharmacies = _orgs(his, fixmedins_type="2")
    assert pharmacies and all(r["fixmedins_code"].startswith("P") and r["hosp_lv"] is None for r in pharmacies)
    assert _orgs(his, fixmedins_code="H99999999999") == []


def test_1201_requires_a_known_type(his: Driver):
    his.refused("1201", {"medinsinfo": {"fixmedins_name": "医院"}}, contains="fixmedins_type")
    his.refused("1201", {"medinsinfo": {"fixmedins_type": "8"}}, contains="入参校验失败")


# ---- 2001 ---------------------------------------------------------------------------------------

def _check(his: Driver, psn_no: str, insutype: str = "310", med_type: str = "11",
           begntime: str = "2025-06-16 09:00:00", **extra) -> list[dict]:
    data = dict({"psn_no": psn_no, "insutype": insutype, "fixmedins_code": FIXMEDINS, "med_type": med_type,
                 "begntime": begntime}, **extra)
    return conforms("2001", his.call("2001", {"data": data}))["trtinfo"]


def test_2001_worker_enjoys_pool_and_account(his: Driver):
    rows = _check(his, P_WORKER)
    assert [(r["fund_pay_type"], r["trt_enjymnt_flag"]) for r in rows] == [("310100", "1"), ("310200", "1")]
    assert rows[0]["psn_no"] == P_WORKER and rows[0]["begndate"] == "2010-07-01"


def test_2001_resident_has_no_account_row(his: Driver):
    rows = _check(his, P_RESIDENT, "390")
    assert [(r["fund_pay_type"], r["trt_enjymnt_flag"]) for r in rows] == [("390100", "1")]


def test_2001_not_enrolled_in_the_insutype(his: Driver):
    rows = _check(his, P_RESIDENT, "310")
    assert {r["trt_enjymnt_flag"] for r in rows} == {"0"} and "未参加险种" in rows[0]["trt_chk_rslt"]


def test_2001_paused_enrolment_does_not_enjoy(sim: SimulatorPlatform, his: Driver):
    paused = copy.deepcopy(person_by_no(P_TWO))
    paused.psn_no, paused.certno, paused.card_no = "42010620000000000099", "420106196808089927", "H42010699"
    paused.ec_token = "01PAUSED"
    paused.accounts[0].psn_insu_stas = "2"
    sim.add_person(paused)
    rows = _check(his, paused.psn_no)
    assert {r["trt_enjymnt_flag"] for r in rows} == {"0"}
    assert "暂停参保" in rows[0]["trt_chk_rslt"] and rows[0]["trt_chk_type"] == "01"
    assert {r["trt_enjymnt_flag"] for r in _check(his, paused.psn_no, "390")} == {"1"}  # the other 险种 is fine


def test_2001_before_the_enrolment_date(his: Driver):
    rows = _check(his, P_WORKER, begntime="2009-01-01 08:00:00")
    assert rows[0]["trt_enjymnt_flag"] == "0" and rows[0]["trt_chk_type"] == "02"


def test_2001_chronic_disease_must_be_listed(his: Driver):
    assert _check(his, P_WORKER, med_type="14", dise_codg="M00101")[0]["trt_enjymnt_flag"] == "1"
    unlisted = _check(his, P_WORKER, med_type="14", dise_codg="M99999")
    assert unlisted[0]["trt_enjymnt_flag"] == "0" and "M99999" in unlisted[0]["trt_chk_rslt"]
    assert _check(his, P_WORKER, med_type="14")[0]["trt_enjymnt_flag"] == "0"


def test_2001_refusals(his: Driver):
    base = {"psn_no": P_WORKER, "insutype": "310", "fixmedins_code": FIXMEDINS, "med_type": "11",
            "begntime": "2025-06-16 09:00:00"}
    his.refused("2001", {"data": dict(base, psn_no="42010699999999999999")}, contains="不存在")
    his.refused("2001", {"data": dict(base, fixmedins_code="H99999999999")}, contains="H99999999999")
    his.refused("2001", {"data": dict(base, endtime="2025-06-15 09:00:00")}, contains="结束时间")
    his.refused("2001", {"data": dict(base, med_type="77")}, contains="入参校验失败")


# ---- 1901 ---------------------------------------------------------------------------------------

def _dict(his: Driver, type_: str, **extra) -> list[dict]:
    data = dict({"type": type_, "admdvs": "420106", "date": date(2025, 6, 16).isoformat(), "valiFlag": "1"}, **extra)
    return conforms("1901", his.call("1901", {"data": data}))["list"]


def test_1901_answers_the_catalogue_dictionary(his: Driver):
    rows = _dict(his, "MED_TYPE")
    codes = CATALOGUE.dictionaries["med_type"].codes
    assert [(r["value"], r["label"]) for r in rows] == list(codes.items())
    assert [r["sort"] for r in rows] == list(range(1, len(codes) + 1))
    assert {r["type"] for r in rows} == {"MED_TYPE"} and {r["vali_flag"] for r in rows} == {"1"}
    assert {r["value"] for r in _dict(his, "INSUTYPE")} >= {"310", "390"}


def test_1901_answers_the_simulators_own_codes(his: Driver):
    # the codes 2001 and 1201 emit are answerable too
    assert {r["value"] for r in _dict(his, "TRT_CHK_TYPE")} >= {"01", "02", "03"}
    assert "02" in {r["value"] for r in _dict(his, "HOSP_LV")}


def test_1901_invalid_entries_and_children_are_none(his: Driver):
    assert _dict(his, "GEND", valiFlag="0") == []
    assert _dict(his, "GEND", parentValue="1") == []


@pytest.mark.parametrize("type_", ["NO_SUCH_DICT", "X"])
def test_1901_unknown_dictionary(his: Driver, type_: str):
    his.refused("1901", {"data": {"type": type_, "admdvs": "420106", "date": "2025-06-16", "valiFlag": "1"}},
                contains=f"字典类型[{type_}]不存在")
