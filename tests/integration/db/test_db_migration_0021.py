"""Migration 0021: a stay stored by 0020 (fee rows and settlements inside its JSON body) comes out of the
upgrade with them as rows of fee_items, settlements and setl_details, and reads back the same."""
from __future__ import annotations

import json
import os
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from adapters.db import migrate
from adapters.db import tables as t
from adapters.db.engine import make_engine, make_session_factory
from adapters.db.unit_of_work import SqlUnitOfWork
from domain.admission import AdmissionState
from domain.settlement import SettlementState
from domain.visit import FeeState

ADMISSION = "ADM-0021"


def _fee(sn: str, state: str) -> dict:
    return {"feedetl_sn": sn, "chrg_bchno": "D1", "med_list_codg": "XJ01CAA040A001010104022",
            "medins_list_codg": "HIS1", "det_item_fee_sumamt": "25.00", "cnt": "2.0000", "pric": "12.500000",
            "fee_ocur_time": "2026-03-02T10:40:00", "bilg_dept_codg": "NK02", "bilg_dept_name": "内科病区",
            "bilg_dr_codg": "D001", "bilg_dr_name": "王医生", "medins_list_name": "头孢", "rx_circ_flag": "0",
            "hosp_appr_flag": "1", "state": state, "chrgitm_lv": "01", "med_chrgitm_type": "09",
            "fulamt_ownpay_amt": "0.00", "overlmt_amt": "0.00", "preselfpay_amt": "1.25", "inscp_scp_amt": "23.75"}


def _settlement(setl_id: str, sign: str, state: str, cancel_setl_id: str = "", discrepancies=()) -> dict:
    amounts = {name: None for name in ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
                                       "act_pay_dedc", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay",
                                       "maf_pay", "oth_pay", "hosp_part_amt", "balc", "acct_mulaid_pay",
                                       "hifdm_pay")}
    return {"mdtrt_id": "M0021", "psn_no": "P0021", "chrg_bchno": "", "setl_id": setl_id,
            "medins_setl_id": f"H{setl_id}", "setl_time": "2026-03-05T11:00:00", "insutype": "310",
            "med_type": "21", "clr_type": "21", "clr_way": "1", "clr_optins": "420100",
            "pool_prop_selfpay": "0.1500", **amounts, "medfee_sumamt": f"{sign}50.00",
            "hifp_pay": f"{sign}35.00", "fund_pay_sumamt": f"{sign}35.00", "psn_part_amt": f"{sign}15.00",
            "acct_pay": f"{sign}10.00", "psn_cash_pay": f"{sign}5.00", "state": state,
            "cancel_setl_id": cancel_setl_id,
            "details": [{"fund_pay_type": "310100", "fund_payamt": f"{sign}35.00", "inscp_scp_amt": "47.50",
                         "crt_payb_lmt_amt": None, "fund_pay_type_name": "统筹基金", "setl_proc_info": ""},
                        {"fund_pay_type": "310200", "fund_payamt": "0.00", "inscp_scp_amt": "0.00",
                         "crt_payb_lmt_amt": "100.00", "fund_pay_type_name": "", "setl_proc_info": "个人账户"}],
            "discrepancies": list(discrepancies)}


DIAGNOSIS = {"diag_type": "1", "diag_srt_no": 1, "diag_code": "J18.900", "diag_name": "肺炎", "diag_dept": "内科",
             "dise_dor_no": "D001", "dise_dor_name": "王医生", "diag_time": "2026-03-02T09:40:00",
             "vali_flag": "1", "maindiag_flag": "1"}
BODY = {"diagnoses": [DIAGNOSIS], "discharge_diagnoses": [DIAGNOSIS],
        "fees": [_fee("F1", "UPLOADED"), _fee("F2", "CANCELLED"), _fee("F3", "UPLOADED")],
        "settlements": [_settlement("S1", "", "CANCELLED", "S2", ["a + b = 3, not c 4 (differs by 1)"]),
                        _settlement("S2", "-", "CANCELLED")]}


def _store_at_0020(url: str) -> None:
    migrate.upgrade(url, "0020")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO insured_admissions (id, psn_no, insutype, med_type, mdtrt_cert_type, mdtrt_cert_no,"
                " ipt_no, begntime, dept_code, dept_name, caty, atddr_no, chfpdr_name, adm_bed, adm_diag_dscr,"
                " dise_codg, dise_name, insuplc_admdvs, psn_name, mdtrt_id, state, endtime, dscg_dept_code,"
                " dscg_dept_name, dscg_way, settling_since, body, version) VALUES (:id, 'P0021', '310', '21', '02',"
                " 'C', 'ZY0021', :begn, 'NK02', '内科病区', 'A03', 'D001', '王医生', '12', '', '', '', '420100',"
                " '张三', 'M0021', 'DISCHARGED', :end, 'NK02', '内科病区', '1', NULL, :body, 7)"),
                {"id": ADMISSION, "begn": datetime(2026, 3, 2, 9, 40), "end": datetime(2026, 3, 5, 10),
                 "body": json.dumps(BODY, ensure_ascii=False, sort_keys=True)})
            conn.execute(text(  # a stay without fees: nothing to move
                "INSERT INTO insured_admissions (id, psn_no, insutype, med_type, mdtrt_cert_type, mdtrt_cert_no,"
                " ipt_no, begntime, dept_code, dept_name, caty, atddr_no, chfpdr_name, adm_bed, adm_diag_dscr,"
                " dise_codg, dise_name, insuplc_admdvs, psn_name, mdtrt_id, state, dscg_dept_code, dscg_dept_name,"
                " dscg_way, body, version) VALUES ('ADM-EMPTY', 'P1', '310', '21', '02', 'C', 'ZY-EMPTY', :begn,"
                " 'NK02', '', '', '', '', '', '', '', '', '', '', NULL, 'REGISTERING', '', '', '', :body, 1)"),
                {"begn": datetime(2026, 3, 2, 9, 40),
                 "body": json.dumps({"diagnoses": [], "discharge_diagnoses": [], "fees": [], "settlements": []})})
    finally:
        engine.dispose()


def _check_upgraded(url: str) -> None:
    migrate.upgrade(url)
    assert migrate.is_up_to_date(url)
    engine = make_engine(url)
    try:
        with SqlUnitOfWork(make_session_factory(engine)) as uow:
            adm = uow.admissions.get(ADMISSION)
            empty = uow.admissions.get("ADM-EMPTY")
        assert adm.state is AdmissionState.DISCHARGED and adm.version == 7
        assert [(f.feedetl_sn, f.state) for f in adm.fees] == [
            ("F1", FeeState.UPLOADED), ("F2", FeeState.CANCELLED), ("F3", FeeState.UPLOADED)]
        fee = adm.fees[0]
        assert (fee.cnt, fee.pric, fee.det_item_fee_sumamt, fee.preselfpay_amt) == (
            Decimal("2.0000"), Decimal("12.500000"), Decimal("25.00"), Decimal("1.25"))
        assert fee.fee_ocur_time == datetime(2026, 3, 2, 10, 40) and fee.chrgitm_lv == "01"
        original, negative = adm.settlements
        assert (original.setl_id, original.state, original.cancel_setl_id) == ("S1", SettlementState.CANCELLED, "S2")
        assert original.discrepancies == ["a + b = 3, not c 4 (differs by 1)"] and negative.discrepancies == []
        assert (negative.medfee_sumamt, negative.acct_pay, negative.balc) == (
            Decimal("-50.00"), Decimal("-10.00"), None)
        assert original.pool_prop_selfpay == Decimal("0.1500") and original.setl_time == datetime(2026, 3, 5, 11)
        assert [(d.fund_pay_type, d.fund_payamt, d.crt_payb_lmt_amt) for d in negative.details] == [
            ("310100", Decimal("-35.00"), None), ("310200", Decimal("0.00"), Decimal("100.00"))]
        assert adm.discharge_diagnoses[0].diag_code == "J18.900"
        assert adm.diagnoses[0].diag_time == datetime(2026, 3, 2, 9, 40)
        assert empty.fees == [] and empty.settlements == []

        S, F = t.settlements, t.fee_items
        with engine.connect() as conn:
            setl = conn.execute(select(S.c.setl_id, S.c.visit_id).where(S.c.admission_id == ADMISSION)
                                .order_by(S.c.id)).all()
            fees = conn.execute(select(F.c.feedetl_sn).where(F.c.admission_id == ADMISSION).order_by(F.c.id)).all()
            body = json.loads(conn.execute(text("SELECT body FROM insured_admissions WHERE id = :id"),
                                           {"id": ADMISSION}).scalar_one())
        assert [tuple(r) for r in setl] == [("S1", None), ("S2", None)]
        assert [r[0] for r in fees] == ["F1", "F2", "F3"]
        assert sorted(body) == ["diagnoses", "discharge_diagnoses"]
    finally:
        engine.dispose()


def test_upgrading_from_0020_moves_a_stays_json_fees_and_settlements_into_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'at0020.db'}"
    _store_at_0020(url)
    _check_upgraded(url)


@pytest.mark.postgres_only
def test_upgrading_from_0020_on_postgresql(database_url):
    parsed = make_url(os.environ["HIS_TEST_DATABASE_URL"].strip())
    name = f"{make_url(database_url).database}_m0021"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    url = parsed.set(database=name).render_as_string(hide_password=False)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        _store_at_0020(url)
        _check_upgraded(url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_downgrading_below_0021_refuses_while_stays_own_rows(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'down.db'}"
    _store_at_0020(url)
    migrate.upgrade(url)
    with pytest.raises(RuntimeError, match="rows of hospital stays"):
        with migrate._migration_connection(url) as conn:
            command.downgrade(migrate._config(url, conn), "0020")
    assert migrate.current_revision(url) == "0021"
