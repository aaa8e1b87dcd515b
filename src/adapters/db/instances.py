"""Process heartbeats and leases in SQL Core: each call its own short transaction.

A lease is taken with one conditional UPDATE (held by us, or expired) and, when its row does not
exist yet, an INSERT that only one of several racing processes can make: the primary key decides.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from adapters.db.engine import statement_engine
from adapters.db.tables import his_instances, leases
from ports.instances import Instance, InstanceRegistry


class SqlInstanceRegistry(InstanceRegistry):
    def __init__(self, engine: Engine):
        self._engine = statement_engine(engine)

    def register(self, instance: Instance) -> None:
        with self._engine.connect() as conn:
            conn.execute(insert(his_instances).values(
                instance_id=instance.instance_id, host=instance.host[:200], pid=instance.pid, kind=instance.kind,
                started_at=instance.started_at, heartbeat_at=instance.heartbeat_at, stopped_at=instance.stopped_at))
            conn.commit()

    def heartbeat(self, instance_id: str, at: datetime) -> None:
        self._set(instance_id, heartbeat_at=at)

    def stop(self, instance_id: str, at: datetime) -> None:
        self._set(instance_id, stopped_at=at)

    def get(self, instance_id: str) -> Instance | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(his_instances).where(his_instances.c.instance_id == instance_id)).mappings().first()
        return None if row is None else Instance(**dict(row))

    def silent(self, since: datetime) -> list[Instance]:
        stmt = select(his_instances).where(his_instances.c.stopped_at.is_(None), his_instances.c.heartbeat_at < since)
        with self._engine.connect() as conn:
            return [Instance(**dict(row)) for row in conn.execute(stmt).mappings()]

    def acquire(self, lease: str, holder: str, now: datetime, ttl_seconds: float) -> bool:
        until = now + timedelta(seconds=ttl_seconds)
        with self._engine.connect() as conn:
            taken = conn.execute(update(leases).where(and_(
                leases.c.name == lease, or_(leases.c.holder == holder, leases.c.expires_at < now)))
                .values(holder=holder, expires_at=until)).rowcount
            conn.commit()
            if taken:
                return True
            exists = conn.execute(select(leases.c.name).where(leases.c.name == lease)).first()
            conn.commit()
            if exists is not None:
                return False
            try:
                conn.execute(insert(leases).values(name=lease, holder=holder, expires_at=until, acquired_at=now))
                conn.commit()
                return True
            except IntegrityError:  # another process made the row first: it holds the lease
                conn.rollback()
                return False

    def release(self, lease: str, holder: str) -> None:
        with self._engine.connect() as conn:
            conn.execute(delete(leases).where(and_(leases.c.name == lease, leases.c.holder == holder)))
            conn.commit()

    def holder(self, lease: str, now: datetime) -> str | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(leases.c.holder, leases.c.expires_at).where(leases.c.name == lease)).first()
        return row.holder if row is not None and row.expires_at >= now else None

    def _set(self, instance_id: str, **values) -> None:
        with self._engine.connect() as conn:
            conn.execute(update(his_instances).where(his_instances.c.instance_id == instance_id).values(**values))
            conn.commit()
