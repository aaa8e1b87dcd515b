"""ReconciliationStore in SQL Core: our ledger read straight from `settlements` (one query per
period, no aggregate loaded), runs and worklist entries as JSON documents beside their lookup columns."""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum

from sqlalchemy import and_, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from adapters.db.admission_tables import insured_admissions as A
from adapters.db.connections import Connections
from adapters.db.reconciliation_tables import reconciliation_entries as E
from adapters.db.reconciliation_tables import reconciliation_findings as F
from adapters.db.reconciliation_tables import reconciliation_runs as R
from adapters.db.repositories import is_conflict
from adapters.db.tables import settlements as S
from adapters.db.tables import visits as V
from domain.admission import AdmissionState
from domain.errors import ConcurrencyConflict
from domain.money import ZERO
from domain.reconciliation import (Action, Amounts, EntryState, FindingKind, LedgerRow, OneSidedEntry,
                                   ReconciliationRun, RunState, TotalLine, Totals, Trigger)
from domain.settlement import SettlementState
from domain.visit import VisitState
from ports.reconciliation import EntryFilter, ReconciliationStore

_IN_FORCE_OR_CANCELLED = (SettlementState.ACTIVE, SettlementState.CANCELLED)
_BATCH = 500  # keys per IN (...) when looking entries up


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _amounts(data: dict | None) -> Amounts | None:
    return None if data is None else Amounts(**{k: Decimal(v) for k, v in data.items()})


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def encode_entry(entry: OneSidedEntry) -> str:
    return json.dumps(_plain(asdict(entry)), ensure_ascii=False, sort_keys=True)


def decode_entry(text: str, version: int) -> OneSidedEntry:
    d = json.loads(text)
    d.update(kind=FindingKind(d["kind"]), state=EntryState(d["state"]),
             action=Action(d["action"]) if d.get("action") else None, ours=_amounts(d.get("ours")),
             theirs=_amounts(d.get("theirs")), sources=tuple(d.get("sources") or ()),
             setl_time=_when(d.get("setl_time")), found_at=_when(d.get("found_at")),
             resolved_at=_when(d.get("resolved_at")), version=version)
    known = {f.name for f in fields(OneSidedEntry)}
    return OneSidedEntry(**{k: v for k, v in d.items() if k in known})


def encode_run(run: ReconciliationRun) -> str:
    return json.dumps(_plain(asdict(run)), ensure_ascii=False, sort_keys=True)


def decode_run(text: str, version: int) -> ReconciliationRun:
    d = json.loads(text)
    lines = [TotalLine(**dict(ln, ours=Totals(_amounts(ln["ours"]["amounts"]), ln["ours"]["count"])))
             for ln in d.pop("lines")]
    d.update(first_day=date.fromisoformat(d["first_day"]), last_day=date.fromisoformat(d["last_day"]),
             trigger=Trigger(d["trigger"]), state=RunState(d["state"]), started_at=_when(d["started_at"]),
             finished_at=_when(d.get("finished_at")),
             scheduled_for=date.fromisoformat(d["scheduled_for"]) if d.get("scheduled_for") else None,
             lines=lines, version=version)
    return ReconciliationRun(**d)


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())


_LEDGER_COLUMNS = (S.c.setl_id, S.c.mdtrt_id, S.c.psn_no, S.c.medins_setl_id, S.c.setl_time, S.c.insutype,
                   S.c.clr_type, S.c.clr_optins, S.c.medfee_sumamt, S.c.fund_pay_sumamt, S.c.acct_pay,
                   S.c.psn_cash_pay, S.c.state, S.c.cancel_setl_id, S.c.discrepancies, S.c.visit_id)


class SqlReconciliationStore(ReconciliationStore):
    def __init__(self, connections: Connections):
        self._connections = connections

    # ---- our side --------------------------------------------------------------------------------
    def ledger(self, first: date, last: date) -> list[LedgerRow]:
        start, stop = _day_bounds(first, last)
        admission = S.c.get("admission_id")  # inpatient settlements share the table once they moved there
        columns = (*_LEDGER_COLUMNS, admission) if admission is not None else _LEDGER_COLUMNS
        query = (select(*columns).where(S.c.setl_time >= start, S.c.setl_time < stop,
                                        S.c.state.in_(_IN_FORCE_OR_CANCELLED))
                 .order_by(S.c.setl_time, S.c.setl_id))
        with self._connections.connection() as conn:
            rows = conn.execute(query).all()
        z = ZERO
        found = []
        for r in rows:
            admission_id = r[16] if admission is not None else None
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
    def _write(self, statement, what: str) -> int:
        try:
            with self._connections.connection() as conn:
                done = conn.execute(statement).rowcount
                conn.commit()
                return done
        except IntegrityError as exc:
            if is_conflict(exc):
                raise ConcurrencyConflict(f"{what} was written by someone else meanwhile; try again") from exc
            raise

    def add_run(self, run: ReconciliationRun) -> bool:
        run.version = 1
        try:
            self._write(insert(R).values(id=run.id, first_day=run.first_day, last_day=run.last_day, state=run.state,
                                         started_at=run.started_at, scheduled_for=run.scheduled_for, version=1,
                                         document=encode_run(run)), f"run {run.id}")
        except ConcurrencyConflict:
            if run.scheduled_for is None:
                raise
            return False  # another server claimed the day
        return True

    def save_run(self, run: ReconciliationRun) -> None:
        run.version += 1
        done = self._write(update(R).where(R.c.id == run.id, R.c.version == run.version - 1)
                           .values(state=run.state, version=run.version, document=encode_run(run)), f"run {run.id}")
        if done != 1:
            run.version -= 1
            raise ConcurrencyConflict(f"run {run.id} was changed by someone else meanwhile")
        if run.entry_ids:
            with self._connections.connection() as conn:
                known = {r[0] for r in conn.execute(select(F.c.entry_id).where(F.c.run_id == run.id))}
                new = [{"run_id": run.id, "entry_id": e} for e in dict.fromkeys(run.entry_ids) if e not in known]
                if new:
                    conn.execute(insert(F), new)
                conn.commit()

    def get_run(self, run_id: str) -> ReconciliationRun | None:
        with self._connections.connection() as conn:
            row = conn.execute(select(R.c.document, R.c.version).where(R.c.id == run_id)).first()
        return None if row is None else decode_run(row[0], row[1])

    def list_runs(self, limit: int = 50, before: tuple[datetime, str] | None = None) -> list[ReconciliationRun]:
        query = select(R.c.document, R.c.version).order_by(R.c.started_at.desc(), R.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(or_(R.c.started_at < before[0], and_(R.c.started_at == before[0], R.c.id < before[1])))
        with self._connections.connection() as conn:
            return [decode_run(d, v) for d, v in conn.execute(query)]

    # ---- the worklist --------------------------------------------------------------------------
    def entries_for(self, keys: list[tuple[FindingKind, str]]) -> dict[tuple[FindingKind, str], OneSidedEntry]:
        found = {}
        with self._connections.connection() as conn:
            for n in range(0, len(keys), _BATCH):
                chunk = [(k.value, key) for k, key in keys[n:n + _BATCH]]
                for d, v in conn.execute(select(E.c.document, E.c.version).where(tuple_(E.c.kind, E.c.key).in_(chunk))):
                    entry = decode_entry(d, v)
                    found[(entry.kind, entry.key)] = entry
        return found

    def add_entries(self, entries: list[OneSidedEntry]) -> None:
        if not entries:
            return
        for e in entries:
            e.version = 1
        rows = [{"id": e.id, "kind": e.kind, "key": e.key, "state": e.state, "setl_time": e.setl_time,
                 "last_run_id": e.last_run_id, "record_id": e.record_id, "version": 1, "document": encode_entry(e)}
                for e in entries]
        try:
            with self._connections.connection() as conn:
                conn.execute(insert(E), rows)
                conn.commit()
        except IntegrityError as exc:
            if is_conflict(exc):
                raise ConcurrencyConflict("the worklist was written by another run meanwhile; try again") from exc
            raise

    def save_entry(self, entry: OneSidedEntry) -> None:
        entry.version += 1
        done = self._write(update(E).where(E.c.id == entry.id, E.c.version == entry.version - 1)
                           .values(state=entry.state, last_run_id=entry.last_run_id, record_id=entry.record_id,
                                   version=entry.version, document=encode_entry(entry)), f"entry {entry.id}")
        if done != 1:
            entry.version -= 1
            raise ConcurrencyConflict(f"worklist entry {entry.id} was changed by someone else meanwhile: read it again")

    def get_entry(self, entry_id: str) -> OneSidedEntry | None:
        with self._connections.connection() as conn:
            row = conn.execute(select(E.c.document, E.c.version).where(E.c.id == entry_id)).first()
        return None if row is None else decode_entry(row[0], row[1])

    def list_entries(self, where: EntryFilter = EntryFilter(), limit: int = 100,
                     after: str | None = None) -> list[OneSidedEntry]:
        query = select(E.c.document, E.c.version).order_by(E.c.id).limit(limit)
        if where.state is not None:
            query = query.where(E.c.state == where.state)
        if where.kind is not None:
            query = query.where(E.c.kind == where.kind)
        if where.run_id is not None:
            query = query.where(E.c.id.in_(select(F.c.entry_id).where(F.c.run_id == where.run_id)))
        if after is not None:
            query = query.where(E.c.id > after)
        with self._connections.connection() as conn:
            return [decode_entry(d, v) for d, v in conn.execute(query)]
