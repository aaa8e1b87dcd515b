"""Hostile input that request validation must refuse before anything is journaled or sent: numbers
in exponent form or in other scripts' digits, control and formatting characters at any depth,
strings beyond any bound, nesting and size without end; and messages that repeat only an excerpt."""
from __future__ import annotations

from decimal import Decimal

import pytest
from catalogue_inputs import settle_input

from ports.catalogue import check_request, decode_output, load_catalogue, validate_request
from ports.catalogue.validation import (EXTENSION_DEPTH, MAX_DEPTH, MAX_VALUES, MAX_VIOLATIONS, TEXT_BOUND,
                                        LARGE_TEXT_BOUND)
from ports.jsoncodec import parse_json

catalogue = load_catalogue()
SHORT = 200  # no description may be longer, whatever it refuses


def fee_row(**changes) -> dict:
    row = {"feedetl_sn": "1", "mdtrt_id": "M1", "psn_no": "P1", "chrg_bchno": "B1", "rx_circ_flag": "0",
           "fee_ocur_time": "2026-03-02 09:00:00", "med_list_codg": "X", "medins_list_codg": "HX",
           "det_item_fee_sumamt": "1.00", "cnt": "1", "pric": "1", "bilg_dept_codg": "D", "bilg_dept_name": "内科",
           "bilg_dr_codg": "DR", "bilg_dr_name": "王", "hosp_appr_flag": "1"}
    row.update(changes)
    return row


def problems(code: str, payload: object) -> dict[str, str]:
    found = validate_request(catalogue, catalogue.get(code), payload)
    assert all(len(v.description) <= SHORT and len(v.field) <= SHORT for v in found), found
    return {v.field: v.description for v in found}


def test_the_valid_forms_still_pass():
    assert problems("2207", settle_input()) == {}
    assert problems("2207", settle_input(medfee_sumamt="-12.50", psn_no=12345, inscp_scp_amt=Decimal("12.500"))) == {}
    assert problems("2204", {"feedetail": [fee_row(memo="第一行\n第二行", sin_dos_dscr="每次\t1片")]}) == {}


# ---- numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, words", [
    (Decimal("1E+309"), "exponent form"),  # what JSON 1e309 parses to
    (Decimal("1E+2"), "exponent form"),
    (Decimal("NaN"), "not a finite number"),
    (Decimal("Infinity"), "not a finite number"),
    ("1e309", "not a plain decimal number"),
    ("1E+2", "not a plain decimal number"),
    ("NaN", "not a plain decimal number"),
    ("Infinity", "not a plain decimal number"),
    (" 12.50", "not a plain decimal number"),
    ("1_000.00", "not a plain decimal number"),
    ("１２.５０", "not a plain decimal number"),  # fullwidth digits: Decimal() would take them
    ("١٢", "not a plain decimal number"),  # Arabic-Indic digits
    ("9" * 5000, "not a plain decimal number"),
    pytest.param(10 ** 5000, "more than 40 digits", id="int-of-5001-digits"),
    (Decimal("1234567890123456789012345678.123"), "decimal places"),  # quantize would overflow the context
    (Decimal("0." + "0" * 60 + "1"), "more than 40 digits"),
])
def test_money_takes_plain_numbers_only(value, words):
    found = problems("2207", settle_input(medfee_sumamt=value))
    assert list(found) == ["data.medfee_sumamt"] and words in found["data.medfee_sumamt"]


def test_json_1e309_is_refused_in_money_and_in_text():
    payload = parse_json('{"data": {"psn_no": 1e309, "medfee_sumamt": 1e309}}')
    data = settle_input()["data"]
    data.update(payload["data"])
    found = problems("2207", {"data": data})
    assert set(found) == {"data.psn_no", "data.medfee_sumamt"}
    assert all("exponent form" in d for d in found.values())


@pytest.mark.parametrize("value, ok", [
    (12, True), ("12", True), ("-3", True), (True, False), ("1e3", False), ("１２", False), ("12.0", False),
    (10 ** 30, False), ("9" * 19, False), (Decimal("12"), False),
])
def test_integers_take_plain_ascii_digits(value, ok):
    tx = catalogue.get("4207")  # its fields sit directly under input
    assert tx.input_node("").field("page_num").type == "integer"
    payload = {"fixmedins_mdtrt_id": "F1", "fixmedins_code": "H1", "page_num": value, "page_size": 10}
    assert ("input.page_num" not in problems("4207", payload)) == ok


@pytest.mark.parametrize("value, words", [
    (Decimal("1E+309"), "exponent form"),
    (Decimal("NaN"), "not a finite number"),
    (10 ** 35, "longer than 30"),
    pytest.param(10 ** 5000, "more than 40 digits", id="int-of-5001-digits"),
    (12.5, "expected text"),
    (True, "expected text"),
])
def test_text_given_a_number_takes_a_plain_one_that_fits(value, words):
    found = problems("2207", settle_input(psn_no=value))
    assert list(found) == ["data.psn_no"] and words in found["data.psn_no"]


# ---- characters ------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["P1\x00", "\x1b[31mP1", "P\u202e1", "P1\u200b", "P\x7f1", "P1\n"])
def test_control_and_formatting_characters_are_refused(bad):
    found = problems("2207", settle_input(psn_no=bad))
    assert list(found) == ["data.psn_no"] and "control or formatting character" in found["data.psn_no"]


def test_line_breaks_only_in_free_text():
    assert problems("2204", {"feedetail": [fee_row(medc_way_dscr="口服\n饭后")]}) == {}  # declared 200
    found = problems("2204", {"feedetail": [fee_row(bilg_dept_name="内\n科")]})  # declared 100: one line
    assert list(found) == ["feedetail[0].bilg_dept_name"]
    found = problems("2204", {"feedetail": [fee_row(memo="备注\x00")]})  # NUL: nowhere
    assert list(found) == ["feedetail[0].memo"]


def test_every_string_at_every_depth_is_checked():
    found = problems("2204", {"feedetail": [fee_row(), fee_row(med_list_codg="X\x1b[2J")]})
    assert list(found) == ["feedetail[1].med_list_codg"]
    # a dictionary-coded field whose list is open (not checked against codes)
    found = problems("2207", settle_input(psn_type="1\x00"))
    assert list(found) == ["data.psn_type"]
    # nested rows (3101: data > patient_dtos[] > fsi_encounter_dtos[])
    payload = audit_payload(dise_name="肺炎\u202e")
    assert "data.patient_dtos[0].fsi_encounter_dtos[0].fsi_diagnose_dtos[0].dise_name" in problems("3101", payload)
    # fields and nodes the catalogue does not declare, and open nodes
    assert list(problems("2207", settle_input(remark="\x00"))) == ["data.remark"]
    assert list(problems("2207", {**settle_input(), "extra": {"a": ["ok", "\x1b"]}})) == ["extra.a[1]"]
    assert list(problems("8101", {"data": {"anything": {"deep": "\x07"}}})) == ["data.anything.deep"]
    assert problems("8101", {"data": {"anything": "goes\nhere"}}) == {}


def test_a_field_name_the_catalogue_does_not_know_is_checked_before_it_is_repeated():
    found = validate_request(catalogue, catalogue.get("2207"), settle_input(**{"\x1b[31mred": "1", "k" * 5000: "2"}))
    assert [v.field for v in found] == ["data", "data"]  # the row is named, not the bad name
    assert "control or formatting character" in found[0].description and "longer than 100" in found[1].description
    assert all(len(v.description) <= SHORT for v in found)


def audit_payload(**diagnosis) -> dict:
    row = {"dise_id": "1", "inout_dise_type": "1", "maindise_flag": "1", "dias_srt_no": "1", "dise_codg": "J18.900",
           "dise_name": "肺炎", "dise_date": "2025-06-10 08:00:00"}
    row.update(diagnosis)
    encounter = {"mdtrt_id": "M1", "medins_id": "H1", "medins_name": "医院", "medins_admdvs": "420106",
                 "medins_type": "1", "medins_lv": "1", "wardarea_codg": "", "wardno": "", "bedno": "",
                 "adm_date": "2025-06-10 08:00:00", "dscg_date": "2025-06-15 08:00:00", "dscg_main_dise_codg": "J18.9",
                 "dscg_main_dise_name": "肺炎", "fsi_diagnose_dtos": [row]}
    patient = {"patn_id": "1", "patn_name": "甲", "gend": "1", "brdy": "1990-01-01", "poolarea": "420106",
               "curr_mdtrt_id": "M1", "fsi_encounter_dtos": [encounter]}
    return {"data": {"syscode": "HIS", "patient_dtos": [patient]}}


# ---- lengths and sizes -----------------------------------------------------------------------------
def test_a_string_without_a_declared_length_is_bounded():
    # an undeclared field, and an open node's field: TEXT_BOUND
    assert "longer than 4000" in problems("2207", settle_input(remark="x" * (TEXT_BOUND + 1)))["data.remark"]
    assert problems("2207", settle_input(remark="x" * TEXT_BOUND)) == {}
    assert "longer than 4000" in problems("8101", {"data": {"note": "x" * (TEXT_BOUND + 1)}})["data.note"]


def test_a_large_text_takes_a_document_but_not_without_end():
    tx = catalogue.get("7101")
    node = tx.input_node("data")
    assert node.field("rx_file").large_text and node.field("rx_file").length is None  # 大文本
    document = "QUJD" * 50_000  # 200,000 characters of Base64
    found = {v.field for v in validate_request(catalogue, tx, {node.name: {"rx_file": document}})}
    assert f"{node.name}.rx_file" not in found
    found = {v.field: v.description for v in
             validate_request(catalogue, tx, {node.name: {"rx_file": "A" * (LARGE_TEXT_BOUND + 1)}})}
    assert f"longer than {LARGE_TEXT_BOUND}" in found[f"{node.name}.rx_file"]


def test_the_whole_request_is_bounded_in_depth():
    deep: object = "x"
    for _ in range(5000):  # far beyond Python's recursion limit, were it walked without a bound
        deep = {"k": deep}
    found = problems("2207", settle_input(remark=deep))
    # data.remark is level 3 (input 1, data 2): the first container below MAX_DEPTH is named
    assert list(found) == ["data.remark" + ".k" * (MAX_DEPTH - 2)]
    assert f"nested deeper than {MAX_DEPTH} levels" in next(iter(found.values()))
    deep = "x"
    for _ in range(5000):
        deep = [deep]
    assert len(problems("8101", {"data": {"rows": deep}})) == 1


def filled(fields) -> dict:
    """A row with every declared field given a plain valid value, nested rows included."""
    row = {}
    for f in fields:
        dictionary = catalogue.dictionaries.get(f.dict or "")
        if f.type in ("array", "object") and f.items:
            row[f.name] = [filled(f.items)] if f.type == "array" else filled(f.items)
        elif f.type in ("array", "object"):
            row[f.name] = [] if f.type == "array" else {}
        else:
            row[f.name] = {"decimal": "1", "integer": 1, "date": "2025-06-16", "datetime": "2025-06-16 09:30:00",
                           "bytes": "QUJD"}.get(f.type) or (next(iter(dictionary.codes)) if dictionary and
                                                                dictionary.closed else "1")
    return row


def depth_of(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


def test_every_declared_field_filled_at_every_depth_passes():
    deepest = 0
    for tx in catalogue:
        payload = {}
        for node in tx.input:
            row = filled(node.fields)
            if node.name == "":
                payload.update(row)
            else:
                payload[node.name] = [row] if node.is_array else row
        assert validate_request(catalogue, tx, payload) == [], tx.code
        deepest = max(deepest, depth_of(payload))
    assert deepest == 8 <= MAX_DEPTH  # 3101's diagnoses: data > patient_dtos[] > fsi_encounter_dtos[] > rows


def test_the_whole_request_is_bounded_in_size():
    rows = [fee_row(feedetl_sn=str(i)) for i in range(MAX_VALUES // 16 + 1)]
    found = validate_request(catalogue, catalogue.get("2204"), {"feedetail": rows})
    assert len(found) == 1 and f"more than {MAX_VALUES}" in found[0].description
    assert found[0].field.startswith("feedetail")


def test_violations_listed_are_bounded():
    rows = [fee_row(feedetl_sn=str(i), cnt="x") for i in range(500)]
    found = validate_request(catalogue, catalogue.get("2204"), {"feedetail": rows})
    assert len(found) == MAX_VIOLATIONS + 1 and "more problems" in found[-1].description


def test_an_extension_object_is_bounded_in_depth_and_size():
    assert problems("2207", settle_input(exp_content={"a": {"b": "1"}, "c": [1, "2"]})) == {}
    deep: object = "x"
    for _ in range(EXTENSION_DEPTH):
        deep = {"k": deep}
    assert problems("2207", settle_input(exp_content=deep)) == {}
    deep = {"k": deep}
    assert "nests at most" in problems("2207", settle_input(exp_content=deep))["data.exp_content.k.k.k"]
    found = problems("2207", settle_input(exp_content={f"k{i}": "x" * 100 for i in range(50)}))
    assert "at most 4000" in found["data.exp_content"]


def test_messages_repeat_only_an_excerpt():
    huge = "9" * 100_000
    for code, payload in (("2207", settle_input(medfee_sumamt=huge)), ("2207", settle_input(insutype=huge + "x")),
                          ("2207", settle_input(begntime=huge)), ("2204", {"feedetail": [fee_row(fee_ocur_time=huge)]})):
        found = validate_request(catalogue, catalogue.get(code), payload)
        assert found and all(len(v.description) <= SHORT for v in found), found


# ---- required, where the sources disagree ------------------------------------------------------------
@pytest.mark.parametrize("code", ["2303", "2304"])
def test_a_field_whose_being_required_is_unconfirmed_is_only_warned_about(code):
    doubtful = ("acct_used_flag", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt")
    node = catalogue.get(code).input_node("data")
    assert all(node.field(n).required and node.field(n).required_unconfirmed for n in doubtful)
    data = {"psn_no": "P1", "mdtrt_cert_type": "02", "mdtrt_cert_no": "420106199001011234",
            "medfee_sumamt": "12.50", "psn_setlway": "01", "mdtrt_id": "M1", "insutype": "310", "mid_setl_flag": "0"}
    checked = check_request(catalogue, catalogue.get(code), {"data": data})
    assert checked.violations == []
    assert sorted(w.field for w in checked.warnings) == sorted(f"data.{n}" for n in doubtful)
    assert all("required" in w.description for w in checked.warnings)
    # a certain requirement still refuses
    checked = check_request(catalogue, catalogue.get(code), {"data": dict(data, psn_no="")})
    assert [v.field for v in checked.violations] == ["data.psn_no"]


def test_3201_refd_setl_flag_stays_required():
    spec = catalogue.get("3201").input_node("data").field("refd_setl_flag")
    assert spec.required and not spec.required_unconfirmed
    data = {"insutype": "310", "clr_type": "11", "setl_optins": "420106", "stmt_begndate": "2025-06-01",
            "stmt_enddate": "2025-06-30", "medfee_sumamt": "0.00", "fund_pay_sumamt": "0.00",
            "acct_pay": "0.00", "fixmedins_setl_cnt": 0}
    checked = check_request(catalogue, catalogue.get("3201"), {"data": data})
    assert "data.refd_setl_flag" in {v.field for v in checked.violations}
    assert "data.refd_setl_flag" not in {w.field for w in checked.warnings}


def test_a_reply_problem_repeats_only_an_excerpt():
    output, found = decode_output(catalogue.get("2207"), {"setlinfo": {"medfee_sumamt": "x" * 100_000}})
    assert [v.field for v in found] == ["setlinfo.medfee_sumamt"] and len(found[0].description) <= SHORT
