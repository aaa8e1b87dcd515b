"""The exam-item tables as master data: loaded from the hospital's file (by `his hospital
load-exam-tables`, or at start), each change a new version, items named by their price-list code
(names, national codes and prices from the price list: a change there makes a new version), a request
priced by the version it was made with; a bad file names its mistakes by path and stores nothing."""
from __future__ import annotations

import copy
import json

import pytest

from dataclasses import replace
from decimal import Decimal

from domain.errors import ValidationFailed
from domain.operator import Operator
from services.cli import main
from services.hospital import demo_file
from services.orders import DEMO_EXAM_TABLES, PartInput, RequestExam, read_exam_tables

ADMIN = Operator("A001", "信息科", role="admin")


@pytest.fixture
def app(app):
    app.load_hospital_data(str(demo_file()))  # the price list the tables' items come from, and the demo tables
    return app


def test_a_changed_table_becomes_a_new_version_and_the_rest_stay(app):
    tables = app.container.exam_tables()
    tables.load_demo_if_empty(ADMIN)  # other tests of this run may have loaded them already
    assert {t.exam_type for t in tables.all()} >= {"CT", "MR", "DR", "US"}
    demo = read_exam_tables(DEMO_EXAM_TABLES)
    document = copy.deepcopy(demo)
    ct = next(t for t in document["exam_tables"] if t["exam_type"] == "CT")
    ct["additional"] = {"percent": "60"}
    before = tables.current("CT").version
    try:
        written = tables.load(document, ADMIN, "2027年价格调整")
        assert [(t.exam_type, t.version) for t in written] == [("CT", before + 1)]
        assert tables.current("CT").table.additional.percent == 60
        assert tables.version("CT", before).table.additional.percent == 50  # kept, for the requests it priced
        assert tables.load(document, ADMIN, "again") == []  # unchanged: no version
    finally:  # the demo prices again, for the other tests on this database
        tables.load(demo, ADMIN, "back to the demo prices")


def test_a_bad_file_names_every_mistake_by_path_and_stores_nothing(app, tmp_path, capsys, database_url):
    document = copy.deepcopy(read_exam_tables(DEMO_EXAM_TABLES))
    document["exam_tables"][0]["parts"][1]["method"] = "SIDEWAYS"
    document["exam_tables"][2]["once_per_request"][0]["unit_price"] = "-1"
    document["exam_tables"][1]["parts"][0]["items"][0] = {"item_code": "NO-SUCH-ITEM"}
    document["exam_tables"].append(copy.deepcopy(document["exam_tables"][3]))
    path = tmp_path / "tables.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        app.container.exam_tables().load(document, ADMIN, "bad")
    assert [v.field for v in err.value.violations] == [
        "exam_tables[0].parts[1].method", "exam_tables[1].parts[0].items[0].item_code",
        "exam_tables[2].once_per_request[0].unit_price", "exam_tables[4].exam_type"]
    assert main(["hospital", "load-exam-tables", str(path), "--database-url", database_url]) == 1
    assert "exam_tables[0].parts[1].method" in capsys.readouterr().err


def test_items_come_from_the_price_list_and_a_price_change_makes_a_version_old_requests_keep_theirs(app):
    from services.encounters import RegisterEncounter
    from services.patients import PatientDetails

    tables, admin = app.container.exam_tables(), app.hospital_admin
    head = next(p for p in tables.current("CT").table.parts if p.part_code == "HEAD" and p.method.value == "PLAIN")
    assert [(i.item_code, i.item_name, i.national_code, i.unit_price) for i in head.items] == [
        ("JC-CT-001", "CT平扫(每部位)", "210300001000000", Decimal("200.00"))]
    patient = app.patients.register(ADMIN, PatientDetails(name="价表", gender="2", phone="13900000000"))
    encounter = app.encounters.register(ADMIN, RegisterEncounter(patient.id, "WK01", "ORDINARY", doctor_code="DR005"))
    ask = RequestExam(encounter.id, "CT", [PartInput("HEAD", "PLAIN"), PartInput("CHEST", "PLAIN")], "头痛", "排查",
                      diagnosis_code="R51")
    before = app.exam_requests.request_exam(ADMIN, ask)
    listed = admin.get("charge_item", "JC-CT-001")
    try:
        admin.update(replace(listed.value, unit_price=Decimal("220.00")), ADMIN, "2027年调价")
        now = tables.current("CT")
        assert now.version == before.table_version + 1 and now.reason.startswith("the price list")
        after = app.exam_requests.request_exam(ADMIN, ask)
        assert [c.amount for c in app.encounters.order_charges(encounter.id, after.id)][:2] == [
            Decimal("220.00"), Decimal("110.00")]
        # the earlier request keeps its pricing when a part is cancelled: CHEST, now first, at the old full price
        app.exam_requests.cancel_parts(ADMIN, before.id, [1])
        chest = [c.amount for c in app.encounters.order_charges(encounter.id, before.id) if c.order_item == "2"]
        assert chest == [Decimal("200.00")]
    finally:
        current = admin.get("charge_item", "JC-CT-001")
        admin.update(replace(current.value, unit_price=listed.value.unit_price), ADMIN, "back to the demo price")
        tables.current("CT")  # the demo prices again, as a version, for the other tests on this database


def test_a_hospital_with_its_own_price_list_starts_without_the_demo_tables(database_url, simulator, tmp_path):
    from adapters.db import migrate
    from services.bootstrap import bootstrap
    from services.settings import Settings

    own = json.loads(demo_file().read_text(encoding="utf-8"))
    own["charge_items"] = [i for i in own["charge_items"] if not i["code"].startswith(("JC-", "YP-", "CL-FL"))]
    path = tmp_path / "hospital.json"
    path.write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'own.db'}"  # a database of its own: what the others load stays theirs
    migrate.upgrade(url)
    app = bootstrap(Settings(database_url=url), platform=simulator)
    try:
        app.load_hospital_data(str(path))  # as `his serve` with hospital.data_file: no refusal
        assert app.container.exam_tables().all() == []
    finally:
        app.container.engine().dispose()
