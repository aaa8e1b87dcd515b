"""Prescriptions and 处方流转 end to end: gRPC clients against `his serve`'s wiring, the HTTP platform
adapter and the simulator's HTTP front on real sockets, the hospital's notice endpoint the simulator
pushes 7102 / 7103 to (configured over the simulator's HTTP API), a pharmacy playing its side over
HTTP, the test database (SQLite or PostgreSQL)."""
from __future__ import annotations

import json
import sys
import time
import urllib.request
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from station_kit import OPERATORS, WORKER, Station

from his.v1 import prescriptions_pb2 as rx
from his.v1 import prescriptions_pb2_grpc
from his.v1 import registration_pb2 as reg
from services.hospital import demo_file

FakePharmacy = sys.modules["tests_fake_pharmacy"].FakePharmacy
DOCTOR = "dr006-token"  # 儿科 (EK01): the queue tests call patients at 内科 on the same database


class RxStation(Station):
    def __init__(self, stack):
        super().__init__(stack)
        self.rx = prescriptions_pb2_grpc.PrescriptionServiceStub(stack.channel)

    def prescribe(self, encounter_id: str, *lines: tuple, category=rx.PRESCRIPTION_CATEGORY_ORDINARY):
        return self.rx.CreatePrescription(rx.CreatePrescriptionRequest(
            encounter_id=encounter_id, category=category, request_id=str(uuid.uuid4()),
            lines=[rx.PrescriptionLineInput(drug_code=c, dose=d, frequency=f, days=n) for c, d, f, n in lines]),
            metadata=self.md(DOCTOR)).prescription

    def circulate(self, rx_id: str):
        return self.rx.CirculatePrescription(rx.CirculatePrescriptionRequest(
            prescription_id=rx_id, pharmacist_name="刘药师", request_id=str(uuid.uuid4())),
            metadata=self.md(DOCTOR)).prescription

    def revoke(self, rx_id: str, reason: str = "患者要求改药"):
        return self.rx.RevokePrescription(rx.RevokePrescriptionRequest(
            prescription_id=rx_id, reason=reason, request_id=str(uuid.uuid4())), metadata=self.md(DOCTOR)).prescription

    def get(self, rx_id: str):
        return self.rx.GetPrescription(rx.GetPrescriptionRequest(prescription_id=rx_id),
                                       metadata=self.md(DOCTOR)).prescription

    def wait_state(self, rx_id: str, state, timeout: float = 20.0):
        end = time.monotonic() + timeout
        while (found := self.get(rx_id)).state != state:
            if time.monotonic() > end:
                raise AssertionError(f"{rx_id} stayed {rx.PrescriptionState.Name(found.state)}")
            time.sleep(0.05)
        return found


def _configure_simulator(platform_url: str, notify_url: str) -> None:
    """The simulator's own HTTP API: where it pushes the 7102 / 7103 notices."""
    base = urlsplit(platform_url)
    request = urllib.request.Request(f"{base.scheme}://{base.netloc}/_sim/config", method="POST",
                                     data=json.dumps({"rx_notify_url": notify_url}).encode())
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert json.loads(reply.read())["rx_notify_url"] == notify_url


@pytest.fixture
def station(start_stack):
    with start_stack(operators=OPERATORS) as stack:
        stack.app.load_hospital_data(str(demo_file()))
        endpoint = stack.app.start_notice_endpoint("127.0.0.1:0")
        _configure_simulator(stack.app.settings.platform.url, endpoint.url)
        try:
            yield RxStation(stack)
        finally:
            stack.simulator.rx_notifier.stop()


@pytest.fixture
def pharmacy(station):
    p = station.stack.app.settings.platform
    return FakePharmacy.over_http(p.url, p.paasid, p.token)


def _sent(station, visit_id: str) -> list[str]:
    return [e.infno for e in station.stack.app.journal.for_visit(visit_id)]


def _insured_and_diagnosed(station) -> reg.Encounter:
    encounter = station.register_insured(station.insured_patient(), "EK01", "DR006")
    return station.diagnose(encounter.id, DOCTOR)


def test_circulated_approved_and_bought_then_another_revoked_and_the_bought_one_not(station, pharmacy):
    encounter = _insured_and_diagnosed(station)
    drafted = station.prescribe(encounter.id, ("YP0001", "0.5", "tid", 3), ("YP0002", "0.5", "prn", 3))
    assert [(x.quantity, x.amount) for x in drafted.lines] == [("1.0000", "12.80"), ("1.0000", "6.50")]
    assert drafted.state == rx.PRESCRIPTION_STATE_DRAFT and drafted.total == "19.30"

    uploaded = station.circulate(drafted.id)
    assert uploaded.state == rx.PRESCRIPTION_STATE_UPLOADED and uploaded.hi_rxno
    assert pharmacy.scan(uploaded.hi_rxno)["certno"] == WORKER.certno
    pharmacy.review(uploaded.hi_rxno)
    station.wait_state(drafted.id, rx.PRESCRIPTION_STATE_APPROVED)
    pharmacy.sell(uploaded.hi_rxno, WORKER.psn_no, WORKER.certno)
    bought = station.wait_state(drafted.id, rx.PRESCRIPTION_STATE_DISPENSED)
    assert [(d.generic_name, d.quantity, d.amount) for d in bought.purchase.drugs] == [
        ("阿莫西林胶囊", "1.0000", "12.80"), ("对乙酰氨基酚片", "1.0000", "6.50")]
    assert Decimal(bought.purchase.fund_pay_sumamt) + Decimal(bought.purchase.psn_part_amt) == Decimal("19.30")
    assert [(r.approved, r.pharmacist) for r in bought.reviews] == [(True, "李药师")]
    # paid at the pharmacy: nothing of it on the hospital's bill
    assert Decimal(station.encounter(encounter.id).total_charged) == Decimal("11.00")

    other = station.circulate(station.prescribe(encounter.id, ("YP0005", "20", "qd", 7)).id)
    revoked = station.revoke(other.id)
    assert revoked.state == rx.PRESCRIPTION_STATE_REVOKED and revoked.revoke_reason == "患者要求改药"

    before = _sent(station, encounter.visit_id)
    with pytest.raises(grpc.RpcError) as refused:
        station.revoke(drafted.id, "开错了")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "DISPENSED" in refused.value.details()
    assert _sent(station, encounter.visit_id) == before and before.count("7104") == 1

    listed = station.rx.ListPrescriptions(rx.ListPrescriptionsRequest(encounter_id=encounter.id),
                                          metadata=station.md(DOCTOR)).prescriptions
    assert [p.state for p in listed] == [rx.PRESCRIPTION_STATE_DISPENSED, rx.PRESCRIPTION_STATE_REVOKED]


def test_a_self_pay_patients_prescription_is_charged_on_the_encounter(station):
    encounter = station.register(station.register_self_pay_patient(), "JZ01", "DR007")
    drafted = station.prescribe(encounter.id, ("YP0001", "0.5", "tid", 5))
    signed = station.rx.SignPrescription(rx.SignPrescriptionRequest(prescription_id=drafted.id,
                                                                   request_id=str(uuid.uuid4())),
                                         metadata=station.md("dr007-token")).prescription
    assert signed.state == rx.PRESCRIPTION_STATE_SIGNED
    charged = station.encounter(encounter.id)
    assert Decimal(charged.total_charged) == Decimal("11.00") + Decimal("25.60")  # 2 boxes of 阿莫西林
    drug = next(c for c in charged.charges if c.item_code == "YP0001")
    assert (drug.quantity, drug.amount, drug.national_code) == ("2.0000", "25.60", "XJ01CAA040A001010104022")
    with pytest.raises(grpc.RpcError) as refused:  # self-pay: nothing to circulate with
        station.circulate(station.prescribe(encounter.id, ("YP0002", "0.5", "tid", 2)).id)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION


def test_bad_lines_are_named_by_path_and_nothing_is_stored(station):
    encounter = station.register(station.register_self_pay_patient(), "JZ01", "DR007")
    with pytest.raises(grpc.RpcError) as refused:
        station.prescribe(encounter.id, ("YP0001", "0.5", "tid", 3), ("NOPE", "1", "tid", 3),
                          ("YP0002", "0.5", "hourly", 30), category=rx.PRESCRIPTION_CATEGORY_EMERGENCY)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    bad = error_details_pb2.BadRequest()
    assert rpc_status.from_call(refused.value).details[0].Unpack(bad)
    assert [v.field for v in bad.field_violations] == ["lines[1].drug_code", "lines[2].frequency", "lines[2].days"]
    listed = station.rx.ListPrescriptions(rx.ListPrescriptionsRequest(encounter_id=encounter.id),
                                          metadata=station.md(DOCTOR)).prescriptions
    assert list(listed) == []
    drugs = station.rx.SearchDrugs(rx.SearchDrugsRequest(text="二甲双胍"), metadata=station.md(DOCTOR)).drugs
    assert [d.code for d in drugs] == ["YP0004"]
