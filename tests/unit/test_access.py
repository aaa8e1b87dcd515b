"""Roles -> permissions, the method table against proto/, and what the settings accept at start-up."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.access import BUILT_IN_ROLES, PERMISSIONS, AccessPolicy, UnknownRole, expand
from services.grpc.permissions import FIELD_PERMISSIONS, METHOD_PERMISSIONS
from services.settings import DEFAULT_ROLES, OperatorToken, Settings

PROTO_DIR = Path(__file__).resolve().parents[2] / "proto" / "his" / "v1"


def _proto_methods() -> set[str]:
    """Every RPC of every service declared in proto/his/v1, as gRPC names it on the wire."""
    methods = set()
    for proto in sorted(PROTO_DIR.glob("*.proto")):
        module = importlib.import_module(f"his.v1.{proto.stem}_pb2")  # fails for a proto without stubs
        for service in module.DESCRIPTOR.services_by_name.values():
            methods |= {f"/{service.full_name}/{m.name}" for m in service.methods}
    return methods


def test_every_method_of_every_service_in_proto_has_a_permission():
    methods = _proto_methods()
    assert {"/his.v1.OutpatientService/RegisterVisit", "/his.v1.AuditService/ListAuditEvents"} <= methods
    missing = methods - METHOD_PERMISSIONS.keys()
    assert not missing, f"methods without a permission in services/grpc/permissions.py: {sorted(missing)}"
    assert not METHOD_PERMISSIONS.keys() - methods  # nor rows for methods that no longer exist


def test_the_table_names_only_known_permissions_and_uses_every_one():
    used = set(METHOD_PERMISSIONS.values()) | {p for _, p in FIELD_PERMISSIONS.values()}
    assert used == set(PERMISSIONS)
    assert all(m in METHOD_PERMISSIONS for m in FIELD_PERMISSIONS)


def test_built_in_roles_fit_their_jobs():
    policy = AccessPolicy()
    assert policy.allows("registrar", "visit.register") and not policy.allows("registrar", "visit.settle")
    assert policy.allows("cashier", "visit.settle") and not policy.allows("cashier", "visit.register")
    assert policy.allows("doctor", "visit.diagnose") and not policy.allows("doctor", "person.read")
    assert policy.permissions("nurse") == {"visit.read", "fees.upload", "diagnosis.read", "encounter.read",
                                           "encounter.charge", "masterdata.read", "queue.read", "queue.operate",
                                           "order.read", "order.print", "prescription.read"}
    # the doctor station's diagnosis search: the roles at the station and at the registration window
    assert policy.roles_with("diagnosis.read") == {"doctor", "nurse", "clerk", "admin", "system", "registrar"}
    assert policy.permissions("viewer") == {"visit.read", "catalogue.read", "encounter.read", "masterdata.read",
                                            "queue.read", "order.read", "prescription.read"}
    # prescriptions: written (signed, circulated, revoked) at the doctor station only
    assert policy.roles_with("prescription.write") == {"doctor", "clerk", "admin", "system"}
    # the clinic queues: screens and windows watch, the doctor station calls
    assert policy.roles_with("queue.operate") == {"doctor", "nurse", "clerk", "admin", "system"}
    assert policy.roles_with("queue.read") == {"doctor", "nurse", "clerk", "admin", "system", "registrar", "viewer"}
    assert policy.allows("insurance_office", "journal.resolve") and policy.allows("insurance_office", "audit.read")
    assert policy.allows("auditor", "audit.read") and not policy.allows("auditor", "settlement.cancel")
    # reconciliation: the 医保办 runs it and works the 单边账 list, the 稽核 reads it
    assert policy.roles_with("reconciliation.resolve") == {"insurance_office", "clerk", "admin", "system"}
    assert policy.allows("auditor", "reconciliation.read") and not policy.allows("auditor", "reconciliation.run")
    # the roles configurations already use keep what they could do, and clerk does not read the trail
    assert policy.permissions("clerk") == set(PERMISSIONS) - {"audit.read", "masterdata.write", "masterdata.upload",
                                                              "report.read", "report.export"}
    # settlement reports: the 医保办 and the auditors
    for permission in ("report.read", "report.export"):
        assert policy.roles_with(permission) == {"insurance_office", "auditor", "admin", "system"}
    assert policy.permissions("admin") == policy.permissions("system") == set(PERMISSIONS)
    assert set(BUILT_IN_ROLES) <= policy.roles


def test_payments_are_taken_at_every_station_and_refunds_at_the_windows():
    policy = AccessPolicy()
    assert policy.roles_with("encounter.pay") >= {"registrar", "cashier", "doctor", "kiosk"}
    assert "kiosk" not in policy.roles_with("encounter.refund") and "doctor" not in policy.roles_with("encounter.refund")
    assert policy.roles_with("encounter.transfer") == {"doctor", "clerk", "admin", "system"}


def test_configured_roles_add_or_replace_and_expand_families():
    policy = AccessPolicy({"triage": ["visit.*", "person.read"], "viewer": ["visit.read"]})
    assert policy.permissions("triage") == {p for p in PERMISSIONS if p.startswith("visit.")} | {"person.read"}
    assert policy.permissions("viewer") == {"visit.read"}  # replaced, not added to
    assert policy.permissions("cashier") == set(BUILT_IN_ROLES["cashier"])  # the others stay
    assert policy.roles_with("audit.read") == {"insurance_office", "auditor", "admin", "system"}
    assert expand("x", ["*"]) == set(PERMISSIONS) and expand("x", []) == frozenset()


@pytest.mark.parametrize("entry", ["visit.regster", "visits.*", ".*", "", "VISIT.READ"])
def test_an_entry_that_names_no_permission_is_refused(entry):
    with pytest.raises(ValueError, match=f"role 'typo': '{entry}' is not a permission"):
        AccessPolicy({"typo": [entry]})


def test_an_undefined_role_is_named():
    with pytest.raises(UnknownRole, match="operator 7 has role 'cashir', which is not defined"):
        AccessPolicy().require_known("cashir", "operator 7")
    assert not AccessPolicy().allows("cashir", "visit.read") and AccessPolicy().permissions("cashir") == frozenset()


# ---- the settings: checked when the server starts ------------------------------------------------
@pytest.fixture(autouse=True)
def no_config_file(monkeypatch):
    monkeypatch.delenv("HIS_CONFIG", raising=False)


def _operator(role: str) -> OperatorToken:
    return OperatorToken(token="t", code="1022", name="张三", role=role)


def test_an_operator_with_an_undefined_role_stops_start_up():
    with pytest.raises(ValidationError, match=r"operator 1022 \(张三\) has role 'cashir', which is not defined"):
        Settings(operators=[_operator("cashir")])
    assert Settings(operators=[_operator("cashier")]).access_policy().allows("cashier", "visit.settle")


def _configured(tmp_path, monkeypatch, toml: str) -> Settings:
    config = tmp_path / "his.toml"
    config.write_text(toml, encoding="utf-8")
    monkeypatch.setenv("HIS_CONFIG", str(config))
    return Settings()


def test_a_role_defined_in_the_configuration_is_known(tmp_path, monkeypatch):
    settings = _configured(tmp_path, monkeypatch, '[role_permissions]\ntriage = ["person.read", "visit.read"]\n'
                           '[[operators]]\ntoken = "t"\ncode = "3001"\nname = "分诊台"\nrole = "triage"\n')
    assert settings.access_policy().permissions("triage") == {"person.read", "visit.read"}
    assert settings.roles == DEFAULT_ROLES  # the Invoke grants are a separate table, unchanged


def test_a_misnamed_permission_or_invoke_grant_stops_start_up():
    with pytest.raises(ValidationError, match="'visit.settel' is not a permission"):
        Settings(role_permissions={"cashier": ["visit.settel"]})
    with pytest.raises(ValidationError, match="the roles table .* has role 'auditer'"):
        Settings(roles={"auditer": ["信息查询"]})
    with pytest.raises(ValidationError, match="system_operator has role 'robot'"):
        Settings(system_operator=_operator("robot"))


def test_existing_configurations_stay_valid(tmp_path, monkeypatch):
    settings = _configured(tmp_path, monkeypatch, '[roles]\nauditor = ["1101", "信息查询"]\nclerk = ["医保服务"]\n'
                           '[[operators]]\ntoken = "t"\ncode = "1022"\nname = "张三"\n')
    assert settings.operators[0].role == "clerk" and settings.roles["auditor"] == ["1101", "信息查询"]
    assert settings.access_policy().allows("clerk", "visit.register")
