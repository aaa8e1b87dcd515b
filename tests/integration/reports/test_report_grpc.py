"""his.v1.ReportService over a real channel, wired as `his serve` wires it, on the fixed month."""
from __future__ import annotations

import csv
import io
import uuid

import grpc
import openpyxl
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from adapters.yb_sim.platform import SimulatorPlatform
from his.v1 import reports_pb2 as pb
from his.v1 import reports_pb2_grpc
from services.bootstrap import bootstrap
from services.settings import OperatorToken, Settings

ROLES = ("insurance_office", "auditor", "cashier")


@pytest.fixture
def stack(database_url):
    tokens = {role: f"tok-{role}-{uuid.uuid4().hex[:8]}" for role in ROLES}
    operators = [OperatorToken(token=token, code=f"R{i}", name=role, role=role) for i, (role, token)
                 in enumerate(tokens.items())]
    app = bootstrap(Settings(database_url=database_url, operators=operators), platform=SimulatorPlatform())
    server, port = app.server(address="127.0.0.1:0", max_workers=4)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield reports_pb2_grpc.ReportServiceStub(channel), lambda role: (("authorization", f"Bearer {tokens[role]}"),), app
    channel.close()
    server.stop(None)
    app.close()


def _fields(err: grpc.RpcError) -> list[str]:
    status = rpc_status.from_call(err)
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return [v.field for v in bad.field_violations]
    return []


def test_get_summary_rows_and_totals(stack, fixed_month):
    api, auth, _app = stack
    reply = api.GetSummary(pb.GetSummaryRequest(filter=pb.ReportFilter(month=fixed_month.text),
                                                group_by=["place", "insutype"]), metadata=auth("auditor"))
    assert fixed_month.text in reply.title
    remote = [r for r in reply.rows if r.keys[0].code == "NONLOCAL"]
    assert len(remote) == 1
    row = remote[0]
    assert [(k.dimension, k.code, k.name) for k in row.keys] == [("place", "NONLOCAL", "异地"),
                                                                 ("insutype", "390", "城乡居民基本医疗保险")]
    assert row.standing == pb.SETTLEMENT_STANDING_SETTLED and row.count == 1
    assert (row.amounts.medfee_sumamt, row.amounts.maf_pay, row.amounts.hosp_part_amt) == ("80.00", "8.00", "0.00")
    standings = {r.standing for r in reply.rows}
    assert pb.SETTLEMENT_STANDING_CANCELLATION in standings and pb.SETTLEMENT_STANDING_REVERSED in standings
    net = reply.totals[-1]
    assert net.label.startswith("净额") and net.count == 5 and net.amounts.medfee_sumamt == "430.50"
    assert reply.generated_at.seconds > 0


def test_export_streams_chunks_that_make_the_file(stack, fixed_month):
    api, auth, _app = stack
    chunks = list(api.ExportReport(pb.ExportReportRequest(
        filter=pb.ReportFilter(month=fixed_month.text), kind=pb.REPORT_KIND_DETAIL, format=pb.REPORT_FORMAT_XLSX),
        metadata=auth("insurance_office")))
    assert chunks[0].file_name == f"医保结算明细_{fixed_month.text}.xlsx"
    assert chunks[0].content_type.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(c.data for c in chunks)))
    ids = [row[0] for row in book["明细"].iter_rows(min_row=3, values_only=True) if row[0] != "合计"]
    assert ids == [fixed_month.setl_ids[k] for k in ("S1", "S2", "S3", "S4", "S4N", "S5")]

    csv_chunks = list(api.ExportReport(pb.ExportReportRequest(
        filter=pb.ReportFilter(month=fixed_month.text), group_by=["doctor"], kind=pb.REPORT_KIND_SUMMARY,
        format=pb.REPORT_FORMAT_CSV), metadata=auth("insurance_office")))
    rows = list(csv.reader(io.StringIO(b"".join(c.data for c in csv_chunks).decode("utf-8-sig"))))
    assert rows[0][:2] == ["医生", "医生名称"] and rows[1][:4] == ["D01", "张医生", "正常结算", "2"]


@pytest.mark.parametrize(("request_", "fields"), [
    (pb.GetSummaryRequest(filter=pb.ReportFilter(month="2026-13")), ["filter.month"]),
    (pb.GetSummaryRequest(filter=pb.ReportFilter(month="2026-03"), group_by=["bed"]), ["group_by[0]"]),
    (pb.GetSummaryRequest(filter=pb.ReportFilter(start="2026-03-09", end="2026-03-01")), ["filter.end"]),
    (pb.GetSummaryRequest(filter=pb.ReportFilter(month="2026-03", place="moon")), ["filter.place"]),
])
def test_bad_filters_are_invalid_argument_naming_the_field(stack, request_, fields):
    api, auth, _app = stack
    with pytest.raises(grpc.RpcError) as caught:
        api.GetSummary(request_, metadata=auth("auditor"))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert _fields(caught.value) == fields


def test_export_refuses_before_streaming(stack):
    api, auth, _app = stack
    with pytest.raises(grpc.RpcError) as caught:
        list(api.ExportReport(pb.ExportReportRequest(filter=pb.ReportFilter(month="2026-03")),
                              metadata=auth("auditor")))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert _fields(caught.value) == ["kind", "format"]


def test_a_cashier_may_not_read_reports(stack):
    api, auth, _app = stack
    with pytest.raises(grpc.RpcError) as caught:
        api.GetSummary(pb.GetSummaryRequest(filter=pb.ReportFilter(month="2026-03")), metadata=auth("cashier"))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
