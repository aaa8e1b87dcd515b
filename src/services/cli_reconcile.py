"""`his reconcile ...`: reconciliation with the platform from the command line, one JSON line per
run or worklist entry (runs against the configured platform: give --platform URL of a running
platform or `his sim serve`; the default in-process simulator holds nothing of earlier commands)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from domain.errors import DomainError
from domain.reconciliation import EntryState
from ports.audit import OK
from services.cli_common import add_platform_options, audit_command, operator_app


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day YYYY-MM-DD") from None


def _amounts(a) -> dict | None:
    return None if a is None else {k: format(v, "f") for k, v in vars(a).items()}


def run_line(run) -> dict:
    return {"run": run.id, "first_day": run.first_day.isoformat(), "last_day": run.last_day.isoformat(),
            "trigger": run.trigger.value, "state": run.state.value, "started_at": run.started_at.isoformat(sep=" "),
            "entries_found": len(set(run.entry_ids)), "error": run.error, "details_compared": run.details_compared,
            "lines": [{"insutype": ln.insutype, "clr_type": ln.clr_type, "setl_optins": ln.setl_optins,
                       "ours": _amounts(ln.ours.amounts), "ours_count": ln.ours.count, "stmt_rslt": ln.stmt_rslt,
                       "stmt_rslt_dscr": ln.stmt_rslt_dscr, "balanced": ln.balanced, "error": ln.error}
                      for ln in run.lines]}


def entry_line(e) -> dict:
    return {"entry": e.id, "kind": e.kind.value, "setl_id": e.setl_id, "mdtrt_id": e.mdtrt_id, "psn_no": e.psn_no,
            "setl_time": e.setl_time.isoformat(sep=" ") if e.setl_time else None, "insutype": e.insutype,
            "record": f"{e.record_kind} {e.record_id}".strip(), "ours": _amounts(e.ours),
            "theirs": _amounts(e.theirs), "memo": e.memo, "state": e.state.value,
            "actions": [a.value for a in e.actions], "action": e.action.value if e.action else None,
            "reason": e.reason, "resolved_by": e.resolved_by, "outcome": e.outcome}


def _print(line: dict) -> None:
    print(json.dumps(line, ensure_ascii=False))


def cmd_reconcile(args: argparse.Namespace) -> int:
    from services.reconciliation import parse_action, parse_kind

    sends = args.reconcile_command in ("run", "resolve")
    app, op = operator_app(args, "reconcile", sends)
    if app is None:
        return 1
    service = app.reconciliation
    try:
        if args.reconcile_command == "run":
            run = service.run(op, args.day or args.first, args.last)
            _print(run_line(run))
            for e in service.list_entries(None, None, run.id, 1000):
                _print(entry_line(e))
        elif args.reconcile_command == "runs":
            for run in service.list_runs(args.limit):
                _print(run_line(run))
        elif args.reconcile_command == "show":
            _print(run_line(service.get_run(args.run_id)))
            for e in service.list_entries(None, None, args.run_id, 1000):
                _print(entry_line(e))
        elif args.reconcile_command == "list":
            entries = service.list_entries(None if args.all else EntryState.OPEN, parse_kind(args.kind or ""),
                                           args.run or "", args.limit)
            for e in entries:
                _print(entry_line(e))
            if not entries:
                print("no entries on the worklist" if not args.all else "no entries found")
        else:
            try:
                done = service.resolve(op, args.entry_id, parse_action(args.action), args.reason)
            except DomainError as exc:
                _audit(app, op, args, type(exc).__name__, str(exc))
                raise
            _audit(app, op, args, OK, "")
            _print(entry_line(done))
    except DomainError as exc:
        print(f"his reconcile {args.reconcile_command}: {exc}", file=sys.stderr)
        return 1
    finally:
        if sends:
            app.close()  # signs out what it signed in
        else:
            app.container.engine().dispose()
    return 0


def _audit(app, op, args: argparse.Namespace, outcome: str, message: str) -> None:
    """An action on the worklist from the command line goes into the audit trail like its RPC."""
    audit_command(app, op, "his reconcile resolve", "reconciliation.resolve", args.entry_id, outcome, message)


def add_reconcile_commands(sub, db_option) -> None:
    rec = sub.add_parser("reconcile", help="reconciliation with the platform (3201 / 3202 / 5262 / 5267) and its "
                                           "单边账 worklist").add_subparsers(dest="reconcile_command", required=True)

    def platform_options(p: argparse.ArgumentParser) -> None:
        add_platform_options(p, db_option)

    run = rec.add_parser("run", help="reconcile a day (default today) or --from D --to D (at most 31 days)")
    run.add_argument("--day", type=_day, help="YYYY-MM-DD")
    run.add_argument("--from", dest="first", type=_day, help="first day YYYY-MM-DD")
    run.add_argument("--to", dest="last", type=_day, help="last day YYYY-MM-DD (default: the first)")
    platform_options(run)
    runs = rec.add_parser("runs", help="the runs, newest first")
    runs.add_argument("--limit", type=int, default=20)
    db_option(runs)
    show = rec.add_parser("show", help="one run with the entries it found")
    show.add_argument("run_id")
    db_option(show)
    listing = rec.add_parser("list", help="the worklist: open entries (--all: every state)")
    listing.add_argument("--all", action="store_true")
    listing.add_argument("--kind", help="PLATFORM_ONLY, HIS_ONLY, AMOUNTS_DIFFER, UNSETTLED or ARITHMETIC")
    listing.add_argument("--run", help="only those this run found")
    listing.add_argument("--limit", type=int, default=200)
    db_option(listing)
    resolve = rec.add_parser("resolve", help="take an action on an entry: REVERSE, RECORD, RESETTLE or CONFIRM")
    resolve.add_argument("entry_id")
    resolve.add_argument("--action", required=True)
    resolve.add_argument("--reason", required=True)
    platform_options(resolve)
    for p in (run, runs, show, listing, resolve):
        p.set_defaults(func=cmd_reconcile)
