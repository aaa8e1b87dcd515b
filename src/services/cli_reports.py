"""`his report summary|detail`: a settlement report of a day, a month or a range, as xlsx or CSV.

    his report summary --month 2026-03 --by insutype --by place --format xlsx --out 2026-03.xlsx
    his report detail --day 2026-03-02 --place NONLOCAL --format csv --out -      (CSV to standard output)
"""
from __future__ import annotations

import argparse
import sys

from services.cli_common import settings_from

_FILTER_FLAGS = {"insutype": "insutype", "med_type": "med_type", "clr_type": "clr_type", "clr_way": "clr_way",
                 "place": "place", "dept": "dept_code", "doctor": "doctor_code", "service": "service"}


def cmd_report(args: argparse.Namespace) -> int:
    from domain.errors import ValidationFailed
    from domain.reports import report_query
    from services.bootstrap import bootstrap

    if args.format == "xlsx" and args.out == "-":
        print("his report: an xlsx workbook needs --out FILE (CSV may go to standard output with --out -)",
              file=sys.stderr)
        return 2
    by = [name for given in getattr(args, "by", None) or () for name in given.split(",") if name]
    try:
        query = report_query(day=args.day or "", month=args.month or "", start=args.start or "",
                             end=args.end or "", group_by=by,
                             filters={key: getattr(args, flag) for flag, key in _FILTER_FLAGS.items()
                                      if getattr(args, flag)})
    except ValidationFailed as exc:
        for v in exc.violations:
            print(f"his report: {v.field}: {v.description}", file=sys.stderr)
        return 2
    app = bootstrap(settings_from(args))
    try:
        if args.out == "-":
            written = app.reports.export(query, args.report_command, args.format, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with open(args.out, "wb") as out:
                written = app.reports.export(query, args.report_command, args.format, out)
    except OSError as exc:
        print(f"his report: {exc}", file=sys.stderr)
        return 1
    finally:
        app.container.engine().dispose()
    if args.out != "-":
        what = "groups" if args.report_command == "summary" else "settlements"
        print(f"{args.out}: {app.reports.title(query, args.report_command)}, {written} {what}")
    return 0


def add_report_commands(sub, db_option) -> None:
    report = sub.add_parser("report", help="settlement reports (医保结算报表) as xlsx or CSV").add_subparsers(
        dest="report_command", required=True)
    for name, text in (("summary", "counts and amounts by group, each standing apart, with totals"),
                       ("detail", "one row per settlement, with totals")):
        p = report.add_parser(name, help=text)
        period = p.add_argument_group("period (one of; the hospital's days)")
        period.add_argument("--day", metavar="YYYY-MM-DD")
        period.add_argument("--month", metavar="YYYY-MM")
        period.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day of a range")
        period.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day of a range (included)")
        if name == "summary":
            p.add_argument("--by", action="append", metavar="DIM",
                           help="group by (repeat or comma-separate): insutype (default), med_type, clr_type, "
                                "clr_way, place, dept, doctor, day, service")
        filters = p.add_argument_group("filters")
        for flag in _FILTER_FLAGS:
            extra = {"place": " (LOCAL or NONLOCAL)", "service": " (OUTPATIENT or INPATIENT)",
                     "dept": " (department code)", "doctor": " (doctor code)"}.get(flag, "")
            filters.add_argument(f"--{flag.replace('_', '-')}", dest=flag, metavar="CODE", help=f"only this{extra}")
        p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        p.add_argument("--out", required=True, metavar="FILE", help="where to write ('-': standard output, CSV only)")
        db_option(p)
        p.set_defaults(func=cmd_report)
