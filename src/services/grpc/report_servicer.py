"""his.v1.ReportService: proto in, the report use cases, proto out. No rules live here."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.reports import FUND_FIELDS, FILTERS, ReportQuery, Standing, report_query
from his.v1 import reports_pb2 as pb
from his.v1 import reports_pb2_grpc
from services.grpc import mappers as m
from services.grpc.auth import current_operator
from services.reports import ReportService, check_export

_PERIOD = ("day", "month", "start", "end", "period")
# the use case names the period and filters as report_query's arguments; the request nests them in `filter`
_PATHS = {**{name: f"filter.{name}" for name in _PERIOD}, "filters": "filter"}
_KINDS = {pb.REPORT_KIND_SUMMARY: "summary", pb.REPORT_KIND_DETAIL: "detail"}
_FORMATS = {pb.REPORT_FORMAT_XLSX: "xlsx", pb.REPORT_FORMAT_CSV: "csv"}
_CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv; charset=utf-8"}
_STANDINGS = {Standing.SETTLED: pb.SETTLEMENT_STANDING_SETTLED, Standing.CANCELLED: pb.SETTLEMENT_STANDING_CANCELLED,
              Standing.CANCELLATION: pb.SETTLEMENT_STANDING_CANCELLATION,
              Standing.REVERSED: pb.SETTLEMENT_STANDING_REVERSED}


class ReportServicer(reports_pb2_grpc.ReportServiceServicer):
    def __init__(self, reports: ReportService, zone: str | ZoneInfo = m.DEFAULT_ZONE):
        self.reports, self.zone = reports, m.zone_of(zone)

    def GetSummary(self, request, context):
        current_operator()
        query = _query(request)
        summary = self.reports.summary(query)
        reply = pb.GetSummaryResponse(title=self.reports.title(query, "summary"),
                                      generated_at=m.to_timestamp(summary.generated_at, self.zone))
        for row in summary.rows:
            reply.rows.add(keys=[pb.GroupKey(dimension=d.value, code=k, name=n)
                                 for d, k, n in zip(query.group_by, row.keys, row.names)],
                           standing=_STANDINGS[row.standing], count=row.count, amounts=_amounts(row.amounts))
        for total in summary.totals():
            reply.totals.add(label=total.label, count=total.count, amounts=_amounts(total.amounts))
        return reply

    def ExportReport(self, request, context):
        current_operator()
        query = _query(request)
        kind, fmt = _KINDS.get(request.kind, ""), _FORMATS.get(request.format, "")
        with m.request_paths({"kind": "kind", "format": "format"}):
            check_export(kind or "(unspecified)", fmt or "(unspecified)")  # refused before the stream starts
        name = f"{'医保结算汇总' if kind == 'summary' else '医保结算明细'}_{_period_name(query)}.{fmt}"
        return self._chunks(query, kind, fmt, name)

    def _chunks(self, query: ReportQuery, kind: str, fmt: str, name: str):
        first = True
        for data in self.reports.export_chunks(query, kind, fmt):
            if first:
                yield pb.ReportChunk(data=data, file_name=name, content_type=_CONTENT_TYPES[fmt])
                first = False
            else:
                yield pb.ReportChunk(data=data)


def _query(request) -> ReportQuery:
    f = request.filter
    with m.request_paths(_PATHS):
        return report_query(day=f.day, month=f.month, start=f.start, end=f.end, group_by=list(request.group_by),
                            filters={name: getattr(f, name) for name in FILTERS})


def _amounts(values) -> pb.FundAmounts:
    return pb.FundAmounts(**{name: m.money_to_str(v) for name, v in zip(FUND_FIELDS, values)})


def _period_name(query: ReportQuery) -> str:
    return query.period.label.replace(" 至 ", "_")
