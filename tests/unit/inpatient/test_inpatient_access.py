"""一站式住院: admission needs no cashier. The admission desk and the ward nurse admit, take the deposit,
discharge and settle; the doctor issues the 住院证; every InpatientService method is guarded."""
from __future__ import annotations

from his.v1 import inpatient_pb2
from services.access import AccessPolicy
from services.grpc.permissions import METHOD_PERMISSIONS


def test_admission_and_settlement_need_no_cashier():
    policy = AccessPolicy()
    desk = {"admission_clerk", "ward_nurse", "clerk", "admin", "system"}
    assert policy.roles_with("inpatient.admit") == desk
    assert policy.roles_with("inpatient.deposit") == desk
    assert policy.roles_with("inpatient.discharge") == desk
    assert policy.roles_with("inpatient.order") == {"doctor", "clerk", "admin", "system"}
    assert not {p for p in policy.permissions("cashier") if p.startswith("inpatient.")}
    assert policy.allows("ward_nurse", "inpatient.charge") and not policy.allows("admission_clerk", "inpatient.charge")


def test_every_inpatient_method_has_a_permission_and_mutating_ones_take_a_request_id():
    service = inpatient_pb2.DESCRIPTOR.services_by_name["InpatientService"]
    for method in service.methods:
        permission = METHOD_PERMISSIONS[f"/his.v1.InpatientService/{method.name}"]
        reads = permission == "inpatient.read"
        assert reads == ("request_id" not in method.input_type.fields_by_name), method.name
