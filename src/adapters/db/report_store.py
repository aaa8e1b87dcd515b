"""SettlementFigures in SQL: the settlements table aggregated where it is kept, detail rows streamed.

A summary is one GROUP BY over settlements in the period (index on setl_time), joined to its visit
(outpatient) or stay (inpatient) only when a dimension or filter needs their columns: the report
costs what the hand-written aggregate costs (bench/reports.py compares them).

Sums are exact on both databases: PostgreSQL sums NUMERIC; SQLite keeps amounts as decimal text and
would sum them as binary floats, so there each amount is summed as integer cents
(ROUND(x * 100) is exact for any amount below 2^53 cents, 9e13 yuan; NUMERIC(16,2) allows more,
no settlement comes near).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Engine, Integer, and_, case, cast, func, literal, literal_column, or_, select, tuple_

from adapters.db.admission_tables import insured_admissions as A
from adapters.db.tables import settlements as S
from adapters.db.tables import visits as V
from domain.money import ZERO, money
from domain.reports import (CITY_DIGITS, FUND_FIELDS, DetailRow, Dimension, Place, ReportQuery, Service, Standing,
                            SummaryRow, code_name)
from domain.settlement import SettlementState

_STANDINGS = (Standing.SETTLED, Standing.CANCELLED, Standing.CANCELLATION, Standing.REVERSED)
CHUNK = 2000  # detail rows fetched per round trip (a server-side cursor on PostgreSQL)


class SqlSettlementFigures:
    def __init__(self, engine: Engine, hospital_admdvs: str):
        self.engine = engine
        self.hospital_city = hospital_admdvs[:CITY_DIGITS]
        self._sqlite = engine.dialect.name == "sqlite"

    # ---- column expressions ---------------------------------------------------------------
    def _of_stay(self, visit_column, stay_column):
        """A visit's column for an outpatient settlement (visit_id set), the stay's for an inpatient one
        (admission_id set): exactly one of the two joins finds a row."""
        return func.coalesce(visit_column, stay_column, "")

    def _columns(self) -> dict[str, object]:
        insuplc = self._of_stay(V.c.insuplc_admdvs, A.c.insuplc_admdvs)
        return {
            "insuplc": insuplc,
            # 本地 / 异地: the city (first CITY_DIGITS digits) of the 参保地 against the hospital's;
            # no 参保地 counts as 本地 (domain.reports.is_local says why)
            "place": case((or_(insuplc == "", func.substr(insuplc, 1, CITY_DIGITS) == self.hospital_city),
                           literal(Place.LOCAL.value)), else_=literal(Place.NONLOCAL.value)),
            "service": (case((S.c.visit_id.is_not(None), literal(Service.OUTPATIENT.value)),
                             else_=literal(Service.INPATIENT.value))),
            "dept_code": self._of_stay(V.c.dept_code, A.c.dept_code),
            "dept_name": self._of_stay(V.c.dept_name, A.c.dept_name),
            "doctor_code": self._of_stay(V.c.atddr_no, A.c.atddr_no),
            "doctor_name": self._of_stay(V.c.dr_name, A.c.chfpdr_name),
            "psn_name": self._of_stay(V.c.psn_name, A.c.psn_name),
            # the standing as its place in _STANDINGS: grouped and ordered by that number
            "standing": case(
                (S.c.state == SettlementState.ACTIVE, literal(0)),
                (and_(S.c.state == SettlementState.CANCELLED, S.c.cancel_setl_id != ""), literal(1)),
                (S.c.state == SettlementState.CANCELLED, literal(2)),
                else_=literal(3)),
        }

    def _dimension(self, dim: Dimension, cols: dict) -> tuple[object, object | None]:
        """(code, name) expressions of a dimension; name None where the code's name comes from the domain."""
        if dim is Dimension.DEPT:
            return cols["dept_code"], cols["dept_name"]
        if dim is Dimension.DOCTOR:
            return cols["doctor_code"], cols["doctor_name"]
        if dim is Dimension.DAY:
            return func.date(S.c.setl_time), None
        if dim in (Dimension.PLACE, Dimension.SERVICE):
            return cols[dim.value], None
        return S.c[dim.value], None

    def _needs_owner(self, query: ReportQuery, detail: bool) -> bool:
        needs = {Dimension.PLACE, Dimension.DEPT, Dimension.DOCTOR}
        return detail or bool(needs & set(query.group_by)) or bool(
            query.place or query.dept_code or query.doctor_code)

    def _source(self, joined: bool):
        if not joined:
            return S
        return S.outerjoin(V, V.c.id == S.c.visit_id).outerjoin(A, A.c.id == S.c.admission_id)

    def _where(self, query: ReportQuery, cols: dict) -> list:
        start = datetime.combine(query.period.start, time())
        end = datetime.combine(query.period.end, time())
        where = [S.c.setl_time >= start, S.c.setl_time < end]
        for name in ("insutype", "med_type", "clr_type", "clr_way"):
            if getattr(query, name):
                where.append(S.c[name] == getattr(query, name))
        if query.dept_code:
            where.append(cols["dept_code"] == query.dept_code)
        if query.doctor_code:
            where.append(cols["doctor_code"] == query.doctor_code)
        if query.place is not None:
            where.append(cols["place"] == query.place.value)
        if query.service is Service.OUTPATIENT:
            where.append(S.c.visit_id.is_not(None))
        elif query.service is Service.INPATIENT:
            where.append(S.c.visit_id.is_(None))
        return where

    def _sum(self, column):
        if self._sqlite:
            return func.sum(cast(func.round(column.op("*")(literal_column("100"))), Integer))
        return func.sum(column)

    def _amount(self, value) -> Decimal:
        if value is None:
            return ZERO
        if self._sqlite:
            return Decimal(value).scaleb(-2)
        return money(value)

    # ---- SettlementFigures ----------------------------------------------------------------
    def summary(self, query: ReportQuery) -> list[SummaryRow]:
        cols = self._columns()
        keys, names = [], []
        for dim in query.group_by:
            code, name = self._dimension(dim, cols)
            keys.append(code.label(f"k_{dim.value}"))
            if name is not None:
                names.append(func.max(name).label(f"n_{dim.value}"))
        standing = cols["standing"].label("standing")
        statement = (select(*keys, standing, func.count().label("n"), *names,
                            *(self._sum(S.c[f]).label(f) for f in FUND_FIELDS))
                     .select_from(self._source(self._needs_owner(query, detail=False)))
                     .where(*self._where(query, cols))
                     .group_by(*keys, standing)
                     .order_by(*keys, standing))
        rows = []
        with self.engine.connect() as conn:
            for row in conn.execute(statement):
                m = row._mapping
                codes = tuple(_text(m[f"k_{d.value}"]) for d in query.group_by)
                labels = tuple(
                    _text(m[f"n_{d.value}"]) if f"n_{d.value}" in m else code_name(d, code)
                    for d, code in zip(query.group_by, codes))
                rows.append(SummaryRow(codes, labels, _STANDINGS[m["standing"]], int(m["n"]),
                                       tuple(self._amount(m[f]) for f in FUND_FIELDS)))
        return rows

    def details(self, query: ReportQuery, after: tuple[datetime, str] | None = None,
                limit: int | None = None) -> Iterator[DetailRow]:
        cols = self._columns()
        statement = (select(S.c.setl_id, S.c.setl_time, cols["service"], func.coalesce(S.c.visit_id, S.c.admission_id),
                            S.c.mdtrt_id, S.c.psn_no, cols["psn_name"], S.c.insutype, S.c.med_type, S.c.clr_type,
                            S.c.clr_way, cols["insuplc"], cols["place"], cols["dept_code"], cols["dept_name"],
                            cols["doctor_code"], cols["doctor_name"], cols["standing"], S.c.cancel_setl_id,
                            *(S.c[f] for f in FUND_FIELDS))
                     .select_from(self._source(True))
                     .where(*self._where(query, cols))
                     .order_by(S.c.setl_time, S.c.setl_id))
        if after is not None:
            statement = statement.where(tuple_(S.c.setl_time, S.c.setl_id) > tuple_(literal(after[0]), literal(after[1])))
        if limit is not None:
            statement = statement.limit(limit)
        return self._stream(statement)

    def _stream(self, statement) -> Iterator[DetailRow]:
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(statement)
            for r in result:
                yield DetailRow(
                    setl_id=r[0], setl_time=r[1], service=r[2], owner_id=r[3] or "", mdtrt_id=r[4], psn_no=r[5],
                    psn_name=r[6], insutype=r[7], med_type=r[8], clr_type=r[9], clr_way=r[10],
                    insuplc_admdvs=r[11], place=r[12], dept_code=r[13], dept_name=r[14], doctor_code=r[15],
                    doctor_name=r[16], standing=_STANDINGS[r[17]], cancel_setl_id=r[18],
                    amounts=tuple(ZERO if v is None else v for v in r[19:]))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
