"""--breakdown: where a flow's time goes, layer by layer, for both paths.

Wraps a few methods of the app and of the baseline with timers while the process runs (no file
is changed). Times are summed over all threads and divided by the flows, so they add up to the
flow's latency, not to wall time. The wrappers cost a few microseconds per call."""
from __future__ import annotations

import functools
import threading
import time
from collections import defaultdict

import httpx

import services.platform_gateway as gateway_module
from adapters.db.journal_store import SqlJournalStore, SqlMsgIdAllocator
from adapters.db.repositories import SqlPersonRepository, SqlVisitRepository
from adapters.db.unit_of_work import SqlUnitOfWork
from bench.bare_sql import BareStore
from services.grpc import mappers
from services.grpc.outpatient_servicer import OutpatientServicer

SERVICER = "servicer total (use case inside gRPC)"
# (owner, attribute, label); a label may collect several methods, and both paths where they match.
_TARGETS = [
    # the transport: the baseline reaches it through httpx.Client.post, our adapter calls it directly
    (httpx.HTTPTransport, "handle_request", "HTTP POST to the platform"),
    (SqlJournalStore, "open", "journal open (SqlJournalStore.open)"),
    (BareStore, "journal_open", "journal open (SqlJournalStore.open)"),
    (SqlJournalStore, "close", "journal close (SqlJournalStore.close)"),
    (BareStore, "journal_close", "journal close (SqlJournalStore.close)"),
    (SqlMsgIdAllocator, "next_seq", "msgid counter (SqlMsgIdAllocator.next_seq)"),
    (SqlVisitRepository, "get", "aggregate loads (Sql*Repository.get/save)"),
    (SqlPersonRepository, "get", "aggregate loads (Sql*Repository.get/save)"),
    (SqlPersonRepository, "save", "aggregate loads (Sql*Repository.get/save)"),
    (SqlUnitOfWork, "commit", "business rows (UoW commit / raw SQL)"),
    *((BareStore, name, "business rows (UoW commit / raw SQL)")
      for name in ("save_person", "add_visit", "add_diagnosis", "add_fees", "claim", "settle")),
    (SqlUnitOfWork, "__enter__", "unit of work open/close"),
    (SqlUnitOfWork, "__exit__", "unit of work open/close"),
    (gateway_module, "validate_request", "catalogue validation (validate_request)"),
    *((mappers, name, "proto <-> domain mapping (grpc/mappers.py)")
      for name in ("visit_to_proto", "settlement_to_proto", "person_to_proto", "fees_from_proto",
                   "diagnoses_from_proto")),
    *((OutpatientServicer, name, SERVICER)
      for name in ("ReadInsuredPerson", "RegisterVisit", "UploadVisitInfo", "UploadFees", "PreSettleVisit",
                   "SettleVisit")),
]


class Breakdown:
    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()
        self._originals: list[tuple[object, str, object]] = []

    def install(self) -> None:
        for owner, name, label in _TARGETS:
            original = getattr(owner, name)
            self._originals.append((owner, name, original))
            setattr(owner, name, self._timed(original, label))

    def uninstall(self) -> None:
        while self._originals:
            owner, name, original = self._originals.pop()
            setattr(owner, name, original)

    def take(self) -> dict[str, float]:
        """Seconds per label since the last take()."""
        with self._lock:
            found, self.totals = dict(self.totals), defaultdict(float)
        return found

    def _timed(self, fn, label: str):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - start
                with self._lock:
                    self.totals[label] += spent
        return timed


def rows(backend: str, bare: dict[str, float], ours: dict[str, float], bare_calls_s: float, ours_calls_s: float,
         flows: int) -> list[list[str]]:
    """Table rows in ms per flow, with what the wrappers cannot see derived from the totals."""
    per = lambda seconds: f"{seconds * 1000 / flows:.1f}" if seconds else "-"  # noqa: E731
    labels = list(dict.fromkeys(label for _, _, label in _TARGETS if label != SERVICER))
    out = [[backend, label, per(bare.get(label, 0.0)), per(ours.get(label, 0.0))] for label in labels]
    parts = sum(v for k, v in ours.items() if k != SERVICER and k != "HTTP POST to the platform") \
        + ours.get("HTTP POST to the platform", 0.0)
    servicer = ours.get(SERVICER, 0.0)
    out.append([backend, "rest of the servicer (domain, row mapping, glue)", "-", per(max(servicer - parts, 0.0))])
    out.append([backend, "gRPC transport, interceptors, queueing", "-", per(max(ours_calls_s - servicer, 0.0))])
    out.append([backend, "= call latency, summed", per(bare_calls_s), per(ours_calls_s)])
    return out
