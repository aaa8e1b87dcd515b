from __future__ import annotations

from decimal import Decimal

import pytest
from flowkit import OP, WORKER, diagnosis, fees, register

from domain.errors import IllegalTransition, ValidationFailed
from domain.journal import JournalState
from domain.settlement import SettlementState
from domain.visit import FeeState, VisitState
from services.translation.settlements import settle as settle_payload
from services.errors import PlatformRejected, PlatformUnavailable


def journal_states(app, visit_id):
    return [(e.infno, e.state) for e in app.journal.for_visit(visit_id)]


def test_whole_visit_register_settle_cancel(app, simulator):
    visit = register(app)
    assert visit.mdtrt_id and visit.state is VisitState.REGISTERED and visit.insuplc_admdvs == "420106"
    app.outpatient.upload_diagnoses(OP, visit.id, [diagnosis()])
    visit = app.outpatient.upload_fees(OP, visit.id, fees())
    assert {f.chrgitm_lv for f in visit.fees} <= {"01", "02", "03"} and all(f.chrgitm_lv for f in visit.fees)
    preview = app.outpatient.pre_settle(OP, visit.id, "B1")
    visit, settlement = app.outpatient.settle(OP, visit.id, "B1")
    assert settlement.medfee_sumamt == Decimal("35.00") == preview.medfee_sumamt
    assert settlement.fund_pay_sumamt + settlement.psn_part_amt == settlement.medfee_sumamt
    assert visit.state is VisitState.SETTLED and all(f.state is FeeState.SETTLED for f in visit.fees)
    # by hand: 25.00 + 10.00, all 甲类 and in scope, below the 200.00 起付线: the fund pays nothing,
    # the account pays 35.00 of its 1500.00
    assert (settlement.fund_pay_sumamt, settlement.acct_pay, settlement.psn_cash_pay) == (
        Decimal("0.00"), Decimal("35.00"), Decimal("0.00"))
    assert simulator.balance(WORKER, "310") == Decimal("1465.00")

    stored = app.outpatient.get_visit(visit.mdtrt_id)  # found by mdtrt_id too
    assert stored.active_settlement().setl_id == settlement.setl_id
    assert stored.active_settlement().details and stored.active_settlement().setl_time is not None

    visit, negative = app.outpatient.cancel_settlement(OP, visit.id, settlement.setl_id)
    assert negative.medfee_sumamt == Decimal("-35.00")
    assert visit.settlement(settlement.setl_id).state is SettlementState.CANCELLED
    visit = app.outpatient.cancel_fees(OP, visit.id, "B1")
    visit = app.outpatient.cancel_registration(OP, visit.id)
    assert visit.state is VisitState.CANCELLED
    codes = [c for c, s in journal_states(app, visit.id) if s is JournalState.OK]
    assert codes == ["2201A", "2203", "2204", "2206", "2207", "2208", "2205", "2202"]


def test_bad_input_is_refused_and_writes_nothing(app):
    visit = register(app)
    before = journal_states(app, visit.id)
    bad = fees()
    bad[1].det_item_fee_sumamt = Decimal("10.01")
    with pytest.raises(ValidationFailed) as err:
        app.outpatient.upload_fees(OP, visit.id, bad)
    assert [v.field for v in err.value.violations] == ["feedetail[1].det_item_fee_sumamt"]
    too_long = fees()
    too_long[0].bilg_dept_name = "科" * 101
    with pytest.raises(ValidationFailed) as err:
        app.outpatient.upload_fees(OP, visit.id, too_long)
    assert [v.field for v in err.value.violations] == ["feedetail[0].bilg_dept_name"]
    assert journal_states(app, visit.id) == before
    assert app.outpatient.get_visit(visit.id).fees == []


def test_platform_refusal_changes_nothing_locally(app):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    app.outpatient.settle(OP, visit.id, "B1")
    with pytest.raises(IllegalTransition):
        app.outpatient.upload_fees(OP, visit.id, fees("B2"))  # refused locally before sending
    rows = fees("B3", rows=(("NOT-IN-CATALOGUE", "1", "1.00"),))
    visit2 = register(app)
    with pytest.raises(PlatformRejected) as refused:
        app.outpatient.upload_fees(OP, visit2.id, rows)
    assert refused.value.infcode == -1 and refused.value.journal_id
    assert app.outpatient.get_visit(visit2.id).fees == []
    assert journal_states(app, visit2.id)[-1] == ("2204", JournalState.FAILED)


def test_timeout_after_commit_on_settle_is_reversed_never_doubled(app, simulator):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    simulator.faults.add("2207", "timeout_after_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.settle(OP, visit.id, "B1")
    assert err.value.outcome == "reversed" and err.value.journal_id
    assert simulator.balance(WORKER, "310") == Decimal("1500.00")  # the stored settlement was undone
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
    states = journal_states(app, visit.id)
    assert ("2207", JournalState.REVERSED) in states and ("2601", JournalState.OK) in states
    entry = app.journal.get(err.value.journal_id)
    assert entry.reversal_msgid and "2601" in entry.resolution

    visit, settlement = app.outpatient.settle(OP, visit.id, "B1")  # the operator simply settles again
    assert visit.state is VisitState.SETTLED
    assert settlement.acct_pay == Decimal("35.00")  # as above: the reversed attempt left no trace
    assert simulator.balance(WORKER, "310") == Decimal("1465.00")


@pytest.mark.parametrize("lost", ["drop_before_commit", "drop_after_commit"])
def test_unreachable_reversal_leaves_the_visit_blocked_until_recovery(app, simulator, lost):
    """The 2207's reply is lost, and so is its 冲正 (unsent, or made with its reply lost): both stay
    open and the visit blocked; recovery's next 冲正 is acknowledged, which settles the original and
    with it the lost 2601, and it reports them as settled."""
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    simulator.faults.add("2207", "drop_after_commit", 1, 0)
    simulator.faults.add("2601", lost, 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.settle(OP, visit.id, "B1")
    assert err.value.outcome == "unresolved"
    assert app.outpatient.get_visit(visit.id).state is VisitState.SETTLING
    lost_reversal, = [e for e in app.journal.for_visit(visit.id) if e.infno == "2601"]
    assert {err.value.journal_id, lost_reversal.id} <= {e.id for e in app.journal.unresolved()}
    with pytest.raises(IllegalTransition):
        app.outpatient.settle(OP, visit.id, "B1")  # blocked, not doubled

    settled = {e.id for e in app.journal.recover()}  # the platform answers again
    assert {err.value.journal_id, lost_reversal.id} <= settled  # what it settled, both
    assert app.journal.get(err.value.journal_id).state is JournalState.REVERSED
    assert app.journal.get(lost_reversal.id).state.resolved
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
    assert simulator.balance(WORKER, "310") == Decimal("1500.00")
    assert not {e.id for e in app.journal.recover()} & settled  # settled once


def test_sign_in_is_renewed_when_the_platform_drops_it(app, simulator):
    visit = register(app)
    simulator.invalidate_sign_ins()
    visit = app.outpatient.upload_fees(OP, visit.id, fees())  # refused for 签到: sign in again, resend
    assert len(visit.fees) == 2
    uploads = [e for e in app.journal.for_visit(visit.id) if e.infno == "2204"]
    assert [e.state for e in uploads] == [JournalState.FAILED, JournalState.OK]
    assert "签到" in uploads[0].err_msg


def test_pending_entry_left_by_a_dead_process_is_resolved_at_start_up(app, simulator):
    from datetime import timedelta

    from services.platform_gateway import CallContext

    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    app.outpatient._change(visit.id, lambda v: v.begin_settlement("B1"))
    gateway = app.gateway
    # send a 2207 the way the gateway does, but "die" before recording the reply
    data = settle_payload(app.outpatient.get_visit(visit.id), "B1", True, "01")["data"]
    data.update(fulamt_ownpay_amt=Decimal(0), overlmt_selfpay=Decimal(0), preselfpay_amt=Decimal(0),
                inscp_scp_amt=Decimal(0))
    entry, request = gateway._prepare(OP, "2207", {"data": data}, CallContext(visit.psn_no, visit.mdtrt_id, visit.id),
                                      gateway.sign_no_for(OP))
    entry.created_at -= timedelta(minutes=10)
    entry.id = app.container.journal_store().open(entry)
    simulator.execute(request)
    assert simulator.balance(WORKER, "310") < Decimal("1500.00")

    settled = app.journal.recover()
    assert any(e.id == entry.id and e.state is JournalState.REVERSED for e in settled)
    assert simulator.balance(WORKER, "310") == Decimal("1500.00")
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED


def test_two_settlements_of_one_visit_at_once_exactly_one_wins(app, simulator):
    """Runs on both backends; the CI run on PostgreSQL is the one that matters for real concurrency."""
    import threading

    from domain.errors import ConcurrencyConflict

    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    simulator.faults.add("2207", "delay", 1, 0.3)  # keep the first settlement on the wire a while
    barrier = threading.Barrier(2)
    outcomes: list = []

    def settle():
        barrier.wait()
        try:
            app.outpatient.settle(OP, visit.id, "B1")
            outcomes.append("settled")
        except (ConcurrencyConflict, IllegalTransition) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=settle) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[-1] == "settled" and outcomes.count("settled") == 1, outcomes
    assert [e.infno for e in app.journal.for_visit(visit.id)].count("2207") == 1  # only one reached the platform
    assert app.outpatient.get_visit(visit.id).state is VisitState.SETTLED


def _claim_and_send_2207(app, visit):
    """A 2207 sent the way settle() sends it, by a process that dies before recording the result."""
    from services.platform_gateway import CallContext

    app.outpatient._change(visit.id, lambda v: v.begin_settlement("B1"))
    claimed = app.outpatient.get_visit(visit.id)
    data = settle_payload(claimed, "B1", True, "01")["data"]
    data.update(fulamt_ownpay_amt=Decimal(0), overlmt_selfpay=Decimal(0), preselfpay_amt=Decimal(0),
                inscp_scp_amt=Decimal(0))
    return app.gateway.call(OP, "2207", {"data": data}, CallContext(visit.psn_no, visit.mdtrt_id, visit.id))


def test_recovery_records_a_settlement_the_platform_made_but_we_did_not_store(app, simulator):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    output = _claim_and_send_2207(app, visit)
    assert app.outpatient.get_visit(visit.id).state is VisitState.SETTLING

    app.journal.recover()
    recovered = app.outpatient.get_visit(visit.id)
    assert recovered.state is VisitState.SETTLED
    active = recovered.active_settlement()
    assert active.setl_id == output["setlinfo"]["setl_id"]
    assert active.acct_pay == output["setlinfo"]["acct_pay"] and active.details


def test_recovery_releases_a_visit_whose_settlement_was_refused(app, simulator):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    simulator.faults.add("2207", "error_reply", 1, 0)
    with pytest.raises(PlatformRejected):
        _claim_and_send_2207(app, visit)
    app.journal.recover()
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED


def test_concurrent_fee_uploads_to_one_visit_are_both_kept(app, simulator):
    """The slower upload finds the visit changed when it records: it applies its rows again on a
    fresh load instead of dropping what the platform already holds."""
    import threading
    import time

    visit = register(app)
    simulator.faults.add("2204", "delay", 1, 0.4)
    slow = threading.Thread(target=lambda: app.outpatient.upload_fees(OP, visit.id, fees("B1")))
    slow.start()
    time.sleep(0.1)
    app.outpatient.upload_fees(OP, visit.id, fees("B2"))
    slow.join()
    stored = app.outpatient.get_visit(visit.id)
    assert sorted({f.chrg_bchno for f in stored.fees}) == ["B1", "B2"] and len(stored.fees) == 4


# ---- writes 2601 cannot undo: a query shows what became of them --------------------------------
def test_registration_whose_reply_was_lost_is_proven_by_5201_and_recorded(app, simulator):
    simulator.faults.add("2201A", "timeout_after_commit", 1, 0)
    visit = register(app)  # the reply never came; 5201 shows the registration, so it stands
    assert visit.mdtrt_id
    assert app.outpatient.get_visit(visit.id).mdtrt_id == visit.mdtrt_id
    entries = app.journal.for_visit(visit.id)
    written = next(e for e in entries if e.infno == "2201A")
    assert written.state is JournalState.CONFIRMED and "5201" in written.resolution
    assert written.reply["data"]["mdtrt_id"] == visit.mdtrt_id
    assert ("5201", JournalState.OK) in [(e.infno, e.state) for e in entries]
    app.outpatient.upload_fees(OP, visit.id, fees())  # the platform knows the visit: the flow goes on
    visit, _ = app.outpatient.settle(OP, visit.id, "B1")
    assert visit.state is VisitState.SETTLED


def test_registration_that_never_arrived_is_proven_absent_and_safe_to_repeat(app, simulator):
    simulator.faults.add("2201A", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        register(app)
    assert err.value.outcome == "not_applied"
    entry = app.journal.get(err.value.journal_id)
    assert entry.state is JournalState.FAILED and "5201" in entry.resolution and "safe to send again" in entry.resolution
    assert register(app).mdtrt_id  # the operator registers again


def test_fee_upload_whose_reply_was_lost_is_proven_by_5204_with_the_platform_classification(app, simulator):
    visit = register(app)
    simulator.faults.add("2204", "timeout_after_commit", 1, 0)
    visit = app.outpatient.upload_fees(OP, visit.id, fees())
    assert [f.feedetl_sn for f in visit.fees] == ["B1-1", "B1-2"]
    assert all(f.chrgitm_lv for f in visit.fees)  # classified as 2204's reply would have said
    upload = next(e for e in app.journal.for_visit(visit.id) if e.infno == "2204")
    assert upload.state is JournalState.CONFIRMED and "5204" in upload.resolution
    settled, settlement = app.outpatient.settle(OP, visit.id, "B1")
    assert settlement.medfee_sumamt == Decimal("35.00")


def test_fee_upload_lost_on_the_way_is_proven_absent(app, simulator):
    visit = register(app)
    simulator.faults.add("2204", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.upload_fees(OP, visit.id, fees())
    assert err.value.outcome == "not_applied"
    assert app.outpatient.get_visit(visit.id).fees == []
    assert len(app.outpatient.upload_fees(OP, visit.id, fees()).fees) == 2  # sent again, taken once


def test_when_the_query_fails_too_the_write_stays_uncertain(app, simulator):
    visit = register(app)
    simulator.faults.add("2204", "timeout_after_commit", 1, 0)
    simulator.faults.add("5204", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.upload_fees(OP, visit.id, fees())
    assert err.value.outcome == "unresolved"
    assert any(e.id == err.value.journal_id for e in app.journal.unresolved())

    app.journal.recover()  # later, with the platform answering: the query settles it
    assert app.journal.get(err.value.journal_id).state is JournalState.CONFIRMED


def test_registration_proven_only_at_recovery_is_recorded_from_the_journal(app, simulator):
    from flowkit import certno

    app.outpatient.read_person(OP, "02", certno())
    simulator.faults.add("2201A", "timeout_after_commit", 1, 0)
    simulator.faults.add("5201", "drop_before_commit", 1, 0)  # the proof cannot be had at once
    with pytest.raises(PlatformUnavailable) as err:
        register(app)
    assert err.value.outcome == "unresolved"
    entry = app.journal.get(err.value.journal_id)
    claimed = app.outpatient.get_visit(entry.visit_id)  # its 门诊号 is held, nothing more
    assert claimed.state is VisitState.REGISTERING and claimed.mdtrt_id == ""

    app.journal.recover()  # the platform answers: 5201 shows the registration, the visit is recorded
    visit = app.outpatient.get_visit(entry.visit_id)
    assert visit.mdtrt_id and visit.ipt_otp_no and visit.psn_name and visit.med_type == "11"
    assert app.journal.get(entry.id).state is JournalState.CONFIRMED
    app.outpatient.upload_fees(OP, visit.id, fees())  # and the visit goes on as any other
    assert app.outpatient.settle(OP, visit.id, "B1")[0].state is VisitState.SETTLED


def test_fee_upload_proven_only_at_recovery_is_recorded_from_the_journal(app, simulator):
    visit = register(app)
    simulator.faults.add("2204", "timeout_after_commit", 1, 0)
    simulator.faults.add("5204", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable):
        app.outpatient.upload_fees(OP, visit.id, fees())
    assert app.outpatient.get_visit(visit.id).fees == []

    app.journal.recover()
    recorded = app.outpatient.get_visit(visit.id).fees
    assert [f.feedetl_sn for f in recorded] == ["B1-1", "B1-2"]
    assert all(f.chrgitm_lv for f in recorded) and recorded[0].det_item_fee_sumamt == Decimal("25.00")
    app.journal.recover()  # again: nothing recorded twice
    assert len(app.outpatient.get_visit(visit.id).fees) == 2
    assert app.outpatient.settle(OP, visit.id, "B1")[1].medfee_sumamt == Decimal("35.00")
