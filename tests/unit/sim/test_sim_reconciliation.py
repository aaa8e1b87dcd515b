"""3201 对总账 / 3202 对明细账 against settlements made through the simulator (expected figures come
from the HIS's own copies of the settlement replies)."""
from __future__ import annotations

import base64
import io
import zipfile
from decimal import Decimal

import pytest
from simkit import FIXMEDINS, P_RESIDENT, P_WORKER, P_WORKER_POOR, Driver

from adapters.yb_sim.handlers.recon_files import result_lines

JIA = "XJ01CAA040A001010104022"
YI = "XA02BCA211A001010101443"
D = Decimal


def settle(his: Driver, psn_no: str, items, insutype: str = "310") -> dict:
    mdtrt_id, total = his.visit_with_fees(psn_no, items, insutype)
    return his.settle(mdtrt_id, psn_no, total, insutype).output["setlinfo"]


@pytest.fixture
def book(his: Driver) -> dict:
    """Three 310 settlements (one then cancelled) and one 390: the HIS's records, by setl_id."""
    a = settle(his, P_WORKER, [(JIA, "2", "150.00")])
    b = settle(his, P_WORKER_POOR, [(YI, "3", "80.00")])
    c = settle(his, P_WORKER, [(JIA, "1", "60.00")])
    negative = his.cancel(c["setl_id"], c["mdtrt_id"], P_WORKER).output["setlinfo"]
    r = settle(his, P_RESIDENT, [(JIA, "1", "300.00")], insutype="390")
    return {"a": a, "b": b, "c": c, "neg": negative, "r": r}


def total_input(rows: list[dict], flag: str, insutype: str = "310", **over) -> dict:
    data = {"insutype": insutype, "clr_type": "11", "setl_optins": "420106", "stmt_begndate": "2025-06-01",
            "stmt_enddate": "2025-06-30", "refd_setl_flag": flag, "fixmedins_setl_cnt": len(rows)}
    for name in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay"):
        data[name] = str(sum((r[name] for r in rows), D("0.00")))
    data.update(over)
    return {"data": data}


def test_totals_balance_with_and_without_refunds(his: Driver, book):
    in_force = [book["a"], book["b"]]
    reply = his.call("3201", total_input(in_force, "0"))
    assert reply.output["stmtinfo"]["stmt_rslt"] == "0", reply.output["stmtinfo"]["stmt_rslt_dscr"]
    assert reply.output["stmtinfo"]["setl_optins"] == "420106"
    every_row = [book["a"], book["b"], book["c"], book["neg"]]  # the refunded pair nets to zero
    assert his.call("3201", total_input(every_row, "1")).output["stmtinfo"]["stmt_rslt"] == "0"
    assert his.call("3201", total_input([book["r"]], "0", insutype="390")).output["stmtinfo"]["stmt_rslt"] == "0"


def test_a_cent_off_is_unbalanced_and_named(his: Driver, book):
    request = total_input([book["a"], book["b"]], "0")
    request["data"]["medfee_sumamt"] = str(D(request["data"]["medfee_sumamt"]) + D("0.01"))
    info = his.call("3201", request).output["stmtinfo"]
    assert info["stmt_rslt"] == "1"
    assert "医疗费总额" in info["stmt_rslt_dscr"] and "基金支付总额" not in info["stmt_rslt_dscr"]
    # counting the refunded pair as in force is a count and amount error, each named
    info = his.call("3201", total_input([book["a"], book["b"], book["c"]], "0")).output["stmtinfo"]
    assert info["stmt_rslt"] == "1" and "结算笔数" in info["stmt_rslt_dscr"] and "医疗费总额" in info["stmt_rslt_dscr"]


def test_period_and_refund_flag_are_checked(his: Driver, book):
    info = his.call("3201", total_input([book["a"]], "0", stmt_begndate="2025-07-01",
                                        stmt_enddate="2025-07-31")).output["stmtinfo"]
    assert info["stmt_rslt"] == "1"  # nothing settled in July
    his.refused("3201", total_input([], "0", stmt_begndate="2025-06-30", stmt_enddate="2025-06-01"), "开始日期")
    his.refused("3201", total_input([], "2"), "退费结算标志")


# ---- 3202 ----------------------------------------------------------------------------------------

def line(row: dict, flag: str = "0", **over) -> str:
    values = {k: row[k] for k in ("setl_id", "mdtrt_id", "psn_no")}
    values.update({k: str(row[k]) for k in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")}, **over)
    return "\t".join([*values.values(), flag, "null"])


def packed(lines: list[str], zipped: bool = True) -> bytes:
    body = ("\n".join(lines) + "\n").encode("utf-8")
    if not zipped:
        return body
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("detail.txt", body)
    return buffer.getvalue()


def upload(his: Driver, lines: list[str], zipped: bool = True) -> str:
    """9101, as the HIS sends the detail file before 3202."""
    reply = his.call("9101", {"fsUploadIn": {"in": base64.b64encode(packed(lines, zipped)).decode("ascii"),
                                             "filename": "detail.zip", "fixmedins_code": FIXMEDINS}})
    return reply.output["file_qury_no"]


def detail_input(file_qury_no: str, rows: list[dict], flag: str = "1", **over) -> dict:
    data = {"setl_optins": "420106", "file_qury_no": file_qury_no, "stmt_begndate": "2025-06-01",
            "stmt_enddate": "2025-06-30", "clr_type": "11", "refd_setl_flag": flag, "cash_payamt": "0.00",
            "fixmedins_setl_cnt": len(rows)}
    for name in ("medfee_sumamt", "fund_pay_sumamt"):
        data[name] = str(sum((D(str(r[name])) for r in rows), D("0.00")))
    data.update(over)
    return {"data": data}


COLUMNS = ("psn_no", "mdtrt_id", "setl_id", "msgid", "stmt_rslt", "refd_setl_flag", "memo",
           "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "exp_content")


def result(his: Driver, reply) -> dict[str, dict]:
    """9102 of the result file 3202 names, by setl_id."""
    info = reply.output["fileinfo"]
    assert info["dld_endtime"]
    got = his.call("9102", {"fsDownloadIn": {"file_qury_no": info["file_qury_no"], "filename": info["filename"],
                                             "fixmedins_code": FIXMEDINS}})
    return {r[2]: dict(zip(COLUMNS, r)) for r in result_lines(got.output["file"])}


def test_detail_file_that_matches_gives_an_empty_result(his: Driver, book):
    rows = [book["a"], book["b"], book["c"], book["neg"], book["r"]]
    lines = [line(r) for r in rows[:3]] + [line(book["neg"], "1"), line(book["r"])]
    reply = his.call("3202", detail_input(upload(his, lines, zipped=False), rows))
    assert result(his, reply) == {}


def test_detail_finds_missing_different_and_unknown_settlements(his: Driver, book):
    changed = dict(book["b"], medfee_sumamt=book["b"]["medfee_sumamt"] + D("0.01"))
    stranger = dict(book["a"], setl_id="420106999999999999")
    # book["r"] is left out; the refund row names the original with flag 1
    file_rows = [book["a"], changed, book["c"], book["neg"], stranger]
    lines = [line(book["a"]), line(changed), line(book["c"]), line(book["neg"], "1", setl_id=book["c"]["setl_id"]),
             line(stranger)]
    found = result(his, his.call("3202", detail_input(upload(his, lines), file_rows)))
    assert set(found) == {book["r"]["setl_id"], book["b"]["setl_id"], stranger["setl_id"]}
    missing, differs, unknown = found[book["r"]["setl_id"]], found[book["b"]["setl_id"]], found[stranger["setl_id"]]
    assert missing["stmt_rslt"] == "1" and missing["psn_no"] == P_RESIDENT and missing["msgid"]
    assert differs["stmt_rslt"] == "3" and "医疗费总额" in differs["memo"]
    assert D(differs["medfee_sumamt"]) == book["b"]["medfee_sumamt"]  # the centre's figure
    assert unknown["stmt_rslt"] == "2" and "中心无" in unknown["memo"]


def test_detail_header_must_match_the_file_and_the_file_must_exist(his: Driver, book):
    rows = [book["a"]]
    file_qury_no = upload(his, [line(book["a"])])
    his.refused("3202", detail_input(file_qury_no, rows, fixmedins_setl_cnt=2), "结算笔数")
    his.refused("3202", detail_input(file_qury_no, rows, medfee_sumamt="1.00"), "医疗费总额")
    his.refused("3202", detail_input("NO-SUCH-FILE", rows), "文件查询号[NO-SUCH-FILE]不存在")
    bad = upload(his, ["only\tthree\tcolumns"])
    his.refused("3202", detail_input(bad, []), "第1行")


def test_plain_dict_file_store_contract(sim, his: Driver, book):
    """The minimal contract: section "files" as {file_qury_no: {"filename", "content"}}."""
    store = sim._state.section("files", dict)
    store["F1"] = {"filename": "detail.zip", "content": packed([line(book["a"])])}
    info = his.call("3202", detail_input("F1", [book["a"]], flag="0")).output["fileinfo"]
    rows = {r[2]: r for r in result_lines(store[info["file_qury_no"]]["content"])}
    assert set(rows) == {book["b"]["setl_id"], book["r"]["setl_id"]}  # in force, not in the file
    assert {r[4] for r in rows.values()} == {"1"}
