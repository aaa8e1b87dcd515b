"""Clearing applications (清算申请) and the days they hold, on the schema's one `metadata`.

An application standing (APPLYING / APPLIED) holds each day of its period in `clearing_claims`, one row
per area (local / 异地), 清算类别, 清算机构 and day: the primary key is what keeps two applications of
the same days apart, whichever server claims first. A refusal or a revocation gives the days back."""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Text

from adapters.db.tables import ID, metadata
from adapters.db.types import str_enum
from domain.clearing import ClearingKind, ClearingState

clearing_applications = Table(
    "clearing_applications", metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", str_enum(ClearingKind), nullable=False),
    Column("state", str_enum(ClearingState), nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Index("ix_clearing_applications_created_at_id", "created_at", "id"),
    Index("ix_clearing_applications_first_day", "first_day"),
)

clearing_claims = Table(
    "clearing_claims", metadata,
    Column("area", String(10), primary_key=True),
    Column("clr_type", String(30), primary_key=True),
    Column("clr_optins", String(ID), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("application_id", String(ID), nullable=False, index=True),
)
