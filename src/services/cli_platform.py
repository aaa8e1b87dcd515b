"""`his yb` (the transaction catalogue, the generic call), `his catalog sync` and `his catalog reindex`."""
from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from services.cli_common import chosen_operator, ensure_sqlite_dir, settings_from
from services.settings import Settings


# ---- his yb: the transaction catalogue and the generic call -------------------------------------
def _width(text: str) -> int:
    # CJK characters take two terminal columns; ljust alone would misalign the tables
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: list[list[str]]) -> None:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip())


def _transactions(settings: Settings):
    from ports.catalogue import load_catalogue
    from services.transactions import TransactionService
    return TransactionService(load_catalogue(), None, settings.roles)


def cmd_yb_list(args: argparse.Namespace) -> int:
    found = _transactions(settings_from(args)).list(group=args.group or "")
    rows = [["code", "name", "group", "mode", "notes"]]
    for tx in found:
        notes = [n for n, on in (("2601-reversible", tx.reversible), ("file", tx.file_based),
                                 (f"gateway {tx.gateway}", tx.gateway != "platform"),
                                 ("fields by convention", tx.fields_source != "spec"),
                                 ("not in the Hubei list", not tx.in_hubei_list)) if on]
        if not tx.applicable:
            notes.insert(0, f"不适用, use {tx.replaced_by}")
        rows.append([tx.code, tx.name, tx.group, tx.call_mode, ", ".join(notes)])
    _table(rows)
    print(f"{len(found)} transactions")
    return 0


def _field_rows(fields, indent: str = "") -> list[list[str]]:
    rows = []
    for f in fields:
        size = (f"{f.precision},{f.scale or 0}" if f.precision else f"scale {f.scale}" if f.scale is not None
                else str(f.length or ""))
        # "?": whether it is required is unconfirmed (the sources disagree); missing, it is only warned about
        required = ("yes" if f.required else "") + ("?" if f.required_unconfirmed else "")
        rows.append([indent + f.name, f.label, f.type, required, size, f.dict or "",
                     "unconfirmed" if f.unconfirmed else ""])
        rows += _field_rows(f.items, indent + "  ")
    return rows


def _any_required_unconfirmed(fields) -> bool:
    return any(f.required_unconfirmed or _any_required_unconfirmed(f.items) for f in fields)


def cmd_yb_describe(args: argparse.Namespace) -> int:
    from domain.errors import DomainError
    try:
        tx, dictionaries = _transactions(settings_from(args)).describe(args.code)
    except DomainError as exc:
        print(f"his yb: {exc}", file=sys.stderr)
        return 1
    print(f"{tx.code} {tx.name} [{tx.group}] {tx.call_mode}; fields: {tx.fields_source}"
          f"{'; 2601-reversible' if tx.reversible else ''}{'; unconfirmed' if tx.unconfirmed else ''}"
          f"{'' if tx.applicable else f'; 本交易不适用, use {tx.replaced_by}'}")
    if tx.description:
        print(tx.description)
    unsure_required = False
    for side, nodes in (("input", tx.input), ("output", tx.output)):
        for node in nodes:
            marks = [m for m, on in (("open, fields unchecked", node.open), ("unconfirmed", node.unconfirmed)) if on]
            print(f"\n{side} {node.name or '(fields directly under ' + side + ')'} ({node.kind})"
                  f"{': ' + ', '.join(marks) if marks else ''}")
            if node.note:
                print(f"  note: {node.note}")
            if node.fields:
                _table([["field", "label", "type", "required", "size", "dict", ""], *_field_rows(node.fields)])
                unsure_required = unsure_required or _any_required_unconfirmed(node.fields)
    if unsure_required:
        print("\nrequired \"?\": the sources disagree on whether it is required; a request without it is warned "
              "about, not refused")
    for d in dictionaries:
        codes = "; ".join(f"{c} {label}" for c, label in d.codes.items())
        print(f"\ndict {d.name} ({d.label}{', open list' if not d.closed else ''}): {codes}")
    return 0


def cmd_yb_call(args: argparse.Namespace) -> int:
    from adapters.db.migrate import upgrade
    from domain.errors import DomainError, ValidationFailed
    from ports.jsoncodec import encode_json
    from services.bootstrap import bootstrap
    from services.errors import PlatformRejected, PlatformUnavailable
    from services.transactions import parse_input_json

    settings = settings_from(args)
    try:
        payload = parse_input_json(Path(args.input).read_text(encoding="utf-8"), field=args.input)
    except (OSError, ValidationFailed) as exc:
        print(f"his yb call: {exc}", file=sys.stderr)
        return 1
    chosen = chosen_operator(settings, args.operator, "yb call")
    if chosen is None:
        return 1
    ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)  # the call is journaled, as from the server
    app = bootstrap(settings)
    app.start_resolver(resolve=False)  # its heartbeat: a running server's resolver leaves this call alone
    try:
        done = app.transactions.invoke(chosen, args.code, payload)
    except DomainError as exc:
        print(f"his yb call: {exc}", file=sys.stderr)
        if isinstance(exc, (PlatformRejected, PlatformUnavailable)):
            print(f"msgid {exc.msgid or '-'}, journal entry {exc.journal_id or '-'}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(encode_json(done.output))
    if done.msgid:
        print(f"msgid {done.msgid}, journal entry {done.journal_id}", file=sys.stderr)
    return 0


# ---- his catalog sync ------------------------------------------------------------------------------
class _Bar:
    """tqdm's bar (rows, rows/s) while a kind imports, on a terminal only."""

    def __init__(self):
        self.bar, self.done = None, 0

    def __call__(self, kind, done: int, total: int) -> None:
        if self.bar is None and sys.stderr.isatty():
            from tqdm import tqdm
            self.bar = tqdm(total=total or None, initial=done, unit=" rows", unit_scale=True, desc=kind.infno,
                            dynamic_ncols=True, file=sys.stderr)
        elif self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_catalog_sync(args: argparse.Namespace) -> int:
    from adapters.db.migrate import upgrade
    from services.bootstrap import bootstrap
    from services.catalog_sync import KINDS, catalog_kind

    settings = settings_from(args)
    try:
        kinds = [catalog_kind(k) for k in args.kind] if args.kind else list(KINDS.values())
    except ValueError as exc:
        print(f"his catalog sync: {exc}", file=sys.stderr)
        return 2
    ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    app = bootstrap(settings)
    app.start_resolver(resolve=False)
    rows = [["kind", "infno", "from", "to", "lines", "added", "changed", "stopped", "skipped", "seconds", "note"]]
    failed = 0
    try:
        for kind in kinds:
            bar = _Bar()
            try:
                r = app.catalog_sync.sync(kind, bar)
            except Exception as exc:  # noqa: BLE001 - the other kinds still sync; the checkpoint keeps this one's
                failed += 1
                print(f"his catalog sync: {kind.infno} {kind.label} failed: {exc}; run again to resume",
                      file=sys.stderr)
                continue
            finally:
                bar.close()
            t = r.tally
            note = "; ".join(n for n in (r.resumed and f"resumed ({r.resumed})",
                                         r.bad_lines and f"{r.bad_lines} lines not stored") if n)
            rows.append([f"{kind.name} {kind.label}", kind.infno, r.from_ver, r.to_ver, str(r.lines), str(t.added),
                         str(t.changed), str(t.stopped), str(t.skipped), f"{r.seconds:.1f}", note])
    finally:
        try:
            app.catalog_sync.close()
        finally:
            app.close()
    _table(rows)
    return 1 if failed else 0


def cmd_catalog_reindex(args: argparse.Namespace) -> int:
    from adapters.db.migrate import upgrade
    from ports.diagnosis_search import DIAGNOSIS_KINDS
    from services.bootstrap import bootstrap
    from services.catalog_sync import catalog_kind

    settings = settings_from(args)
    try:
        kinds = [catalog_kind(k) for k in args.kind] if args.kind else [catalog_kind(k) for k in DIAGNOSIS_KINDS]
    except ValueError as exc:
        print(f"his catalog reindex: {exc}", file=sys.stderr)
        return 2
    if other := [k.infno for k in kinds if k.name not in DIAGNOSIS_KINDS]:
        print(f"his catalog reindex: {', '.join(other)} not a diagnosis catalogue; those are "
              f"{', '.join(DIAGNOSIS_KINDS)}", file=sys.stderr)
        return 2
    ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    app = bootstrap(settings)
    try:
        done = app.diagnoses.reindex([k.name for k in kinds])
    finally:
        app.close()
    _table([["kind", "infno", "indexed"], *([f"{k.name} {k.label}", k.infno, str(done[k.name])] for k in kinds)])
    return 0


def add_platform_commands(sub, db_option) -> None:
    yb = sub.add_parser("yb", help="the platform's transaction catalogue; call any transaction").add_subparsers(
        dest="yb_command", required=True)
    yb_list = yb.add_parser("list", help="list the catalogue's transactions")
    yb_list.add_argument("--group", help="one group (医保服务/门急诊结算) or a top level (医保服务)")
    yb_list.set_defaults(func=cmd_yb_list)
    yb_describe = yb.add_parser("describe", help="a transaction's input and output fields and dictionaries")
    yb_describe.add_argument("code")
    yb_describe.set_defaults(func=cmd_yb_describe)
    yb_call = yb.add_parser(
        "call", help="send one transaction through the gateway (validated, signed in, journaled)",
        description="Send one transaction through the gateway (validation, sign-in, journal, 冲正) to the "
                    "configured platform and print its output JSON. The default platform is an in-process "
                    "simulator whose state ends with this command: use it for stateless calls (1101, 9001 ...), "
                    "or give --platform URL of a running platform or `his sim serve`.")
    yb_call.add_argument("code", help="transaction code, e.g. 1101")
    yb_call.add_argument("--input", required=True, metavar="FILE.json", help="the input object, keyed by node name")
    yb_call.add_argument("--operator", metavar="CODE", help="configured operator code (default: the first)")
    db_option(yb_call)
    yb_call.add_argument("--platform", help="'sim' (default) or the platform's endpoint URL")
    yb_call.add_argument("--paasid", help="x-tif paasid for an HTTP platform")
    yb_call.add_argument("--token", help="x-tif token (secret) for an HTTP platform")
    yb_call.set_defaults(func=cmd_yb_call)

    catalog = sub.add_parser("catalog", help="the platform's downloadable catalogues").add_subparsers(
        dest="catalog_command", required=True)
    catalog_sync = catalog.add_parser(
        "sync", help="download what is newer than the local copy (1307-1311, 1313-1315) into the database",
        description="For each kind, ask for the versions newer than the local one (13xx), download the file "
                    "(9102) and stream it into the database in batches. An interrupted sync resumes where it "
                    "stopped when run again.")
    catalog_sync.add_argument("--kind", action="append", metavar="KIND",
                              help="a kind by name or code (disease or 1307 ...); repeat for several; default all")
    db_option(catalog_sync)
    catalog_sync.add_argument("--platform", help="'sim' (default) or the platform's endpoint URL")
    catalog_sync.add_argument("--paasid", help="x-tif paasid for an HTTP platform")
    catalog_sync.add_argument("--token", help="x-tif token (secret) for an HTTP platform")
    catalog_sync.set_defaults(func=cmd_catalog_sync)
    catalog_reindex = catalog.add_parser(
        "reindex", help="rebuild the diagnosis search keys (1307/1314/1315) from the synced rows",
        description="Rebuild the pinyin and code search keys of the diagnosis catalogues from what the database "
                    "holds: for catalogues synced before the search existed (a sync rebuilds them itself).")
    catalog_reindex.add_argument("--kind", action="append", metavar="KIND",
                                 help="disease, tcm_disease or tcm_syndrome (or 1307/1314/1315); default all three")
    db_option(catalog_reindex)
    catalog_reindex.set_defaults(func=cmd_catalog_reindex)
