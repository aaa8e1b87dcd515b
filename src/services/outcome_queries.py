"""What became of a write whose reply was lost, when 冲正 (2601) cannot undo it: ask the platform.

Each entry names the query that shows the write's trace and reads the answer into a verdict:
applied (with the reply the write would have had, rebuilt from what the query shows), not
applied (safe to send again), or still unknown. Nothing is concluded from silence: a query that
fails, or an answer that fits neither case, leaves the entry uncertain for an operator.

- 2201 / 2201A 门诊挂号: 5201 就诊信息查询 lists the person's visits of that day; ours is the one
  carrying our 门诊号 (ipt_otp_no is unique per hospital and visit).
- 2204 门诊费用明细上传: 5204 费用明细查询 lists the fee rows the platform holds for the visit; ours
  are known by their 费用明细流水号 (feedetl_sn). The platform takes an upload whole or not at all,
  so some but not all of them is an answer we cannot explain, and stays unknown.
- 2202 门诊挂号撤销: 5201 lists the person's visits; a cancelled one is left out or shown with
  vali_flag 0 (platforms differ). The visit was
  there (its 2201 is in the journal), so its absence proves the cancellation; its presence proves
  nothing until the 2202 can no longer arrive.
- 2205 门诊费用明细撤销: 5204 lists the rows still held; the batch's rows (known from the 2204s the
  platform took) all gone proves the cancellation, all there proves nothing yet.
- 2401 入院办理: 5201 lists the person's stays begun that day; ours is the valid one carrying our 住院号
  (ipt_no, unique per hospital and stay). 2401 could be undone by 冲正, but an admission that took
  effect is kept rather than undone and made again (the patient is on the ward): its query comes first.
- 2402 出院办理 / 2405 出院撤销 / 2404 入院撤销: 5201 lists the stay (the day of its 2401, which the
  journal holds) with 在院状态 inhosp_stas 0 once discharged, 1 when in hospital again; a cancelled
  stay is left out or listed with vali_flag 0.
- 2301 住院费用明细上传: 5204, as for 2204 (the reply rows are the same).
- 2302 住院费用明细撤销: 5204; the rows named all gone proves the cancellation, all there proves nothing yet.
- 6202 支付下单 / 6401 费用明细上传撤销: 6301 医保订单结算结果查询 shows the order's status (ordStas).
  6301 needs the payer's identity, which 6202 / 6401 carry only when the HIS sends their optional
  idNo / userName / idType; without them the entry stays uncertain.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


Earlier = dict[str, list[dict]]


@dataclass(frozen=True)
class Verdict:
    applied: bool | None  # True: it took effect; False: it did not; None: still unknown
    evidence: str
    output: dict | None = None  # when applied: the reply, as far as the query shows it


@dataclass(frozen=True)
class OutcomeQuery:
    infno: str  # the query to send
    # (the lost write's input, earlier writes) -> the query's input (None: cannot ask). `earlier` maps
    # a transaction code to the inputs of the writes of the same visit the platform took before.
    payload: Callable[[dict, Earlier], dict | None]
    judge: Callable[[dict, dict, Earlier], Verdict]  # (the write's input, the query's output, earlier) -> verdict
    # asked before 冲正 even when the write is reversible: what took effect is better kept than undone
    preferred: bool = False


def _one(node: object) -> dict:
    if isinstance(node, list):
        return node[0] if node and isinstance(node[0], dict) else {}
    return node if isinstance(node, dict) else {}


# ---- 2201 / 2201A ------------------------------------------------------------------------------
def _visits_of_the_day(data: dict, number: str, med_type: str) -> dict | None:
    """5201 for the person's visits of the day the write began, when it names the person and the
    hospital's number (`number`: the field that carries it)."""
    begntime = str(data.get("begntime") or "")
    if not (data.get("psn_no") and data.get(number) and len(begntime) >= 10):
        return None
    day = begntime[:10]
    return {"data": {"psn_no": data["psn_no"], "begntime": f"{day} 00:00:00", "endtime": f"{day} 23:59:59",
                     "med_type": data.get("med_type") or med_type, "mdtrt_id": ""}}


def _registration_query(written: dict, earlier: Earlier) -> dict | None:
    return _visits_of_the_day(_one(written.get("data")), "ipt_otp_no", "11")


def _judge_registration(written: dict, output: dict, earlier: Earlier) -> Verdict:
    data = _one(written.get("data"))
    ours = str(data["ipt_otp_no"])
    found = [row for row in output.get("mdtrtinfo") or [] if str(row.get("ipt_otp_no") or "") == ours]
    if not found:
        return Verdict(False, f"5201 lists no visit with 门诊号 {ours}: the registration was not made")
    if len(found) > 1:
        return Verdict(None, f"5201 lists {len(found)} visits with 门诊号 {ours}")
    mdtrt_id = str(found[0].get("mdtrt_id") or "")
    if not mdtrt_id:
        return Verdict(None, f"5201 lists the visit with 门诊号 {ours} without a mdtrt_id")
    return Verdict(True, f"5201 lists the visit with 门诊号 {ours}: registered as mdtrt_id {mdtrt_id}",
                   {"data": {"mdtrt_id": mdtrt_id, "psn_no": data["psn_no"], "ipt_otp_no": ours}})


# ---- 2204 --------------------------------------------------------------------------------------
# what 2204's result row carries and 5204's row shows too
_FEE_RESULT_FIELDS = ("feedetl_sn", "det_item_fee_sumamt", "cnt", "pric", "pric_uplmt_amt", "selfpay_prop",
                      "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt", "chrgitm_lv",
                      "med_chrgitm_type", "lmt_used_flag")


def _fee_query(written: dict, earlier: Earlier) -> dict | None:
    rows = written.get("feedetail") or []
    first = rows[0] if rows and isinstance(rows[0], dict) else {}
    if not (first.get("psn_no") and first.get("mdtrt_id")):
        return None
    return {"data": {"psn_no": first["psn_no"], "mdtrt_id": first["mdtrt_id"], "setl_id": ""}}


def _judge_fees(written: dict, output: dict, earlier: Earlier) -> Verdict:
    ours = [str(r.get("feedetl_sn")) for r in written.get("feedetail") or [] if isinstance(r, dict)]
    held = {str(r.get("feedetl_sn")): r for r in output.get("output") or [] if isinstance(r, dict)}
    present = [sn for sn in ours if sn in held]
    if not present:
        return Verdict(False, f"5204 shows none of the {len(ours)} rows: the upload was not taken")
    if len(present) < len(ours):
        return Verdict(None, f"5204 shows {len(present)} of the {len(ours)} rows uploaded")
    result = [{k: held[sn].get(k) for k in _FEE_RESULT_FIELDS} for sn in ours]
    return Verdict(True, f"5204 shows all {len(ours)} rows: the upload was taken", {"result": result})


# ---- 2202 ----------------------------------------------------------------------------------------
def _registration_of(earlier: Earlier) -> dict:
    found = [_one(w.get("data")) for code in ("2201", "2201A") for w in earlier.get(code, [])]
    return found[-1] if found else {}


def _cancellation_query(written: dict, earlier: Earlier) -> dict | None:
    data, registered = _one(written.get("data")), _registration_of(earlier)
    begntime = str(registered.get("begntime") or "")
    if not (data.get("psn_no") and data.get("mdtrt_id") and len(begntime) >= 10):
        return None  # the registration is not in this journal: nothing says the visit was there
    day = begntime[:10]
    return {"data": {"psn_no": data["psn_no"], "begntime": f"{day} 00:00:00", "endtime": f"{day} 23:59:59",
                     "med_type": registered.get("med_type") or "11", "mdtrt_id": data["mdtrt_id"]}}


def _judge_cancellation(written: dict, output: dict, earlier: Earlier) -> Verdict:
    """Platforms either leave a cancelled visit out of 5201 or list it with vali_flag 0."""
    mdtrt_id = str(_one(written.get("data")).get("mdtrt_id"))
    listed = [row for row in output.get("mdtrtinfo") or [] if str(row.get("mdtrt_id") or "") == mdtrt_id]
    if any(str(row.get("vali_flag") or "1") != "0" for row in listed):
        return Verdict(False, f"5201 still lists visit {mdtrt_id} as valid: the registration was not cancelled")
    shown = "lists it as invalid (vali_flag 0)" if listed else "no longer lists it"
    return Verdict(True, f"5201 {shown}: the registration of visit {mdtrt_id} is cancelled", {})


# ---- 2205 ----------------------------------------------------------------------------------------
def _batch_rows(written: dict, earlier: Earlier) -> list[str]:
    batch = str(_one(written.get("data")).get("chrg_bchno") or "")
    return [str(row.get("feedetl_sn")) for upload in earlier.get("2204", [])
            for row in upload.get("feedetail") or [] if isinstance(row, dict) and str(row.get("chrg_bchno")) == batch]


def _fee_cancellation_query(written: dict, earlier: Earlier) -> dict | None:
    data = _one(written.get("data"))
    if not (data.get("psn_no") and data.get("mdtrt_id") and _batch_rows(written, earlier)):
        return None
    return {"data": {"psn_no": data["psn_no"], "mdtrt_id": data["mdtrt_id"], "setl_id": ""}}


def _judge_fee_cancellation(written: dict, output: dict, earlier: Earlier) -> Verdict:
    ours = _batch_rows(written, earlier)
    held = {str(r.get("feedetl_sn")) for r in output.get("output") or [] if isinstance(r, dict)}
    present = [sn for sn in ours if sn in held]
    if not present:
        return Verdict(True, f"5204 shows none of the batch's {len(ours)} rows: the batch is cancelled", {})
    if len(present) == len(ours):
        return Verdict(False, f"5204 still shows all {len(ours)} rows of the batch: it was not cancelled")
    return Verdict(None, f"5204 shows {len(present)} of the batch's {len(ours)} rows")


# ---- 2401 ----------------------------------------------------------------------------------------
def _admission_query(written: dict, earlier: Earlier) -> dict | None:
    return _visits_of_the_day(_one(written.get("mdtrtinfo")), "ipt_no", "21")


def _judge_admission(written: dict, output: dict, earlier: Earlier) -> Verdict:
    ours = str(_one(written.get("mdtrtinfo"))["ipt_no"])
    # a stay cancelled by 2404 is listed with vali_flag 0: it is not the one in doubt
    found = [row for row in output.get("mdtrtinfo") or [] if str(row.get("ipt_otp_no") or "") == ours
             and str(row.get("vali_flag") or "1") != "0"]
    if not found:
        return Verdict(False, f"5201 lists no valid stay with 住院号 {ours}: the admission was not made")
    if len(found) > 1:
        return Verdict(None, f"5201 lists {len(found)} stays with 住院号 {ours}")
    mdtrt_id = str(found[0].get("mdtrt_id") or "")
    if not mdtrt_id:
        return Verdict(None, f"5201 lists the stay with 住院号 {ours} without a mdtrt_id")
    return Verdict(True, f"5201 lists the stay with 住院号 {ours}: admitted as mdtrt_id {mdtrt_id}",
                   {"result": {"mdtrt_id": mdtrt_id}})


# ---- 2402 / 2404 / 2405 --------------------------------------------------------------------------
def _stay_query(written: dict, earlier: Earlier) -> dict | None:
    node = _one(written.get("dscginfo") or written.get("data"))
    admitted = [_one(w.get("mdtrtinfo")) for w in earlier.get("2401", [])]
    asked = _visits_of_the_day(admitted[-1], "ipt_no", "21") if admitted else None
    if asked is None or not (node.get("psn_no") and node.get("mdtrt_id")):
        return None  # the admission is not in this journal: nothing says which day to look at
    asked["data"]["mdtrt_id"] = node["mdtrt_id"]
    return asked


def _stay_rows(written: dict, output: dict) -> tuple[str, list[dict]]:
    mdtrt_id = str(_one(written.get("dscginfo") or written.get("data")).get("mdtrt_id"))
    return mdtrt_id, [row for row in output.get("mdtrtinfo") or [] if str(row.get("mdtrt_id") or "") == mdtrt_id]


def _judge_in_hospital(now_in: str, done: str):
    """2402 (now_in "0": discharged) or 2405 (now_in "1": in hospital again) by the stay's inhosp_stas."""
    def judge(written: dict, output: dict, earlier: Earlier) -> Verdict:
        mdtrt_id, rows = _stay_rows(written, output)
        valid = [row for row in rows if str(row.get("vali_flag") or "1") != "0"]
        if len(valid) != 1:
            return Verdict(None, f"5201 lists {len(valid)} valid stays {mdtrt_id}")
        status = str(valid[0].get("inhosp_stas") or "")
        if status == now_in:
            return Verdict(True, f"5201 shows stay {mdtrt_id} with inhosp_stas {status}: {done}", {})
        if status in ("0", "1"):
            return Verdict(False, f"5201 shows stay {mdtrt_id} with inhosp_stas {status}: not {done}")
        return Verdict(None, f"5201 shows stay {mdtrt_id} with inhosp_stas {status or '(none)'}")
    return judge


def _judge_stay_cancellation(written: dict, output: dict, earlier: Earlier) -> Verdict:
    mdtrt_id, rows = _stay_rows(written, output)
    if any(str(row.get("vali_flag") or "1") != "0" for row in rows):
        return Verdict(False, f"5201 still lists stay {mdtrt_id} as valid: the admission was not cancelled")
    return Verdict(True, f"5201 {'lists it as invalid' if rows else 'no longer lists it'}: stay {mdtrt_id} "
                         "is cancelled", {})


# ---- 2302 ----------------------------------------------------------------------------------------
def _inpatient_fee_cancellation_query(written: dict, earlier: Earlier) -> dict | None:
    first = _one(written.get("data"))
    if not (first.get("psn_no") and first.get("mdtrt_id")):
        return None
    return {"data": {"psn_no": first["psn_no"], "mdtrt_id": first["mdtrt_id"], "setl_id": ""}}


def _judge_inpatient_fee_cancellation(written: dict, output: dict, earlier: Earlier) -> Verdict:
    rows = written.get("data")
    ours = [str(r.get("feedetl_sn")) for r in (rows if isinstance(rows, list) else [rows]) if isinstance(r, dict)]
    held = {str(r.get("feedetl_sn")) for r in output.get("output") or [] if isinstance(r, dict)}
    present = [sn for sn in ours if sn in held]
    if not present:
        return Verdict(True, f"5204 shows none of the {len(ours)} rows: they are cancelled", {})
    if len(present) == len(ours):
        return Verdict(False, f"5204 still shows all {len(ours)} rows: they were not cancelled")
    return Verdict(None, f"5204 shows {len(present)} of the {len(ours)} rows")


# ---- 6202 / 6401 (移动支付) -----------------------------------------------------------------------
# ordStas groups (the national mobile-pay list): 0 saved, 1-2 processing, 3-6 settled, 7-11 refunded in
# whole or part (so it had been paid), 12 revoked, 13 closed, 14-16 failed.
_PAID = frozenset(str(n) for n in range(3, 12))
_NEVER_PAID = frozenset({"0", "12", "14", "15", "16"})
# what 6202's reply carries and 6301's shows too
_PAY_FIELDS = ("payOrdId", "ordStas", "feeSumamt", "ownPayAmt", "psnAcctPay", "fundPay", "deposit", "delvFee",
               "extData")


def _order_query(written: dict, earlier: Earlier) -> dict | None:
    """6301 needs the order and the payer's identity: 6202 / 6401 carry them when the HIS sends the
    optional idNo / userName / idType too; without them there is nothing to ask with."""
    data = _one(written.get("data"))
    keys = ("payOrdId", "orgCodg", "payToken", "idNo", "userName", "idType")
    if not all(data.get(k) for k in keys):
        return None
    return {"data": {k: data[k] for k in keys}}


def _judge_payment(written: dict, output: dict, earlier: Earlier) -> Verdict:
    order = _one(output.get("data"))
    status = str(order.get("ordStas") or "")
    if status in _PAID:
        return Verdict(True, f"6301 shows the order paid (ordStas {status})",
                       {"data": {k: order.get(k) for k in _PAY_FIELDS}})
    if status in _NEVER_PAID:
        return Verdict(False, f"6301 shows the order unpaid (ordStas {status}): the payment was not made")
    return Verdict(None, f"6301 shows ordStas {status or '(none)'}")


def _judge_revocation(written: dict, output: dict, earlier: Earlier) -> Verdict:
    status = str(_one(output.get("data")).get("ordStas") or "")
    if status == "12":
        return Verdict(True, "6301 shows the order revoked (ordStas 12)",
                       {"data": {"success": "true", "message": "撤销成功 (by 6301)"}})
    if status == "0":
        return Verdict(False, "6301 shows the order still saved (ordStas 0): the revocation was not made")
    return Verdict(None, f"6301 shows ordStas {status or '(none)'}")


OUTCOME_QUERIES: dict[str, OutcomeQuery] = {
    "6202": OutcomeQuery("6301", _order_query, _judge_payment),
    "6401": OutcomeQuery("6301", _order_query, _judge_revocation),
    "2201": OutcomeQuery("5201", _registration_query, _judge_registration),
    "2201A": OutcomeQuery("5201", _registration_query, _judge_registration),
    "2204": OutcomeQuery("5204", _fee_query, _judge_fees),
    "2202": OutcomeQuery("5201", _cancellation_query, _judge_cancellation),
    "2205": OutcomeQuery("5204", _fee_cancellation_query, _judge_fee_cancellation),
    "2401": OutcomeQuery("5201", _admission_query, _judge_admission, preferred=True),
    "2402": OutcomeQuery("5201", _stay_query, _judge_in_hospital("0", "discharged")),
    "2405": OutcomeQuery("5201", _stay_query, _judge_in_hospital("1", "back in hospital")),
    "2404": OutcomeQuery("5201", _stay_query, _judge_stay_cancellation),
    "2301": OutcomeQuery("5204", _fee_query, _judge_fees),
    "2302": OutcomeQuery("5204", _inpatient_fee_cancellation_query, _judge_inpatient_fee_cancellation),
}
