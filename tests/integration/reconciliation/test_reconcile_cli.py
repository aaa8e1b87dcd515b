"""`his reconcile` through services.cli.main, against the simulator's HTTP front holding the day's
settlements: run, list the worklist, resolve an entry, show the run; bad input said plainly."""
from __future__ import annotations

import json

import pytest
from recon_kit import make_app, settled, settled_on_platform_only

from adapters.yb_sim.http_front import SimulatorHttpFront
from services.cli import main


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch):
    monkeypatch.delenv("HIS_CONFIG", raising=False)


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_run_list_resolve_and_show_from_the_command_line(database_url, capsys):
    app, simulator, clock = make_app(database_url, past=True)  # the command runs on the system clock
    _, ours_only = settled(app, clock)
    simulator.forget_settlement(ours_only.setl_id)
    _, platform_only = settled_on_platform_only(app, clock)
    app.container.engine().dispose()
    front = SimulatorHttpFront(simulator, paasid="his", token="his-secret")
    front.start()
    day = clock.now().date().isoformat()
    common = ["--database-url", database_url, "--platform", front.url, "--paasid", "his", "--token", "his-secret"]
    try:
        assert main(["reconcile", "run", "--day", day, *common]) == 0
        run, *entries = _lines(capsys)
        assert run["state"] == "UNBALANCED" and run["first_day"] == day
        assert {(e["kind"], e["setl_id"]) for e in entries} == {("HIS_ONLY", ours_only.setl_id),
                                                               ("PLATFORM_ONLY", platform_only)}
        assert main(["reconcile", "list", "--run", run["run"], "--database-url", database_url]) == 0
        listed = {e["kind"]: e for e in _lines(capsys)}
        assert listed["HIS_ONLY"]["actions"] == ["RESETTLE", "CONFIRM"]
        assert main(["reconcile", "resolve", listed["HIS_ONLY"]["entry"], "--action", "confirm",
                     "--reason", "中心已人工处理", *common]) == 0
        [done] = _lines(capsys)
        assert (done["state"], done["action"], done["resolved_by"]) == ("RESOLVED", "CONFIRM", "1001")
        assert main(["audit", "--operator", "1001", "--database-url", database_url]) == 0
        audited = [e for e in _lines(capsys) if e["method"] == "his reconcile resolve"]
        assert [(e["outcome"], e["request_id"]) for e in audited][:1] == [("OK", done["entry"])]
        assert main(["reconcile", "list", "--run", run["run"], "--database-url", database_url]) == 0
        assert [e["kind"] for e in _lines(capsys)] == ["PLATFORM_ONLY"]
        assert main(["reconcile", "show", run["run"], "--database-url", database_url]) == 0
        shown, *found = _lines(capsys)
        assert shown["run"] == run["run"] and len(found) == 2

        assert main(["reconcile", "resolve", listed["PLATFORM_ONLY"]["entry"], "--action", "later",
                     "--reason", "x", *common]) == 1
        assert "action" in capsys.readouterr().err
    finally:
        front.stop()
