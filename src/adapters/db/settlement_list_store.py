"""Settlement lists in SQL Core (uow.settlement_lists): versioned document rows, written at commit
like the inpatient stays (the same document mapping, adapters.db.inpatient_store)."""
from __future__ import annotations

from sqlalchemy import and_, select, true

from adapters.db.inpatient_store import _Documents
from adapters.db.repositories import Transaction
from adapters.db.settlement_list_tables import settlement_lists as L
from domain.settlement_lists import ListState, SettlementList
from ports.settlement_lists import ListFilter, LiveList, SettlementListRepository


def _columns(lst: SettlementList) -> dict:
    return {"stay_id": lst.stay_id, "patient_id": lst.patient_id, "setl_id": lst.setl_id, "state": lst.state,
            "deadline": lst.deadline, "created_at": lst.created_at}


class SqlSettlementListRepository(_Documents, SettlementListRepository):
    def __init__(self, tx: Transaction):
        super().__init__(tx, SettlementList, L, "settlement list", _columns)

    def save(self, lst: SettlementList) -> None:
        """Take back a list read by an earlier unit of work: written at commit if its version still holds."""
        self._identity[lst.id] = (lst, lst.version, None)

    def by_setl_id(self, setl_id: str) -> SettlementList | None:
        found = self.load(L.c.setl_id == setl_id)
        return found[0] if found else None

    def find(self, criteria: ListFilter) -> list[SettlementList]:
        where = [true()]
        if criteria.states:
            where.append(L.c.state.in_(list(criteria.states)))
        if criteria.due_before is not None:
            where.append(L.c.deadline < criteria.due_before)
        if criteria.stay_id:
            where.append(L.c.stay_id == criteria.stay_id)
        rows = self._tx.conn.execute(select(L.c.id).where(and_(*where))
                                     .order_by(L.c.deadline, L.c.created_at, L.c.id).limit(criteria.limit)).all()
        ids = [r[0] for r in rows]
        if not ids:
            return []
        found = {lst.id: lst for lst in self.load(L.c.id.in_(ids))}
        return [found[i] for i in ids if i in found]

    def live(self) -> list[LiveList]:
        rows = self._tx.conn.execute(select(L.c.id, L.c.stay_id, L.c.setl_id, L.c.state)
                                     .where(L.c.state != ListState.VOID)).all()
        return [LiveList(r[0], r[1], r[2], ListState(r[3])) for r in rows]

    def latest_of_patient(self, patient_id: str) -> SettlementList | None:
        row = self._tx.conn.execute(select(L.c.id).where(L.c.patient_id == patient_id)
                                    .order_by(L.c.created_at.desc(), L.c.id.desc()).limit(1)).first()
        return None if row is None else self.get(row[0])
