"""Charge items on the database (SQLite and PostgreSQL) and their 目录对照 on the simulator: 3301 then
3302 journaled, a changed national code revoked and uploaded again, refusals that send nothing, the
mapping state kept per item."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from adapters.db import tables as t
from adapters.db.hospital_store import SqlMasterDataStore
from adapters.yb_sim.handlers.institution_admin import mapped_codes, mapping
from domain.errors import IllegalTransition, NotFound
from domain.hospital import ChargeItem
from domain.journal import JournalState
from domain.operator import Operator
from ports.hospital import ChargeItemMapping

ADMIN = Operator(code="ADM1", name="管理员", role="admin")


def _item(prefix: str, national: str = "210300001000000", list_type: str = "201", **more) -> ChargeItem:
    return ChargeItem(prefix + "-" + uuid.uuid4().hex[:12].upper(), "CT平扫(每部位)", national, list_type,
                      Decimal("200.00"), "部位", **more)


def _journaled(app) -> int:
    with app.container.engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(t.journal)).scalar_one()


def test_the_mapping_state_is_kept_per_item(engine):
    store = SqlMasterDataStore(engine)
    code = "M-" + uuid.uuid4().hex[:12]
    first = ChargeItemMapping(code, "UPLOADED", "C07020101", "301", "胶片", "2026-03-02", "MSG1",
                              datetime(2026, 3, 2, 9, 30), "ADM1")
    store.record_charge_item_mappings([first])
    store.record_charge_item_mappings([replace(first, state="REVOKED", msgid="MSG2")])
    assert store.charge_item_mappings([code, "nope"]) == {code: replace(first, state="REVOKED", msgid="MSG2")}
    assert code in store.charge_item_mappings()


def test_3301_then_3302_on_the_simulator_each_journaled(app):
    admin, state = app.hospital_admin, app.sim._state
    ct = _item("CT", begndate=date(2026, 1, 1))
    admin.create(ct, ADMIN, "新增")
    assert admin.charge_item_mappings([ct.code]) == {}
    [done] = admin.upload_charge_item_mappings(ADMIN, [ct.code])
    assert (done.infnos, done.mapping.state, done.mapping.national_code, done.mapping.begndate) == (
        ("3301",), "UPLOADED", "210300001000000", "2026-01-01")
    on_platform = mapping(state, ct.code, "201")
    assert (on_platform["med_list_codg"], on_platform["fixmedins_hilist_name"], on_platform["prcunt"]) == (
        "210300001000000", "CT平扫(每部位)", "部位")
    entry = app.container.journal_store().by_msgid(done.mapping.msgid)
    assert (entry.infno, entry.state, entry.operator_code) == ("3301", JournalState.OK, "ADM1")
    assert entry.request["input"]["data"][0]["fixmedins_hilist_id"] == ct.code
    [again] = admin.upload_charge_item_mappings(ADMIN, [ct.code])
    assert again.infnos == () and again.mapping == done.mapping  # mapped as it is: nothing sent

    revoked = admin.revoke_charge_item_mapping(ADMIN, ct.code)
    assert revoked.state == "REVOKED" and mapping(state, ct.code, "201") is None
    entry = app.container.journal_store().by_msgid(revoked.msgid)
    assert (entry.infno, entry.state) == ("3302", JournalState.OK)
    assert entry.request["input"]["data"] == [{"fixmedins_code": "H42010600001", "fixmedins_hilist_id": ct.code,
                                               "list_type": "201", "med_list_codg": "210300001000000"}]
    assert admin.charge_item_mappings([ct.code])[ct.code].state == "REVOKED"
    [back] = admin.upload_charge_item_mappings(ADMIN, [ct.code])  # a revoked mapping may be uploaded again
    assert back.infnos == ("3301",) and mapped_codes(state, ct.code) == {"210300001000000"}


def test_a_changed_national_code_is_revoked_then_uploaded_again(app):
    admin, state = app.hospital_admin, app.sim._state
    item = _item("MR", national="210400001000000")
    admin.create(item, ADMIN, "新增")
    admin.upload_charge_item_mappings(ADMIN, [item.code])
    admin.update(replace(item, national_code="210400002000000"), ADMIN, "对照有误")
    before = _journaled(app)
    [done] = admin.upload_charge_item_mappings(ADMIN, [item.code])
    assert done.infnos == ("3302", "3301") and done.mapping.national_code == "210400002000000"
    assert _journaled(app) == before + 2
    assert mapped_codes(state, item.code) == {"210400002000000"}


def test_refusals_send_nothing(app):
    admin = app.hospital_admin
    kept = _item("US", national="220600004000000")
    gone = _item("DR", national="210102015000000")
    for item in (kept, gone):
        admin.create(item, ADMIN, "新增")
    admin.retire("charge_item", gone.code, ADMIN, "停用")
    before = _journaled(app)
    with pytest.raises(NotFound, match="NOPE"):
        admin.upload_charge_item_mappings(ADMIN, [kept.code, "NOPE"])
    with pytest.raises(IllegalTransition, match="retired"):
        admin.upload_charge_item_mappings(ADMIN, [kept.code, gone.code])
    with pytest.raises(IllegalTransition, match="not mapped"):
        admin.revoke_charge_item_mapping(ADMIN, kept.code)  # never uploaded
    with pytest.raises(NotFound):
        admin.revoke_charge_item_mapping(ADMIN, "NOPE")
    assert _journaled(app) == before
    assert admin.charge_item_mappings([kept.code, gone.code]) == {}
    assert mapped_codes(app.sim._state, kept.code) == set()


def test_a_retired_item_s_mapping_can_still_be_revoked(app):
    admin = app.hospital_admin
    item = _item("FL", national="C07020101", list_type="301")
    admin.create(item, ADMIN, "新增")
    admin.upload_charge_item_mappings(ADMIN, [item.code])
    admin.retire("charge_item", item.code, ADMIN, "停用")
    with pytest.raises(NotFound):
        app.hospital_directory.charge_item(item.code)
    assert admin.revoke_charge_item_mapping(ADMIN, item.code).state == "REVOKED"
    assert mapped_codes(app.sim._state, item.code) == set()
