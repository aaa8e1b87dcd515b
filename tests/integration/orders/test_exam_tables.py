"""The exam-item tables as master data: loaded from the hospital's file (by `his hospital
load-exam-tables`, or at start), each change a new version, a request priced by the version it was
made with; a bad file names its mistakes by path and stores nothing."""
from __future__ import annotations

import copy
import json

import pytest

from domain.errors import ValidationFailed
from domain.operator import Operator
from services.cli import main
from services.orders import DEMO_EXAM_TABLES, read_exam_tables

ADMIN = Operator("A001", "信息科", role="admin")


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
    document["exam_tables"].append(copy.deepcopy(document["exam_tables"][3]))
    path = tmp_path / "tables.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        app.container.exam_tables().load(document, ADMIN, "bad")
    assert [v.field for v in err.value.violations] == [
        "exam_tables[0].parts[1].method", "exam_tables[2].once_per_request[0].unit_price",
        "exam_tables[4].exam_type"]
    assert main(["hospital", "load-exam-tables", str(path), "--database-url", database_url]) == 1
    assert "exam_tables[0].parts[1].method" in capsys.readouterr().err
