"""The 医保 side of a hospital stay in the database: its fee rows and settlements are rows of fee_items,
settlements and setl_details (admission_id), beside the outpatient ones (visit_id)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from adapters.db import tables as t
from adapters.db.admission_tables import insured_admissions
from db_builders import BEGIN, build_diagnosis, build_fee, build_settlement, build_visit, new_id
from domain.admission import AdmissionState, InsuredAdmission
from domain.errors import ConcurrencyConflict
from domain.settlement import SettlementState
from domain.visit import FeeState

F, S, SD = t.fee_items, t.settlements, t.setl_details


def build_admission(fees: int = 3) -> InsuredAdmission:
    adm = InsuredAdmission(
        id=new_id("A"), psn_no=new_id("P"), insutype="310", med_type="21", mdtrt_cert_type="02",
        mdtrt_cert_no="420106199001011234", ipt_no=new_id("ZY"), begntime=BEGIN, dept_code="NK02",
        dept_name="内科病区", caty="A03", atddr_no="D0001", chfpdr_name="王医生", state=AdmissionState.REGISTERING,
        diagnoses=[build_diagnosis(1)])
    adm.complete_admission(new_id("M"))
    if fees:
        adm.add_fees([build_fee(f"F{n}", "D0", "2", "1.25") for n in range(fees)])
    return adm


def settled(adm: InsuredAdmission) -> InsuredAdmission:
    adm.discharge(BEGIN + timedelta(days=3), "NK02", "内科病区", "1", [build_diagnosis(1, "J18.900")])
    adm.begin_settlement(BEGIN + timedelta(days=3, hours=1))
    settlement = build_settlement(adm, "", total=str(adm.unsettled_total()))
    settlement.discrepancies = ["psn_part_amt 1.00 is not acct_pay + psn_cash_pay", "setlinfo.balc x kept out"]
    adm.complete_settlement(settlement)
    return adm


def cancelled(adm: InsuredAdmission) -> InsuredAdmission:
    original = adm.active_settlement()
    negative = replace(original, setl_id=new_id("S"), medfee_sumamt=-original.medfee_sumamt,
                       details=[replace(d, fund_payamt=-d.fund_payamt) for d in original.details], discrepancies=[])
    adm.cancel_settlement(original.setl_id, negative)
    return adm


def store(sql_uow, adm: InsuredAdmission) -> None:
    with sql_uow:
        sql_uow.admissions.add(adm)
        sql_uow.commit()


def load(sql_uow, admission_id: str) -> InsuredAdmission:
    with sql_uow:
        return sql_uow.admissions.get(admission_id)


def rows(engine, table, admission_id: str) -> list:
    with engine.connect() as conn:
        return conn.execute(select(table).where(table.c.admission_id == admission_id).order_by(table.c.id)).all()


def test_a_stay_with_fees_a_settlement_and_its_cancellation_round_trips_as_rows(sql_uow, engine):
    adm = cancelled(settled(build_admission()))
    store(sql_uow, adm)

    loaded = load(sql_uow, adm.id)
    assert loaded is not adm and loaded == adm  # every field, every child, in order
    original, negative = loaded.settlements
    assert (original.state, original.cancel_setl_id) == (SettlementState.CANCELLED, negative.setl_id)
    assert negative.state is SettlementState.CANCELLED and negative.medfee_sumamt == Decimal("-7.50")
    assert original.discrepancies == ["psn_part_amt 1.00 is not acct_pay + psn_cash_pay", "setlinfo.balc x kept out"]
    assert [d.fund_payamt for d in negative.details] == [Decimal("-5.25"), Decimal("0.00")]
    assert original.details[0].crt_payb_lmt_amt == Decimal("0.10") and original.details[1].crt_payb_lmt_amt is None
    assert [f.state for f in loaded.fees] == [FeeState.UPLOADED] * 3
    assert loaded.discharge_diagnoses[0].diag_code == "J18.900"

    fee_rows, setl_rows = rows(engine, F, adm.id), rows(engine, S, adm.id)
    assert [r.feedetl_sn for r in fee_rows] == ["F0", "F1", "F2"] and {r.visit_id for r in fee_rows} == {None}
    assert [r.setl_id for r in setl_rows] == [original.setl_id, negative.setl_id]  # the list's order, by id
    with engine.connect() as conn:
        details = conn.execute(select(SD.c.settlement_id, SD.c.fund_payamt).order_by(SD.c.id)
                               .where(SD.c.settlement_id.in_([r.id for r in setl_rows]))).all()
        body = conn.execute(select(insured_admissions.c.body).where(insured_admissions.c.id == adm.id)).scalar_one()
    assert [(d.settlement_id, d.fund_payamt) for d in details] == [
        (setl_rows[0].id, Decimal("5.25")), (setl_rows[0].id, Decimal("0.00")),
        (setl_rows[1].id, Decimal("-5.25")), (setl_rows[1].id, Decimal("0.00"))]
    assert "fees" not in body and "settlements" not in body and "J18.900" in body


def test_a_save_inserts_the_new_rows_and_updates_the_changed_ones_in_place(sql_uow, engine):
    adm = build_admission(fees=200)
    store(sql_uow, adm)
    before = {r.feedetl_sn: r.id for r in rows(engine, F, adm.id)}

    with sql_uow:
        loaded = sql_uow.admissions.get(adm.id)
        loaded.add_fees([build_fee("NEW", "D1", "1", "3.00")])
        loaded.cancel_fees(["F7"])
        sql_uow.commit()
    after = rows(engine, F, adm.id)
    assert {r.feedetl_sn: r.id for r in after if r.feedetl_sn != "NEW"} == before  # not deleted and re-inserted
    assert [r.feedetl_sn for r in after][-1] == "NEW" and len(after) == 201
    assert {r.feedetl_sn for r in after if r.state is FeeState.CANCELLED} == {"F7"}
    assert load(sql_uow, adm.id).version == 2


def test_a_concurrent_change_of_the_stay_conflicts(sql_uow, session_factory):
    from adapters.db.unit_of_work import SqlUnitOfWork

    adm = build_admission()
    store(sql_uow, adm)
    first = load(sql_uow, adm.id)
    second = load(SqlUnitOfWork(session_factory), adm.id)
    first.add_fees([build_fee("X1", "D1", "1", "1.00")])
    second.add_fees([build_fee("X2", "D1", "1", "1.00")])
    with sql_uow:
        sql_uow.admissions.attach(first)
        sql_uow.commit()
    with pytest.raises(ConcurrencyConflict):
        with sql_uow:
            sql_uow.admissions.attach(second)
            sql_uow.commit()
    assert [f.feedetl_sn for f in load(sql_uow, adm.id).fees] == ["F0", "F1", "F2", "X1"]


def test_a_stay_attached_without_having_been_loaded_saves_the_difference(sql_uow, engine):
    adm = settled(build_admission())
    store(sql_uow, adm)
    ids = [r.id for r in rows(engine, F, adm.id)]
    copy = replace(adm, fees=[replace(f) for f in adm.fees], settlements=[replace(s) for s in adm.settlements])
    cancelled(copy)  # another settlement, fees open again, on objects the store never saw
    with sql_uow:
        sql_uow.admissions.attach(copy)
        sql_uow.commit()
    assert load(sql_uow, adm.id) == copy
    assert [r.id for r in rows(engine, F, adm.id)] == ids and len(rows(engine, S, adm.id)) == 2


def test_the_settlements_table_holds_outpatient_and_inpatient_settlements_with_their_owner(sql_uow, engine):
    visit = build_visit(mdtrt_id=new_id("M"))
    visit.add_fees([build_fee("F1", "B1", "1", "0.30")])
    visit.begin_settlement("B1")
    visit.complete_settlement(build_settlement(visit, "B1"))
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()
    adm = settled(build_admission())
    store(sql_uow, adm)
    wanted = {visit.settlements[0].setl_id, adm.settlements[0].setl_id}

    with engine.connect() as conn:
        found = conn.execute(select(S.c.setl_id, S.c.visit_id, S.c.admission_id, func.count(SD.c.id))
                             .select_from(S.outerjoin(SD, SD.c.settlement_id == S.c.id))
                             .where(S.c.setl_id.in_(wanted)).group_by(S.c.id).order_by(S.c.id)).all()
        owners = conn.execute(select(F.c.visit_id, F.c.admission_id)
                              .where((F.c.visit_id == visit.id) | (F.c.admission_id == adm.id))).all()
    assert [tuple(r) for r in found] == [(visit.settlements[0].setl_id, visit.id, None, 2),
                                         (adm.settlements[0].setl_id, None, adm.id, 2)]
    assert sorted(owners, key=str) == sorted([(visit.id, None)] + [(None, adm.id)] * 3, key=str)


def test_a_row_with_both_owners_or_none_is_refused(sql_uow, engine):
    from sqlalchemy.exc import IntegrityError

    visit = build_visit()
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()
    adm = build_admission(fees=0)
    store(sql_uow, adm)
    for owners in ({"visit_id": visit.id, "admission_id": adm.id}, {}):
        with engine.connect() as conn, pytest.raises(IntegrityError, match="one_owner|CHECK|check"):
            conn.execute(S.insert(), {"state": "ACTIVE", "discrepancies": [], **owners})
    with engine.begin() as conn:  # either one alone is fine
        for owners in ({"visit_id": visit.id}, {"admission_id": adm.id}):
            conn.execute(S.insert(), {"state": "ACTIVE", "discrepancies": [], **owners})


def test_a_stay_removed_with_its_rows(sql_uow, engine):
    adm = settled(build_admission())
    store(sql_uow, adm)
    with engine.begin() as conn:
        conn.execute(insured_admissions.delete().where(insured_admissions.c.id == adm.id))
    assert rows(engine, F, adm.id) == [] and rows(engine, S, adm.id) == []

