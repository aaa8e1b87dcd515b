"""Reconciliation end to end: gRPC clients against `his serve`'s wiring, the HTTP platform adapter and
the simulator's front on real sockets. Settlements made through the stack, the platform's ledger made
to disagree over its HTTP control route (/_sim/ledger); a run finds exactly the planted 单边账, the
医保办 works them off the list (each action audited), the 稽核 may read but not act, bad input is
refused naming its field."""
from __future__ import annotations

import json
import sys
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import grpc
import pytest
from google.rpc import error_details_pb2
from station_kit import refused
from test_e2e_outpatient import details

from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import audit_pb2, audit_pb2_grpc
from his.v1 import reconciliation_pb2 as rc
from his.v1 import reconciliation_pb2_grpc
from services.settings import DEMO_OPERATORS, OperatorToken

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "reconciliation"))
from recon_kit import DayClock, fresh_day, settled, settled_on_platform_only  # noqa: E402

OPERATORS = [*DEMO_OPERATORS, OperatorToken(token="ybb-token", code="Y001", name="医保办", role="insurance_office"),
             OperatorToken(token="audit-token", code="A001", name="稽核", role="auditor")]
OFFICE = (("authorization", "Bearer ybb-token"),)
AUDITOR = (("authorization", "Bearer audit-token"),)


@pytest.fixture
def stack(start_stack):
    clock = DayClock(fresh_day())
    with start_stack(SimulatorPlatform(clock=clock), clock=clock, operators=OPERATORS) as running:
        yield running, clock


def ledger_change(stack, **body) -> None:
    base = urlsplit(stack.app.settings.platform.url)
    request = urllib.request.Request(f"{base.scheme}://{base.netloc}/_sim/ledger", method="POST",
                                     data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as reply:
        assert reply.status == 200


def test_a_run_finds_the_planted_entries_and_each_action_shrinks_the_list(stack):
    stack, clock = stack
    app = stack.app
    api = reconciliation_pb2_grpc.ReconciliationServiceStub(stack.channel)
    settled(app, clock)  # agrees
    _, ours_only = settled(app, clock, "18.00")
    ledger_change(stack, setl_id=ours_only.setl_id, forget=True)
    _, differing = settled(app, clock, "22.00")
    ledger_change(stack, setl_id=differing.setl_id, amounts={"medfee_sumamt": "23.00"})
    _, platform_only = settled_on_platform_only(app, clock)
    day = clock.now().date().isoformat()

    run = api.RunReconciliation(rc.RunReconciliationRequest(first_day=day, request_id=str(uuid.uuid4())),
                                metadata=OFFICE)
    assert run.run.state == rc.RECONCILIATION_RUN_STATE_UNBALANCED and run.run.entries_found == 3
    assert {(e.kind, e.setl_id) for e in run.entries} == {
        (rc.ONE_SIDED_ENTRY_KIND_HIS_ONLY, ours_only.setl_id), (rc.ONE_SIDED_ENTRY_KIND_AMOUNTS_DIFFER, differing.setl_id),
        (rc.ONE_SIDED_ENTRY_KIND_PLATFORM_ONLY, platform_only)}
    [line] = run.run.lines
    assert (line.insutype, line.ours_count, line.balanced) == ("310", 3, False)  # ours: not the platform's own
    differ = next(e for e in run.entries if e.kind == rc.ONE_SIDED_ENTRY_KIND_AMOUNTS_DIFFER)
    assert (differ.ours.medfee_sumamt, differ.theirs.medfee_sumamt) == ("22.00", "23.00")

    # the auditor reads, but neither runs nor acts
    listed = api.ListOneSidedEntries(rc.ListOneSidedEntriesRequest(run_id=run.run.id), metadata=AUDITOR)
    assert len(listed.entries) == 3
    resolve = rc.ResolveOneSidedEntryRequest(entry_id=differ.id, action=rc.ONE_SIDED_ACTION_CONFIRM, reason="x")
    assert refused(lambda: api.ResolveOneSidedEntry(resolve, metadata=AUDITOR)).code() is \
        grpc.StatusCode.PERMISSION_DENIED
    assert refused(lambda: api.RunReconciliation(rc.RunReconciliationRequest(first_day=day), metadata=AUDITOR)
                   ).code() is grpc.StatusCode.PERMISSION_DENIED

    actions = {rc.ONE_SIDED_ENTRY_KIND_PLATFORM_ONLY: rc.ONE_SIDED_ACTION_RECORD,
               rc.ONE_SIDED_ENTRY_KIND_HIS_ONLY: rc.ONE_SIDED_ACTION_RESETTLE,
               rc.ONE_SIDED_ENTRY_KIND_AMOUNTS_DIFFER: rc.ONE_SIDED_ACTION_RECORD}
    remaining = 3
    for e in run.entries:
        assert actions[e.kind] in e.actions
        done = api.ResolveOneSidedEntry(rc.ResolveOneSidedEntryRequest(
            entry_id=e.id, action=actions[e.kind], reason="医保办核对后处理", request_id=str(uuid.uuid4())),
            metadata=OFFICE).entry
        assert (done.state, done.resolved_by, done.outcome != "") == (rc.ONE_SIDED_ENTRY_STATE_RESOLVED, "Y001", True)
        remaining -= 1
        still = api.ListOneSidedEntries(rc.ListOneSidedEntriesRequest(run_id=run.run.id), metadata=OFFICE).entries
        assert len(still) == remaining

    trail = audit_pb2_grpc.AuditServiceStub(stack.channel).ListAuditEvents(
        audit_pb2.ListAuditEventsRequest(operator_code="Y001", page_size=200), metadata=OFFICE).events
    resolves = [e for e in trail if e.method.endswith("/ResolveOneSidedEntry")]
    assert len(resolves) == 3 and {e.outcome for e in resolves} == {"OK"}

    clock.tick()
    again = api.RunReconciliation(rc.RunReconciliationRequest(first_day=day), metadata=OFFICE)
    # the amounts agree now; the platform's altered figure no longer adds up with its parts: noted, not one-sided
    assert [(e.kind, e.setl_id) for e in again.entries] == [(rc.ONE_SIDED_ENTRY_KIND_ARITHMETIC, differing.setl_id)]
    assert all(ln.balanced for ln in again.run.lines)
    runs = api.ListReconciliationRuns(rc.ListReconciliationRunsRequest(page_size=1), metadata=AUDITOR)
    assert runs.runs[0].id == again.run.id and runs.next_page_token
    got = api.GetReconciliationRun(rc.GetReconciliationRunRequest(run_id=run.run.id), metadata=AUDITOR)
    assert got.run.entries_found == 3 and {e.state for e in got.entries} == {rc.ONE_SIDED_ENTRY_STATE_RESOLVED}


def test_bad_input_is_refused_naming_its_fields(stack):
    stack, clock = stack
    api = reconciliation_pb2_grpc.ReconciliationServiceStub(stack.channel)
    day = clock.now().date()

    def fields(call) -> set[str]:
        error = refused(call)
        assert error.code() is grpc.StatusCode.INVALID_ARGUMENT
        return {v.field for d in details(error, error_details_pb2.BadRequest) for v in d.field_violations}

    before = len(api.ListReconciliationRuns(rc.ListReconciliationRunsRequest(page_size=500), metadata=OFFICE).runs)
    assert fields(lambda: api.RunReconciliation(rc.RunReconciliationRequest(
        first_day="2030-13-01", last_day="tomorrow"), metadata=OFFICE)) == {"first_day", "last_day"}
    assert fields(lambda: api.RunReconciliation(rc.RunReconciliationRequest(
        first_day=day.isoformat(), last_day=(day - timedelta(days=1)).isoformat()), metadata=OFFICE)) == {"last_day"}
    assert fields(lambda: api.RunReconciliation(rc.RunReconciliationRequest(
        first_day=(day + timedelta(days=1)).isoformat()), metadata=OFFICE)) == {"first_day"}
    assert len(api.ListReconciliationRuns(rc.ListReconciliationRunsRequest(page_size=500), metadata=OFFICE).runs) \
        == before  # nothing stored
    assert fields(lambda: api.ResolveOneSidedEntry(rc.ResolveOneSidedEntryRequest(entry_id="E1"),
                                                   metadata=OFFICE)) == {"action", "reason"}
    assert fields(lambda: api.ListOneSidedEntries(rc.ListOneSidedEntriesRequest(kind=99), metadata=OFFICE)) == {"kind"}
    unknown = refused(lambda: api.ResolveOneSidedEntry(rc.ResolveOneSidedEntryRequest(
        entry_id="E-none", action=rc.ONE_SIDED_ACTION_CONFIRM, reason="x"), metadata=OFFICE))
    assert unknown.code() is grpc.StatusCode.NOT_FOUND
