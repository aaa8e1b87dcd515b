"""电子处方 (7101-7205) in memory: upload, find, download, audit, purchase, revoke, deliver."""
from __future__ import annotations

from simkit import P_RESIDENT, P_WORKER, Driver, person_by_no

JIA = "XJ01CAA040A001010104022"


def rx_input(psn_no: str = P_WORKER, hosp_rxno: str = "RX001", doctor: str = "王医生", **over) -> dict:
    who = person_by_no(psn_no)
    data = {"hosp_rxno": hosp_rxno, "rx_type_code": "1", "prsc_time": "2025-06-16 09:00:00", "rx_drug_nums": "1",
            "valid_days": "3", "valid_end_time": "2025-06-19 09:00:00", "rx_cotn_flag": "0",
            "rx_file": "UERGLi4u", "rx_circ_flag": "1"}
    data.update(over)
    return {
        "data": data,
        "rxdrugdetail": [{"med_list_codg": JIA, "drug_genname": "阿莫西林胶囊", "drug_dosform": "胶囊剂",
                          "drug_spec": "0.25g*24粒", "drug_cnt": "2", "drug_cnt_unit": "盒", "medc_way_dscr": "口服",
                          "medc_starttime": "2025-06-16 10:00:00", "medc_endtime": "2025-06-22 10:00:00",
                          "medc_days": "6"}],
        "mdtrtinfo": {"mdtrt_id": "MDTRT-ELSEWHERE", "med_type": "11", "ipt_op_no": "MZ001", "psn_no": psn_no,
                      "patn_name": who.psn_name, "age": "45", "gend": who.gend, "insuplc_admdvs": "420106",
                      "psn_cert_type": "01", "certno": who.certno, "insutype": who.accounts[0].insutype,
                      "prsc_dept_name": "内科门诊", "prsc_dept_code": "NK01", "prsc_dr_name": doctor,
                      "phar_name": "李药师", "phar_chk_time": "2025-06-16 09:10:00", "mdtrt_time": "2025-06-16 08:50:00",
                      "sp_dise_flag": "0", "diag_code": "J00.x00", "diag_name": "急性鼻咽炎", "rgst_fee": "0.00"},
        "diseinfo": [{"diag_type": "1", "maindiag_flag": "1", "diag_srt_no": "1", "diag_code": "J00.x00",
                      "diag_name": "急性鼻咽炎", "diag_dept": "内科", "dise_dor_no": "D001", "dise_dor_name": doctor,
                      "diag_time": "2025-06-16 08:55:00"}],
    }


def upload(his: Driver, **kw) -> str:
    return his.call("7101", rx_input(**kw)).output["data"]["hi_rxno"]


def purchase(hi_rxno: str, fund="10.00", acct="5.00", cash="5.00", rows_total="20.00") -> dict:
    return {"data": {"hi_rxno": hi_rxno, "fund_pay_sumamt": fund, "psn_part_amt": "10.00", "acct_pay": acct,
                     "psn_cash_pay": cash, "setl_time": "2025-06-16 11:00:00"},
            "seltdelts": [{"drug_dosform": "胶囊剂", "drug_spec": "0.25g*24粒", "drug_totlcnt": "2",
                           "prdr_name": "某药厂", "pric": "10.00", "total_unit": "盒", "sumamt": rows_total}]}


def revoke(hi_rxno: str, doctor: str = "王医生") -> dict:
    return {"data": {"hi_rxno": hi_rxno, "prsc_dr_name": doctor, "undo_dr_cert_type": "01",
                     "undo_dr_certno": "420106198001019999", "undo_rea": "开错药", "undo_time": "2025-06-16 10:00:00"}}


def audit(hi_rxno: str, infno: str = "7204") -> dict:
    data = {"hi_rxno": hi_rxno, "phar_cert_type": "01", "phar_certno": "4201", "phar_name": "李药师",
            "rchk_phar_certno": "4202", "rchk_phar_name": "赵药师", "rx_chk_opnn": "通过", "rx_chk_stas_codg": "1",
            "rx_chk_time": "2025-06-16 10:30:00"}
    if infno == "7102":
        data.update(fixmedins_name="示范药房", fixmedins_code="P42010600001")
    return {"data": data}


def deliver(hi_rxno: str, status: str = "已发货") -> dict:
    return {"data": {"hi_rxno": hi_rxno, "delv_entp_name": "某物流", "delv_stas_name": status}}


def test_upload_find_download_purchase(his: Driver):
    who = person_by_no(P_WORKER)
    hi_rxno = upload(his)
    listed = his.call("7202", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": who.certno,
                                        "insuplc_admdvs": "420106", "ip_info": "10.0.0.9", "opter": "P01",
                                        "opter_name": "药师", "optins": "P42010600001"}}).output["data"]
    assert [r["diag_name"] for r in listed] == ["急性鼻咽炎"]
    token = his.call("7201", {"data": {"app_chnl_id": "C1", "app_chnl_user_id": "U1", "dev_info": "POS",
                                       "epc_qrcd": hi_rxno, "ip_info": "10.0.0.9", "opter": "P01",
                                       "opter_name": "药师", "optins": "P42010600001"}}).output["data"]
    assert (token["certno"], token["name"]) == (who.certno, who.psn_name)
    by_token = his.call("7203", {"data": {"epc_token": token["epc_token"], "insuplc_admdvs": "420106"}}).output
    by_auth = his.call("7203", {"data": {"auth_rxno": listed[0]["auth_rxno"], "insuplc_admdvs": "420106"}}).output
    assert by_token["data"]["hi_rxno"] == by_auth["data"]["hi_rxno"] == hi_rxno
    assert by_token["rxdrugdetail"][0]["drug_prodname"] == "阿莫西林胶囊"
    assert by_token["mdtrtinfo"]["psn_no"] == P_WORKER
    his.call("7204", audit(hi_rxno))
    his.call("7102", audit(hi_rxno, "7102"))
    his.refused("7103", purchase(hi_rxno, acct="6.00"), "个人负担")
    his.refused("7103", purchase(hi_rxno, rows_total="19.00"), "合计")
    his.call("7103", purchase(hi_rxno))
    his.call("7205", deliver(hi_rxno))  # goods travel after the purchase
    his.refused("7103", purchase(hi_rxno), "已购药")
    his.refused("7104", revoke(hi_rxno), "已购药")
    his.refused("7204", audit(hi_rxno), "已购药")
    his.refused("7203", {"data": {"auth_rxno": listed[0]["auth_rxno"], "insuplc_admdvs": "420106"}}, "已购药")


def test_revoked_prescription_is_closed(his: Driver):
    hi_rxno = upload(his, hosp_rxno="RX-R")
    his.refused("7101", rx_input(hosp_rxno="RX-R"), "已上传")
    his.refused("7104", revoke(hi_rxno, doctor="别的医生"), "开方医师")
    his.call("7104", revoke(hi_rxno))
    for infno, body, why in (("7104", revoke(hi_rxno), "已撤销"), ("7103", purchase(hi_rxno), "已撤销"),
                             ("7204", audit(hi_rxno), "已撤销"), ("7205", deliver(hi_rxno), "已撤销")):
        his.refused(infno, body, why)
    upload(his, hosp_rxno="RX-R")  # the number is free again once revoked


def test_upload_is_checked(his: Driver):
    his.refused("7101", rx_input(valid_end_time="2025-06-16 08:00:00"), "有效截止时间")
    wrong = rx_input()
    wrong["mdtrtinfo"]["patn_name"] = "别人"
    his.refused("7101", wrong, "不符")
    his.refused("7104", revoke("NO-SUCH-RX"), "不存在")


def test_person_token_downloads_their_only_prescription(his: Driver):
    who = person_by_no(P_RESIDENT)
    first = upload(his, psn_no=P_RESIDENT, hosp_rxno="RX-A")
    qr = {"app_chnl_id": "C1", "app_chnl_user_id": "U1", "dev_info": "POS", "epc_qrcd": who.certno,
          "ip_info": "10.0.0.9", "opter": "P01", "opter_name": "药师", "optins": "P42010600001"}
    token = his.call("7201", {"data": qr}).output["data"]["epc_token"]
    by_token = {"data": {"epc_token": token, "insuplc_admdvs": "420106"}}
    assert his.call("7203", by_token).output["data"]["hi_rxno"] == first
    upload(his, psn_no=P_RESIDENT, hosp_rxno="RX-B")
    his.refused("7203", by_token, "请指定auth_rxno")
    his.refused("7203", {"data": {"epc_token": "EPCNOPE", "insuplc_admdvs": "420106"}}, "令牌无效")


def _sale(hi_rxno: str, psn_no: str = P_WORKER) -> dict:
    who = person_by_no(psn_no)
    return {"druginfo": {"psn_no": psn_no, "mdtrt_cert_type": "02", "mdtrt_cert_no": who.certno,
                         "begntime": "2025-06-16 11:00:00", "medfee_sumamt": "20.00",
                         "insutype": who.accounts[0].insutype, "acct_used_flag": "1", "med_type": "41"},
            "drugdetail": [{"feedetl_sn": "S1", "rxno": hi_rxno, "rx_circ_flag": "1",
                            "fee_ocur_time": "2025-06-16 11:00:00", "med_list_codg": JIA, "medins_list_codg": "YD1",
                            "det_item_fee_sumamt": "20.00", "cnt": "2", "pric": "10.00"}]}


def test_the_pharmacy_side_queues_the_hospitals_notices(his: Driver, sim):
    hi_rxno = upload(his)
    his.call("7204", audit(hi_rxno))
    assert [(n["infno"], n["input"]["data"]["hi_rxno"], n["input"]["data"]["fixmedins_code"])
            for n in sim.rx_notifier.pending()] == [("7102", hi_rxno, "P42010600001")]
    setl = his.call("2102", _sale(hi_rxno)).output["setlinfo"]
    purchase_notice = sim.rx_notifier.pending()[-1]
    assert purchase_notice["infno"] == "7103"
    data = purchase_notice["input"]["data"]
    assert (data["hi_rxno"], data["fund_pay_sumamt"], data["psn_part_amt"]) == \
        (hi_rxno, setl["fund_pay_sumamt"], setl["psn_part_amt"])
    assert [(r["drug_genname"], str(r["drug_totlcnt"])) for r in purchase_notice["input"]["seltdelts"]] == \
        [("阿莫西林胶囊", "2")]
    his.refused("7104", revoke(hi_rxno), "已购药")  # a sale dispenses it


def test_a_sale_naming_a_revoked_prescription_is_refused_before_anything_is_booked(his: Driver, sim):
    hi_rxno = upload(his, hosp_rxno="RX-S")
    his.call("7104", revoke(hi_rxno))
    balance = sim.balance(P_WORKER, "310")
    his.refused("2102", _sale(hi_rxno), "已撤销")
    assert sim.balance(P_WORKER, "310") == balance and sim.rx_notifier.pending() == []
