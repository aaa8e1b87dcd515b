"""`his audit` through services.cli.main, as an administrator runs it on the server's database."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest

from adapters.db.audit_trail import SqlAuditTrail
from ports.audit import AuditEvent
from services.cli import main

T = datetime(2026, 12, 7, 9, 0, 0)


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch):
    monkeypatch.delenv("HIS_CONFIG", raising=False)


@pytest.fixture
def recorded(engine):
    """Three calls of one cashier (the first two about one visit) and one of a registrar."""
    cashier, registrar, visit = (uuid.uuid4().hex[:10] for _ in range(3))
    trail = SqlAuditTrail(engine)
    for minute, (who, role, visit_id, outcome) in enumerate([
            (cashier, "cashier", visit, "OK"), (cashier, "cashier", visit, "FAILED_PRECONDITION"),
            (cashier, "cashier", "", "OK"), (registrar, "registrar", visit, "OK")]):
        trail.record(AuditEvent(at=T + timedelta(minutes=minute), operator_code=who, operator_name="李四",
                                operator_role=role, method="/his.v1.OutpatientService/SettleVisit",
                                permission="visit.settle", peer="ipv4:10.0.0.7:40000", outcome=outcome,
                                visit_id=visit_id))
    trail.close()
    return cashier, registrar, visit


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_his_audit_filters_by_operator_visit_and_time(capsys, database_url, recorded):
    cashier, registrar, visit = recorded
    assert main(["audit", "--database-url", database_url, "--operator", cashier]) == 0
    lines = _lines(capsys)
    assert [e["at"] for e in lines] == ["2026-12-07 09:02:00", "2026-12-07 09:01:00", "2026-12-07 09:00:00"]
    assert lines[1] | {"id": 0} == {
        "id": 0, "at": "2026-12-07 09:01:00", "operator_code": cashier, "operator_name": "李四",
        "operator_role": "cashier", "method": "/his.v1.OutpatientService/SettleVisit", "permission": "visit.settle",
        "peer": "ipv4:10.0.0.7:40000", "outcome": "FAILED_PRECONDITION", "message": "", "visit_id": visit,
        "mdtrt_id": "", "psn_no": "", "request_id": ""}

    assert main(["audit", "--database-url", database_url, "--visit", visit, "--since", "2026-12-07 09:01",
                 "--until", "2026-12-07T09:03:00"]) == 0
    assert [(e["operator_code"], e["at"][-8:]) for e in _lines(capsys)] == [(cashier, "09:01:00")]
    assert main(["audit", "--database-url", database_url, "--visit", visit, "--limit", "1"]) == 0
    assert [e["operator_code"] for e in _lines(capsys)] == [registrar]


def test_his_audit_says_when_nothing_matched_and_refuses_bad_options(capsys, database_url):
    assert main(["audit", "--database-url", database_url, "--operator", uuid.uuid4().hex]) == 0
    assert capsys.readouterr().out.strip() == "no audit events found"
    for bad in (["--since", "yesterday"], ["--limit", "0"]):
        with pytest.raises(SystemExit):
            main(["audit", "--database-url", database_url, *bad])
        assert "is not a" in capsys.readouterr().err


def test_a_configuration_naming_an_undefined_role_stops_a_command_plainly(capsys, database_url, tmp_path,
                                                                          monkeypatch):
    config = tmp_path / "his.toml"
    config.write_text('[[operators]]\ntoken = "t"\ncode = "1022"\nname = "张三"\nrole = "cashir"\n',
                      encoding="utf-8")
    monkeypatch.setenv("HIS_CONFIG", str(config))
    assert main(["audit", "--database-url", database_url]) == 2
    err = capsys.readouterr().err
    assert "his audit: the configuration is not valid" in err and "role 'cashir'" in err and "Traceback" not in err
