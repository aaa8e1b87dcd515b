"""The use cases refuse what the visit's state forbids before anything leaves for the platform.

Every use case that changes a visit, in every state, through the real composition root and the
test database, with the simulator behind a wrapper that counts what it is sent. Refused: the
use case raises IllegalTransition, the platform received nothing and the stored visit is as it
was. Allowed: exactly the use case's own transaction was sent. The simulator would refuse most
of these itself (settling twice, fees after settlement), which is why what it was sent is counted:
a refusal that comes back from the platform is a refusal too late.

Each visit has the same history, so only its state differs: registered, batches B1 and B2
uploaded, B1 settled (S1) and that settlement cancelled (2208); then
  REGISTERED  as it stands,
  SETTLING    a second 2207 of B1 whose reply and 冲正 were both lost (blocked until recovery),
  SETTLED     B1 settled again (S2),
  CANCELLED   the registration cancelled (2202);
and REGISTERING, a registration whose 2201 reply and proof were lost, has no history at all.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from flowkit import OP, diagnosis, fees, register

from adapters.yb_sim.platform import SimulatorPlatform
from domain.errors import IllegalTransition
from domain.visit import Visit, VisitState
from services.bootstrap import bootstrap
from services.errors import PlatformUnavailable
from services.settings import Settings
from tests_shared_fakes import CountingPlatform  # tests/fakes.py, registered by tests/conftest.py

REGISTERING, REGISTERED, SETTLING, SETTLED, CANCELLED = (
    VisitState.REGISTERING, VisitState.REGISTERED, VisitState.SETTLING, VisitState.SETTLED, VisitState.CANCELLED)


@dataclass
class Rig:
    app: object
    simulator: SimulatorPlatform
    platform: CountingPlatform


@pytest.fixture
def rig(database_url):
    simulator = SimulatorPlatform()
    platform = CountingPlatform(simulator)
    app = bootstrap(Settings(database_url=database_url), platform=platform)
    yield Rig(app, simulator, platform)
    app.container.engine().dispose()


def visit_in(rig: Rig, state: VisitState) -> tuple[Visit, str]:
    """A visit in `state` with the history above, and the setl_id its latest settlement has."""
    service = rig.app.outpatient
    if state is REGISTERING:  # its 2201's reply and the 5201 that would prove it were both lost
        rig.simulator.faults.add("2201A", "drop_after_commit", 1, 0)
        rig.simulator.faults.add("5201", "drop_before_commit", 1, 0)
        with pytest.raises(PlatformUnavailable) as err:
            register(rig.app)
        visit = service.get_visit(rig.app.journal.get(err.value.journal_id).visit_id)
        assert visit.state is state
        return visit, "S-none"
    visit = register(rig.app)
    service.upload_fees(OP, visit.id, fees("B1") + fees("B2", start=3))
    _, first = service.settle(OP, visit.id, "B1")
    service.cancel_settlement(OP, visit.id, first.setl_id)
    setl_id = first.setl_id
    if state is SETTLING:
        rig.simulator.faults.add("2207", "drop_after_commit", 1, 0)
        rig.simulator.faults.add("2601", "drop_before_commit", 1, 0)
        with pytest.raises(PlatformUnavailable):
            service.settle(OP, visit.id, "B1")
    elif state is SETTLED:
        setl_id = service.settle(OP, visit.id, "B1")[1].setl_id
    elif state is CANCELLED:
        service.cancel_registration(OP, visit.id)
    visit = service.get_visit(visit.id)
    assert visit.state is state
    return visit, setl_id


# use case → how it is called (visit id, the setl_id of the visit's latest settlement)
USE_CASES = {
    "upload_diagnoses": lambda s, vid, setl: s.upload_diagnoses(OP, vid, [diagnosis()]),
    "upload_fees": lambda s, vid, setl: s.upload_fees(OP, vid, fees("B3")),
    "cancel_fees": lambda s, vid, setl: s.cancel_fees(OP, vid, "B2"),
    "pre_settle": lambda s, vid, setl: s.pre_settle(OP, vid, "B2"),
    "settle": lambda s, vid, setl: s.settle(OP, vid, "B2"),
    "cancel_settlement": lambda s, vid, setl: s.cancel_settlement(OP, vid, setl),
    "cancel_registration": lambda s, vid, setl: s.cancel_registration(OP, vid),
}

# use case → state → the one transaction sent when allowed, or None when refused before sending.
# In REGISTERED the latest settlement (S1) is already cancelled: cancelling it again is refused.
EXPECTED = {
    "upload_diagnoses":    {REGISTERING: None, REGISTERED: "2203", SETTLING: None, SETTLED: None, CANCELLED: None},
    "upload_fees":         {REGISTERING: None, REGISTERED: "2204", SETTLING: None, SETTLED: None, CANCELLED: None},
    "cancel_fees":         {REGISTERING: None, REGISTERED: "2205", SETTLING: None, SETTLED: None, CANCELLED: None},
    "pre_settle":          {REGISTERING: None, REGISTERED: "2206", SETTLING: None, SETTLED: None, CANCELLED: None},
    "settle":              {REGISTERING: None, REGISTERED: "2207", SETTLING: None, SETTLED: None, CANCELLED: None},
    "cancel_settlement":   {REGISTERING: None, REGISTERED: None, SETTLING: None, SETTLED: "2208", CANCELLED: None},
    "cancel_registration": {REGISTERING: None, REGISTERED: "2202", SETTLING: None, SETTLED: None, CANCELLED: None},
}

CELLS = [(name, state, infno) for name, row in EXPECTED.items() for state, infno in row.items()]


def test_the_table_covers_every_use_case_and_state():
    assert set(EXPECTED) == set(USE_CASES)
    assert all(set(row) == set(VisitState) for row in EXPECTED.values())


@pytest.mark.parametrize("name, state, infno", CELLS,
                         ids=[f"{n}-{s.value}-{i or 'refused'}" for n, s, i in CELLS])
def test_use_case_in_state(rig, name, state, infno):
    visit, setl_id = visit_in(rig, state)
    rig.platform.sent.clear()
    if infno is None:
        with pytest.raises(IllegalTransition):
            USE_CASES[name](rig.app.outpatient, visit.id, setl_id)
        assert rig.platform.sent == []  # refused here, not by the platform
        assert rig.app.outpatient.get_visit(visit.id) == visit  # and nothing stored changed
    else:
        USE_CASES[name](rig.app.outpatient, visit.id, setl_id)
        assert rig.platform.sent == [infno]


def test_settling_a_settled_visit_twice_sends_nothing(rig):
    visit, setl_id = visit_in(rig, SETTLED)
    rig.platform.sent.clear()
    for batch in ("B1", "B2"):
        with pytest.raises(IllegalTransition):
            rig.app.outpatient.settle(OP, visit.id, batch)
    assert rig.platform.sent == []
    stored = rig.app.outpatient.get_visit(visit.id)
    assert stored.state is SETTLED and stored.active_settlement().setl_id == setl_id
