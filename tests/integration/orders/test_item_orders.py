"""Plain charge items (治疗, 材料) ordered from the price list: priced there, put on the bill as one
order, changed or withdrawn as a whole; insured, on the platform when signed; drugs and exams refused."""
from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.yb_sim.demo_data import demo_persons
from domain.errors import NotFound, ValidationFailed
from domain.journal import JournalState
from domain.operator import Operator
from services.encounters import RegisterEncounter
from services.hospital import demo_file
from services.orders import ItemInput
from services.patients import PatientDetails

D = Decimal
CLERK = Operator("1001", "演示收费员", role="clerk")
DOCTOR = Operator("DR005", "刘刚", role="doctor")
WORKER = next(p for p in demo_persons() if p.psn_no == "42010620000000000001")


@pytest.fixture
def hospital(app):
    app.load_hospital_data(str(demo_file()))
    return app


def self_pay(app):
    patient = app.patients.register(CLERK, PatientDetails(name="换药", gender="1", phone="13700000000"))
    return app.encounters.register(CLERK, RegisterEncounter(patient.id, "WK01", "ORDINARY", doctor_code="DR005"))


def lines(encounter, order_id):
    return [(c.item_code, c.quantity, c.amount) for c in encounter.order_lines(order_id)]


def test_items_are_priced_from_the_list_changed_and_withdrawn_as_one_order(hospital):
    items = hospital.container.item_orders()
    e = self_pay(hospital)
    order_id, ordered = items.order(DOCTOR, e.id, [ItemInput("ZL-JZ-001", D(2)), ItemInput("CL-ZSQ-001", D(2))])
    assert lines(ordered, order_id) == [("ZL-JZ-001", D(2), D("10.00")), ("CL-ZSQ-001", D(2), D("3.00"))]
    assert ordered.outstanding() == D("24.00")  # with the registration fee
    _, changed = items.order(DOCTOR, e.id, [ItemInput("ZL-JZ-001", D(2))], order_id)
    assert lines(changed, order_id) == [("ZL-JZ-001", D(2), D("10.00"))]
    assert items.cancel(DOCTOR, e.id, order_id).outstanding() == D("11.00")


def test_an_insured_order_reaches_the_platform_when_signed(hospital, simulator):
    patient = hospital.patients.read_insurance(CLERK, "02", WORKER.certno)
    e = hospital.encounters.register(CLERK, RegisterEncounter(
        patient.id, "WK01", "ORDINARY", doctor_code="DR005", coverage="INSURED", insutype="310", med_type="11",
        mdtrt_cert_type="02", mdtrt_cert_no=WORKER.certno))
    hospital.container.item_orders().order(DOCTOR, e.id, [ItemInput("CL-SB-001", D(3))])
    ok = [j.infno for j in hospital.journal.for_visit(e.visit_id) if j.state is JournalState.OK]
    assert ok == ["2201A", "2204"]
    assert sorted(f.det_item_fee_sumamt for f in simulator.visit(e.mdtrt_id).fees.values()) == [
        D("1.00"), D("6.00"), D("10.00")]


def test_drugs_unknown_items_and_bad_quantities_are_refused_by_field(hospital):
    items = hospital.container.item_orders()
    e = self_pay(hospital)
    with pytest.raises(ValidationFailed) as err:
        items.order(DOCTOR, e.id, [ItemInput("YP-DY-001"), ItemInput("NOPE"), ItemInput("CL-SB-001", D("0")),
                                   ItemInput("CL-SB-001", D("1.00001"))])
    assert [v.field for v in err.value.violations] == ["items[0].item_code", "items[1].item_code",
                                                      "items[2].quantity", "items[3].quantity"]
    assert "prescribe" in err.value.violations[0].description
    assert hospital.encounters.get(e.id).outstanding() == D("11.00")
    with pytest.raises(NotFound):  # an exam request's lines are not a charge-item order
        items.cancel(DOCTOR, e.id, "not-a-charge-item-order")
