"""SQLAlchemy repositories: collections of aggregates over one session (the unit of work's)."""
from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from adapters.db import tables as t
from domain.person import InsuredPerson
from domain.visit import Visit, VisitState
from ports.repositories import PersonRepository, VisitRepository


class SqlVisitRepository(VisitRepository):
    def __init__(self, session: Session):
        self._session = session

    def add(self, visit: Visit) -> None:
        self._session.add(visit)

    def get(self, visit_id: str) -> Visit | None:
        return self._session.get(Visit, visit_id)

    def attach(self, visit: Visit) -> None:
        # a detached instance keeps its change history; add() makes it persistent again without a
        # SELECT, and the flush's versioned UPDATE refuses it if the row moved on meanwhile
        self._session.add(visit)

    def by_mdtrt_id(self, mdtrt_id: str) -> Visit | None:
        if not mdtrt_id:  # "" means "not registered yet" and is stored as NULL
            return None
        return self._session.scalars(select(Visit).where(t.visits.c.mdtrt_id == mdtrt_id)).unique().one_or_none()

    def list(self, psn_no: str | None = None, limit: int = 100) -> list[Visit]:
        stmt = select(Visit).order_by(t.visits.c.begntime.desc(), t.visits.c.id.desc()).limit(limit)
        if psn_no is not None:
            stmt = stmt.where(t.visits.c.psn_no == psn_no)
        return list(self._session.scalars(stmt).unique())  # unique(): diagnoses are joined in

    def in_state(self, state: VisitState, limit: int = 1000) -> list[Visit]:
        stmt = select(Visit).where(t.visits.c.state == state.value).order_by(t.visits.c.begntime).limit(limit)
        return list(self._session.scalars(stmt).unique())  # unique(): diagnoses are joined in


_PERSON_SCALARS = tuple(f.name for f in dataclasses.fields(InsuredPerson) if f.name != "insurances")


class SqlPersonRepository(PersonRepository):
    def __init__(self, session: Session):
        self._session = session

    def save(self, person: InsuredPerson) -> None:
        existing = self._session.get(InsuredPerson, person.psn_no)
        if existing is None:
            self._session.add(person)
            return
        if existing is not person:
            for name in _PERSON_SCALARS:
                setattr(existing, name, getattr(person, name))
            # Fresh copies: the caller's Insurance objects may belong to another session or person.
            existing.insurances = [dataclasses.replace(i) for i in person.insurances]
        # An UPDATE even when nothing but the insurances changed, so updated_at moves.
        flag_modified(existing, "psn_name")

    def get(self, psn_no: str) -> InsuredPerson | None:
        return self._session.get(InsuredPerson, psn_no)
