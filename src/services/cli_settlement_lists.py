"""`his setl-list`: the 医保办's settlement lists (结算清单, 4101a) from the command line: build those of
a date range, show the worklist or one list, upload one (as the server would: claimed, journaled)."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from services.cli_common import ensure_sqlite_dir, settings_from


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _brief(lst, today: date) -> str:
    return json.dumps({"id": lst.id, "ipt_no": lst.ipt_no, "setl_id": lst.setl_id, "state": lst.state.value,
                       "deadline": lst.deadline.isoformat(), "overdue": lst.overdue(today),
                       "gaps": [f"{g.path} {g.label}" for g in lst.gaps], "setl_list_id": lst.setl_list_id,
                       "last_error": lst.last_error, "in_doubt": lst.in_doubt}, ensure_ascii=False)


def _app(args: argparse.Namespace):
    from adapters.db.migrate import upgrade
    from services.bootstrap import bootstrap

    settings = settings_from(args)
    ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    return settings, bootstrap(settings)


def cmd_setl_list(args: argparse.Namespace) -> int:
    from domain.errors import DomainError
    from domain.settlement_lists import ListState

    settings, app = _app(args)
    lists, today = app.settlement_lists, app.clock.now().date()
    try:
        if args.setl_command == "build":
            report = lists.build_range(args.since, args.until or args.since)
            for lst in report.built:
                print(_brief(lst, today))
            print(f"built {len(report.built)}, voided {len(report.voided)}, skipped {len(report.skipped)}",
                  *report.skipped, sep="\n", file=sys.stderr)
        elif args.setl_command == "list":
            states = tuple(ListState(s) for s in args.state or ())
            for lst in lists.worklist(states, args.due_before):
                print(_brief(lst, today))
        elif args.setl_command == "show":
            lst = lists.get(args.list_id)
            print(_brief(lst, today))
            print(json.dumps({"setlinfo": lst.setlinfo, **lst.rows}, ensure_ascii=False, indent=1))
        else:
            known = {o.code: o for o in settings.operators}
            chosen = known.get(args.operator) if args.operator else next(iter(known.values()), None)
            if chosen is None:
                print(f"his setl-list upload: unknown operator {args.operator!r}", file=sys.stderr)
                return 1
            app.start_resolver(resolve=False)  # its heartbeat: a running server's resolver leaves this call alone
            print(_brief(lists.upload(chosen.operator(), args.list_id), today))
    except DomainError as exc:
        print(f"his setl-list {args.setl_command}: {exc}", file=sys.stderr)
        return 1
    finally:
        app.close()
    return 0


def add_settlement_list_commands(sub, db_option) -> None:
    setl = sub.add_parser("setl-list", help="settlement lists (结算清单, 4101a): build, list, show, upload")
    commands = setl.add_subparsers(dest="setl_command", required=True)
    build = commands.add_parser("build", help="build the lists of the stays settled on these days")
    build.add_argument("--since", type=_day, required=True, metavar="YYYY-MM-DD")
    build.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="inclusive; default: --since")
    listing = commands.add_parser("list", help="the worklist by deadline, the overdue first")
    listing.add_argument("--state", action="append", choices=["DRAFT", "READY", "UPLOADING", "UPLOADED", "VOID"])
    listing.add_argument("--due-before", type=_day, metavar="YYYY-MM-DD")
    show = commands.add_parser("show", help="one list (by its id or setl_id) with its values and gaps")
    show.add_argument("list_id")
    upload = commands.add_parser("upload", help="upload one READY list with 4101a")
    upload.add_argument("list_id")
    upload.add_argument("--operator", metavar="CODE", help="configured operator code (default: the first)")
    upload.add_argument("--platform", help="'sim' (default) or the platform's endpoint URL")
    upload.add_argument("--paasid", help="x-tif paasid for an HTTP platform")
    upload.add_argument("--token", help="x-tif token (secret) for an HTTP platform")
    for command in (build, listing, show, upload):
        db_option(command)
        command.set_defaults(func=cmd_setl_list)
