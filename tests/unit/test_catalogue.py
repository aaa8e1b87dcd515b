from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path

import pytest
from catalogue_inputs import settle_input

from ports.catalogue import decode_output, load_catalogue, validate_request

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "spec"
catalogue = load_catalogue()


def _builder():
    spec = importlib.util.spec_from_file_location("build_catalogue", ROOT / "tools" / "build_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a:
                yield f"{path}/{key}: only in the spec"
            elif key not in b:
                yield f"{path}/{key}: only in the shipped catalogue"
            else:
                yield from _diff(a[key], b[key], f"{path}/{key}")
    elif a != b:
        yield f"{path}: shipped {a!r} != spec {b!r}"


@pytest.mark.skipif(not SPEC.is_dir(), reason="../shared/spec is only on development and CI machines")
def test_shipped_catalogue_matches_the_spec():
    built, dicts = _builder().build(SPEC)
    data = ROOT / "src" / "ports" / "catalogue" / "data"
    shipped = json.loads((data / "transactions.json").read_text(encoding="utf-8"))
    shipped_dicts = json.loads((data / "dicts.json").read_text(encoding="utf-8"))
    differences = list(_diff(shipped, built, "transactions")) + list(_diff(shipped_dicts, dicts, "dicts"))
    assert not differences, "catalogue differs from ../shared/spec (run tools/build_catalogue.py):\n" + "\n".join(differences)


@pytest.mark.skipif(not SPEC.is_dir(), reason="../shared/spec is only on development and CI machines")
def test_the_projects_copy_of_the_interface_list_is_current():
    assert (ROOT / "tests" / "fixtures" / "interfaces.tsv").read_bytes() == (SPEC / "interfaces.tsv").read_bytes()


def _hubei_rows():
    import csv
    with open(ROOT / "tests" / "fixtures" / "interfaces.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_every_row_of_the_hubei_list_is_catalogued():
    rows = _hubei_rows()
    assert len(rows) == 189
    missing = [r["code"] for r in rows if r["code"] not in catalogue]
    assert not missing, f"not in the catalogue: {missing}"
    for r in rows:
        tx = catalogue.get(r["code"])
        assert tx.in_hubei_list and tx.call_mode == r["call_mode"], r["code"]
        assert tx.input or tx.output or tx.fields_source != "spec", r["code"]
    assert {tx.code for tx in catalogue if tx.gateway == "mobile"} == {r["code"] for r in rows if r["code"].startswith("6")}
    assert {tx.code for tx in catalogue if tx.file_based} == {"9101", "9102"}
    assert sorted(tx.code for tx in catalogue if not tx.applicable) == ["1301", "1302", "1303", "1304", "1305", "1306"]


def test_nested_rows_are_validated_with_their_path():
    tx = catalogue.get("3101")
    payload = {"data": {"syscode": "HIS", "patient_dtos": [{"patn_id": "1", "patn_name": "甲", "gend": "1",
                                                             "brdy": "1990-13-01", "poolarea": "420106",
                                                             "curr_mdtrt_id": "M1", "fsi_encounter_dtos": []}]}}
    found = {v.field for v in validate_request(catalogue, tx, payload)}
    assert "data.patient_dtos[0].brdy" in found


def test_convention_entries_accept_any_fields():
    tx = catalogue.get("8101")
    assert tx.fields_source == "convention" and tx.unconfirmed
    assert validate_request(catalogue, tx, {"data": {"anything": "goes"}}) == []


def test_issue_transactions_are_catalogued():
    for code in ("1101", "2201", "2201A", "2202", "2203", "2203A", "2204", "2205", "2206", "2207", "2208",
                 "2601", "9001", "9002"):
        assert code in catalogue, code
    assert catalogue.get("2207").reversible and not catalogue.get("2201").reversible
    assert not catalogue.get("1301").applicable and catalogue.get("1301").replaced_by == "1312a"


def test_valid_request_has_no_violations():
    assert validate_request(catalogue, catalogue.get("2207"), settle_input()) == []


@pytest.mark.parametrize("change, field, words", [
    ({"psn_no": ""}, "data.psn_no", "required"),
    ({"psn_no": "9" * 31}, "data.psn_no", "longer than 30"),
    ({"medfee_sumamt": "12.505"}, "data.medfee_sumamt", "decimal places"),
    ({"medfee_sumamt": 12.5}, "data.medfee_sumamt", "binary float"),
    ({"medfee_sumamt": "twelve"}, "data.medfee_sumamt", "not a plain decimal number"),
    ({"medfee_sumamt": "12345678901234567.00"}, "data.medfee_sumamt", "integer digits"),
    ({"insutype": "999"}, "data.insutype", "险种类型"),
    ({"acct_used_flag": "Y"}, "data.acct_used_flag", "yes_no"),
])
def test_each_violation_names_its_field(change, field, words):
    found = validate_request(catalogue, catalogue.get("2207"), settle_input(**change))
    assert [v.field for v in found] == [field]
    assert words in found[0].description


def test_rows_are_named_by_index():
    row = {"feedetl_sn": "1", "mdtrt_id": "M1", "psn_no": "P1", "chrg_bchno": "B1", "rx_circ_flag": "0",
           "fee_ocur_time": "2026-03-02 09:00:00", "med_list_codg": "X", "medins_list_codg": "HX",
           "det_item_fee_sumamt": "1.00", "cnt": "1", "pric": "1", "bilg_dept_codg": "D", "bilg_dept_name": "内科",
           "bilg_dr_codg": "DR", "bilg_dr_name": "王", "hosp_appr_flag": "1"}
    bad = dict(row, fee_ocur_time="2026-03-02", cnt="1.23456")
    found = validate_request(catalogue, catalogue.get("2204"), {"feedetail": [row, bad]})
    assert sorted(v.field for v in found) == ["feedetail[1].cnt", "feedetail[1].fee_ocur_time"]
    assert validate_request(catalogue, catalogue.get("2204"), {"feedetail": []})[0].field == "feedetail"


# ---- corrections of the spec (issue 7) -----------------------------------------------------------
def _labels(fields):
    for f in fields:
        yield f.label
        yield from _labels(f.items)


def test_no_label_carries_source_code_debris():
    # 5205's psn_no was labelled "{ get; set; }// 人员编号", copied from a C# model
    debris = [(tx.code, node.name, label) for tx in catalogue for node in (*tx.input, *tx.output)
              for label in _labels(node.fields) if any(mark in label for mark in ("{", "}", "//", ";"))]
    assert not debris


def test_5205_rows_are_read_from_feedetail():
    tx = catalogue.get("5205")
    row = {"feedetl_sn": "YD-1", "psn_no": "P1", "fee_ocur_time": "2025-06-16 09:20:00", "cnt": "2",
           "pric": "12.5", "med_list_codg": "X"}
    output, problems = decode_output(tx, {"feedetail": [row]})
    assert problems == []
    [decoded] = output["feedetail"]
    assert (decoded["feedetl_sn"], decoded["cnt"], decoded["pric"]) == ("YD-1", Decimal("2"), Decimal("12.5"))
    assert decoded["psn_no"] == "P1" and tx.output_node("feedetail").field("psn_no").label == "人员编号"


def test_2402_diagnoses_carry_the_mdtrt_id():
    diagnosis = {"psn_no": "P1", "diag_type": "1", "maindiag_flag": "1", "diag_srt_no": "1", "diag_code": "J18.900",
                 "diag_name": "肺炎", "diag_dept": "内科", "dise_dor_no": "D001", "dise_dor_name": "王医生",
                 "diag_time": "2025-06-15 09:00:00"}
    discharge = {"mdtrt_id": "M1", "psn_no": "P1", "insutype": "310", "endtime": "2025-06-15 10:00:00",
                 "dscg_dept_codg": "NK02", "dscg_dept_name": "内科病区", "dscg_way": "1"}
    tx = catalogue.get("2402")
    found = validate_request(catalogue, tx, {"dscginfo": discharge, "diseinfo": [diagnosis]})
    assert [v.field for v in found] == ["diseinfo[0].mdtrt_id"]
    assert validate_request(catalogue, tx, {"dscginfo": discharge, "diseinfo": [dict(diagnosis, mdtrt_id="M1")]}) == []


# ---- node marks, required marks (issue 7) --------------------------------------------------------
def test_node_level_marks_are_carried():
    # a node's own mark
    assert catalogue.get("3203").output_node("result").unconfirmed
    assert catalogue.get("5101").input_node("data").unconfirmed and not catalogue.get("5101").output_node("feedetail").unconfirmed
    # the transaction marks all its node names (unconfirmed_node_name), or its input (unconfirmed_input)
    assert all(n.unconfirmed for n in (*catalogue.get("5201").input, *catalogue.get("5201").output))
    assert catalogue.get("4208").input_node("").unconfirmed and not catalogue.get("4208").output_node("data").unconfirmed
    # a node marked unconfirmed, with the spec's note
    node = catalogue.get("2407").output_node("IptPsnSpFlagReg")
    assert node.unconfirmed and "node name is unusual" in node.note
    # confirmed (5205: unconfirmed_node_name false), and a note on a confirmed node
    assert not catalogue.get("5205").output_node("feedetail").unconfirmed
    assert catalogue.get("1101").output_node("insuinfo").note.startswith("One row per 险种")
    assert not catalogue.get("1101").output_node("insuinfo").unconfirmed


def test_only_a_doubt_about_required_makes_required_unconfirmed():
    data = catalogue.get("2304").input_node("data")
    assert data.field("acct_used_flag").required_unconfirmed  # unconfirmed_attrs: ["required"]
    assert data.field("psn_no").required and not data.field("psn_no").required_unconfirmed
    # 2406 mdtrt_id doubts its length and required; a field doubted otherwise (label, length) is not
    assert catalogue.get("2406").input_node("data").field("mdtrt_id").required_unconfirmed
    doubted_otherwise = [f for tx in catalogue for n in tx.input for f in n.fields
                         if f.unconfirmed and not f.required_unconfirmed]
    assert doubted_otherwise


def test_codes_are_found_whatever_their_case():
    for asked, spelled in (("4101A", "4101a"), ("4101a", "4101a"), ("1312A", "1312a"), ("2201a", "2201A"),
                           ("2201A", "2201A"), ("yh03", "YH03"), ("3204B", "3204b"), ("1101", "1101")):
        assert catalogue.get(asked).code == spelled, asked
        assert asked in catalogue
    assert catalogue.get("0000") is None and catalogue.get("2201b") is None and "2201AA" not in catalogue
