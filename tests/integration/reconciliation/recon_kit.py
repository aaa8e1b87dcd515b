"""Helpers for the reconciliation tests: an app and a simulator sharing a clock that stands on a day
no other test settles on (the test database is shared), and settlements made the ways a ledger
comes to disagree."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from dependency_injector import providers

from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.platform import SimulatorPlatform
from domain.operator import Operator
from domain.visit import FeeItem
from services.bootstrap import bootstrap
from services.outpatient import RegisterVisit
from services.settings import Settings
from services.translation import settlements as settlement_wire

OP = Operator("1001", "医保办")
WORKER = "42010620000000000001"
_DAYS = itertools.count()


class DayClock:
    """Stands on one day, a minute further at each settlement (clock.tick())."""

    def __init__(self, day: date):
        self.at = datetime.combine(day, datetime.min.time()).replace(hour=9)

    def now(self) -> datetime:
        return self.at

    def tick(self, minutes: int = 1) -> None:
        self.at += timedelta(minutes=minutes)


def fresh_day(past: bool = False) -> date:
    """A day of its own for each test: its settlements are the only ones of that day (`past`: one
    before any real today, for what runs on the system clock)."""
    return date(2019 if past else 2030, 1, 1) + timedelta(days=next(_DAYS) * 3)


def make_app(database_url: str, past: bool = False, **reconciliation):
    clock = DayClock(fresh_day(past))
    simulator = SimulatorPlatform(clock=clock)
    settings = Settings(database_url=database_url, reconciliation=reconciliation)
    app = bootstrap(settings, platform=simulator)
    app.container.clock.override(providers.Object(clock))
    return app, simulator, clock


def certno(psn_no: str = WORKER) -> str:
    return next(p.certno for p in demo_persons() if p.psn_no == psn_no)


def visit_with_fees(app, batch: str = "B1", amount: str = "25.00", psn_no: str = WORKER, cert: str = ""):
    cert = cert or certno(psn_no)  # a person enrolled by the test names their own
    app.outpatient.read_person(OP, "02", cert)
    visit = app.outpatient.register(OP, RegisterVisit(
        psn_no=psn_no, insutype="310", med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=cert,
        dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生"))
    fee = FeeItem(feedetl_sn=f"{visit.id[:8]}-{batch}", chrg_bchno=batch, med_list_codg="001102000010000",
                  medins_list_codg="HIS1", det_item_fee_sumamt=Decimal(amount), cnt=Decimal("1"), pric=Decimal(amount),
                  fee_ocur_time=app.clock.now(), bilg_dept_codg="NK01", bilg_dept_name="内科门诊",
                  bilg_dr_codg="D001", bilg_dr_name="王医生")
    return app.outpatient.upload_fees(OP, visit.id, [fee])


def settled(app, clock, amount: str = "25.00", **person):
    """A visit settled on both sides: (visit, settlement). `person`: psn_no and cert of another person."""
    visit = visit_with_fees(app, amount=amount, **person)
    clock.tick()
    return app.outpatient.settle(OP, visit.id, "B1")


def settled_on_platform_only(app, clock, amount: str = "31.00"):
    """A 2207 the platform took and the visit never recorded (as after a reply lost and forgotten):
    (visit, the platform's setl_id)."""
    visit = visit_with_fees(app, amount=amount)
    clock.tick()
    output = app.gateway.call(OP, "2207", settlement_wire.settle(visit, "B1", True, "01", "INV1"))
    return visit, str(output["setlinfo"]["setl_id"])


def found(run, app) -> set[tuple[str, str]]:
    """(kind, key) of the worklist entries a run found."""
    entries = app.reconciliation.list_entries(state=None, run_id=run.id, page_size=1000)
    return {(e.kind.value, e.key) for e in entries}
