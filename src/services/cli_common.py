"""What the `his` subcommands share: settings from the command line."""
from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from domain.operator import Operator
from services.settings import Settings


def settings_from(args: argparse.Namespace) -> Settings:
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
    tls = {name: getattr(args, flag) for flag, name in _TLS_FLAGS.items() if getattr(args, flag, None)}
    if tls:
        overrides["tls"] = {**Settings().tls.model_dump(), **tls,
                            **({"require_client_cert": True} if "client_ca_file" in tls else {})}
    return Settings(**overrides)


_TLS_FLAGS = {"tls_cert": "cert_file", "tls_key": "key_file", "tls_client_ca": "client_ca_file"}


def ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)


def chosen_operator(settings: Settings, code: str | None, command: str) -> Operator | None:
    """The configured operator `code` (none given: the first configured); None, said on stderr, when unknown."""
    known = {o.code: o for o in settings.operators}
    chosen = known.get(code) if code else next(iter(known.values()), None)
    if chosen is None:
        print(f"his {command}: unknown operator {code!r}; configured: {', '.join(known)}", file=sys.stderr)
        return None
    return chosen.operator()


def audit_command(app, op: Operator, method: str, permission: str, request_id: str, outcome: str,
                  message: str) -> None:
    """A change made from the command line goes into the audit trail like its RPC."""
    from ports.audit import AuditEvent

    app.audit_trail.record(AuditEvent(
        at=app.clock.now(), operator_code=op.code, operator_name=op.name, operator_role=op.role, method=method,
        permission=permission, peer=f"cli:{socket.gethostname()}", outcome=outcome, message=message[:500],
        request_id=request_id))


def add_platform_options(p: argparse.ArgumentParser, db_option) -> None:
    """The options of a command that calls the platform: the database, who calls, and which platform."""
    db_option(p)
    p.add_argument("--operator", metavar="CODE", help="configured operator code (default: the first)")
    p.add_argument("--platform", help="'sim' (default) or the platform's endpoint URL")
    p.add_argument("--paasid", help="x-tif paasid for an HTTP platform")
    p.add_argument("--token", help="x-tif token (secret) for an HTTP platform")


def operator_app(args: argparse.Namespace, command: str, sends: bool):
    """(app, operator) of a command run as a configured operator, the database migrated first; (None,
    None) when the operator is not configured (said on stderr). `sends`: it calls the platform, so the
    app beats like a server that does not resolve (a running server's resolver leaves its calls alone)."""
    from adapters.db.migrate import upgrade
    from services.bootstrap import bootstrap

    settings = settings_from(args)
    op = chosen_operator(settings, getattr(args, "operator", None), command)
    if op is None:
        return None, None
    ensure_sqlite_dir(settings.database_url)
    upgrade(settings.database_url)
    app = bootstrap(settings)
    if sends:
        app.start_resolver(resolve=False)
    return app, op
