from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from adapters.db import tables as t
from db_builders import new_id
from domain.person import Insurance, InsuredPerson


def _person(psn_no: str, *insurances: Insurance, name: str = "王五") -> InsuredPerson:
    return InsuredPerson(psn_no=psn_no, psn_name=name, psn_cert_type="01", certno="420106198001011234",
                         gend="1", brdy=date(1980, 1, 1), age=Decimal("46.2"), naty="01",
                         insurances=list(insurances))


def _insurance(insutype: str, balc: str) -> Insurance:
    return Insurance(insutype=insutype, balc=Decimal(balc), psn_type="11", insuplc_admdvs="420100",
                     psn_insu_stas="1", emp_name="某公司")


def _stored(engine, table, psn_no):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(table.c.psn_no == psn_no)).scalar_one()


def test_new_person_round_trips(sql_uow):
    person = _person(new_id("P"), _insurance("310", "100.10"), _insurance("390", "0.20"))
    with sql_uow:
        sql_uow.persons.save(person)
        sql_uow.commit()
    with sql_uow:
        loaded = sql_uow.persons.get(person.psn_no)
    assert loaded == person
    assert str(loaded.insurance("310").balc) == "100.10" and str(loaded.age) == "46.2"


def test_save_replaces_the_previous_picture_and_its_insurances(sql_uow, engine):
    psn_no = new_id("P")
    with sql_uow:
        sql_uow.persons.save(_person(psn_no, _insurance("310", "1.00"), _insurance("390", "2.00")))
        sql_uow.commit()
    with engine.connect() as conn:
        first_update = conn.execute(select(t.persons.c.updated_at).where(t.persons.c.psn_no == psn_no)).scalar_one()

    latest = _person(psn_no, _insurance("310", "0.30"), name="王五五")
    with sql_uow:
        sql_uow.persons.save(latest)
        sql_uow.commit()

    with sql_uow:
        loaded = sql_uow.persons.get(psn_no)
    assert loaded.psn_name == "王五五"
    assert [(i.insutype, str(i.balc)) for i in loaded.insurances] == [("310", "0.30")]
    assert _stored(engine, t.insurances, psn_no) == 1  # the dropped ones are deleted
    assert _stored(engine, t.persons, psn_no) == 1
    with engine.connect() as conn:
        assert conn.execute(select(t.persons.c.updated_at)
                            .where(t.persons.c.psn_no == psn_no)).scalar_one() >= first_update


def test_saving_a_loaded_person_keeps_its_changes(sql_uow):
    psn_no = new_id("P")
    with sql_uow:
        sql_uow.persons.save(_person(psn_no, _insurance("310", "1.00")))
        sql_uow.commit()
    with sql_uow:
        person = sql_uow.persons.get(psn_no)
        person.insurances.append(_insurance("390", "5.55"))
        sql_uow.persons.save(person)
        sql_uow.commit()
    with sql_uow:
        assert [i.insutype for i in sql_uow.persons.get(psn_no).insurances] == ["310", "390"]


def test_unknown_person_is_none(sql_uow):
    with sql_uow:
        assert sql_uow.persons.get(new_id("P")) is None
