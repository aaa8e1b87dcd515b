"""Imperative ORM mapping of the domain dataclasses: the domain never imports SQLAlchemy.

Child tables have surrogate keys and foreign keys the domain knows nothing of; they are mapped
under underscore names (`_id`, `_visit_id`...) so they do not read as domain fields.
"""
from __future__ import annotations

import threading

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, registry, relationship
from sqlalchemy.orm.attributes import flag_modified

from adapters.db import tables as t
from domain.person import InsuredPerson, Insurance
from domain.settlement import FundPayment, Settlement
from domain.visit import Diagnosis, FeeItem, Visit

mapper_registry = registry()
_lock = threading.Lock()
_started = False

_VISIT_CHILDREN = ("diagnoses", "fees", "settlements")


def start_mappers() -> None:
    """Map the domain classes once per process; later calls do nothing."""
    global _started
    with _lock:
        if _started:
            return
        _map()
        event.listen(Session, "before_flush", _bump_changed_visits)
        _started = True


def _map() -> None:
    m = mapper_registry.map_imperatively
    m(Insurance, t.insurances, properties={"_id": t.insurances.c.id, "_psn_no": t.insurances.c.psn_no})
    m(InsuredPerson, t.persons, exclude_properties=["updated_at"], properties={
        "insurances": relationship(Insurance, order_by=t.insurances.c.id, cascade="all, delete-orphan",
                                   lazy="selectin", passive_deletes=True),
    })
    m(Diagnosis, t.diagnoses, properties={"_id": t.diagnoses.c.id, "_visit_id": t.diagnoses.c.visit_id})
    m(FeeItem, t.fee_items, properties={"_id": t.fee_items.c.id, "_visit_id": t.fee_items.c.visit_id})
    m(FundPayment, t.setl_details, properties={
        "_id": t.setl_details.c.id, "_settlement_id": t.setl_details.c.settlement_id,
    })
    m(Settlement, t.settlements, properties={
        "_id": t.settlements.c.id,
        "_visit_id": t.settlements.c.visit_id,
        "details": relationship(FundPayment, order_by=t.setl_details.c.id, cascade="all, delete-orphan",
                                lazy="joined", innerjoin=False, passive_deletes=True),
    })
    # Collections load eagerly: services read visits after their unit of work has closed the
    # session, when a lazy load would fail. The few diagnoses ride along with the visit row and
    # the fund rows with their settlement (joins); fees and settlements come in one query each.
    m(Visit, t.visits, version_id_col=t.visits.c.version, properties={
        "diagnoses": relationship(Diagnosis, order_by=t.diagnoses.c.id, cascade="all, delete-orphan",
                                  lazy="joined", passive_deletes=True),
        "fees": relationship(FeeItem, order_by=t.fee_items.c.id, cascade="all, delete-orphan",
                             lazy="selectin", passive_deletes=True),
        "settlements": relationship(Settlement, order_by=t.settlements.c.id, cascade="all, delete-orphan",
                                    lazy="selectin", passive_deletes=True),
    })


def _bump_changed_visits(session: Session, _flush_context, _instances) -> None:
    """The version guards the whole aggregate, but SQLAlchemy only bumps it when a visits row
    changes. A change confined to children (fees added, a fee cancelled, a settlement recorded)
    would slip past a concurrent writer, so such a visit is marked changed to force the
    versioned UPDATE."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Visit) and obj not in session.deleted and _children_changed(session, obj):
            if "state" in inspect(obj).dict:
                flag_modified(obj, "state")


def _children_changed(session: Session, visit: Visit) -> bool:
    state = inspect(visit)
    for name in _VISIT_CHILDREN:
        if name not in state.dict:  # never loaded, so not changed; do not load it mid-flush
            continue
        if state.attrs[name].history.has_changes():
            return True
        for child in state.dict[name]:
            if child in session.new or session.is_modified(child):
                return True
            details = inspect(child).dict.get("details", ()) if isinstance(child, Settlement) else ()
            if any(d in session.new or session.is_modified(d) for d in details):
                return True
    return False
