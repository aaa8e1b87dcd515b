"""`his clearing` through services.cli.main, against the simulator's HTTP front holding a reconciled
day: preview, apply (once), list, print, revoke, each change audited; bad input said plainly."""
from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from adapters.yb_sim.http_front import SimulatorHttpFront
from services.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "reconciliation"))
from recon_kit import OP, make_app, settled  # noqa: E402


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch):
    monkeypatch.delenv("HIS_CONFIG", raising=False)


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_preview_apply_print_and_revoke_from_the_command_line(database_url, capsys, tmp_path):
    app, simulator, clock = make_app(database_url, past=True)  # the command runs on the system clock
    settled(app, clock, "33.30")
    day = clock.now().date()
    clock.at += timedelta(days=1)  # the simulator's today: the day is over
    assert app.reconciliation.run(OP, day).state.value == "BALANCED"
    app.container.engine().dispose()
    front = SimulatorHttpFront(simulator, paasid="his", token="his-secret")
    front.start()
    period = ["SUMMARY", "--clr-type", "11", "--from", day.isoformat(), "--to", day.isoformat()]
    db = ["--database-url", database_url]
    common = [*db, "--platform", front.url, "--paasid", "his", "--token", "his-secret"]
    try:
        assert main(["clearing", "preview", *period, *db]) == 0
        [preview] = _lines(capsys)
        assert preview["figures"]["medfee_sumamt"] == "33.30" and preview["blockers"] == []
        assert main(["clearing", "apply", *period, *common]) == 0
        [applied] = _lines(capsys)
        assert applied["state"] == "APPLIED" and applied["clr_appy_evt_id"]
        assert main(["clearing", "apply", *period, *common]) == 0
        assert _lines(capsys)[0]["application"] == applied["application"]  # once
        out = tmp_path / "form.pdf"
        assert main(["clearing", "print", applied["application"], "--out", str(out), *common]) == 0
        capsys.readouterr()
        assert "医疗保障基金清算申请单" in "".join(p.extract_text() for p in PdfReader(out).pages)
        assert main(["clearing", "revoke", applied["application"], "--reason", "重报", *common]) == 0
        assert _lines(capsys)[0]["state"] == "REVOKED"
        assert main(["clearing", "revoke", applied["application"], "--reason", "again", *common]) == 1
        assert "REVOKED" in capsys.readouterr().err
        assert main(["audit", "--operator", "1001", *db]) == 0
        audited = [(e["method"], e["outcome"]) for e in _lines(capsys) if e["method"].startswith("his clearing")]
        assert ("his clearing apply", "OK") in audited and ("his clearing revoke", "IllegalTransition") in audited
        assert main(["clearing", "preview", "MONTHLY", "--clr-type", "11", "--month", "2019-13", *db]) == 1
        assert "kind" in capsys.readouterr().err
    finally:
        front.stop()
