"""3101/3102 明细审核: each rule of the simulator's table finds its violation; a clean order finds none."""
from __future__ import annotations

from decimal import Decimal

from simkit import Driver

VISIT_FEE = "001102000010000"  # ceiling 10.00
GAUZE = "C02030201"  # no ceiling
# 3101 declares hilist_code as 20 characters, so 23-character national drug codes cannot be sent
# (reported as a catalogue problem); the tests use service, material and short invented codes.
D = Decimal


def order(rx_id: str, code: str, name: str, cnt: str, pric: str, day: str = "2025-06-16", **over) -> dict:
    row = {"rx_id": rx_id, "rxno": f"RX{rx_id}", "hilist_type": "101", "chrg_type": "09", "drord_bhvr": "0",
           "hilist_code": code, "hilist_name": name, "hilist_lv": "1", "hilist_pric": pric, "hosplist_code": f"H{code}",
           "hosplist_name": name, "cnt": cnt, "pric": pric, "sumamt": str(D(cnt) * D(pric)), "ownpay_amt": "0",
           "selfpay_amt": "0", "spec": "1", "spec_unt": "盒", "drord_begn_date": day, "drord_dept_codg": "NK01",
           "drord_dept_name": "内科"}
    row.update(over)
    return row


def encounter(mdtrt_id: str, orders: list[dict]) -> dict:
    return {"mdtrt_id": mdtrt_id, "medins_id": "H42010600001", "medins_name": "测试医院", "medins_admdvs": "420106",
            "medins_type": "1", "medins_lv": "3", "adm_date": "2025-06-16", "dscg_date": "2025-06-16",
            "dscg_main_dise_codg": "J06.900", "dscg_main_dise_name": "急性上呼吸道感染",
            "fsi_diagnose_dtos": [{"dise_id": "1", "inout_dise_type": "1", "maindise_flag": "1", "dias_srt_no": "1",
                                   "dise_codg": "J06.900", "dise_name": "急性上呼吸道感染", "dise_date": "2025-06-16"}],
            "dr_codg": "D001", "adm_dept_codg": "NK01", "adm_dept_name": "内科", "dscg_dept_codg": "NK01",
            "dscg_dept_name": "内科", "med_mdtrt_type": "1", "med_type": "11", "matn_stas": "0",
            "medfee_sumamt": str(sum(D(o["sumamt"]) for o in orders)), "ownpay_amt": "0", "selfpay_amt": "0",
            "setl_totlnum": 1, "insutype": "310", "reim_flag": "1", "out_setl_flag": "0", "fsi_order_dtos": orders}


def request(orders: list[dict], gend: str = "1", brdy: str = "1980-05-12", history: list[dict] | None = None,
            **data) -> dict:
    encounters = ([encounter("M0", history)] if history else []) + [encounter("M1", orders)]
    patient = {"patn_id": "P1", "patn_name": "测试", "gend": gend, "brdy": brdy, "poolarea": "420106",
               "curr_mdtrt_id": "M1", "fsi_encounter_dtos": encounters}
    return {"data": {"syscode": "HIS", "patient_dtos": [patient], "task_id": "T1", **data}}


def rules(reply) -> dict[str, dict]:
    return {r["rule_id"]: r for r in reply.output["result"]}


def test_clean_orders_find_nothing(his: Driver):
    clean = [order("1", VISIT_FEE, "普通门诊诊察费", "1", "10.00"), order("2", GAUZE, "医用脱脂纱布", "2", "25.50")]
    assert his.call("3101", request(clean)).output["result"] == []
    assert his.call("3102", request(clean, gend="2", brdy="2020-01-01")).output["result"] == []


def test_price_over_the_ceiling(his: Driver):
    found = rules(his.call("3101", request([order("1", VISIT_FEE, "普通门诊诊察费", "2", "12.50")])))
    hit = found["SIM-R001"]
    assert hit["vola_amt"] == D("5.00") and "10.00" in hit["vola_cont"]
    detail = hit["judge_result_detail_dtos"][0]
    assert (detail["rx_id"], detail["vola_amt"], detail["patn_id"]) == ("1", D("5.00"), "P1")
    assert (hit["patn_id"], hit["mdtrt_id"], hit["task_id"], hit["sev_deg"]) == ("P1", "M1", "T1", "1")


def test_same_item_twice_on_one_day_also_across_encounters(his: Driver):
    twice = [order("1", GAUZE, "医用脱脂纱布", "1", "20.00"), order("2", GAUZE, "医用脱脂纱布", "1", "20.00"),
             order("3", GAUZE, "医用脱脂纱布", "1", "20.00", day="2025-06-17")]
    hit = rules(his.call("3102", request(twice)))["SIM-R002"]
    assert [d["rx_id"] for d in hit["judge_result_detail_dtos"]] == ["2"] and hit["vola_amt"] == D("20.00")
    earlier = [order("9", GAUZE, "医用脱脂纱布", "1", "20.00")]
    hit = rules(his.call("3102", request([order("1", GAUZE, "医用脱脂纱布", "1", "20.00")], history=earlier)))
    assert [d["rx_id"] for d in hit["SIM-R002"]["judge_result_detail_dtos"]] == ["1"]


def test_gender_limited_items(his: Driver):
    gyn = [order("1", "311201001000000", "阴道镜检查", "1", "80.00")]
    assert rules(his.call("3101", request(gyn, gend="1")))["SIM-R003"]["vola_amt"] == D("80.00")
    assert his.call("3101", request(gyn, gend="2")).output["result"] == []
    prostate = [order("1", "311000002000000", "前列腺按摩", "1", "30.00")]
    assert "SIM-R003" in rules(his.call("3101", request(prostate, gend="2")))


def test_children_drugs_for_adults(his: Driver):
    syrup = [order("1", "XR05X0000000000001", "小儿止咳糖浆", "1", "18.00")]
    hit = rules(his.call("3102", request(syrup, brdy="1990-01-01")))["SIM-R004"]
    assert hit["vola_amt"] == D("18.00") and "35岁" in hit["vola_cont"]
    assert his.call("3102", request(syrup, brdy="2015-06-17")).output["result"] == []  # 9 years old


def test_rule_selection_current_orders_and_refusals(his: Driver):
    orders = [order("1", VISIT_FEE, "普通门诊诊察费", "1", "12.00", curr_drord_flag="0"),
              order("2", "311201001000000", "宫颈刮片", "1", "40.00", curr_drord_flag="1")]
    # 事前 judges only the order being written; 事中 the whole encounter
    assert set(rules(his.call("3101", request(orders)))) == {"SIM-R003"}
    assert set(rules(his.call("3102", request(orders)))) == {"SIM-R001", "SIM-R003"}
    assert set(rules(his.call("3102", request(orders, rule_ids=["SIM-R001"])))) == {"SIM-R001"}
    his.refused("3101", request(orders, rule_ids=["R999"]), "审核规则[R999]不存在")
    bad = request(orders)
    bad["data"]["patient_dtos"][0]["curr_mdtrt_id"] = "M9"
    his.refused("3101", bad, "当前就诊标识[M9]")
