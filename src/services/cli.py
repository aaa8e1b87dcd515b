"""`his`: the server, the simulator's HTTP front, migrations and the journal, from one command."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import unicodedata
from pathlib import Path

from services.settings import Settings

log = logging.getLogger("his")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict = {}
    if getattr(args, "database_url", None):
        overrides["database_url"] = args.database_url
    if getattr(args, "port", None) is not None and args.command == "serve":
        overrides["grpc_address"] = f"{args.host}:{args.port}"
    platform = getattr(args, "platform", None)
    if platform:
        base = Settings().platform.model_dump()
        if platform in ("sim", "simulator"):
            base["kind"] = "simulator"
        else:
            base.update(kind="http", url=platform)
        for name in ("paasid", "token"):
            if getattr(args, name, None):
                base[name] = getattr(args, name)
        overrides["platform"] = base
    return Settings(**overrides)


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    from adapters.db.migrate import upgrade
    settings = _settings(args)
    _ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    print(f"database at head: {settings.database_url}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from adapters.db.migrate import upgrade
    from services.bootstrap import bootstrap
    from services.grpc.server import build_server, serve_until_signalled

    settings = _settings(args)
    _ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    app = bootstrap(settings)
    recovered = app.journal.recover()
    if recovered:
        log.warning("start-up recovery settled %d journal entries", len(recovered))
    server, port = build_server(app.outpatient, app.journal, settings.tokens(), address=settings.grpc_address,
                                max_workers=settings.grpc_workers, zone=settings.timezone, platform=app.transactions)
    server.start()
    print(f"his: gRPC on port {port}; database {settings.database_url}; platform {settings.platform.kind}"
          f"{' ' + settings.platform.url if settings.platform.kind == 'http' else ''}", flush=True)
    if any(o.token == "demo-token" for o in settings.operators):
        print("his: demo operator token 'demo-token' is enabled (configure operators for production)", flush=True)
    serve_until_signalled(server, on_stop=app.close)
    return 0


def cmd_sim_serve(args: argparse.Namespace) -> int:
    from adapters.yb_sim.http_front import SimulatorHttpFront
    from adapters.yb_sim.platform import SimulatorPlatform
    from adapters.yb_sim.policy import Policy

    simulator = SimulatorPlatform(policy=Policy.load(args.policy or None))
    front = SimulatorHttpFront(simulator, host=args.host, port=args.port, paasid=args.paasid, token=args.token)
    front.start()
    print(f"his sim: 医保 simulator at {front.url} (paasid {args.paasid})", flush=True)
    mobile = None
    if args.mobile_port is not None:
        from adapters.yb_sim.mobile_front import MobilePayFront

        mobile = MobilePayFront(simulator, host=args.host, port=args.mobile_port)
        mobile.start()
        keys = mobile.client_settings()
        print(f"his sim: mobile-payment centre at {mobile.base_url} (app_id {keys.app_id}, "
              f"centre public key {keys.platform_public_key})", flush=True)
    try:
        front.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        front.stop()
        if mobile is not None:
            mobile.stop()
    return 0


def cmd_journal(args: argparse.Namespace) -> int:
    from services.bootstrap import bootstrap

    app = bootstrap(_settings(args))
    try:
        if args.resolve is not None:
            entries = [app.journal.resolve(args.resolve)]
        elif args.visit:
            entries = app.journal.for_visit(args.visit)
        else:
            entries = app.journal.unresolved()
        for e in entries:
            print(json.dumps({"id": e.id, "msgid": e.msgid, "infno": e.infno, "state": e.state.value,
                              "psn_no": e.psn_no, "mdtrt_id": e.mdtrt_id, "visit_id": e.visit_id,
                              "created_at": e.created_at.isoformat(sep=" "), "err_msg": e.err_msg,
                              "resolution": e.resolution}, ensure_ascii=False))
        if not entries:
            print("no unresolved journal entries" if args.resolve is None and not args.visit else "nothing found")
    finally:
        app.container.engine().dispose()
    return 0


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
    found = _transactions(_settings(args)).list(group=args.group or "")
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
        rows.append([indent + f.name, f.label, f.type, "yes" if f.required else "", size, f.dict or "",
                     "unconfirmed" if f.unconfirmed else ""])
        rows += _field_rows(f.items, indent + "  ")
    return rows


def cmd_yb_describe(args: argparse.Namespace) -> int:
    from domain.errors import DomainError
    try:
        tx, dictionaries = _transactions(_settings(args)).describe(args.code)
    except DomainError as exc:
        print(f"his yb: {exc}", file=sys.stderr)
        return 1
    print(f"{tx.code} {tx.name} [{tx.group}] {tx.call_mode}; fields: {tx.fields_source}"
          f"{'; 2601-reversible' if tx.reversible else ''}"
          f"{'' if tx.applicable else f'; 本交易不适用, use {tx.replaced_by}'}")
    if tx.description:
        print(tx.description)
    for side, nodes in (("input", tx.input), ("output", tx.output)):
        for node in nodes:
            print(f"\n{side} {node.name or '(fields directly under ' + side + ')'} ({node.kind})"
                  f"{': open, fields unchecked' if node.open else ''}")
            if node.fields:
                _table([["field", "label", "type", "required", "size", "dict", ""], *_field_rows(node.fields)])
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

    settings = _settings(args)
    try:
        payload = parse_input_json(Path(args.input).read_text(encoding="utf-8"), field=args.input)
    except (OSError, ValidationFailed) as exc:
        print(f"his yb call: {exc}", file=sys.stderr)
        return 1
    known = {o.code: o for o in settings.operators}
    chosen = known.get(args.operator) if args.operator else next(iter(known.values()), None)
    if chosen is None:
        print(f"his yb call: unknown operator {args.operator!r}; configured: {', '.join(known)}", file=sys.stderr)
        return 1
    _ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)  # the call is journaled, as from the server
    app = bootstrap(settings)
    try:
        done = app.transactions.invoke(chosen.operator(), args.code, payload)
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


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="his", description="HIS 医保 backend")
    sub = ap.add_subparsers(dest="command", required=True)

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--database-url", help="SQLAlchemy URL (default sqlite:///var/his.db; HIS_DATABASE_URL)")

    serve = sub.add_parser("serve", help="run the gRPC server")
    serve.add_argument("--host", default="[::]")
    serve.add_argument("--port", type=int, default=None, help="gRPC port (default 50051)")
    db_option(serve)
    serve.add_argument("--platform", help="'sim' (default) or the platform's endpoint URL")
    serve.add_argument("--paasid", help="x-tif paasid for an HTTP platform")
    serve.add_argument("--token", help="x-tif token (secret) for an HTTP platform")
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="bring the database schema to the latest version")
    db_option(migrate)
    migrate.set_defaults(func=cmd_migrate)

    sim = sub.add_parser("sim", help="the 医保 simulator").add_subparsers(dest="sim_command", required=True)
    sim_serve = sim.add_parser("serve", help="serve the simulator over HTTP in the platform's wire format")
    sim_serve.add_argument("--host", default="127.0.0.1")
    sim_serve.add_argument("--port", type=int, default=8089)
    sim_serve.add_argument("--paasid", default="his")
    sim_serve.add_argument("--token", default="his-secret")
    sim_serve.add_argument("--policy", help="policy rules TOML (default: the packaged policy)")
    sim_serve.add_argument("--mobile-port", type=int, default=None,
                           help="also serve the mobile-payment centre (6xxx, SM4/SM2 envelope) on this port")
    sim_serve.set_defaults(func=cmd_sim_serve)

    journal = sub.add_parser("journal", help="list unresolved platform journal entries, or resolve one")
    db_option(journal)
    journal.add_argument("--resolve", type=int, metavar="ID", help="retry the resolution of one entry")
    journal.add_argument("--visit", help="all entries of one visit id")
    journal.set_defaults(func=cmd_journal)

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
    return ap


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
