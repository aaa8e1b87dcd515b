"""`his hospital load FILE`: the master data file into the database (new and changed records become
versions); `his hospital load-exam-tables FILE`: the exam-item tables likewise; `his hospital show`:
the records in force, one JSON line each."""
from __future__ import annotations

import argparse
import json
import sys

from services.cli_common import settings_from


def cmd_hospital_load(args: argparse.Namespace) -> int:
    from domain.errors import ValidationFailed
    from services.bootstrap import bootstrap

    app = bootstrap(settings_from(args))
    try:
        result = app.load_hospital_data(args.file)
    except ValidationFailed as exc:
        for v in exc.violations:
            print(f"{args.file}: {v.field}: {v.description}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"his hospital load: {exc}", file=sys.stderr)
        return 1
    finally:
        app.container.engine().dispose()
    print(f"{args.file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")
    return 0


def cmd_exam_tables_load(args: argparse.Namespace) -> int:
    from domain.errors import ValidationFailed
    from services.bootstrap import bootstrap

    app = bootstrap(settings_from(args))
    try:
        written = app.load_exam_tables(args.file)
    except ValidationFailed as exc:
        for v in exc.violations:
            print(f"{args.file}: {v.field}: {v.description}", file=sys.stderr)
        return 1
    finally:
        app.container.engine().dispose()
    names = ", ".join(f"{t.exam_type} v{t.version}" for t in written) or "nothing changed"
    print(f"{args.file}: {names}")
    return 0


def cmd_hospital_show(args: argparse.Namespace) -> int:
    from domain.hospital import KINDS, to_data
    from services.bootstrap import bootstrap

    app = bootstrap(settings_from(args))
    try:
        for kind in KINDS:
            for v in app.hospital_admin.list(kind):
                print(json.dumps({"kind": kind, "version": v.revision.version, **to_data(v.value)}, ensure_ascii=False))
    finally:
        app.container.engine().dispose()
    return 0


def add_hospital_commands(sub, db_option) -> None:
    hospital = sub.add_parser("hospital", help="the hospital master data").add_subparsers(
        dest="hospital_command", required=True)
    load = hospital.add_parser("load", help="load a master data file (JSON: departments, clinics, staff, "
                                            "price_lines, charge_items); changes become new versions, all or "
                                            "nothing")
    load.add_argument("file")
    db_option(load)
    load.set_defaults(func=cmd_hospital_load)
    exams = hospital.add_parser("load-exam-tables", help="load the exam-item tables (JSON: exam_tables); a changed "
                                                         "table becomes a new version, all or nothing")
    exams.add_argument("file")
    db_option(exams)
    exams.set_defaults(func=cmd_exam_tables_load)
    show = hospital.add_parser("show", help="the records in force, one JSON line each")
    db_option(show)
    show.set_defaults(func=cmd_hospital_show)
