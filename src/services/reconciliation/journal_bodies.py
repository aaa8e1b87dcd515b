"""What the journal keeps of reconciliation's big reads: the listing of a day's settlements (5262 /
5267, tens of thousands of rows) and the 3202 result file (9102) as their size, not their rows; the
run keeps what differed, and the platform can be asked again. Requests (our detail file included)
and every other reply are journaled whole (services.catalog_sync.JournalWithoutBodies applies it)."""
from __future__ import annotations

_LISTS = ("setlinfo", "feesttinfo")


def summarised(reply: dict | None) -> dict | None:
    if not isinstance(reply, dict):
        return reply
    if isinstance(reply.get("file"), (bytes, bytearray)):
        return dict(reply, file=f"<{len(reply['file'])} bytes, not journaled>")
    node = reply.get("data") if isinstance(reply.get("data"), dict) else reply
    if not any(isinstance(node.get(k), list) for k in _LISTS):
        return reply
    counted = {k: f"<{len(v)} rows, not journaled>" if isinstance(v, list) else v for k, v in node.items()}
    return {"data": counted} if node is not reply else counted
