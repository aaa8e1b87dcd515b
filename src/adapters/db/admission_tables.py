"""The 医保 side of hospital stays (住院): one row per stay, its diagnoses kept beside it as one JSON
document (always read and written whole with the stay, under its version). Its fee rows and
settlements are rows of fee_items and settlements (tables.py), owned by admission_id."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from adapters.db.tables import CODE, ID, NAME, metadata
from adapters.db.types import EmptyAsNull, str_enum
from domain.admission import AdmissionState


def _text(name: str, length: int = CODE) -> Column:
    return Column(name, String(length), nullable=False, default="")


insured_admissions = Table(
    "insured_admissions", metadata,
    Column("id", String(ID), primary_key=True),
    _text("psn_no", ID),
    _text("insutype"),
    _text("med_type"),
    _text("mdtrt_cert_type"),
    _text("mdtrt_cert_no", ID),
    Column("ipt_no", String(ID), nullable=False),
    Column("begntime", DateTime, nullable=False),
    _text("dept_code", ID),
    _text("dept_name", NAME),
    _text("caty"),
    _text("atddr_no", ID),
    _text("chfpdr_name", NAME),
    _text("adm_bed", ID),
    _text("adm_diag_dscr", NAME),
    _text("dise_codg", ID),
    _text("dise_name", 500),
    _text("insuplc_admdvs"),
    _text("psn_name", NAME),
    Column("mdtrt_id", EmptyAsNull(ID), nullable=True),  # "" (not admitted yet) stored as NULL
    Column("state", str_enum(AdmissionState), nullable=False),
    Column("endtime", DateTime, nullable=True),
    _text("dscg_dept_code", ID),
    _text("dscg_dept_name", NAME),
    _text("dscg_way"),
    Column("settling_since", DateTime, nullable=True),
    Column("body", Text, nullable=False),  # diagnoses and discharge diagnoses (JSON)
    Column("version", Integer, nullable=False),
)
# One stay per 住院号: claimed (REGISTERING) before its 2401 leaves, so two admissions with the same
# number reach the platform once
Index("ix_insured_admissions_ipt_no", insured_admissions.c.ipt_no, unique=True)
Index("ix_insured_admissions_mdtrt_id", insured_admissions.c.mdtrt_id, unique=True)
Index("ix_insured_admissions_state", insured_admissions.c.state)
Index("ix_insured_admissions_psn_no", insured_admissions.c.psn_no)
