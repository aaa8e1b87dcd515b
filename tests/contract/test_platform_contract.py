"""What every Platform adapter must do, run against the simulator in memory and over HTTP."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from driver import WORKER, Driver, person

from adapters.yb_http.client import HttpPlatform
from ports.platform import PlatformOutcomeUnknown, PlatformRefused

ROWS = [("XJ01CAA040A001010104022", "2", "12.50"), ("001102000010000", "1", "10.00"), ("C01010101", "3", "1.10")]
TOTAL = Decimal("38.30")


@pytest.fixture
def his(rig) -> Driver:
    d = Driver(rig.platform)
    d.sign_in()
    return d


def test_a_whole_visit(rig, his):
    p = his.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person(WORKER).certno}})
    assert p.output["baseinfo"]["psn_no"] == WORKER
    balance = p.output["insuinfo"][0]["balc"]
    assert isinstance(balance, Decimal) and balance == Decimal("1500.00")

    mdtrt_id = his.register()
    his.call("2203", {"mdtrtinfo": {"mdtrt_id": mdtrt_id, "psn_no": WORKER, "med_type": "11",
                                    "begntime": "2026-03-02 09:30:00"},
                      "diseinfo": [{"diag_type": "1", "diag_srt_no": 1, "diag_code": "J06.900", "diag_name": "上呼吸道感染",
                                    "diag_dept": "内科", "dise_dor_no": "D001", "dise_dor_name": "王医生",
                                    "diag_time": "2026-03-02 09:35:00", "vali_flag": "1"}]})
    result = his.upload(mdtrt_id, ROWS).output["result"]
    assert [r["feedetl_sn"] for r in result] == ["B1-1", "B1-2", "B1-3"]
    assert all(isinstance(r["det_item_fee_sumamt"], Decimal) for r in result)

    preview = his.call("2206", his.settle_data(mdtrt_id, TOTAL)).output["setlinfo"]
    settled = his.call("2207", his.settle_data(mdtrt_id, TOTAL)).output
    setl = settled["setlinfo"]
    assert setl["setl_id"] and setl["medfee_sumamt"] == TOTAL == preview["medfee_sumamt"]
    assert setl["fund_pay_sumamt"] + setl["psn_part_amt"] == setl["medfee_sumamt"]
    assert setl["acct_pay"] + setl["psn_cash_pay"] == setl["psn_part_amt"]
    assert sum(d["fund_payamt"] for d in settled["setldetail"]) == setl["fund_pay_sumamt"] + setl["acct_pay"]
    assert setl["medins_setl_id"] == his.last_msgid
    # by hand: 25.00 + 10.00 甲类, 3.30 乙类 less 20 % 先行自付 (0.66): 37.64 in scope, below the 200.00
    # 起付线, so the account pays the whole 38.30
    assert (setl["fund_pay_sumamt"], setl["acct_pay"], setl["psn_cash_pay"]) == (
        Decimal("0.00"), Decimal("38.30"), Decimal("0.00"))
    assert rig.simulator.balance(WORKER, "310") == Decimal("1461.70")

    negative = his.call("2208", {"data": {"setl_id": setl["setl_id"], "mdtrt_id": mdtrt_id, "psn_no": WORKER}})
    assert negative.output["setlinfo"]["medfee_sumamt"] == -TOTAL
    assert rig.simulator.balance(WORKER, "310") == Decimal("1500.00")
    his.call("2205", {"data": {"mdtrt_id": mdtrt_id, "chrg_bchno": "B1", "psn_no": WORKER}})
    his.call("2202", {"data": {"psn_no": WORKER, "mdtrt_id": mdtrt_id, "ipt_otp_no": his.ipt_otp_no}})


def test_refusals_are_typed(his):
    with pytest.raises(PlatformRefused) as unknown:
        his.call("2205", {"data": {"mdtrt_id": "999999", "chrg_bchno": "B1", "psn_no": WORKER}})
    assert unknown.value.infcode == -1 and unknown.value.err_msg
    mdtrt_id = his.register()
    his.upload(mdtrt_id, ROWS)
    his.call("2207", his.settle_data(mdtrt_id, TOTAL))
    with pytest.raises(PlatformRefused):
        his.call("2207", his.settle_data(mdtrt_id, TOTAL))  # settling twice
    with pytest.raises(PlatformRefused):
        his.upload(mdtrt_id, ROWS, batch="B2")  # fees after settlement


def test_missing_sign_in_is_refused_with_a_sign_in_message(rig):
    d = Driver(rig.platform)
    with pytest.raises(PlatformRefused) as refused:
        d.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person(WORKER).certno}})
    assert refused.value.sign_in_invalid


def test_invalid_input_is_refused_naming_the_field(his):
    with pytest.raises(PlatformRefused) as refused:
        his.call("1101", {"data": {"mdtrt_cert_type": "07", "mdtrt_cert_no": "x"}})
    assert "mdtrt_cert_type" in refused.value.err_msg


def test_reversal_undoes_a_settlement(rig, his):
    mdtrt_id = his.register()
    his.upload(mdtrt_id, ROWS)
    setl = his.call("2207", his.settle_data(mdtrt_id, TOTAL)).output["setlinfo"]
    settle_msgid = his.last_msgid
    his.call("2601", {"data": {"psn_no": WORKER, "omsgid": settle_msgid, "oinfno": "2207"}})
    assert rig.simulator.settlement(setl["setl_id"])["state"] == "reversed"
    assert rig.simulator.balance(WORKER, "310") == Decimal("1500.00")
    his.call("2207", his.settle_data(mdtrt_id, TOTAL))  # free to settle again


@pytest.mark.parametrize("action, stored", [
    ("drop_before_commit", False),
    ("drop_after_commit", True),
    ("garbage_after_commit", True),
    ("gateway_error", False),
    ("timeout_after_commit", True),
    ("reset_before_commit", False),
    ("reset_after_commit", True),
    ("bad_gateway_after_commit", True),
])
def test_doubtful_outcomes(rig, his, action, stored):
    mdtrt_id = his.register()
    his.upload(mdtrt_id, ROWS)
    rig.simulator.faults.add("2207", action, 1, 2.0)
    with pytest.raises(PlatformOutcomeUnknown):
        his.call("2207", his.settle_data(mdtrt_id, TOTAL))
    # the account pays part of every settlement, so the balance tells whether one was stored
    assert (rig.simulator.balance(WORKER, "310") < Decimal("1500.00")) is stored


def test_a_late_commit_is_an_unknown_outcome_that_lands_later(rig, his):
    mdtrt_id = his.register()
    his.upload(mdtrt_id, ROWS)
    rig.simulator.faults.add("2207", "late_commit", 1, 60)  # long past the HTTP adapter's read timeout
    with pytest.raises(PlatformOutcomeUnknown):
        his.call("2207", his.settle_data(mdtrt_id, TOTAL))
    assert rig.simulator.balance(WORKER, "310") == Decimal("1500.00")
    assert rig.simulator.settle(timeout=30, now=True)
    assert rig.simulator.balance(WORKER, "310") < Decimal("1500.00")


def test_a_duplicate_delivery_is_refused_as_a_duplicate_msgid(rig, his):
    mdtrt_id = his.register()
    his.upload(mdtrt_id, ROWS)
    rig.simulator.faults.add("2207", "duplicate_delivery", 1, 0)
    with pytest.raises(PlatformRefused) as refused:
        his.call("2207", his.settle_data(mdtrt_id, TOTAL))
    assert refused.value.err_msg == f"报文ID重复[{his.last_msgid}]"
    assert rig.simulator.balance(WORKER, "310") < Decimal("1500.00")  # while the first delivery committed


def test_error_reply_is_a_refusal_and_delay_is_harmless(rig, his):
    rig.simulator.faults.add("1101", "error_reply", 1, 0)
    with pytest.raises(PlatformRefused):
        his.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person(WORKER).certno}})
    rig.simulator.faults.add("1101", "delay", 1, 0.2)
    out = his.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person(WORKER).certno}})
    assert out.output["baseinfo"]["psn_no"] == WORKER


BIG = bytes(range(256)) * (5 << 10)  # 1.25 MiB


@pytest.mark.parametrize("content", [b"PK\x03\x04 binary \x00\xff bytes", "门诊结算明细\tnull\n".encode(), BIG],
                         ids=["binary", "text", "big"])
def test_file_upload_then_download(rig, his, content):
    up = his.call("9101", {"fsUploadIn": {"in": content, "filename": "对账明细.txt", "fixmedins_code": "H42010600001"}})
    number = up.output["file_qury_no"]
    down = his.call("9102", {"fsDownloadIn": {"file_qury_no": number, "filename": "对账明细.txt",
                                              "fixmedins_code": "H42010600001"}})
    assert down.output["file"] == content  # bytes, whatever the size, unless a caller asks to stream
    assert down.output["filename"] == "对账明细.txt"
    if rig.kind == "http":
        # with a limit (the catalogue sync's), a body above it is streamed to a temporary file and
        # handed over rewound; one below it still comes as bytes
        streaming = HttpPlatform(replace(rig.platform.settings, download_in_memory=1 << 20), rig.platform.institution,
                                 rig.platform.catalogue, transport=rig.platform.transport)
        reader = Driver(streaming, his.operator)
        reader.sign_no = his.sign_no
        got = reader.call("9102", {"fsDownloadIn": {"file_qury_no": number, "filename": "对账明细.txt",
                                                  "fixmedins_code": "H42010600001"}}).output["file"]
        if content is BIG:
            assert hasattr(got, "read") and not isinstance(got, bytes)
            with got:
                got = got.read()
        assert got == content
