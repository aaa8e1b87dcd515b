"""`his`: the server, the simulator's HTTP front, migrations and the journal, from one command."""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime

from pydantic import ValidationError

from services.cli_common import ensure_sqlite_dir, settings_from
from services.cli_hospital import add_hospital_commands
from services.cli_platform import add_platform_commands
from services.cli_reconcile import add_reconcile_commands
from services.cli_clearing import add_clearing_commands
from services.cli_settlement_lists import add_settlement_list_commands
from services.cli_reports import add_report_commands
from services.log_masking import configure_logging


def cmd_migrate(args: argparse.Namespace) -> int:
    from adapters.db.migrate import upgrade
    settings = settings_from(args)
    ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    print(f"database at head: {settings.database_url}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from adapters.db.migrate import upgrade
    from services.bootstrap import bootstrap
    from services.grpc.idempotency import KEPT_FOR
    from services.grpc.server import AddressUnavailable, serve_until_signalled
    from services.grpc.tls import TlsConfigurationError

    settings = settings_from(args)
    ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    app = bootstrap(settings)
    try:  # the port first: a second server on a busy port leaves before it touches anything
        server, port = app.server()
    except (AddressUnavailable, TlsConfigurationError) as exc:
        app.close()
        print(f"his serve: {exc}", file=sys.stderr, flush=True)
        return 1
    try:
        app.load_hospital_data()  # the configured file, or the demo hospital into an empty database
        app.load_wards()  # the wards and their beds, after the departments they belong to
    except Exception as exc:  # noqa: BLE001 - a bad file stops the start, said plainly
        server.stop(None)
        app.close()
        print(f"his serve: the hospital data file cannot be loaded: {exc}", file=sys.stderr, flush=True)
        return 1
    try:
        app.load_formulary()  # the drug list; codes the synced national catalogue lacks are logged
        notices = app.start_notice_endpoint()  # 7102 / 7103 pushed by the platform, when configured
    except Exception as exc:  # noqa: BLE001 - a bad drug list or a busy port stops the start, said plainly
        server.stop(None)
        app.close()
        print(f"his serve: prescriptions cannot start: {exc}", file=sys.stderr, flush=True)
        return 1
    if notices is not None:
        print(f"his: 7102/7103 notices received at {notices.url}", flush=True)
    if settings.resolver.enabled:
        # its first pass at once, in the background (a platform slow to answer must not hold the
        # server's start), then on a schedule for as long as it runs; each pass logs what it settled
        app.start_resolver()
    app.start_exam_link()  # with a RIS configured: exam requests out, results in
    app.start_reconciliation_schedule()  # with reconciliation.schedule_at: the daily run after closing
    app.ledger.purge(app.clock.now() - KEPT_FOR)  # request_ids older than a week: no retry comes that late
    server.start()
    tls = " (TLS, client certificates required)" if settings.tls.require_client_cert else \
        " (TLS)" if settings.tls.cert_file else ""
    print(f"his: gRPC{tls} on port {port}; database {settings.database_url}; platform {settings.platform.kind}"
          f"{' ' + settings.platform.url if settings.platform.kind == 'http' else ''}", flush=True)
    if any(o.token == "demo-token" for o in settings.operators):
        print("his: demo operator token 'demo-token' is enabled (configure operators for production)", flush=True)
    serve_until_signalled(server, on_stop=app.close)
    return 0


def _simulator(args: argparse.Namespace):
    from adapters.yb_sim.platform import SimulatorPlatform
    from adapters.yb_sim.policy import Policy

    return SimulatorPlatform(policy=Policy.load(args.policy or None), unknown_reversal=args.unknown_reversal)


def cmd_sim_serve(args: argparse.Namespace) -> int:
    from adapters.yb_sim.http_front import SimulatorHttpFront

    simulator = _simulator(args)
    front = SimulatorHttpFront(simulator, host=args.host, port=args.port, paasid=args.paasid, token=args.token,
                               message_verifier=_message_verifier(args))
    if args.rx_notify_url:
        simulator.rx_notifier.configure(args.rx_notify_url)
    front.start()
    print(f"his sim: 医保 simulator at {front.url} (paasid {args.paasid}"
          f"{'; cainfo checked, ' + args.signing_string if args.verify_public_key else ''})", flush=True)
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


def _message_verifier(args: argparse.Namespace):
    if not args.verify_public_key:
        return None
    from adapters.yb_http.sm2_signer import Sm2MessageVerifier

    try:
        return Sm2MessageVerifier.from_base64(args.verify_public_key, signing_string=args.signing_string,
                                              user_id=args.signing_user_id)
    except ValueError as exc:
        raise SystemExit(f"his sim serve: --verify-public-key: {exc}") from None


def cmd_journal(args: argparse.Namespace) -> int:
    from services.bootstrap import bootstrap

    app = bootstrap(settings_from(args))
    try:
        if args.resolve is not None:
            entries = [app.journal.resolve(args.resolve)]
        elif args.visit:
            entries = app.journal.for_visit(args.visit)
        elif args.discrepancies:
            entries = app.journal.with_discrepancies()
        else:
            entries = app.journal.unresolved()
        for e in entries:
            print(json.dumps({"id": e.id, "msgid": e.msgid, "infno": e.infno, "state": e.state.value,
                              "psn_no": e.psn_no, "mdtrt_id": e.mdtrt_id, "visit_id": e.visit_id,
                              "created_at": e.created_at.isoformat(sep=" "), "err_msg": e.err_msg,
                              "resolution": e.resolution, "discrepancy": e.discrepancy, "attempts": e.attempts,
                              "next_step": e.next_step(app.clock.now())}, ensure_ascii=False))
        if not entries:
            if args.discrepancies:
                print("no accepted call with discrepancies")
            else:
                print("no unresolved journal entries" if args.resolve is None and not args.visit else "nothing found")
    finally:
        app.container.engine().dispose()
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from ports.audit import AuditFilter
    from services.bootstrap import bootstrap

    where = AuditFilter(operator_code=args.operator, visit=args.visit, since=args.since, until=args.until)
    app = bootstrap(settings_from(args))
    try:
        events = app.audit_trail.list(where, limit=args.limit).events
        for e in events:
            print(json.dumps({"id": e.id, "at": e.at.isoformat(sep=" "), "operator_code": e.operator_code,
                              "operator_name": e.operator_name, "operator_role": e.operator_role,
                              "method": e.method, "permission": e.permission, "peer": e.peer, "outcome": e.outcome,
                              "message": e.message, "visit_id": e.visit_id, "mdtrt_id": e.mdtrt_id,
                              "psn_no": e.psn_no, "request_id": e.request_id}, ensure_ascii=False))
        if not events:
            print("no audit events found")
    finally:
        app.container.engine().dispose()
    return 0


def _hospital_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date or time such as 2026-03-02 or "
                                         "'2026-03-02 09:30' (the hospital's time)") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return int(text)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="his", description="HIS 医保 backend")
    ap.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                    default=os.environ.get("HIS_LOG_LEVEL", "").upper() or None,
                    help="default INFO (HIS_LOG_LEVEL); DEBUG also logs every platform request and reply, masked")
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
    serve.add_argument("--tls-cert", metavar="PEM", help="serve TLS with this certificate (tls.cert_file)")
    serve.add_argument("--tls-key", metavar="PEM", help="its unencrypted private key (tls.key_file)")
    serve.add_argument("--tls-client-ca", metavar="PEM",
                       help="require client certificates signed by this CA (tls.client_ca_file + require_client_cert)")
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
    sim_serve.add_argument("--unknown-reversal", choices=["refuse", "remember"], default="refuse",
                           help="a 2601 whose original has not arrived: refuse it as unknown (a late original "
                                "still commits), or answer success and remember the msgid (a late original is "
                                "refused as 报文ID重复); POST /_sim/config changes it while running")
    sim_serve.add_argument("--rx-notify-url", default="", metavar="URL",
                           help="the hospital's endpoint the 7102 / 7103 notices are pushed to (provisional)")
    sim_serve.add_argument("--mobile-port", type=int, default=None,
                           help="also serve the mobile-payment centre (6xxx, SM4/SM2 envelope) on this port")
    sim_serve.add_argument("--verify-public-key", metavar="BASE64",
                           help="check every request's cainfo (SM3withSM2) with the HIS's SM2 public key")
    sim_serve.add_argument("--signing-string", choices=["sorted_fields", "input"], default="sorted_fields",
                           help="what cainfo signs (as the HIS's message_signing.signing_string)")
    sim_serve.add_argument("--signing-user-id", default="1234567812345678", help="SM2 signer id")
    sim_serve.set_defaults(func=cmd_sim_serve)

    journal = sub.add_parser("journal", help="list unresolved platform journal entries, or resolve one")
    db_option(journal)
    journal.add_argument("--resolve", type=int, metavar="ID", help="retry the resolution of one entry")
    journal.add_argument("--visit", help="all entries of one visit id")
    journal.add_argument("--discrepancies", action="store_true",
                         help="accepted calls whose replies did not add up (newest first)")
    journal.set_defaults(func=cmd_journal)

    audit = sub.add_parser("audit", help="the audit trail: who called what, when, from where, with what outcome")
    db_option(audit)
    audit.add_argument("--operator", metavar="CODE", help="only this operator's calls")
    audit.add_argument("--visit", metavar="ID", help="only calls about this visit (our id or its mdtrt_id)")
    audit.add_argument("--since", type=_hospital_time, metavar="TIME", help="from this time on (inclusive)")
    audit.add_argument("--until", type=_hospital_time, metavar="TIME", help="before this time (exclusive)")
    audit.add_argument("--limit", type=_positive, default=100, metavar="N", help="newest N events (default 100)")
    audit.set_defaults(func=cmd_audit)

    add_platform_commands(sub, db_option)
    add_hospital_commands(sub, db_option)
    add_reconcile_commands(sub, db_option)
    add_settlement_list_commands(sub, db_option)
    add_report_commands(sub, db_option)
    add_clearing_commands(sub, db_option)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging(args.log_level)  # every handler masks personal data, whatever the level
    try:
        return args.func(args)
    except ValidationError as exc:  # the configuration (file, environment, options): said plainly, no traceback
        print(f"his {args.command}: the configuration is not valid:\n{exc}", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
