"""Settlement reports for the 医保办: what a report asks for (period, dimensions, filters) and the
figures it shows (summary rows by standing, detail rows, totals, daily series). The public model.

Other contexts import from this package only; its modules are its own business.
"""
from __future__ import annotations

from domain.reports.figures import (CHART_FUNDS, CODE_NAMES, DETAIL_HEADERS, FUND_FIELDS, FUNDS, NET_LABEL, NET_STANDINGS,
                                    DailySeries, DetailRow, RunningTotals, Standing, Summary, SummaryRow, Total, code_name,
                                    daily_series, detail_cells, summary_cells, summary_headers, zero_amounts)
from domain.reports.query import (CITY_DIGITS, FILTERS, MAX_DAYS, Dimension, Period, Place, ReportQuery, Service,
                                  is_local, report_query)

__all__ = ["CHART_FUNDS", "CITY_DIGITS", "CODE_NAMES", "DETAIL_HEADERS", "FILTERS", "FUNDS", "FUND_FIELDS",
           "MAX_DAYS", "NET_LABEL", "NET_STANDINGS", "RunningTotals", "DailySeries", "DetailRow", "Dimension", "Period", "Place", "ReportQuery",
           "Service", "Standing", "Summary", "SummaryRow", "Total", "code_name", "daily_series", "detail_cells",
           "is_local", "report_query", "summary_cells", "summary_headers", "zero_amounts"]
