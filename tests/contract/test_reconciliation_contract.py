"""Reconciliation's exchange with the platform, the same through both adapters: 5262 lists a day's
settlements, 3201 answers our totals balanced or not, our detail file goes up with 9101, 3202 answers
with a result file that 9102 brings down, and services.translation.reconciliation reads each of them."""
from __future__ import annotations

from dataclasses import replace

import pytest
from driver import WORKER, Driver
from test_platform_contract import ROWS, TOTAL

from domain.reconciliation import FindingKind, Totals
from ports.catalogue import load_catalogue
from services.translation import reconciliation as wire

FIXMEDINS = "H42010600001"


@pytest.fixture
def his(rig) -> Driver:
    d = Driver(rig.platform)
    d.sign_in()
    return d


def _settle(his: Driver, batch: str = "B1") -> dict:
    mdtrt_id = his.register()
    his.upload(mdtrt_id, ROWS, batch)
    return his.call("2207", his.settle_data(mdtrt_id, TOTAL, batch)).output["setlinfo"]


def test_the_days_listing_totals_and_detail_exchange_read_alike_through_both_adapters(rig, his):
    kept, lost = _settle(his), _settle(his)
    rig.simulator.forget_settlement(lost["setl_id"])
    day = rig.simulator.now().date()

    listed = wire.listed_settlements(his.call("5262", wire.settlements_between(day, day)).output)
    assert [r.setl_id for r in listed] == [kept["setl_id"]]
    theirs = listed[0]
    assert (theirs.msgid, theirs.insutype, theirs.amounts.medfee_sumamt) == (kept["medins_setl_id"], "310", TOTAL)
    assert wire.listed_settlements(his.call("5267", wire.settlements_between(day, day)).output) == []  # none 异地

    ours = [theirs, replace(theirs, setl_id=lost["setl_id"], msgid=lost["medins_setl_id"])]
    totals = Totals.of(ours)
    optins, clr_type = theirs.clr_optins, theirs.clr_type
    agreed = his.call("3201", wire.total_account("310", clr_type, optins, day, day, Totals.of(ours[:1]))).output
    assert wire.total_result(agreed)[0] == "0"
    differs = his.call("3201", wire.total_account("310", clr_type, optins, day, day, totals)).output
    rslt, dscr = wire.total_result(differs)
    assert rslt == "1" and "结算笔数" in dscr

    files = load_catalogue().get("3202").files
    columns = [c["name"] for c in files["upload_file"]["columns"]]
    name, content = wire.detail_file(ours, columns, "DZTEST", rig.simulator.now())
    number = wire.uploaded(his.call("9101", wire.upload(name, content, FIXMEDINS)).output)
    result_no, result_name = wire.result_fileinfo(
        his.call("3202", wire.detail_account(optins, clr_type, number, day, day, totals)).output)
    body = wire.downloaded(his.call("9102", wire.download(result_no, result_name, FIXMEDINS)).output)
    found = wire.result_findings(body, [c["name"] for c in files["result_file"]["columns"]],
                                 {r.setl_id: r for r in ours}, {theirs.setl_id: theirs})
    assert [(f.kind, f.key) for f in found] == [(FindingKind.HIS_ONLY, lost["setl_id"])]
    assert theirs.psn_no == WORKER
