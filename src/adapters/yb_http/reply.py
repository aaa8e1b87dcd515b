"""Reading a platform reply: the many ways real deployments write the same envelope.

Turns bytes into a PlatformReply or exactly one typed error: PlatformRefused (infcode != 0, a
definite no), or PlatformOutcomeUnknown / ReplyInvalid (nothing readable came back). A readable
reply with infcode 0 is a success, whatever its fields look like: the platform acted.
"""
from __future__ import annotations

from ports.catalogue import Transaction, decode_output
from ports.platform import PlatformOutcomeUnknown, PlatformRefused, PlatformReply, ReplyInvalid
from adapters.yb_http.wire import normalise_infcode, parse_json


def _text(value: object) -> str:
    return "" if value is None else str(value)


def parse_reply(status_code: int, body: bytes, tx: Transaction | None, msgid: str) -> PlatformReply:
    try:
        message = parse_json(body)
    except ValueError:
        snippet = body[:120].decode("utf-8", "replace")
        raise PlatformOutcomeUnknown(f"unreadable reply (HTTP {status_code}): {snippet!r}", msgid) from None
    if not isinstance(message, dict):
        raise PlatformOutcomeUnknown(f"reply is not a JSON object (HTTP {status_code})", msgid)
    infcode = normalise_infcode(message.get("infcode"))
    if infcode is None:
        # A gateway's own error ({"code":..., "msg":...}): the platform behind it may have acted.
        detail = message.get("msg") or message.get("message") or message.get("err_msg") or ""
        raise PlatformOutcomeUnknown(
            f"reply without infcode (HTTP {status_code}, code {message.get('code')!r}): {detail}", msgid)
    err_msg = _text(message.get("err_msg") or message.get("message"))
    if infcode != 0:
        raise PlatformRefused(infcode, err_msg or "(no err_msg)", msgid, _text(message.get("inf_refmsgid")))
    output = message.get("output")
    if isinstance(output, str) and output.strip():
        raise ReplyInvalid("reply output is encrypted text and no decryption key is configured", [], msgid)
    if output is None or output == "":
        output = {}
    warn_msg = _text(message.get("warn_msg"))
    said = err_msg or warn_msg  # some platforms put a warning in err_msg beside infcode 0
    if tx is None:
        return PlatformReply(output=output, inf_refmsgid=_text(message.get("inf_refmsgid")), warn_msg=warn_msg,
                             raw=message, message=said)
    decoded, problems = decode_output(tx, output)
    return PlatformReply(output=decoded, inf_refmsgid=_text(message.get("inf_refmsgid")), warn_msg=warn_msg,
                         raw=message, message=said, problems=tuple(problems))
