"""`his clearing ...`: clearing applications (清算申请) from the command line, one JSON line each (apply,
revoke and resolve run against the configured platform: give --platform URL of a running platform or
`his sim serve`). Changes go into the audit trail like their RPCs."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from domain.errors import DomainError
from ports.audit import OK
from services.cli_common import add_platform_options, audit_command, operator_app

_SENDS = ("apply", "revoke", "resolve", "print")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day YYYY-MM-DD") from None


def _figures(f) -> dict:
    return {k: (format(v, "f") if not isinstance(v, int) else v) for k, v in vars(f).items()}


def application_line(a) -> dict:
    return {"application": a.id, "kind": a.kind.value, "infno": a.infno, "state": a.state.value,
            "clr_type": a.clr_type, "clr_way": a.clr_way, "clr_optins": a.clr_optins,
            "first_day": a.first_day.isoformat(), "last_day": a.last_day.isoformat(), "figures": _figures(a.figures),
            "clr_appy_evt_id": a.clr_appy_evt_id, "error": a.error, "in_doubt": a.in_doubt, "note": a.note,
            "operator": a.operator_code, "revoked_by": a.revoked_by}


def _print(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False))


def _period(args: argparse.Namespace) -> dict:
    return dict(kind=args.kind, clr_type=args.clr_type, month=args.month or "", first=args.first, last=args.last,
                clr_way=args.clr_way or "", clr_optins=args.clr_optins or "")


def cmd_clearing(args: argparse.Namespace) -> int:
    command = args.clearing_command
    app, op = operator_app(args, "clearing", command in _SENDS)
    if app is None:
        return 1
    service = app.clearing
    try:
        if command == "preview":
            p = service.preview(**_period(args))
            _print({"kind": p.kind.value, "clr_type": p.clr_type, "clr_optins": p.clr_optins,
                    "first_day": p.period.first_day.isoformat(), "last_day": p.period.last_day.isoformat(),
                    "figures": _figures(p.figures), "blockers": list(p.blockers), "standing": list(p.standing)})
        elif command == "list":
            for a in service.list(page_size=args.limit):
                _print(application_line(a))
        elif command == "show":
            _print(application_line(service.get(args.application_id)))
        elif command == "print":
            Path(args.out).write_bytes(service.pdf(op, args.application_id))
            print(f"wrote {args.out}")
        else:
            _print(application_line(_change(app, op, args, service)))
    except DomainError as exc:
        print(f"his clearing {command}: {exc}", file=sys.stderr)
        return 1
    finally:
        if command in _SENDS:
            app.close()  # signs out what it signed in
        else:
            app.container.engine().dispose()
    return 0


def _change(app, op, args: argparse.Namespace, service):
    command = args.clearing_command
    key = getattr(args, "application_id", "") or f"{args.kind} {args.clr_type} {args.month or args.first}"
    try:
        if command == "apply":
            done = service.apply(op, **_period(args))
        elif command == "revoke":
            done = service.revoke(op, args.application_id, args.reason)
        else:
            done = service.resolve(op, args.application_id, args.applied, args.evt_id or "", args.reason)
    except DomainError as exc:
        audit_command(app, op, f"his clearing {command}", "clearing.apply", key, type(exc).__name__, str(exc))
        raise
    audit_command(app, op, f"his clearing {command}", "clearing.apply", key, OK, "")
    return done


def add_clearing_commands(sub, db_option) -> None:
    clr = sub.add_parser("clearing", help="clearing applications (清算申请 3202a / 3203a / 1608) and their "
                                          "revocation").add_subparsers(dest="clearing_command", required=True)

    def platform_options(p: argparse.ArgumentParser) -> None:
        add_platform_options(p, db_option)

    def period_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("kind", help="SUMMARY (3202a), DETAIL (3203a) or REMOTE (1608, 异地)")
        p.add_argument("--clr-type", dest="clr_type", required=True, help="清算类别")
        p.add_argument("--month", help="YYYY-MM: the whole month")
        p.add_argument("--from", dest="first", type=_day, help="first day YYYY-MM-DD")
        p.add_argument("--to", dest="last", type=_day, help="last day YYYY-MM-DD (same month; default its end)")
        p.add_argument("--clr-way", dest="clr_way", help="清算方式")
        p.add_argument("--clr-optins", dest="clr_optins", help="清算机构 (default: the hospital's region)")

    preview = clr.add_parser("preview", help="the figures of a period and what stops it; nothing is sent")
    period_options(preview)
    db_option(preview)
    apply = clr.add_parser("apply", help="apply for clearing of a reconciled period")
    period_options(apply)
    platform_options(apply)
    revoke = clr.add_parser("revoke", help="revoke an APPLIED application (3204a / 3204b / 1618)")
    revoke.add_argument("application_id")
    revoke.add_argument("--reason", required=True)
    platform_options(revoke)
    resolve = clr.add_parser("resolve", help="an application in doubt: --applied --evt-id ID, or --not-applied")
    resolve.add_argument("application_id")
    taken = resolve.add_mutually_exclusive_group(required=True)
    taken.add_argument("--applied", action="store_true", default=None)
    taken.add_argument("--not-applied", dest="applied", action="store_false")
    resolve.add_argument("--evt-id", dest="evt_id", help="the centre's 清算申请事件ID")
    resolve.add_argument("--reason", required=True, help="how it was found out")
    platform_options(resolve)
    listing = clr.add_parser("list", help="applications, newest first")
    listing.add_argument("--limit", type=int, default=50)
    db_option(listing)
    show = clr.add_parser("show", help="one application")
    show.add_argument("application_id")
    db_option(show)
    printing = clr.add_parser("print", help="the application form as a PDF (with 3205a's print data)")
    printing.add_argument("application_id")
    printing.add_argument("--out", required=True, help="the PDF file to write")
    platform_options(printing)
    for p in (preview, apply, revoke, resolve, listing, show, printing):
        p.set_defaults(func=cmd_clearing)
