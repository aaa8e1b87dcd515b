"""ReconciliationStore in SQL Core: our ledger read straight from `settlements` (one query per
period, no aggregate loaded), runs and worklist entries as JSON documents beside their lookup columns."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, insert, or_, select, tuple_, update

from adapters.db.admission_tables import insured_admissions as A
from adapters.db.connections import Connections
from adapters.db.inpatient_store import decode, encode  # documents by their fields' annotations
from adapters.db.reconciliation_tables import reconciliation_entries as E
from adapters.db.reconciliation_tables import reconciliation_findings as F
from adapters.db.reconciliation_tables import reconciliation_runs as R
from adapters.db.repositories import write_once
from adapters.db.tables import settlements as S
from adapters.db.tables import visits as V
from domain.admission import AdmissionState
from domain.errors import ConcurrencyConflict
from domain.money import ZERO
from domain.reconciliation import Amounts, FindingKind, LedgerRow, OneSidedEntry, ReconciliationRun
from domain.settlement import SettlementState
from domain.visit import VisitState
from ports.reconciliation import EntryFilter, ReconciliationStore

_IN_FORCE_OR_CANCELLED = (SettlementState.ACTIVE, SettlementState.CANCELLED)
_BATCH = 500  # keys per IN (...) when looking entries up


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())


_LEDGER_COLUMNS = (S.c.setl_id, S.c.mdtrt_id, S.c.psn_no, S.c.medins_setl_id, S.c.setl_time, S.c.insutype,
                   S.c.clr_type, S.c.clr_optins, S.c.medfee_sumamt, S.c.fund_pay_sumamt, S.c.acct_pay,
                   S.c.psn_cash_pay, S.c.state, S.c.cancel_setl_id, S.c.discrepancies, S.c.visit_id, S.c.admission_id)


class SqlReconciliationStore(ReconciliationStore):
    def __init__(self, connections: Connections):
        self._connections = connections

    # ---- our side --------------------------------------------------------------------------------
    def ledger(self, first: date, last: date) -> list[LedgerRow]:
        start, stop = _day_bounds(first, last)
        query = (select(*_LEDGER_COLUMNS).where(S.c.setl_time >= start, S.c.setl_time < stop,
                                        S.c.state.in_(_IN_FORCE_OR_CANCELLED))
                 .order_by(S.c.setl_time, S.c.setl_id))
        with self._connections.connection() as conn:
            rows = conn.execute(query).all()
        z = ZERO
        found = []
        for r in rows:
            admission_id = r[16]  # a stay's settlement (住院), else a visit's (门诊)
            found.append(LedgerRow(
                setl_id=r[0], mdtrt_id=r[1], psn_no=r[2], msgid=r[3], setl_time=r[4], insutype=r[5], clr_type=r[6],
                clr_optins=r[7], amounts=Amounts(r[8] if r[8] is not None else z, r[9] if r[9] is not None else z,
                                                 r[10] if r[10] is not None else z, r[11] if r[11] is not None else z),
                # a negative settlement is CANCELLED and cancels nothing itself; its original names it
                refund=r[12] is SettlementState.CANCELLED and not r[13],
                record_kind="admission" if admission_id else "visit", record_id=admission_id or r[15],
                discrepancies=tuple(r[14])))
        return found

    def unsettled(self, first: date, last: date, claimed_before: datetime) -> list[LedgerRow]:
        start, stop = _day_bounds(first, last)
        stop = min(stop, claimed_before)
        found = []
        with self._connections.connection() as conn:
            for kind, table, state in (("visit", V, VisitState.SETTLING), ("admission", A, AdmissionState.SETTLING)):
                rows = conn.execute(select(table.c.id, table.c.mdtrt_id, table.c.psn_no, table.c.insutype,
                                           table.c.settling_since)
                                    .where(table.c.state == state, table.c.settling_since >= start,
                                           table.c.settling_since < stop)
                                    .order_by(table.c.settling_since, table.c.id)).all()
                found += [LedgerRow(setl_id="", mdtrt_id=r[1] or "", psn_no=r[2], msgid="", setl_time=r[4],
                                    insutype=r[3], clr_type="", clr_optins="", amounts=Amounts(),
                                    record_kind=kind, record_id=r[0]) for r in rows]
        return found

    # ---- runs ----------------------------------------------------------------------------------
    def _commit(self, what: str, write):
        return write_once(self._connections, what, write)

    def add_run(self, run: ReconciliationRun) -> bool:
        run.version = 1
        row = dict(id=run.id, first_day=run.first_day, last_day=run.last_day, state=run.state,
                   started_at=run.started_at, scheduled_for=run.scheduled_for, version=1, document=encode(run))
        try:
            self._commit(f"run {run.id}", lambda conn: conn.execute(insert(R).values(**row)))
        except ConcurrencyConflict:
            if run.scheduled_for is None:
                raise
            return False  # another server claimed the day
        return True

    def save_run(self, run: ReconciliationRun) -> None:
        """The run's document and the entries it found, in one transaction, under its version."""
        def write(conn) -> int:
            done = conn.execute(update(R).where(R.c.id == run.id, R.c.version == run.version)
                                .values(state=run.state, scheduled_for=run.scheduled_for, version=run.version + 1,
                                        document=encode(run))).rowcount
            if done == 1 and run.entry_ids:
                known = {r[0] for r in conn.execute(select(F.c.entry_id).where(F.c.run_id == run.id))}
                new = [{"run_id": run.id, "entry_id": e} for e in dict.fromkeys(run.entry_ids) if e not in known]
                if new:
                    conn.execute(insert(F), new)
            return done

        if self._commit(f"run {run.id}", write) != 1:
            raise ConcurrencyConflict(f"run {run.id} was changed by someone else meanwhile")
        run.version += 1

    def get_run(self, run_id: str) -> ReconciliationRun | None:
        with self._connections.connection() as conn:
            row = conn.execute(select(R.c.document, R.c.version).where(R.c.id == run_id)).first()
        return None if row is None else decode(ReconciliationRun, row[0], row[1])

    def list_runs(self, limit: int = 50, before: tuple[datetime, str] | None = None) -> list[ReconciliationRun]:
        query = select(R.c.document, R.c.version).order_by(R.c.started_at.desc(), R.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(or_(R.c.started_at < before[0], and_(R.c.started_at == before[0], R.c.id < before[1])))
        with self._connections.connection() as conn:
            return [decode(ReconciliationRun, d, v) for d, v in conn.execute(query)]

    # ---- the worklist --------------------------------------------------------------------------
    def entries_for(self, keys: list[tuple[FindingKind, str]]) -> dict[tuple[FindingKind, str], OneSidedEntry]:
        found = {}
        with self._connections.connection() as conn:
            for n in range(0, len(keys), _BATCH):
                chunk = [(k.value, key) for k, key in keys[n:n + _BATCH]]
                for d, v in conn.execute(select(E.c.document, E.c.version).where(tuple_(E.c.kind, E.c.key).in_(chunk))):
                    entry = decode(OneSidedEntry, d, v)
                    found[(entry.kind, entry.key)] = entry
        return found

    def add_entries(self, entries: list[OneSidedEntry]) -> None:
        if not entries:
            return
        rows = [{"id": e.id, "kind": e.kind, "key": e.key, "state": e.state, "setl_time": e.setl_time,
                 "last_run_id": e.last_run_id, "record_id": e.record_id, "version": 1, "document": encode(e)}
                for e in entries]
        self._commit("the worklist", lambda conn: conn.execute(insert(E), rows))
        for e in entries:
            e.version = 1

    def save_entry(self, entry: OneSidedEntry) -> None:
        done = self._commit(f"entry {entry.id}", lambda conn: conn.execute(
            update(E).where(E.c.id == entry.id, E.c.version == entry.version)
            .values(state=entry.state, last_run_id=entry.last_run_id, record_id=entry.record_id,
                    version=entry.version + 1, document=encode(entry))).rowcount)
        if done != 1:
            raise ConcurrencyConflict(f"worklist entry {entry.id} was changed by someone else meanwhile: read it again")
        entry.version += 1

    def get_entry(self, entry_id: str) -> OneSidedEntry | None:
        with self._connections.connection() as conn:
            row = conn.execute(select(E.c.document, E.c.version).where(E.c.id == entry_id)).first()
        return None if row is None else decode(OneSidedEntry, row[0], row[1])

    def list_entries(self, where: EntryFilter = EntryFilter(), limit: int = 100,
                     after: str | None = None) -> list[OneSidedEntry]:
        query = select(E.c.document, E.c.version).order_by(E.c.id).limit(limit)
        if where.state is not None:
            query = query.where(E.c.state == where.state)
        if where.kind is not None:
            query = query.where(E.c.kind == where.kind)
        if where.run_id is not None:
            query = query.where(E.c.id.in_(select(F.c.entry_id).where(F.c.run_id == where.run_id)))
        if where.days is not None:
            start, stop = _day_bounds(*where.days)
            query = query.where(E.c.setl_time >= start, E.c.setl_time < stop)
        if after is not None:
            query = query.where(E.c.id > after)
        with self._connections.connection() as conn:
            return [decode(OneSidedEntry, d, v) for d, v in conn.execute(query)]
