"""VisitRepository.list on the real database: filters, the newest-first order, keyset pages, and
that a page reads only what it returns. The database is shared, so every test lists its own
visits through a person or department of its own (or checks only its own visits' places)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import event

from db_builders import build_diagnosis, build_fee, build_settlement, build_visit, new_id
from domain.visit import VisitState
from ports.repositories import VisitCursor, VisitFilter

DAY = datetime(2026, 5, 4)


def _store(sql_uow, *visits):
    with sql_uow:
        for visit in visits:
            sql_uow.visits.add(visit)
        sql_uow.commit()
    return list(visits)


def _ids(page):
    return [v.id for v in page.visits]


def _walk(sql_uow, where, size, between=None):
    """Every page of a listing; `between(n)` runs after page n (to add visits meanwhile)."""
    seen, after, n = [], None, 0
    while True:
        with sql_uow:
            page = sql_uow.visits.list(where, limit=size, after=after)
        assert len(page.visits) <= size
        seen += _ids(page)
        n += 1
        if between:
            between(n)
        if page.next is None:
            return seen
        assert page.next == VisitCursor(page.visits[-1].begntime, page.visits[-1].id)
        after = page.next


def _newest_first(visits):
    """The documented order, computed here on its own: begntime descending, then id descending."""
    return [v.id for v in sorted(visits, key=lambda v: (v.begntime, v.id), reverse=True)]


def test_each_filter_alone(sql_uow):
    psn_no, dept = new_id("P"), new_id("D")
    mine = build_visit(psn_no=psn_no, dept_code=dept, begntime=DAY + timedelta(hours=9))
    other_person = build_visit(dept_code=dept, begntime=DAY + timedelta(hours=10))
    other_dept = build_visit(psn_no=psn_no, begntime=DAY + timedelta(hours=11))
    _store(sql_uow, mine, other_person, other_dept)
    with sql_uow:
        assert _ids(sql_uow.visits.list(VisitFilter(psn_no=psn_no))) == [other_dept.id, mine.id]
        assert _ids(sql_uow.visits.list(VisitFilter(dept_code=dept))) == [other_person.id, mine.id]


def test_the_time_range_is_half_open(sql_uow):
    dept = new_id("D")
    at = {h: build_visit(dept_code=dept, begntime=DAY + timedelta(hours=h)) for h in (8, 9, 10, 11)}
    at["9:00:00.000001"] = build_visit(dept_code=dept, begntime=DAY + timedelta(hours=9, microseconds=1))
    at["10-1µs"] = build_visit(dept_code=dept, begntime=DAY + timedelta(hours=10, microseconds=-1))
    _store(sql_uow, *at.values())
    nine, ten = DAY + timedelta(hours=9), DAY + timedelta(hours=10)
    with sql_uow:
        listed = _ids(sql_uow.visits.list(VisitFilter(dept_code=dept, begntime_from=nine, begntime_before=ten)))
        assert listed == [at["10-1µs"].id, at["9:00:00.000001"].id, at[9].id]  # 9:00 in, 10:00 out
        assert _ids(sql_uow.visits.list(VisitFilter(dept_code=dept, begntime_from=ten))) == [at[11].id, at[10].id]
        assert _ids(sql_uow.visits.list(VisitFilter(dept_code=dept, begntime_before=nine))) == [at[8].id]


def test_states_filter_takes_any_of_them(sql_uow):
    dept = new_id("D")
    by_state = {s: build_visit(dept_code=dept, state=s, begntime=DAY + timedelta(minutes=n))
                for n, s in enumerate(VisitState)}
    _store(sql_uow, *by_state.values())
    with sql_uow:
        only = sql_uow.visits.list(VisitFilter(dept_code=dept, states=frozenset({VisitState.SETTLING})))
        assert _ids(only) == [by_state[VisitState.SETTLING].id]
        two = sql_uow.visits.list(VisitFilter(dept_code=dept,
                                              states=frozenset({VisitState.REGISTERED, VisitState.CANCELLED})))
        assert _ids(two) == [by_state[VisitState.CANCELLED].id, by_state[VisitState.REGISTERED].id]
        assert len(sql_uow.visits.list(VisitFilter(dept_code=dept)).visits) == len(VisitState)


def test_filters_combine_with_and(sql_uow):
    psn_no, dept = new_id("P"), new_id("D")
    base = dict(psn_no=psn_no, dept_code=dept, state=VisitState.SETTLED, begntime=DAY + timedelta(hours=9))
    hit = build_visit(**base)
    misses = [build_visit(**{**base, "psn_no": new_id("P")}), build_visit(**{**base, "dept_code": new_id("D")}),
              build_visit(**{**base, "state": VisitState.REGISTERED}),
              build_visit(**{**base, "begntime": DAY + timedelta(hours=12)}),
              build_visit(**{**base, "begntime": DAY - timedelta(seconds=1)})]
    _store(sql_uow, hit, *misses)
    where = VisitFilter(psn_no=psn_no, dept_code=dept, begntime_from=DAY, begntime_before=DAY + timedelta(hours=12),
                        states=frozenset({VisitState.SETTLED}))
    with sql_uow:
        assert _ids(sql_uow.visits.list(where)) == [hit.id]


def test_order_is_newest_first_and_ties_go_by_id(sql_uow):
    dept = new_id("D")
    tied = [build_visit(id=uuid4().hex, dept_code=dept, begntime=DAY) for _ in range(4)]
    others = [build_visit(dept_code=dept, begntime=DAY + timedelta(seconds=s)) for s in (-1, 1)]
    _store(sql_uow, *tied, *others)
    expected = [others[1].id, *sorted((v.id for v in tied), reverse=True), others[0].id]
    with sql_uow:
        assert _ids(sql_uow.visits.list(VisitFilter(dept_code=dept))) == expected
    # and pages cut through the tie without losing or repeating any of it
    assert _walk(sql_uow, VisitFilter(dept_code=dept), 2) == expected


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 50])
def test_walking_the_pages_returns_each_visit_once(sql_uow, size):
    dept = new_id("D")
    visits = _store(sql_uow, *(build_visit(dept_code=dept, begntime=DAY + timedelta(minutes=n % 3)) for n in range(7)))
    assert _walk(sql_uow, VisitFilter(dept_code=dept), size) == _newest_first(visits)


def test_the_last_page_says_there_is_no_next(sql_uow):
    dept = new_id("D")
    _store(sql_uow, *(build_visit(dept_code=dept) for _ in range(2)))
    with sql_uow:
        assert sql_uow.visits.list(VisitFilter(dept_code=dept), limit=2).next is None
        assert sql_uow.visits.list(VisitFilter(dept_code=dept), limit=1).next is not None
        assert sql_uow.visits.list(VisitFilter(dept_code=new_id("D"))).visits == []


def test_visits_added_between_pages_neither_repeat_nor_push_others_out(sql_uow):
    dept = new_id("D")
    first = _store(sql_uow, *(build_visit(id="m" + uuid4().hex, dept_code=dept, begntime=DAY + timedelta(minutes=n))
                              for n in range(6)))
    added = []

    def register_more(page):
        if page == 1:  # after the first page ([5, 4]): one newer, one older, two at the cursor's begntime
            cursor = DAY + timedelta(minutes=4)
            more = [build_visit(dept_code=dept, begntime=DAY + timedelta(hours=1)),
                    build_visit(dept_code=dept, begntime=DAY - timedelta(hours=1)),
                    build_visit(id="0" + uuid4().hex, dept_code=dept, begntime=cursor),  # sorts after the cursor
                    build_visit(id="z" + uuid4().hex, dept_code=dept, begntime=cursor)]  # before it: not seen
            added.extend(_store(sql_uow, *more))

    seen = _walk(sql_uow, VisitFilter(dept_code=dept), 2, between=register_more)
    assert len(seen) == len(set(seen))
    old_ids = _newest_first(first)
    assert [i for i in seen if i in old_ids] == old_ids  # every visit there at the start, once, in order
    newer, older, after_cursor, before_cursor = added
    assert older.id in seen and after_cursor.id in seen  # they sort after the page already read
    assert newer.id not in seen and before_cursor.id not in seen  # they sort before it
    assert seen == _newest_first([*first, older, after_cursor])


def test_a_page_loads_no_children_of_visits_outside_it(sql_uow, engine):
    dept = new_id("D")
    visits = []
    for n in range(3):
        visit = build_visit(dept_code=dept, mdtrt_id=new_id("M"), begntime=DAY + timedelta(minutes=n),
                            diagnoses=[build_diagnosis()])
        visit.add_fees([build_fee(new_id("F"), "B1", "1", "0.30")])
        visit.settlements.append(build_settlement(visit, "B1"))
        visits.append(visit)
    _store(sql_uow, *visits)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, repr(parameters)))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with sql_uow:
            page = sql_uow.visits.list(VisitFilter(dept_code=dept), limit=2)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert _ids(page) == [visits[2].id, visits[1].id] and page.next is not None
    assert all(len(v.diagnoses) == 1 and len(v.fees) == 1 and len(v.settlements) == 1 for v in page.visits)
    child_reads = [p for s, p in statements if any(f"FROM {t}" in s for t in ("diagnoses", "fee_items", "settlements"))]
    assert len(child_reads) == 3
    assert all(visits[2].id in p and visits[1].id in p and visits[0].id not in p for p in child_reads)


def _listing_statement(sql_uow, engine, where, after):
    captured = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM visits" in statement and "ORDER BY" in statement and not captured:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with sql_uow:
            sql_uow.visits.list(where, limit=10, after=after)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return captured[0]


_AFTER = VisitCursor(DAY, "m")


@pytest.mark.parametrize("where", [VisitFilter(), VisitFilter(psn_no="P1"), VisitFilter(dept_code="D1"),
                                   VisitFilter(dept_code="D1", begntime_from=DAY - timedelta(days=1),
                                               states=frozenset({VisitState.SETTLED}))],
                         ids=["all", "psn_no", "dept_code", "dept_code+range+state"])
def test_a_page_is_read_from_an_index_in_order(sql_uow, engine, where):
    statement, parameters = _listing_statement(sql_uow, engine, where, _AFTER)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = " | ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "USING" in plan and "INDEX ix_visits_" in plan and "(begntime,id)<(?,?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # no sort step
        else:
            # the test table is small: forbid the table scan so the plan shows what the indexes allow
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            conn.exec_driver_sql("SET LOCAL enable_sort = off")
            plan = " | ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "Index Scan Backward using ix_visits_" in plan and "Sort" not in plan, plan
            assert re.search(r"Index Cond: .*ROW\(begntime, ", plan), plan  # the cursor bounds the scan
            conn.rollback()
