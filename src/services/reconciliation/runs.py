"""A reconciliation run: our ledger beside the platform's, group by group (3201) and, where a group
does not balance, row by row through the file exchange (9101 → 3202 → 9102); beside it the HIS-MIS
check (5262 local, 5267 异地 settlements of the days), the settlements the resolver left SETTLING and
the arithmetic the platform's replies broke. What differs goes to the worklist.

No database transaction stays open while the platform is asked: the ledger is read first, the
platform asked, the findings written last.
"""
from __future__ import annotations

import itertools
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.errors import ConcurrencyConflict, ValidationFailed
from domain.operator import Operator
from domain.reconciliation import (EntryState, Finding, FindingKind, LedgerRow, OneSidedEntry, ReconciliationRun,
                                   TotalLine, Totals, Trigger, by_group, close_gone, compare, merge, period)
from ports.catalogue import Catalogue
from ports.clock import Clock
from ports.reconciliation import EntryFilter, ReconciliationStore
from services.errors import PlatformRejected, PlatformUnavailable
from services.platform_gateway import PlatformGateway
from services.translation import reconciliation as wire

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReconciliationConfig:
    fixmedins_code: str
    reversal_window: timedelta = timedelta(hours=24)  # 冲正 of a settlement allowed this long after it
    doubt_after: timedelta = timedelta(minutes=10)  # a claim SETTLING longer than this is on the worklist
    his_mis_check: bool = True  # also compare with 5262 / 5267 (settlements by time range)


_RUNS = itertools.count()


def new_id(prefix: str, at: datetime, n: int | None = None) -> str:
    """Sortable by time (and within one instant by n, by default this process's count), unique by
    its random tail."""
    n = next(_RUNS) % 1_000_000 if n is None else n
    return f"{prefix}{at:%Y%m%d%H%M%S}{n:06d}{secrets.token_hex(3)}"


class ReconciliationRuns:
    def __init__(self, store: ReconciliationStore, gateway: PlatformGateway, clock: Clock, catalogue: Catalogue,
                 config: ReconciliationConfig):
        self.store, self.gateway, self.clock, self.catalogue, self.config = store, gateway, clock, catalogue, config

    def _columns(self, which: str) -> list[str]:
        tx = self.catalogue.get("3202")
        return [c["name"] for c in (tx.files.get(which, {}).get("columns", []) if tx else [])]

    def run(self, op: Operator, first: date | None = None, last: date | None = None,
            trigger: Trigger = Trigger.ON_DEMAND, scheduled_for: date | None = None) -> ReconciliationRun | None:
        """Reconcile the days (field errors for a bad period, nothing written). A scheduled run
        claims its day first: None when another server holds it."""
        now = self.clock.now()
        first, last = period(first, last, now.date())
        run = ReconciliationRun(id=new_id("R", now), first_day=first, last_day=last, trigger=trigger,
                                operator_code=op.code, started_at=now, scheduled_for=scheduled_for)
        if not self.store.add_run(run):
            return None
        try:
            self._reconcile(op, run)
            run.finish(self.clock.now())
        except (PlatformUnavailable, PlatformRejected, ValidationFailed) as exc:
            log.warning("reconciliation run %s of %s..%s failed: %s", run.id, first, last, exc)
            run.fail(self.clock.now(), str(exc))  # a scheduled run gives its day up: the schedule tries again
        except Exception as exc:
            run.fail(self.clock.now(), f"{type(exc).__name__}: {exc}")
            self.store.save_run(run)
            raise
        self.store.save_run(run)
        return run

    # ---- the steps -----------------------------------------------------------------------------
    def _reconcile(self, op: Operator, run: ReconciliationRun) -> None:
        first, last = run.first_day, run.last_day
        ours = self.store.ledger(first, last)
        theirs = self._platform_list(op, run) if self.config.his_mis_check else None
        groups = by_group(ours)
        for row in theirs or ():
            groups.setdefault(row.group, [])  # a group only the platform has: its totals are ours, 0
        for (insutype, clr_type, optins), rows in sorted(groups.items()):
            run.lines.append(self._total(op, insutype, clr_type, optins, first, last, Totals.of(rows)))
        findings: list[list[Finding]] = []
        unbalanced = sorted({(ln.clr_type, ln.setl_optins) for ln in run.lines if not ln.balanced})
        mine = {r.setl_id: r for r in ours}
        known = {r.setl_id: r for r in theirs or ()}
        complete = theirs is not None or not any(ln.error for ln in run.lines)  # every row was compared
        for clr_type, optins in unbalanced:
            rows = [r for r in ours if r.clr_type == clr_type and r.clr_optins == optins]
            detail = self._details(op, run, clr_type, optins, rows, mine, known)
            complete = complete and (detail is not None or theirs is not None)
            findings.append(detail or [])
        if theirs is not None:
            findings.append(compare(ours, theirs, "5262+5267"))
            run.details_compared.append(f"5262+5267: {len(ours)} ours, {len(theirs)} the platform's")
        doubtful = self.clock.now() - self.config.doubt_after
        findings.append([Finding(FindingKind.UNSETTLED, r.record_id, r, None,
                                 f"{r.record_kind} {r.record_id} SETTLING since {r.setl_time:%Y-%m-%d %H:%M:%S}",
                                 "resolver") for r in self.store.unsettled(first, last, doubtful)])
        findings.append([Finding(FindingKind.ARITHMETIC, r.setl_id, r, None, "；".join(r.discrepancies), "settlement")
                         for r in ours if r.discrepancies])
        run.entry_ids = self._keep(run, merge(*findings))
        if complete:
            self._close_gone(run)

    def _close_gone(self, run: ReconciliationRun) -> None:
        """Open entries of the days this run, comparing them in full, no longer found: set right elsewhere."""
        found, at = set(run.entry_ids), self.clock.now()
        gone = [e for e in self.store.list_entries(EntryFilter(EntryState.OPEN, days=(run.first_day, run.last_day)),
                                                   limit=100_000) if e.id not in found]
        for entry in gone:
            close_gone(entry, run.id, at)
            self.store.save_entry(entry)
        if gone:
            run.details_compared.append(f"{len(gone)} open entries of these days no longer found: closed")

    def _platform_list(self, op: Operator, run: ReconciliationRun) -> list[LedgerRow] | None:
        """Every settlement the platform lists for the days (local 5262 and 异地 5267); None when it
        will not list them (the check is then left out, and the run says so)."""
        payload = wire.settlements_between(run.first_day, run.last_day)
        rows: list[LedgerRow] = []
        for infno in ("5262", "5267"):
            try:
                rows += wire.listed_settlements(self.gateway.call(op, infno, payload))
            except PlatformRejected as exc:
                run.details_compared.append(f"{infno} refused ({exc.err_msg}): no HIS-MIS check")
                return None
        unique = {r.setl_id: r for r in rows}
        return sorted(unique.values(), key=lambda r: (r.setl_time or datetime.min, r.setl_id))

    def _total(self, op: Operator, insutype: str, clr_type: str, optins: str, first: date, last: date,
               totals: Totals) -> TotalLine:
        line = TotalLine(insutype, clr_type, optins, totals)
        try:
            out = self.gateway.call(op, "3201", wire.total_account(insutype, clr_type, optins, first, last, totals))
            line.stmt_rslt, line.stmt_rslt_dscr = wire.total_result(out)
        except PlatformRejected as exc:
            line.error = f"3201 refused: {exc.err_msg}"
        except ValidationFailed as exc:  # our own figures cannot be sent (a group with no 清算类别 ...)
            line.error = f"3201 not sent: {exc}"
        return line

    def _details(self, op: Operator, run: ReconciliationRun, clr_type: str, optins: str, rows: list[LedgerRow],
                 mine: dict[str, LedgerRow], known: dict[str, LedgerRow]) -> list[Finding] | None:
        """9101 our detail file, 3202 with its totals, 9102 the result file: the differing rows (None:
        the exchange failed, and the run says why)."""
        stamp = self.clock.now()
        filename, content = wire.detail_file(rows, self._columns("upload_file"),
                                             f"DZ{self.config.fixmedins_code}{stamp:%Y%m%d%H%M%S}{clr_type}", stamp)
        try:
            no = wire.uploaded(self.gateway.call(op, "9101", wire.upload(filename, content,
                                                                       self.config.fixmedins_code)))
            out = self.gateway.call(op, "3202", wire.detail_account(optins, clr_type, no, run.first_day,
                                                                  run.last_day, Totals.of(rows)))
            result_no, result_name = wire.result_fileinfo(out)
            body = wire.downloaded(self.gateway.call(op, "9102", wire.download(result_no, result_name,
                                                                             self.config.fixmedins_code)))
        except (PlatformRejected, ValidationFailed) as exc:
            run.details_compared.append(f"3202 {clr_type}/{optins} failed: {exc}")
            return None
        found = wire.result_findings(body, self._columns("result_file"), mine, known)
        run.details_compared.append(f"3202 {clr_type}/{optins}: {len(rows)} rows sent, {len(found)} differing")
        return found

    def _keep(self, run: ReconciliationRun, findings: list[Finding]) -> list[str]:
        """The worklist entries of the findings: those kept already are seen again, the others added."""
        for attempt in (1, 2):
            try:
                return self._write_entries(run, findings)
            except ConcurrencyConflict:
                if attempt == 2:
                    raise
        return []

    def _write_entries(self, run: ReconciliationRun, findings: list[Finding]) -> list[str]:
        at = self.clock.now()
        existing = self.store.entries_for([(f.kind, f.key) for f in findings])
        ids, new = [], []
        for n, f in enumerate(findings):
            entry = existing.get((f.kind, f.key))
            if entry is None:
                entry = OneSidedEntry.from_finding(new_id("E", at, n), f, run.id, at)
                new.append(entry)
            else:
                entry.seen_again(f, run.id)
                self.store.save_entry(entry)
            ids.append(entry.id)
        self.store.add_entries(new)
        return ids

