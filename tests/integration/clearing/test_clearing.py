"""Clearing applications against the simulator: the figures are our settlements of the period summed
(originals and negatives, the 异地 ones apart), taken from reconciled data only; one application per
period, whoever asks twice; revoked, the period may be applied for again; a refusal keeps the
platform's words; the printed form reads back with its Chinese text."""
from __future__ import annotations

import io
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from domain.clearing import ClearingApplication, ClearingFigures, ClearingKind, ClearingState
from domain.errors import IllegalTransition, ValidationFailed
from services.errors import PlatformRejected, PlatformUnavailable

sys.path.insert(0, str(Path(__file__).parents[1] / "reconciliation"))
from recon_kit import OP, make_app, settled  # noqa: E402

REMOTE_PSN = "42050020000000000901"


@pytest.fixture
def world(database_url):
    app, simulator, clock = make_app(database_url)
    yield app, simulator, clock
    app.container.engine().dispose()


def remote_person(simulator) -> dict:
    """A person insured in 宜昌 (420500), seen at this hospital (420106): an 异地 settlement."""
    person = simulator.enrol({"psn_no": REMOTE_PSN, "accounts": [
        {"insutype": "310", "balc": "1500.00", "insuplc_admdvs": "420500"}]})
    return {"psn_no": REMOTE_PSN, "cert": person.certno}


def planted(app, simulator, clock):
    """Three local settlements, one of them cancelled the same day, and one 异地: the settlements."""
    local = [settled(app, clock, amount)[1] for amount in ("1800.00", "2600.50")]  # past the deductible
    visit, refunded = settled(app, clock, "12.00")
    negative = app.outpatient.cancel_settlement(OP, visit.id, refunded.setl_id)[1]
    _, remote = settled(app, clock, "30.00", **remote_person(simulator))
    return local, refunded, negative, remote


def next_day(clock) -> None:
    clock.at += timedelta(days=1)


def reconcile(app, clock, day):
    run = app.reconciliation.run(OP, day)
    assert run.state.value == "BALANCED", (run.lines, run.error)
    return run


def reconciled_day(app, simulator, clock):
    """The planted settlements' day, over and reconciled (BALANCED)."""
    planted(app, simulator, clock)
    day = clock.now().date()
    next_day(clock)
    reconcile(app, clock, day)
    return day


def test_the_figures_are_our_settlements_of_the_period_with_the_remote_ones_apart(world):
    app, simulator, clock = world
    local, refunded, negative, remote = planted(app, simulator, clock)
    day = clock.now().date()
    next_day(clock)

    summary = app.clearing.preview("SUMMARY", "11", first=day, last=day)
    f = summary.figures
    assert f.medfee_sumamt == Decimal("4400.50")  # 1800 + 2600.50 + 12 - 12
    assert (f.rows, f.refunds, f.psntime) == (4, 1, 2)
    settlements = [*local, refunded, negative]
    for ours, name in (("fund_appy_sum", "fund_pay_sumamt"), ("cash_payamt", "psn_cash_pay"),
                       ("acct_pay", "acct_pay"), ("med_sumfee", "inscp_scp_amt")):
        assert getattr(f, ours) == sum((getattr(s, name) for s in settlements), Decimal("0"))
    assert negative.medfee_sumamt == Decimal("-12.00")
    # the account (1500.00) pays until it is empty, cash the rest; the refunded pair nets out
    assert (f.acct_pay, f.cash_payamt) == (Decimal("1500.00"), Decimal("2900.50"))

    far = app.clearing.preview("REMOTE", "11", first=day, last=day)
    assert (far.figures.medfee_sumamt, far.figures.psntime, far.figures.rows) == (Decimal("30.00"), 1, 1)
    assert far.figures.fund_appy_sum == remote.fund_pay_sumamt
    assert any("reconciliation" in b for b in summary.blockers) and far.standing == ()


def test_refused_before_the_days_are_reconciled_applied_after_and_never_twice(world):
    app, simulator, clock = world
    planted(app, simulator, clock)
    day = clock.now().date()
    next_day(clock)

    with pytest.raises(IllegalTransition, match=str(day)):
        app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day)
    assert app.clearing.preview("SUMMARY", "11", first=day, last=day).standing == ()  # nothing claimed

    reconcile(app, clock, day)
    clock.tick()
    applied = app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day, clr_way="1")
    assert applied.state is ClearingState.APPLIED and len(applied.clr_appy_evt_id) == 26
    again = app.clearing.apply(OP, ClearingKind.SUMMARY, "11", first=day, last=day, clr_way="1")
    assert again.id == applied.id and again.clr_appy_evt_id == applied.clr_appy_evt_id
    # a detail application of the same days is held off by ours, before the platform is asked
    with pytest.raises(IllegalTransition, match=applied.id):
        app.clearing.apply(OP, "DETAIL", "11", first=day, last=day)
    mine = [a for a in app.clearing.list() if a.first_day == day]
    assert [a.id for a in mine] == [applied.id]

    # the 异地 settlement goes with 1608, apart
    far = app.clearing.apply(OP, "REMOTE", "11", first=day, last=day)
    assert far.state is ClearingState.APPLIED and far.figures.medfee_sumamt == Decimal("30.00")


def test_revoked_the_period_may_be_applied_for_again(world):
    app, simulator, clock = world
    day = reconciled_day(app, simulator, clock)
    first = app.clearing.apply(OP, "DETAIL", "11", first=day, last=day)
    with pytest.raises(ValidationFailed):
        app.clearing.revoke(OP, first.id, " ")
    revoked = app.clearing.revoke(OP, first.id, "金额核对有误，撤销重报")
    assert (revoked.state, revoked.revoked_by) == (ClearingState.REVOKED, OP.code)
    with pytest.raises(IllegalTransition):
        app.clearing.revoke(OP, first.id, "again")
    second = app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day)
    assert second.id != first.id and second.state is ClearingState.APPLIED
    assert second.clr_appy_evt_id != first.clr_appy_evt_id


def test_an_open_worklist_entry_or_an_unreconciled_day_holds_the_period_back(world):
    app, simulator, clock = world
    local, *_ = planted(app, simulator, clock)
    day = clock.now().date()
    simulator.forget_settlement(local[0].setl_id)
    next_day(clock)
    run = app.reconciliation.run(OP, day)
    assert run.state.value == "UNBALANCED"
    with pytest.raises(IllegalTransition, match="open 单边账"):
        app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day)
    # a two-day period of the same month whose other day no run covered
    other = day - timedelta(days=1) if day.day > 1 else day + timedelta(days=1)
    next_day(clock)
    with pytest.raises(IllegalTransition, match=str(other)):
        app.clearing.apply(OP, "REMOTE", "11", first=min(day, other), last=max(day, other))


def test_a_refusal_keeps_the_platforms_words_and_frees_the_days(world):
    app, simulator, clock = world
    local, *_ = planted(app, simulator, clock)
    day = clock.now().date()
    next_day(clock)
    reconcile(app, clock, day)
    # the centre's figures change after the reconciliation (what a late correction there would do)
    simulator.alter_settlement(local[1].setl_id, medfee_sumamt=local[1].medfee_sumamt + 1)
    with pytest.raises(PlatformRejected) as refused:
        app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day)
    assert "不符" in refused.value.err_msg
    [kept] = [a for a in app.clearing.list() if a.first_day == day]
    assert kept.state is ClearingState.REFUSED and kept.error == refused.value.err_msg
    assert app.clearing.preview("SUMMARY", "11", first=day, last=day).standing == ()


def test_bad_periods_are_refused_naming_their_fields(world):
    app, _simulator, clock = world
    today = clock.now().date()
    for kwargs, fields in ((dict(first=today, last=today), {"last_day"}),
                           (dict(month="2030-13"), {"month"}),
                           (dict(first=today.replace(day=1) - timedelta(days=1), last=today.replace(day=1)),
                            {"last_day"}),
                           (dict(), {"month"})):
        with pytest.raises(ValidationFailed) as bad:
            app.clearing.preview("SUMMARY", "11", **kwargs)
        assert {v.field for v in bad.value.violations} == fields, kwargs
    with pytest.raises(ValidationFailed) as bad:
        app.clearing.preview("MONTHLY", "", first=today - timedelta(days=1))
    assert {v.field for v in bad.value.violations} == {"kind"}


def test_two_claims_of_the_same_days_one_wins(world):
    app, _simulator, clock = world
    store = app.container.clearing().store
    day = clock.now().date() - timedelta(days=1)

    def application(n: int) -> ClearingApplication:
        return ClearingApplication(id=f"CT{day:%Y%m%d}{n}", kind=ClearingKind.SUMMARY, clr_type="T1", clr_way="",
                                   clr_optins="420106", first_day=day, last_day=day, figures=ClearingFigures(),
                                   operator_code="t", created_at=clock.now())
    assert store.claim(application(1)) is None
    assert store.claim(application(2)) == application(1).id
    assert store.get(application(2).id) is None


def test_the_printed_form_carries_the_figures_beside_the_platforms(world):
    app, simulator, clock = world
    day = reconciled_day(app, simulator, clock)
    applied = app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(app.clearing.pdf(OP, applied.id))).pages)
    for expected in ("医疗保障基金清算申请单", "医疗费总额", "4400.50", applied.clr_appy_evt_id, "已申请", "清算人次",
                     "医药机构费用结算申请单"):  # the last: the platform's own printed text (3205a)
        assert expected in text, expected
    assert "不符" not in text
    revoked = app.clearing.revoke(OP, applied.id, "重报")
    form = app.clearing.form(OP, revoked.id)
    assert form.void == "已撤销" and dict(form.particulars)["状态"] == "已撤销"


def test_an_application_whose_reply_is_lost_stays_claimed_until_an_operator_settles_it(world):
    app, simulator, clock = world
    day = reconciled_day(app, simulator, clock)
    simulator.faults.add("3202a", "timeout_after_commit", 1, 0)
    with pytest.raises(PlatformUnavailable):
        app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day)
    [doubtful] = [a for a in app.clearing.list() if a.first_day == day]
    assert doubtful.state is ClearingState.APPLYING and "ask the 医保 centre" in doubtful.in_doubt
    assert app.clearing.apply(OP, "SUMMARY", "11", first=day, last=day).id == doubtful.id  # nothing sent again
    with pytest.raises(IllegalTransition):
        app.clearing.revoke(OP, doubtful.id, "x")
    [held] = [a for a in simulator._state.section("clearing", dict)["apps"].values() if a.begndate == day]
    settled_by_hand = app.clearing.resolve(OP, doubtful.id, True, held.clr_appy_evt_id, "中心电话确认已受理")
    assert (settled_by_hand.state, settled_by_hand.clr_appy_evt_id, settled_by_hand.in_doubt) == \
        (ClearingState.APPLIED, held.clr_appy_evt_id, "")
    with pytest.raises(IllegalTransition):
        app.clearing.resolve(OP, doubtful.id, False, reason="again")
    assert app.clearing.revoke(OP, doubtful.id, "重报").state is ClearingState.REVOKED  # the centre knows it
