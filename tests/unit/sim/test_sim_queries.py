"""5xxx queries answered from the simulator's state: what was registered, admitted, settled, filed
and uploaded shows up, in the catalogue's shapes."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from importlib import resources

import pytest
from simkit import P_RESIDENT, P_WORKER, Driver, FixedClock, person_by_no
from test_sim_inpatient import JIA, YI, Ward, conforms
from test_sim_pharmacy import file_chronic, purchase

from adapters.yb_sim import Account, Person, SimulatorPlatform
from adapters.yb_sim.demo_data import make_certno
from adapters.yb_sim.handlers import HANDLERS
from ports.catalogue import Catalogue

D = Decimal
ZERO = D("0.00")
P_REMOTE = "42050020000000000009"  # insured in 宜昌 (420500), treated here: 异地
JUNE = {"begntime": "2025-06-01 00:00:00", "endtime": "2025-06-30 23:59:59"}


def remote_person() -> Person:
    return Person(P_REMOTE, "测试异地戊", make_certno("420500", date(1970, 4, 4), "1"), "1", date(1970, 4, 4), "01",
                  "H42050009", "01REMOTE", [Account("310", D("300.00"), "1101", "420500", date(2012, 1, 1))])


def at(clock: FixedClock, text: str) -> None:
    clock.current = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def outpatient(his: Driver, psn_no: str, certno: str, amount: str) -> dict:
    mdtrt_id = his.call("2201", {"data": {
        "psn_no": psn_no, "insutype": "310", "begntime": his.platform.now().strftime("%Y-%m-%d %H:%M:%S"),
        "mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "ipt_otp_no": "MZ1", "atddr_no": "D001",
        "dr_name": "王医生", "dept_code": "NK01", "dept_name": "内科门诊", "caty": "A03"}}).output["data"]["mdtrt_id"]
    his.upload(mdtrt_id, psn_no, [(JIA, "1", amount)])
    return his.call("2207", {"data": {
        "psn_no": psn_no, "mdtrt_cert_type": "02", "mdtrt_cert_no": certno, "med_type": "11", "medfee_sumamt": amount,
        "psn_setlway": "01", "mdtrt_id": mdtrt_id, "chrg_bchno": "B1", "acct_used_flag": "1", "insutype": "310",
        "fulamt_ownpay_amt": "0.00", "overlmt_selfpay": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": "0.00"}}
    ).output["setlinfo"]


def make_history(his: Driver, sim: SimulatorPlatform, clock: FixedClock) -> dict:
    """June 2025: an outpatient visit (16th 09:30), a hospital stay settled on the 16th 11:00, a
    chronic-disease pharmacy purchase (16th 12:00) and an 异地 person's visit (20th)."""
    sim.add_person(remote_person())
    seen = {"visit": outpatient(his, P_WORKER, person_by_no(P_WORKER).certno, "300.00")}
    at(clock, "2025-06-16 11:00:00")
    w = Ward(his)
    seen["stay_id"], seen["stay"] = w.settled_stay([(JIA, "1", "1000.00"), (YI, "2", "50.00")])
    at(clock, "2025-06-16 12:00:00")
    file_chronic(his)
    seen["drugs"] = his.call("2102A", purchase(P_WORKER, [(JIA, "2", "30.00")], med_type="14",
                                               dise_codg="M03900", dise_name="高血压")).output["setlinfo"]
    seen["drugs_msgid"] = his.last_msgid
    at(clock, "2025-06-20 10:00:00")
    seen["remote"] = outpatient(his, P_REMOTE, remote_person().certno, "100.00")
    return seen


@pytest.fixture
def history(his: Driver, sim: SimulatorPlatform, clock: FixedClock) -> dict:
    return make_history(his, sim, clock)


# the simulator's small 医保目录 (demo_items) holds no 剂型 or 规格 to report
NOT_IN_DEMO_CATALOGUE = ("dosform_name", "spec")


def ask(his: Driver, infno: str, node: str = "data", **data):
    reply = his.call(infno, {node: data})
    conforms(infno, reply, allow_missing=NOT_IN_DEMO_CATALOGUE)
    return reply.output


def test_5201_visits_by_time_and_med_type(his: Driver, history):
    stays = ask(his, "5201", psn_no=P_WORKER, med_type="21", **JUNE)["mdtrtinfo"]
    assert [(r["mdtrt_id"], r["endtime"], r["inhosp_stas"], r["ipt_days"], r["adm_bed"], r["dscg_way"])
            for r in stays] == [(history["stay_id"], "2025-06-15 10:00:00", "0", 5, "12", "1")]
    visits = ask(his, "5201", psn_no=P_WORKER, med_type="11", **JUNE)["mdtrtinfo"]
    assert [r["mdtrt_id"] for r in visits] == [history["visit"]["mdtrt_id"]]
    assert ask(his, "5201", psn_no=P_WORKER, med_type="14", **JUNE)["mdtrtinfo"][0]["mdtrt_id"] == \
        history["drugs"]["mdtrt_id"]
    assert ask(his, "5201", psn_no=P_WORKER, med_type="21", begntime="2025-06-11 00:00:00",
               endtime="2025-06-30 00:00:00")["mdtrtinfo"] == []
    his.refused("5201", {"data": dict(JUNE, psn_no="nobody", med_type="11")}, contains="不存在")


def test_5202_diagnoses_on_admission_and_discharge(his: Driver, history):
    rows = ask(his, "5202", mdtrt_id=history["stay_id"], psn_no=P_WORKER)["diseinfo"]
    assert [(r["inout_diag_type"], r["diag_code"], r["diag_info_id"][:-3]) for r in rows] == \
        [("1", "J18.900", history["stay_id"]), ("2", "J18.900", history["stay_id"])]
    his.refused("5202", {"data": {"mdtrt_id": history["stay_id"], "psn_no": P_RESIDENT}}, contains="不一致")


def test_5203_settlement_and_5204_its_fees(his: Driver, history):
    stay = history["stay"]
    out = ask(his, "5203", setl_id=stay["setl_id"], mdtrt_id=history["stay_id"], psn_no=P_WORKER)
    row = out["setlinfo"]
    assert (row["psn_pay"], row["cash_payamt"], row["hifp_pay"]) == (stay["psn_part_amt"], stay["psn_cash_pay"],
                                                                    stay["hifp_pay"])
    assert (row["refd_setl_flag"], row["year"], row["clr_type"], row["fixmedins_code"]) == ("0", "2025", "21",
                                                                                           "H42010600001")
    assert (row["begndate"], row["enddate"]) == ("2025-06-10", "2025-06-15")
    assert [d["fund_payamt"] for d in out["setldetail"]] == [stay["hifp_pay"], stay["acct_pay"]]
    fees = ask(his, "5204", psn_no=P_WORKER, mdtrt_id=history["stay_id"], setl_id=stay["setl_id"])["output"]
    assert [(f["feedetl_sn"], f["setl_id"], f["fee_ocur_time"], f["rx_drord_no"], f["hilist_name"], f["list_type"])
            for f in fees] == [("ZY-1", stay["setl_id"], "2025-06-11 10:00:00", "YZ1", "阿莫西林胶囊", "101"),
                               ("ZY-2", stay["setl_id"], "2025-06-11 10:00:00", "YZ2", "奥美拉唑肠溶胶囊", "101")]
    assert sum(f["det_item_fee_sumamt"] for f in fees) == stay["medfee_sumamt"]
    his.refused("5203", {"data": {"setl_id": "nope", "mdtrt_id": history["stay_id"], "psn_no": P_WORKER}},
                contains="不存在")
    his.refused("5203", {"data": {"setl_id": stay["setl_id"], "mdtrt_id": "x", "psn_no": P_WORKER}}, contains="不属于")
    his.refused("5203", {"data": {"setl_id": stay["setl_id"], "mdtrt_id": history["stay_id"], "psn_no": P_RESIDENT}},
                contains="不一致")


def test_5203_after_a_refund(his: Driver, history):
    visit = history["visit"]
    negative = his.cancel(visit["setl_id"], visit["mdtrt_id"], P_WORKER).output["setlinfo"]
    original = ask(his, "5203", setl_id=visit["setl_id"], mdtrt_id=visit["mdtrt_id"], psn_no=P_WORKER)["setlinfo"]
    refund = ask(his, "5203", setl_id=negative["setl_id"], mdtrt_id=visit["mdtrt_id"], psn_no=P_WORKER)["setlinfo"]
    assert (original["refd_setl_flag"], refund["refd_setl_flag"]) == ("1", "1")
    assert refund["medfee_sumamt"] == -visit["medfee_sumamt"]


def test_5205_chronic_drug_records(his: Driver, history):
    # the rows travel under output.feedetail (the corrected spec), decoded like any catalogued node
    rows = ask(his, "5205", psn_no=P_WORKER, **JUNE)["feedetail"]
    assert [(r["feedetl_sn"], r["med_type"], r["cnt"], r["fee_ocur_time"], r["fixmedins_code"]) for r in rows] == \
        [("YD-1", "14", D("2"), "2025-06-16 09:20:00", "H42010600001")]
    assert isinstance(rows[0]["pric"], Decimal)
    assert ask(his, "5205", psn_no=P_WORKER, begntime="2025-06-17 00:00:00")["feedetail"] == []


def test_5206_cumulative_use(his: Driver, sim, history):
    rows = {r["cum_type_code"]: r for r in ask(his, "5206", psn_no=P_WORKER)["cuminfo"]}
    paid = history["visit"]["hifp_pay"] + history["stay"]["hifp_pay"] + history["drugs"]["hifp_pay"]
    assert rows["Q0000"]["cum"] == D("200.00") == sim.deductible_used(P_WORKER, "310")
    assert (rows["F0000"]["cum"], rows["C0000"]["cum"]) == (paid, D("1"))
    assert (rows["Q0000"]["year"], rows["Q0000"]["cum_ym"], rows["Q0000"]["insutype"]) == ("2025", "202506", "310")
    assert {r["cum"] for r in ask(his, "5206", psn_no=P_WORKER, cum_ym="202401")["cuminfo"]} == {ZERO}
    his.refused("5206", {"data": {"psn_no": P_WORKER, "cum_ym": "2025-6"}}, contains="yyyyMM")


def test_5206_deductible_from_zero_to_used(his: Driver):
    before = {r["cum_type_code"]: r["cum"] for r in ask(his, "5206", psn_no=P_RESIDENT)["cuminfo"]}
    assert before == {"Q0000": ZERO, "F0000": ZERO, "C0000": ZERO}
    mdtrt_id, total = his.visit_with_fees(P_RESIDENT, [(JIA, "1", "60.00")], insutype="390")
    info = his.settle(mdtrt_id, P_RESIDENT, total, insutype="390").output["setlinfo"]
    after = {r["cum_type_code"]: r["cum"] for r in ask(his, "5206", psn_no=P_RESIDENT)["cuminfo"]}
    assert after["Q0000"] == info["act_pay_dedc"] == D("60.00") and after["F0000"] == ZERO


def test_5303_who_is_in_hospital(his: Driver):
    w = Ward(his)
    mdtrt_id = w.admit()
    rows = ask(his, "5303", psn_no=P_WORKER, **JUNE)["data"]
    assert [(r["mdtrt_id"], r["begndate"], r["ipt_otp_no"], r["out_flag"]) for r in rows] == \
        [(mdtrt_id, "2025-06-10", "ZY2025001", "0")]
    w.discharge(mdtrt_id)
    assert ask(his, "5303", psn_no=P_WORKER, **JUNE)["data"] == []


def test_5101_departments_and_5102_practitioners(his: Driver):
    assert [r["hosp_dept_codg"] for r in ask(his, "5101")["feedetail"]] == ["NK01", "NK02", "WK01", "WK02"]
    assert [r["hosp_dept_name"] for r in ask(his, "5101", hosp_dept_name="外科")["feedetail"]] == ["外科门诊", "外科病区"]
    staff = ask(his, "5102", prac_psn_name="王医生")["data"]
    assert [(r["prac_psn_no"], r["hi_dr_flag"]) for r in staff] == [("D001", "1")]
    assert len(ask(his, "5102", prac_psn_type="2")["data"]) == 1


@pytest.mark.skipif("3401" not in HANDLERS, reason="no 3401 handler in this tree")
def test_5101_answers_from_uploaded_departments(his: Driver):
    his.call("3401", {"deptinfo": {
        "hosp_dept_codg": "EK01", "caty": "A07", "hosp_dept_name": "儿科", "begntime": "2020-01-01 00:00:00",
        "itro": "儿科", "dept_resper_name": "孙医生", "dept_resper_tel": "027-1", "dept_estbdat": "2020-01-01 00:00:00",
        "aprv_bed_cnt": "20", "poolarea_no": "420100", "dr_psncnt": "3", "phar_psncnt": "1", "nurs_psncnt": "5",
        "tecn_psncnt": "1"}})
    assert [r["hosp_dept_codg"] for r in ask(his, "5101")["feedetail"]] == ["EK01"]


def test_5401_5402_answer_from_uploaded_reports(his: Driver):
    assert ask(his, "5401", psn_no=P_WORKER)["bilgiteminfo"] == []
    assert ask(his, "5402", psn_no=P_WORKER, rpotc_no="R1", fixmedins_code="H42010600001") == \
        {"examrpotinfo": [], "labrpotinfo": [], "labdetlinfo": []}
    if "4502" not in HANDLERS:
        return
    mdtrt_id = his.register(P_WORKER)
    his.call("4502", {"labinfo": {"mdtrt_sn": "S1", "mdtrt_id": mdtrt_id, "psn_no": P_WORKER, "rpotc_no": "R1",
                                  "exam_item_code": "LAB01", "exam_item_name": "血常规", "rpt_date": "2025-06-16",
                                  "rpot_doc": "钱医生", "vali_flag": "1"},
                      "iteminfo": [{"rpotc_no": "R1", "exam_item_detl_code": "WBC", "exam_item_detl_name": "白细胞",
                                    "exam_rslt_val": "6", "exam_unt": "10^9/L", "ref_val": "4-10"}]})
    assert [r["rpotc_no"] for r in ask(his, "5401", psn_no=P_WORKER, exam_item_code="LAB01")["bilgiteminfo"]] == ["R1"]
    out = ask(his, "5402", psn_no=P_WORKER, rpotc_no="R1", fixmedins_code="H42010600001")
    assert [r["exam_item_name"] for r in out["labrpotinfo"]] == ["血常规"]
    assert [(r["exam_item_detl_code"], r["exam_rslt_val"]) for r in out["labdetlinfo"]] == [("WBC", D("6"))]


def test_5262_local_and_5267_remote_settlements_by_id(his: Driver, history):
    stay = history["stay"]
    rows = ask(his, "5262", psn_no=P_WORKER, mdtrt_id=history["stay_id"], setl_id=stay["setl_id"], **JUNE)["setlinfo"]
    assert [(r["setl_id"], r["medfee_sumamt"], r["clr_type"]) for r in rows] == [(stay["setl_id"], D("1100.00"), "21")]
    assert ask(his, "5262", psn_no=P_WORKER, mdtrt_id=history["stay_id"], setl_id=stay["setl_id"],
               begntime="2025-06-17 00:00:00", endtime="2025-06-30 00:00:00")["setlinfo"] == []
    remote = history["remote"]
    local_view = ask(his, "5262", psn_no=P_REMOTE, mdtrt_id=remote["mdtrt_id"], setl_id=remote["setl_id"], **JUNE)
    assert local_view["setlinfo"] == []
    data = his.call("5267", {"data": dict(JUNE, psn_no=P_REMOTE)}).output["data"]
    assert [(r["setl_id"], r["insu_optins"]) for r in data["setlinfo"]] == [(remote["setl_id"], "420500")]
    assert data["feesttinfo"] == [{"med_chrgitm_type": "09", "item_sumamt": D("100.00"), "item_claa_amt": D("100.00"),
                                   "item_clab_amt": ZERO, "fulamt_ownpay_amt": ZERO, "overlmt_selfpay": ZERO,
                                   "preselfpay_amt": ZERO}]


def _catalogue_with_5262_by_time_only() -> Catalogue:
    # The Hubei 5262 is a time-range query; the shipped catalogue requires mdtrt_id/setl_id/psn_no.
    data = resources.files("ports.catalogue") / "data"
    transactions = json.loads((data / "transactions.json").read_text(encoding="utf-8"))
    dicts = json.loads((data / "dicts.json").read_text(encoding="utf-8"))
    for spec in transactions["5262"]["input"]["data"]["fields"]:
        spec["required"] = False
    return Catalogue.from_data(transactions, dicts)


def test_5262_finds_the_settlements_of_a_time_range():
    sim = SimulatorPlatform(catalogue=_catalogue_with_5262_by_time_only(), clock=FixedClock())
    his = Driver(sim)
    his.sign_in()
    seen = make_history(his, sim, sim.clock)
    his.cancel(seen["visit"]["setl_id"], seen["visit"]["mdtrt_id"], P_WORKER)  # refund on the 20th
    june = his.call("5262", {"data": dict(JUNE)}).output
    listed = [(r["setl_id"], r["refd_setl_flag"]) for r in june["setlinfo"]]
    assert listed[:3] == [(seen["visit"]["setl_id"], "1"), (seen["stay"]["setl_id"], "0"),
                          (seen["drugs"]["setl_id"], "0")]
    assert len(listed) == 4 and listed[3][1] == "1"  # the negative twin of the refund
    assert all(r["psn_no"] == P_WORKER for r in june["setlinfo"])  # the 异地 one is 5267's
    assert sum(r["medfee_sumamt"] for r in june["setlinfo"]) == D("1100.00") + D("60.00")
    by_kind = {r["med_chrgitm_type"]: r["item_sumamt"] for r in june["feesttinfo"]}
    assert by_kind == {"09": D("1160.00")}
    day = his.call("5262", {"data": {"begntime": "2025-06-16 10:00:00", "endtime": "2025-06-16 11:30:00"}}).output
    assert [r["setl_id"] for r in day["setlinfo"]] == [seen["stay"]["setl_id"]]
    his.reverse(seen["drugs_msgid"], "2102", P_WORKER)  # undone by 2601: it never happened
    after = his.call("5262", {"data": dict(JUNE)}).output["setlinfo"]
    assert seen["drugs"]["setl_id"] not in [r["setl_id"] for r in after]
