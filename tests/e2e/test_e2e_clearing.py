"""Clearing end to end: gRPC clients against `his serve`'s wiring, the HTTP platform adapter and the
simulator's front on real sockets. Settlements made through the stack; clearing refused until the day
is reconciled, applied once however often asked (a repeated request_id, a second apply), printed as a
PDF that reads back in Chinese, revoked and applied again; a refusal of the centre keeps its words;
the 稽核 reads and prints but neither applies nor revokes."""
from __future__ import annotations

import io
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from pypdf import PdfReader
from station_kit import refused
from test_e2e_reconciliation import AUDITOR, OFFICE, OPERATORS, ledger_change

from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import clearing_pb2 as cl
from his.v1 import clearing_pb2_grpc
from his.v1 import reconciliation_pb2 as rc
from his.v1 import reconciliation_pb2_grpc

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "reconciliation"))
from recon_kit import DayClock, fresh_day, settled  # noqa: E402


@pytest.fixture
def stack(start_stack):
    clock = DayClock(fresh_day())
    with start_stack(SimulatorPlatform(clock=clock), clock=clock, operators=OPERATORS) as running:
        yield running, clock


def test_clearing_waits_for_reconciliation_applies_once_prints_and_revokes(stack):
    stack, clock = stack
    app = stack.app
    api = clearing_pb2_grpc.ClearingServiceStub(stack.channel)
    recon = reconciliation_pb2_grpc.ReconciliationServiceStub(stack.channel)
    settled(app, clock, "18.00")
    visit, cancelled = settled(app, clock, "7.50")
    app.outpatient.cancel_settlement(app.settings.system_operator.operator(), visit.id, cancelled.setl_id)
    day = clock.now().date().isoformat()
    clock.at += timedelta(days=1)
    period = dict(kind=cl.CLEARING_KIND_SUMMARY, clr_type="11", first_day=day, last_day=day)

    preview = api.PreviewClearing(cl.ClearingPeriodRequest(**period), metadata=AUDITOR)
    assert (preview.figures.medfee_sumamt, preview.figures.psntime, preview.figures.settlements) == ("18.00", 1, 3)
    assert any(day in b for b in preview.blockers)
    not_yet = refused(lambda: api.ApplyClearing(cl.ClearingPeriodRequest(**period, request_id=str(uuid.uuid4())),
                                                metadata=OFFICE))
    assert not_yet.code() is grpc.StatusCode.FAILED_PRECONDITION and day in not_yet.details()

    run = recon.RunReconciliation(rc.RunReconciliationRequest(first_day=day), metadata=OFFICE)
    assert run.run.state == rc.RECONCILIATION_RUN_STATE_BALANCED
    key = str(uuid.uuid4())
    applied = api.ApplyClearing(cl.ClearingPeriodRequest(**period, request_id=key), metadata=OFFICE).application
    assert applied.state == cl.CLEARING_APPLICATION_STATE_APPLIED and applied.clr_appy_evt_id
    assert (applied.infno, applied.figures.medfee_sumamt, applied.operator_code) == ("3202a", "18.00", "Y001")
    replay = api.ApplyClearing(cl.ClearingPeriodRequest(**period, request_id=key), metadata=OFFICE).application
    second = api.ApplyClearing(cl.ClearingPeriodRequest(**period, request_id=str(uuid.uuid4())),
                               metadata=OFFICE).application
    assert replay.id == second.id == applied.id
    listed = api.ListClearingApplications(cl.ListClearingApplicationsRequest(), metadata=AUDITOR).applications
    assert [a.id for a in listed if a.first_day == day] == [applied.id]

    printed = api.PrintClearingApplication(cl.GetClearingApplicationRequest(application_id=applied.id),
                                           metadata=AUDITOR)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.pdf)).pages)
    for expected in ("医疗保障基金清算申请单", "基金申报总额", "18.00", applied.clr_appy_evt_id, "已申请"):
        assert expected in text, expected

    # the 稽核 neither applies nor revokes
    revoke = cl.RevokeClearingRequest(application_id=applied.id, reason="重报", request_id=str(uuid.uuid4()))
    assert refused(lambda: api.RevokeClearing(revoke, metadata=AUDITOR)).code() is grpc.StatusCode.PERMISSION_DENIED
    revoked = api.RevokeClearing(revoke, metadata=OFFICE).application
    assert revoked.state == cl.CLEARING_APPLICATION_STATE_REVOKED and revoked.revoked_by == "Y001"
    again = api.ApplyClearing(cl.ClearingPeriodRequest(**period, request_id=str(uuid.uuid4())),
                              metadata=OFFICE).application
    assert again.id != applied.id and again.state == cl.CLEARING_APPLICATION_STATE_APPLIED
    got = api.GetClearingApplication(cl.GetClearingApplicationRequest(application_id=applied.id), metadata=AUDITOR)
    assert got.application.state == cl.CLEARING_APPLICATION_STATE_REVOKED


def test_the_centres_refusal_is_kept_in_its_words(stack):
    stack, clock = stack
    app = stack.app
    api = clearing_pb2_grpc.ClearingServiceStub(stack.channel)
    _, settlement = settled(app, clock, "22.00")
    day = clock.now().date().isoformat()
    clock.at += timedelta(days=1)
    reconciliation_pb2_grpc.ReconciliationServiceStub(stack.channel).RunReconciliation(
        rc.RunReconciliationRequest(first_day=day), metadata=OFFICE)
    ledger_change(stack, setl_id=settlement.setl_id, amounts={"medfee_sumamt": "23.00"})  # the centre's, later
    period = dict(kind=cl.CLEARING_KIND_DETAIL, clr_type="11", first_day=day, last_day=day)
    error = refused(lambda: api.ApplyClearing(cl.ClearingPeriodRequest(**period), metadata=OFFICE))
    assert "不符" in error.details()
    [kept] = [a for a in api.ListClearingApplications(cl.ListClearingApplicationsRequest(
        state=cl.CLEARING_APPLICATION_STATE_REFUSED), metadata=OFFICE).applications if a.first_day == day]
    assert "医疗费总额" in kept.error and kept.infno == "3203a"
    bad = refused(lambda: api.ApplyClearing(cl.ClearingPeriodRequest(clr_type="", month="2030-13"), metadata=OFFICE))
    assert bad.code() is grpc.StatusCode.INVALID_ARGUMENT
