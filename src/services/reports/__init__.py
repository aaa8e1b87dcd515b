"""Settlement reports (医保结算报表): summaries by 险种, 医疗类别, 清算类别, 清算方式, 本地/异地, department,
doctor and day, detail lists, and their xlsx / CSV files. The public API of the context."""
from __future__ import annotations

from services.reports.service import CHUNK_BYTES, KINDS, MAX_PAGE, ReportService, check_export

__all__ = ["CHUNK_BYTES", "KINDS", "MAX_PAGE", "ReportService", "check_export"]
