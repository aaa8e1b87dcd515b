from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from adapters.db import tables as t
from db_builders import build_diagnosis, build_fee, build_settlement, build_visit, new_id
from domain.settlement import SettlementState
from domain.visit import FeeState, VisitState
from ports.repositories import VisitFilter


def _settled_visit():
    """A visit taken through its life in plain code, never near a session."""
    visit = build_visit(mdtrt_id=new_id("M"))
    visit.record_diagnoses([build_diagnosis(1), build_diagnosis(2, "I10.x00")])
    visit.add_fees([build_fee("F1", "B1", "1", "0.10"), build_fee("F2", "B1", "2", "0.10")])
    visit.add_fees([build_fee("F3", "B2", "3.0000", "12.345678"),
                    build_fee("F4", "B2", "1", "9999999999.999999")])
    visit.begin_settlement("B1")
    visit.complete_settlement(build_settlement(visit, "B1", total=str(visit.batch_total("B1"))))
    return visit


def test_a_visit_built_in_plain_code_round_trips_with_all_its_children(sql_uow):
    visit = _settled_visit()
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()

    with sql_uow:
        loaded = sql_uow.visits.get(visit.id)
        assert loaded is not visit
        assert loaded == visit  # every field of the visit and of each child, in order
        assert [d.diag_srt_no for d in loaded.diagnoses] == [1, 2]
        assert [f.feedetl_sn for f in loaded.fees] == ["F1", "F2", "F3", "F4"]
        assert loaded.state is VisitState.SETTLED
        assert loaded.fees[0].state is FeeState.SETTLED and loaded.fees[2].state is FeeState.UPLOADED
        settlement = loaded.settlements[0]
        assert settlement.state is SettlementState.ACTIVE
        assert [d.fund_pay_type for d in settlement.details] == ["310100", "310200"]
        assert settlement.details[1].crt_payb_lmt_amt is None


def test_decimals_come_back_exact_with_their_scale(sql_uow):
    visit = _settled_visit()
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()
    with sql_uow:
        loaded = sql_uow.visits.get(visit.id)

    fees = loaded.fees
    assert all(isinstance(f.det_item_fee_sumamt, Decimal) for f in fees)
    assert fees[0].det_item_fee_sumamt + fees[1].det_item_fee_sumamt == Decimal("0.30")
    assert str(loaded.batch_total("B1")) == "0.30"
    assert str(fees[2].pric) == "12.345678" and str(fees[2].cnt) == "3.0000"
    assert str(fees[2].det_item_fee_sumamt) == "37.04"
    assert str(fees[3].pric) == "9999999999.999999"  # 16 digits: more than a float holds
    assert str(fees[3].det_item_fee_sumamt) == "10000000000.00"
    settlement = loaded.settlements[0]
    assert str(settlement.medfee_sumamt) == "0.30"
    assert str(settlement.pool_prop_selfpay) == "0.3000"
    assert str(settlement.balc) == "1234.56"
    assert str(settlement.details[0].crt_payb_lmt_amt) == "0.10"


def test_loaded_visit_stays_readable_after_its_unit_of_work(sql_uow):
    visit = _settled_visit()
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()
    with sql_uow:
        loaded = sql_uow.visits.get(visit.id)
    # The session is closed; eagerly loaded collections are still there.
    assert len(loaded.fees) == 4 and len(loaded.settlements[0].details) == 2


def test_changes_to_a_loaded_visit_persist(sql_uow, engine):
    visit = _settled_visit()
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()

    with sql_uow:
        loaded = sql_uow.visits.get(visit.id)
        original = loaded.active_settlement()
        negative = build_settlement(loaded, "B1", total="-0.30")
        loaded.cancel_settlement(original.setl_id, negative)
        loaded.record_diagnoses([build_diagnosis(1, "K29.700")])  # replaces both earlier rows
        sql_uow.commit()

    with sql_uow:
        again = sql_uow.visits.get(visit.id)
        assert again.state is VisitState.REGISTERED
        assert [s.state for s in again.settlements] == [SettlementState.CANCELLED] * 2
        assert again.settlements[0].cancel_setl_id == negative.setl_id
        assert str(again.settlements[1].medfee_sumamt) == "-0.30"
        assert [d.diag_code for d in again.diagnoses] == ["K29.700"]
        assert all(f.state is FeeState.UPLOADED for f in again.batch("B1"))
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(t.diagnoses)
                            .where(t.diagnoses.c.visit_id == visit.id)).scalar_one()
    assert rows == 1  # the replaced diagnoses were deleted, not orphaned


def test_visits_without_mdtrt_id_do_not_clash_and_are_not_found_by_it(sql_uow):
    first, second = build_visit(), build_visit()
    with sql_uow:
        sql_uow.visits.add(first)
        sql_uow.visits.add(second)
        sql_uow.commit()
    with sql_uow:
        assert sql_uow.visits.get(first.id).mdtrt_id == ""
        assert sql_uow.visits.by_mdtrt_id("") is None


def test_by_mdtrt_id(sql_uow):
    visit = build_visit(mdtrt_id=new_id("M"))
    with sql_uow:
        sql_uow.visits.add(visit)
        sql_uow.commit()
    with sql_uow:
        assert sql_uow.visits.by_mdtrt_id(visit.mdtrt_id).id == visit.id
        assert sql_uow.visits.by_mdtrt_id(new_id("M")) is None
        assert sql_uow.visits.get(new_id()) is None


def test_list_is_newest_first_and_limited(sql_uow):
    psn_no = new_id("P")
    visits = [build_visit(psn_no=psn_no, begntime=build_visit().begntime + timedelta(days=i)) for i in range(3)]
    with sql_uow:
        for visit in visits:
            sql_uow.visits.add(visit)
        sql_uow.commit()
    with sql_uow:
        assert [v.id for v in sql_uow.visits.list(VisitFilter(psn_no)).visits] == [v.id for v in reversed(visits)]
        assert [v.id for v in sql_uow.visits.list(VisitFilter(psn_no), limit=2).visits] == [visits[2].id, visits[1].id]
        assert len(sql_uow.visits.list(limit=2).visits) == 2
