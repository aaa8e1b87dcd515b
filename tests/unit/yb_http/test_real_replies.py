"""Conformance: every real platform message in tests/fixtures/real_replies goes through the HTTP
adapter's reply handling and becomes the right result or the right typed error, amounts exact."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.yb_http.reply import parse_reply
from adapters.yb_http.wire import encode_json, normalise_infcode
from ports.catalogue import load_catalogue
from ports.platform import PlatformOutcomeUnknown, PlatformRefused, PlatformReply, ReplyInvalid

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real_replies"
CASES = sorted(p for p in FIXTURES.glob("*.json") if "-response-" in p.name)
catalogue = load_catalogue()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def body_of(case: dict) -> bytes:
    if "raw" in case:
        return case["raw"].encode("utf-8")
    return encode_json(case["message"]).encode("utf-8")


def money_fields(tx):
    for node in tx.output:
        for f in node.fields:
            if f.type == "decimal" and f.scale == 2 and (f.precision or 0) >= 10:
                yield node, f


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_real_reply(path: Path) -> None:
    case = load(path)
    tx = catalogue.get(case["infno"])
    body = body_of(case)
    message = case.get("message")
    if message is None:  # not valid JSON as captured
        with pytest.raises(PlatformOutcomeUnknown):
            parse_reply(200, body, tx, "M1")
        return
    infcode = normalise_infcode(message.get("infcode"))
    assert infcode is not None, "every fixture carries an infcode"
    if infcode != 0:
        with pytest.raises(PlatformRefused) as refused:
            parse_reply(200, body, tx, "M1")
        assert refused.value.infcode == infcode
        assert refused.value.err_msg == message["err_msg"]
        return
    if isinstance(message.get("output"), str):
        with pytest.raises(ReplyInvalid, match="encrypted"):
            parse_reply(200, body, tx, "M1")
        return
    reply = parse_reply(200, body, tx, "M1")
    assert isinstance(reply, PlatformReply)
    assert reply.inf_refmsgid == (message.get("inf_refmsgid") or "")
    if tx is None:
        return
    original = message.get("output") or {}
    for node, f in money_fields(tx):
        rows = original.get(node.name) if node.name else original
        decoded = reply.output.get(node.name) if node.name else reply.output
        if isinstance(rows, dict):
            rows, decoded = [rows], [decoded]
        for raw_row, row in zip(rows or [], decoded or []):
            raw = raw_row.get(f.name)
            value = row[f.name]
            if raw is None or raw == "":
                assert value is None
            else:
                # the value written, exactly (no fixture carries money with more than two places, so
                # nothing is rounded), and two places as money always has; not domain.money's rule
                assert isinstance(value, Decimal), f"{node.name}.{f.name}"
                assert value == Decimal(str(raw)) and value.as_tuple().exponent == -2, f"{node.name}.{f.name}={raw}"


def test_every_fixture_is_exercised() -> None:
    assert len(CASES) >= 28


def test_settlement_amounts_are_exact() -> None:
    reply = parse_reply(200, body_of(load(FIXTURES / "2207-response-1.json")), catalogue.get("2207"), "M1")
    setl = reply.output["setlinfo"]
    assert setl["medfee_sumamt"] == Decimal("4.52")
    assert setl["acct_pay"] + setl["psn_cash_pay"] == setl["psn_part_amt"]
    assert reply.output["setldetail"][0]["fund_payamt"] == Decimal("4.52")


def test_negative_reversal_amounts() -> None:
    reply = parse_reply(200, body_of(load(FIXTURES / "2208-response-1.json")), catalogue.get("2208"), "M1")
    assert reply.output["setlinfo"]["medfee_sumamt"] < 0


def test_gateway_error_without_infcode_is_uncertain() -> None:
    with pytest.raises(PlatformOutcomeUnknown, match="without infcode"):
        parse_reply(500, b'{"code":400001,"msg":"signature invalid"}', catalogue.get("2207"), "M1")


def test_html_body_is_uncertain() -> None:
    with pytest.raises(PlatformOutcomeUnknown, match="unreadable"):
        parse_reply(502, b"<html>502 Bad Gateway</html>", catalogue.get("2207"), "M1")


def test_an_unparsable_number_with_infcode_0_is_a_success_with_a_problem() -> None:
    # infcode 0: the platform settled. The odd amount is kept as sent and named, never doubted.
    body = b'{"infcode":0,"err_msg":"","output":{"setlinfo":{"setl_id":"S1","medfee_sumamt":"abc"},"setldetail":[]}}'
    reply = parse_reply(200, body, catalogue.get("2207"), "M1")
    assert reply.output["setlinfo"]["setl_id"] == "S1"
    assert reply.output["setlinfo"]["medfee_sumamt"] == "abc"
    assert [p.field for p in reply.problems] == ["setlinfo.medfee_sumamt"]


def test_a_message_beside_infcode_0_is_kept_as_the_platforms_message() -> None:
    body = '{"infcode":"0","err_msg":"提示：该患者本年度门诊统筹已用完","output":{"data":{"mdtrt_id":"M9"}}}'.encode()
    reply = parse_reply(200, body, catalogue.get("2201"), "M1")
    assert reply.output["data"]["mdtrt_id"] == "M9"
    assert reply.message == "提示：该患者本年度门诊统筹已用完"


def test_spaced_date_is_normalised() -> None:
    reply = parse_reply(200, body_of(load(FIXTURES / "1101-response-3.json")), catalogue.get("1101"), "M1")
    assert reply.output["baseinfo"]["brdy"] == "2019-04-08"


def test_an_absurd_amount_with_infcode_0_is_a_problem_not_a_crash() -> None:
    body = b'{"infcode":0,"output":{"setlinfo":{"setl_id":"S1","medfee_sumamt":1e309,"acct_pay":"NaN"}}}'
    reply = parse_reply(200, body, catalogue.get("2207"), "M1")
    assert reply.output["setlinfo"]["setl_id"] == "S1"
    assert sorted(p.field for p in reply.problems) == ["setlinfo.acct_pay", "setlinfo.medfee_sumamt"]
