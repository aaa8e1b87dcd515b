"""ClearingStore in SQL Core: our settlements read straight from `settlements` (as reconciliation
reads them), the runs and open entries of reconciliation by their lookup columns, and applications
as JSON documents beside the days they hold."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, delete, insert, or_, select, update

from adapters.db.clearing_tables import clearing_applications as C
from adapters.db.clearing_tables import clearing_claims as H
from adapters.db.connections import Connections
from adapters.db.inpatient_store import decode, encode  # documents by their fields' annotations
from adapters.db.reconciliation_tables import reconciliation_entries as E
from adapters.db.reconciliation_tables import reconciliation_runs as R
from adapters.db.repositories import write_once
from adapters.db.tables import settlements as S
from domain.clearing import ClearingApplication, ClearingRow, ClearingState, ReconciledSpan
from domain.errors import ConcurrencyConflict
from domain.money import ZERO
from domain.reconciliation import EntryState, ReconciliationRun, RunState
from domain.settlement import SettlementState
from ports.clearing import ClearingStore

_AMOUNTS = (S.c.medfee_sumamt, S.c.inscp_scp_amt, S.c.fund_pay_sumamt, S.c.psn_cash_pay, S.c.acct_pay)


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())


class SqlClearingStore(ClearingStore):
    def __init__(self, connections: Connections):
        self._connections = connections

    def ledger(self, first: date, last: date) -> list[ClearingRow]:
        start, stop = _bounds(first, last)
        query = (select(S.c.setl_id, S.c.setl_time, S.c.clr_type, S.c.clr_optins, S.c.state, S.c.cancel_setl_id,
                        *_AMOUNTS)
                 .where(S.c.setl_time >= start, S.c.setl_time < stop,
                        S.c.state.in_((SettlementState.ACTIVE, SettlementState.CANCELLED)))
                 .order_by(S.c.setl_time, S.c.setl_id))
        with self._connections.connection() as conn:
            rows = conn.execute(query).all()
        return [ClearingRow(r[0], r[1], r[2], r[3], *(ZERO if v is None else v for v in r[6:11]),
                            # a negative settlement is CANCELLED and cancels nothing itself; its original names it
                            refund=r[4] is SettlementState.CANCELLED and not r[5]) for r in rows]

    def reconciled(self, first: date, last: date) -> list[ReconciledSpan]:
        query = select(R.c.document, R.c.version).where(R.c.first_day <= last, R.c.last_day >= first,
                                                        R.c.state.in_((RunState.BALANCED, RunState.UNBALANCED)))
        with self._connections.connection() as conn:
            runs = [decode(ReconciliationRun, d, v) for d, v in conn.execute(query)]
        return [ReconciledSpan(r.id, r.first_day, r.last_day, r.started_at, all(ln.balanced for ln in r.lines))
                for r in runs]

    def open_entries(self, first: date, last: date) -> list[tuple[str, datetime | None]]:
        start, stop = _bounds(first, last)
        query = (select(E.c.id, E.c.setl_time).where(E.c.state == EntryState.OPEN, E.c.setl_time >= start,
                                                     E.c.setl_time < stop).order_by(E.c.id))
        with self._connections.connection() as conn:
            return [(r[0], r[1]) for r in conn.execute(query)]

    def claim(self, application: ClearingApplication) -> str | None:
        a = application
        key = dict(area=a.kind.area, clr_type=a.clr_type, clr_optins=a.clr_optins)

        def write(conn) -> None:
            conn.execute(insert(C).values(id=a.id, kind=a.kind, state=a.state, first_day=a.first_day,
                                          last_day=a.last_day, created_at=a.created_at, version=1,
                                          document=encode(a)))
            conn.execute(insert(H), [dict(key, day=d, application_id=a.id) for d in a.period.days()])
        try:
            write_once(self._connections, f"clearing of {a.period}", write)
        except ConcurrencyConflict:
            held = self.holding(a.kind.area, a.clr_type, a.clr_optins, a.first_day, a.last_day)
            if not held:
                raise  # gone again meanwhile: the caller may try again
            return held[0]
        a.version = 1
        return None

    def save(self, application: ClearingApplication) -> None:
        a = application

        def write(conn) -> int:
            done = conn.execute(update(C).where(C.c.id == a.id, C.c.version == a.version)
                                .values(state=a.state, version=a.version + 1, document=encode(a))).rowcount
            if done == 1 and not a.standing:
                conn.execute(delete(H).where(H.c.application_id == a.id))
            return done

        if write_once(self._connections, f"clearing application {a.id}", write) != 1:
            raise ConcurrencyConflict(f"clearing application {a.id} was changed by someone else meanwhile")
        a.version += 1

    def get(self, application_id: str) -> ClearingApplication | None:
        with self._connections.connection() as conn:
            row = conn.execute(select(C.c.document, C.c.version).where(C.c.id == application_id)).first()
        return None if row is None else decode(ClearingApplication, row[0], row[1])

    def holding(self, area: str, clr_type: str, clr_optins: str, first: date, last: date) -> list[str]:
        query = (select(H.c.application_id).distinct()
                 .where(H.c.area == area, H.c.clr_type == clr_type, H.c.clr_optins == clr_optins,
                        H.c.day >= first, H.c.day <= last).order_by(H.c.application_id))
        with self._connections.connection() as conn:
            return [r[0] for r in conn.execute(query)]

    def list(self, state: ClearingState | None = None, limit: int = 50,
             before: tuple[datetime, str] | None = None) -> list[ClearingApplication]:
        query = select(C.c.document, C.c.version).order_by(C.c.created_at.desc(), C.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(C.c.state == state)
        if before is not None:
            query = query.where(or_(C.c.created_at < before[0], and_(C.c.created_at == before[0], C.c.id < before[1])))
        with self._connections.connection() as conn:
            return [decode(ClearingApplication, d, v) for d, v in conn.execute(query)]
