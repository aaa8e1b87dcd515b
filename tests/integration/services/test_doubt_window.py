"""Doubtful outcomes against a platform that commits late, over a real socket: "the platform shows
nothing" proves absence only once the original can no longer arrive (read timeout + margin).

The HTTP simulator's `delay` holds a request and then commits it whether or not the HIS still
waits: the late commit of a real platform behind a slow gateway.
"""
from __future__ import annotations

import time
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from flowkit import OP, WORKER, fees, register

from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.platform import SimulatorPlatform
from domain.journal import JournalEntry, JournalState
from domain.visit import VisitState
from ports.instances import Instance
from services.translation.settlements import settle as settle_payload
from services.bootstrap import bootstrap
from services.errors import PlatformUnavailable
from services.resolver import Resolver, ResolverConfig
from services.settings import PlatformSettings, Settings

READ_TIMEOUT = 0.5
MARGIN = 1.5
LATE = 1.2  # the platform commits this long after receiving: after the HIS gave up, inside the window


@pytest.fixture
def simulator():
    return SimulatorPlatform()


@pytest.fixture
def front(simulator):
    serving = SimulatorHttpFront(simulator, paasid="w", token="w-secret")
    serving.start()
    yield serving
    serving.stop()


@pytest.fixture
def app(database_url, front):
    application = bootstrap(Settings(database_url=database_url, platform=PlatformSettings(
        kind="http", url=front.url, paasid="w", token="w-secret", read_timeout=READ_TIMEOUT, connect_timeout=1.0,
        in_flight_margin=MARGIN)))
    yield application
    application.close()


def resolve_until_settled(app, entry_id: int, deadline: float = 15.0) -> JournalEntry:
    """Resolver passes, as `his serve` makes them, until the entry is settled (or the deadline)."""
    stop = time.monotonic() + deadline
    while True:
        app.journal.sweep(owner_alive=app.resolver.owner_alive)
        entry = app.journal.get(entry_id)
        if entry.state.resolved or time.monotonic() > stop:
            return entry
        time.sleep(0.2)


@pytest.mark.parametrize("unknown_reversal", ["refuse", "remember"])
def test_a_settlement_committed_after_its_2601_is_still_undone(app, simulator, unknown_reversal):
    """The 2601 sent when the HIS gave up overtakes the late 2207 and finds nothing: refused as
    unknown, or acknowledged and remembered; either way it proves nothing by itself. The caller
    hears `unresolved` with a time to ask again; after the window the resolver sends 冲正 again,
    which undoes the settlement that committed meanwhile (or finds the late 2207 was refused)."""
    simulator.unknown_reversal = unknown_reversal
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    simulator.faults.add("2207", "delay", 1, LATE)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.settle(OP, visit.id, "B1")
    assert err.value.outcome == "unresolved" and 0 < err.value.retry_after <= MARGIN + 1
    assert app.outpatient.get_visit(visit.id).state is VisitState.SETTLING  # not released on a guess
    app.journal.sweep(owner_alive=app.resolver.owner_alive)  # inside the window: nothing concluded
    assert app.journal.get(err.value.journal_id).state is JournalState.UNCERTAIN

    time.sleep(LATE)  # the 2207 arrives now: committed (a live settlement), or refused as a duplicate msgid
    debited = simulator.balance(WORKER, "310") < Decimal("1500.00")
    assert debited is (unknown_reversal == "refuse")
    entry = resolve_until_settled(app, err.value.journal_id)
    assert entry.state is JournalState.REVERSED and entry.reversal_msgid
    assert simulator.balance(WORKER, "310") == Decimal("1500.00")  # the late settlement was undone
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
    _, settlement = app.outpatient.settle(OP, visit.id, "B1")  # the retry settles, once
    assert simulator.balance(WORKER, "310") == Decimal("1500.00") - settlement.acct_pay


def test_fees_committed_after_their_query_are_recorded(app, simulator):
    """2204 late: 5204 at once shows nothing, which proves nothing yet; after the window 5204 shows
    the rows, and the HIS records the upload the platform holds."""
    visit = register(app)
    simulator.faults.add("2204", "delay", 1, LATE)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.upload_fees(OP, visit.id, fees())
    assert err.value.outcome == "unresolved"
    assert app.outpatient.get_visit(visit.id).fees == []
    time.sleep(LATE)
    entry = resolve_until_settled(app, err.value.journal_id)
    assert entry.state is JournalState.CONFIRMED, entry.resolution
    assert sorted(f.feedetl_sn for f in app.outpatient.get_visit(visit.id).fees) == ["B1-1", "B1-2"]


def test_fees_that_never_arrived_are_proven_absent_only_after_the_window(app, simulator):
    visit = register(app)
    simulator.faults.add("2204", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.upload_fees(OP, visit.id, fees())
    assert err.value.outcome == "unresolved"  # 5204 shows nothing, but the original could still arrive
    entry = resolve_until_settled(app, err.value.journal_id)
    assert entry.state is JournalState.FAILED and "can no longer arrive" in entry.resolution
    assert entry.created_at + timedelta(seconds=MARGIN) <= entry.in_flight_until
    visit = app.outpatient.upload_fees(OP, visit.id, fees())  # safe to send again, and it is taken once
    assert len(visit.fees) == 2


def test_a_duplicate_msgid_refusal_is_doubt_not_refusal(database_url, simulator):
    """We send each msgid once, so 报文ID重复 means an earlier delivery reached the platform: the
    first may have settled. Not a refusal (which would release the visit): doubt, settled by 冲正."""
    app = bootstrap(Settings(database_url=database_url), platform=simulator)
    try:
        visit = register(app)
        app.outpatient.upload_fees(OP, visit.id, fees())
        simulator.faults.add("2207", "duplicate_delivery", 1, 0)
        with pytest.raises(PlatformUnavailable) as err:
            app.outpatient.settle(OP, visit.id, "B1")
        assert err.value.outcome == "reversed"  # margin 0: the 冲正 after it proves the platform holds nothing
        assert simulator.balance(WORKER, "310") == Decimal("1500.00")
        assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
    finally:
        app.close()


# ---- a crashed process's entries, and one acting resolver per database -------------------------------
def crashed_mid_settlement(app, simulator, owner: str):
    """What a process leaves when it dies with a 2207 on the wire: the visit claimed, the entry
    PENDING under its owner, the settlement made on the platform."""
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    app.outpatient._change(visit.id, lambda v: v.begin_settlement("B1"))
    settle = {"data": dict(settle_payload(app.outpatient.get_visit(visit.id), "B1", True, "01")["data"],
                           invono="", fulamt_ownpay_amt=Decimal("0"), overlmt_selfpay=Decimal("0"),
                           preselfpay_amt=Decimal("0"), inscp_scp_amt=Decimal("22.50"))}
    gateway = app.gateway
    entry, request = gateway._prepare(OP, "2207", settle, app.outpatient._ctx(visit), gateway.sign_no_for(OP))
    entry.owner = owner
    app.container.journal_store().open(entry)
    simulator.execute(request)  # ... and the process dies before the reply is journaled
    return visit, entry


def test_a_dead_processes_pending_entry_is_recognised_by_its_silence(app, simulator, front):
    registry = app.container.instances()
    now = app.clock.now()
    dead, alive = f"dead-{uuid.uuid4().hex[:8]}", f"alive-{uuid.uuid4().hex[:8]}"
    registry.register(Instance(dead, "h", 1, "serve", now - timedelta(minutes=5), now - timedelta(minutes=1)))
    registry.register(Instance(alive, "h", 2, "serve", now, now))
    visit, orphan = crashed_mid_settlement(app, simulator, dead)
    busy_visit, busy = crashed_mid_settlement(app, simulator, alive)
    resolver = Resolver(app.journal, registry, app.clock, app.container.instance_id(),
                        ResolverConfig(interval=timedelta(seconds=0.2), lease_ttl=timedelta(seconds=30)),
                        lease=f"test-{uuid.uuid4().hex[:8]}")
    assert resolver.run_once() is not None
    assert app.journal.get(orphan.id).state is JournalState.UNCERTAIN  # recognised at once, not aged 10 min
    assert app.journal.get(busy.id).state is JournalState.PENDING  # its process lives: still in flight there
    entry = resolve_until_settled(app, orphan.id)
    assert entry.state is JournalState.REVERSED
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
    assert app.outpatient.get_visit(busy_visit.id).state is VisitState.SETTLING


def test_one_resolver_acts_per_database_and_the_lease_passes_on(app):
    lease = f"test-{uuid.uuid4().hex[:8]}"
    config = ResolverConfig(interval=timedelta(seconds=0.1), lease_ttl=timedelta(seconds=30))
    first, second = (Resolver(app.journal, app.container.instances(), app.clock, f"r{n}-{lease}", config, lease=lease)
                     for n in (1, 2))
    assert first.run_once() is not None
    assert second.run_once() is None  # the lease is held: the second replica leaves the work alone
    assert first.run_once() is not None  # renewed by its holder
    first.register()
    first.stop()  # a clean stop gives the lease up
    assert second.run_once() is not None
    registry = app.container.instances()
    # a holder that goes silent loses it once it expires
    assert not registry.acquire(lease, "third", app.clock.now(), 30)
    assert registry.acquire(lease, "third", app.clock.now() + timedelta(seconds=31), 30)


def test_the_resolver_works_in_the_background_until_stopped(app, simulator):
    """Not only at start-up: a process that died mid-settlement is noticed and its visit released
    while the server runs, without anyone restarting anything."""
    registry = app.container.instances()
    resolver = Resolver(app.journal, registry, app.clock, f"bg-{uuid.uuid4().hex[:8]}",
                        ResolverConfig(interval=timedelta(seconds=0.2), lease_ttl=timedelta(seconds=1)),
                        lease=f"test-{uuid.uuid4().hex[:8]}")
    resolver.start()
    try:
        victim = f"victim-{uuid.uuid4().hex[:8]}"
        now = app.clock.now()
        registry.register(Instance(victim, "h", 3, "serve", now, now))  # alive now, silent from here on
        visit, orphan = crashed_mid_settlement(app, simulator, victim)
        stop = time.monotonic() + 15
        while app.outpatient.get_visit(visit.id).state is not VisitState.REGISTERED and time.monotonic() < stop:
            time.sleep(0.1)
        assert app.journal.get(orphan.id).state is JournalState.REVERSED
        assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
        assert simulator.balance(WORKER, "310") == Decimal("1500.00")
        assert registry.get(resolver.instance_id).alive(app.clock.now(), 1.0)  # it beats meanwhile
    finally:
        resolver.stop()
    assert not registry.get(resolver.instance_id).alive(app.clock.now(), 1.0)  # a clean stop is recorded


def test_a_settlement_that_never_arrived_frees_its_visit_after_the_window(app, simulator):
    visit = register(app)
    app.outpatient.upload_fees(OP, visit.id, fees())
    simulator.faults.add("2207", "drop_before_commit", 1, 0)
    with pytest.raises(PlatformUnavailable) as err:
        app.outpatient.settle(OP, visit.id, "B1")
    assert err.value.outcome == "unresolved"  # the 2601 finds nothing, but the 2207 could still come
    entry = resolve_until_settled(app, err.value.journal_id)
    assert entry.state is JournalState.FAILED, entry.resolution
    assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED  # free to settle again
    app.outpatient.settle(OP, visit.id, "B1")


def test_what_a_dead_process_was_told_but_never_recorded_is_recorded_for_it(app, simulator):
    """The platform answered 2204 / 2205 / 2208 / 2202 and the process died before recording the
    answer on the visit: the resolver records each from the journal, once."""
    registry = app.container.instances()
    dead = f"dead-{uuid.uuid4().hex[:8]}"
    now = app.clock.now()
    registry.register(Instance(dead, "h", 4, "serve", now - timedelta(minutes=5), now - timedelta(seconds=31)))
    settled = register(app)
    app.outpatient.upload_fees(OP, settled.id, fees())
    _, settlement = app.outpatient.settle(OP, settled.id, "B1")
    fresh = register(app, "42010620000000000002")
    gateway, mine = app.gateway, app.gateway.owner
    gateway.owner = dead  # what that process sent: accepted by the platform, never recorded
    try:
        row = {"feedetail": [dict(r, mdtrt_id=fresh.mdtrt_id, psn_no=fresh.psn_no) for r in _fee_rows(fresh)]}
        gateway.call(OP, "2204", row, app.outpatient._ctx(fresh))
        gateway.call(OP, "2208", {"data": {"setl_id": settlement.setl_id, "mdtrt_id": settled.mdtrt_id,
                                           "psn_no": settled.psn_no}}, app.outpatient._ctx(settled))
    finally:
        gateway.owner = mine
    resolver = Resolver(app.journal, registry, app.clock, f"r-{uuid.uuid4().hex[:8]}",
                        ResolverConfig(lease_ttl=timedelta(seconds=30)), lease=f"test-{uuid.uuid4().hex[:8]}")
    resolver.run_once()
    assert sorted(f.feedetl_sn for f in app.outpatient.get_visit(fresh.id).fees) == ["B1-1", "B1-2"]
    after = app.outpatient.get_visit(settled.id)
    assert after.state is VisitState.REGISTERED and after.settlement(settlement.setl_id).state.value == "CANCELLED"
    assert not registry.get(dead).alive(app.clock.now(), 30)  # handled: not looked at again
    assert dead not in {i.instance_id for i in registry.silent(app.clock.now())}
    resolver.run_once()
    assert len(app.outpatient.get_visit(fresh.id).fees) == 2  # recorded once


def _fee_rows(visit):
    from services.translation import fees as fee_payloads
    return fee_payloads.upload(visit, fees())["feedetail"]


def test_a_lapsed_sign_in_refusing_the_2601_proves_nothing_about_the_original(database_url, simulator):
    """"签到信息不存在" says our sign-in is gone, not that the original is unknown: the entry stays
    open, the next attempt signs in again and its 冲正 settles it."""
    app = bootstrap(Settings(database_url=database_url), platform=simulator)  # margin 0
    try:
        visit = register(app)
        app.outpatient.upload_fees(OP, visit.id, fees())
        simulator.faults.add("2207", "drop_after_commit", 1, 0)
        simulator.faults.add("2601", "drop_before_commit", 2, 0)
        with pytest.raises(PlatformUnavailable) as err:
            app.outpatient.settle(OP, visit.id, "B1")
        app.journal.resolve(err.value.journal_id)  # the resolver's operator signs in; its 冲正 is lost
        simulator.invalidate_sign_ins()  # the platform's nightly reset
        app.journal.resolve(err.value.journal_id)
        entry = app.journal.get(err.value.journal_id)
        assert entry.state is JournalState.UNCERTAIN and "sign-in" in entry.resolution
        assert simulator.balance(WORKER, "310") < Decimal("1500.00")  # the settlement still stands
        assert app.journal.resolve(err.value.journal_id).state is JournalState.REVERSED
        assert simulator.balance(WORKER, "310") == Decimal("1500.00")
        assert app.outpatient.get_visit(visit.id).state is VisitState.REGISTERED
    finally:
        app.close()
