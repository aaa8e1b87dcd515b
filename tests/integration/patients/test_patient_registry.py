"""The patient index on the real store (SQLite and PostgreSQL): one record per person, versioned
changes, lookups by every identifier and by name + birth date + phone, merges, 1101 insurance."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from adapters.db.patient_tables import patient_identifiers, patient_revisions, patients
from adapters.yb_sim.demo_data import make_certno
from domain.errors import AlreadyExists, ConcurrencyConflict, IllegalTransition, NotFound, ValidationFailed
from domain.patients import Identifier, IdentifierKind, PatientAction, PatientRevision, id_card_birth_date
from services.errors import PlatformRejected
from services.patients import PatientDetails, PatientQuery

ID, VISIT, SSC, ECERT = (IdentifierKind.ID_CARD, IdentifierKind.VISIT_CARD, IdentifierKind.SOCIAL_SECURITY_CARD,
                         IdentifierKind.YB_ECERT)
# the simulator's 测试职工甲 (1101 answers for it by 身份证 or 社保卡 H42010601)
WORKER_ID = make_certno("420106", date(1980, 5, 12), "1")


def details(kit, *identifiers: Identifier, **more) -> PatientDetails:
    return PatientDetails(**{"name": "王小明", "phone": kit.phone(), "address": "湖北省武汉市武昌区中南路1号",
                             "identifiers": identifiers, **more})


def fields(exc: ValidationFailed) -> list[str]:
    return [v.field for v in exc.violations]


def test_registering_takes_gender_and_birth_date_from_the_id_card(registry, op, kit):
    number = kit.id_number(gender="2")
    p = registry.register(op, details(kit, Identifier(ID, number.lower())))
    assert (p.gender, p.birth_date, p.version, p.self_pay) == ("2", id_card_birth_date(number), 1, True)
    assert registry.get(p.id) == p
    assert p.identifier(ID) == number  # kept upper case, as it is looked up


def test_one_record_per_person_the_second_registration_names_the_first(registry, op, kit):
    card = kit.card()
    first = registry.register(op, details(kit, Identifier(VISIT, card), gender="1"))
    with pytest.raises(AlreadyExists) as refused:
        registry.register(op, details(kit, Identifier(ID, kit.id_number()), Identifier(VISIT, card)))
    assert refused.value.name == first.id and first.id in str(refused.value)
    assert card not in str(refused.value)  # the number itself is not echoed


def test_the_same_request_key_registers_once(registry, op, kit):
    request, key = details(kit, Identifier(VISIT, kit.card()), gender="9"), "req-" + kit.card()
    first = registry.register(op, request, request_key=key)
    again = registry.register(op, request, request_key=key)  # without the key: AlreadyExists (the card)
    assert again == first
    assert len(registry.history(first.id)) == 1
    other = registry.register(op, details(kit, gender="9"), request_key=key + "-2")
    assert other.id != first.id


def test_bad_input_names_every_field_and_stores_nothing(registry, op, kit, engine):
    with engine.connect() as conn:
        before = conn.execute(select(patients.c.id)).all()
    with pytest.raises(ValidationFailed) as refused:
        registry.register(op, PatientDetails(name="", gender="3", phone="12345", birth_date=date(2001, 1, 1),
                                             identifiers=(Identifier(ID, "110105194912310021"),
                                                          Identifier(VISIT, "bad card"),
                                                          Identifier(VISIT, "bad card"))))
    assert fields(refused.value) == ["name", "phone", "gender", "identifiers[0].value", "identifiers[1].value",
                                     "identifiers[2].value", "identifiers[2]"]
    with engine.connect() as conn:
        assert conn.execute(select(patients.c.id)).all() == before


def test_an_id_card_that_contradicts_the_birth_date_or_gender_is_refused(registry, op, kit):
    number = kit.id_number(gender="1")
    with pytest.raises(ValidationFailed) as refused:
        registry.register(op, details(kit, Identifier(ID, number), gender="2", birth_date=date(1901, 1, 1)))
    assert sorted(fields(refused.value)) == ["birth_date", "gender"]


def test_updates_are_versioned_and_the_history_keeps_every_version(registry, op, kit):
    p = registry.register(op, details(kit, Identifier(VISIT, kit.card()), gender="1"))
    new_phone = kit.phone()
    changed = registry.update(op, p.id, PatientDetails(phone=new_phone, address="武汉市洪山区"), ["phone", "address"],
                              expected_version=1)
    assert (changed.phone, changed.address, changed.version, changed.name) == (new_phone, "武汉市洪山区", 2, p.name)
    history = registry.history(p.id)
    assert [(r.version, r.action) for r in history] == [(1, PatientAction.REGISTERED), (2, PatientAction.UPDATED)]
    assert history[0].patient.phone == p.phone and history[1].patient.phone == new_phone
    assert history[1].changed == ("phone", "address") and history[1].operator_code == op.code
    with pytest.raises(IllegalTransition, match="version 2"):
        registry.update(op, p.id, PatientDetails(name="王大明"), ["name"], expected_version=1)
    assert registry.update(op, p.id, PatientDetails(phone=new_phone), ["phone"]).version == 2  # nothing changed
    with pytest.raises(ValidationFailed) as refused:
        registry.update(op, p.id, PatientDetails(), ["name", "weight"])
    assert fields(refused.value) == ["update_mask"]


def test_two_changes_from_one_version_one_wins(registry, op, kit):
    p = registry.register(op, details(kit, gender="1"))
    store = registry.store
    outcomes = []
    barrier = threading.Barrier(2)

    def change(name):
        with store.transaction() as tx:
            current = tx.get(p.id)
            barrier.wait()
            try:
                updated = replace(current, name=name, version=current.version + 1)
                tx.update(updated, PatientRevision(p.id, updated.version, registry.clock.now(), op.code,
                                                   PatientAction.UPDATED, "", updated))
                tx.commit()
                outcomes.append("ok")
            except ConcurrencyConflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=change, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert registry.get(p.id).version == 2


def test_found_by_each_identifier_kind_and_by_name_birth_date_and_phone(registry, op, kit):
    ids = [Identifier(ID, kit.id_number()), Identifier(SSC, "S" + kit.card()), Identifier(VISIT, kit.card()),
           Identifier(ECERT, "E" + kit.card())]
    p = registry.register(op, details(kit, *ids, name="赵六"))
    for identifier in ids:
        assert registry.find_by_identifier(identifier).id == p.id
    assert registry.find_by_identifier(Identifier(ID, ids[0].value.lower())).id == p.id
    with pytest.raises(NotFound):
        registry.find_by_identifier(Identifier(VISIT, kit.card()))
    assert [f.id for f in registry.find_by_demographics("赵六", p.birth_date, "+86 " + p.phone)] == [p.id]
    assert registry.find_by_demographics("赵六", p.birth_date, kit.phone()) == []
    with pytest.raises(ValidationFailed) as refused:
        registry.find_by_demographics("赵六", None, "")
    assert fields(refused.value) == ["birth_date", "phone"]


def test_listing_by_name_prefix_pages_through_everyone(registry, op, kit):
    family = "测试" + kit.card()[-6:]
    made = sorted(registry.register(op, details(kit, name=f"{family}{n}", gender="1")).id for n in range(5))
    seen, after = [], None
    while True:
        page = registry.search(PatientQuery(name_prefix=family), after, limit=2)
        seen += [p.id for p in page.patients]
        assert len(page.patients) <= 2
        if page.next_after is None:
            break
        after = page.next_after
    assert sorted(seen) == made and len(seen) == 5
    assert registry.search(PatientQuery(name_prefix=family + "%")).patients == []  # a wildcard is a character


def test_a_merge_moves_identifiers_keeps_history_and_answers_the_survivor(registry, op, kit):
    number, card, old_card = kit.id_number(), kit.card(), kit.card()
    survivor = registry.register(op, details(kit, Identifier(ID, number), Identifier(VISIT, card), address=""))
    duplicate = registry.register(op, details(kit, Identifier(VISIT, old_card), name=survivor.name, gender="1"))
    merged = registry.merge(op, survivor.id, duplicate.id, reason="同一人两张就诊卡")
    assert merged.id == survivor.id and merged.version == 2
    assert [i.value for i in merged.identifiers] == [number, card, old_card]
    assert merged.address == duplicate.address  # a blank is filled from the duplicate
    assert registry.get(duplicate.id) == merged
    assert registry.find_by_identifier(Identifier(VISIT, old_card)).id == survivor.id
    old = registry.history(duplicate.id)
    assert [r.action for r in old] == [PatientAction.REGISTERED, PatientAction.MERGED_INTO]
    assert old[0].patient.identifiers == [Identifier(VISIT, old_card)]  # what it held, kept
    assert old[1].patient.merged_into == survivor.id and "同一人两张就诊卡" in old[1].detail
    assert registry.record(duplicate.id).merged_into == survivor.id
    assert [r.action for r in registry.history(survivor.id)][-1] == PatientAction.ABSORBED
    with pytest.raises(IllegalTransition):
        registry.update(op, duplicate.id, PatientDetails(name="x"), ["name"])


def test_merges_cannot_form_a_cycle_and_chains_collapse_to_one_step(registry, op, kit):
    a, b, c = (registry.register(op, details(kit, gender="1")) for _ in range(3))
    registry.merge(op, b.id, a.id)           # a -> b
    with pytest.raises(IllegalTransition, match="merge into that record"):
        registry.merge(op, a.id, b.id)       # b -> a would close the loop: nothing merges into a retired record
    with pytest.raises(IllegalTransition, match="already merged"):
        registry.merge(op, c.id, a.id)       # a retired record is not merged a second time
    registry.merge(op, c.id, b.id)           # b -> c, and a follows
    assert registry.record(a.id).merged_into == c.id
    assert registry.get(a.id).id == c.id
    with pytest.raises(ValidationFailed):
        registry.merge(op, c.id, c.id)
    with pytest.raises(NotFound):
        registry.merge(op, c.id, "no-such-patient")


def test_two_different_id_cards_are_never_merged(registry, op, kit):
    a = registry.register(op, details(kit, Identifier(ID, kit.id_number())))
    b = registry.register(op, details(kit, Identifier(ID, kit.id_number())))
    with pytest.raises(IllegalTransition, match="not the same person"):
        registry.merge(op, a.id, b.id)
    assert registry.get(b.id).merged_into is None


def test_reading_insurance_creates_the_patient_from_1101_and_caches_the_read(registry, op, kit, app):
    existing = _holder(registry, WORKER_ID)
    before = app.clock.now()
    p = registry.read_insurance(op, "02", WORKER_ID)
    assert p.insurance.psn_no == "42010620000000000001" and p.insurance.insutypes == ("310",)
    assert p.insurance.insuplc_admdvs == "420106" and p.insurance.read_at > before
    assert p.identifier(ID) == WORKER_ID and p.name == "测试职工甲"
    if existing is None:
        assert (p.gender, p.birth_date) == ("1", date(1980, 5, 12))
    again = registry.read_insurance(op, "03", "H42010601")  # the 社保卡 of the same person: same record
    assert again.id == p.id and again.insurance.read_at > p.insurance.read_at
    assert again.identifier(SSC) == "H42010601"
    last = registry.history(p.id)[-1]
    assert last.action == PatientAction.INSURANCE_READ and last.at == again.insurance.read_at
    assert registry.get(p.id).insurance == again.insurance


def _holder(registry, number):
    try:
        return registry.find_by_identifier(Identifier(ID, number))
    except NotFound:
        return None


def test_insurance_read_for_a_named_patient_must_be_that_person(registry, op, kit):
    other = registry.register(op, details(kit, Identifier(ID, kit.id_number())))
    with pytest.raises(IllegalTransition, match="another person"):
        registry.read_insurance(op, "03", "H42010602", patient_id=other.id)
    assert registry.get(other.id).insurance is None
    self_pay = registry.register(op, details(kit, gender="2"))
    with pytest.raises(PlatformRejected):
        registry.read_insurance(op, "02", kit.id_number(), patient_id=self_pay.id)  # not insured: still self-pay
    assert registry.get(self_pay.id).self_pay
    with pytest.raises(ValidationFailed) as refused:
        registry.read_insurance(op, "04", "")
    assert fields(refused.value) == ["mdtrt_cert_type"]
    with pytest.raises(ValidationFailed) as refused:
        registry.read_insurance(op, "02", "110105194912310021")
    assert fields(refused.value) == ["mdtrt_cert_no"]


def test_rows_hold_no_clear_identity_number_phone_or_address(registry, op, kit, engine):
    number, card, phone = kit.id_number(), kit.card(), kit.phone()
    p = registry.register(op, details(kit, Identifier(ID, number), Identifier(VISIT, card), phone=phone,
                                      address="湖北省武汉市江汉区解放大道1号"))
    registry.update(op, p.id, PatientDetails(address="湖北省武汉市江岸区"), ["address"])
    with engine.connect() as conn:
        rows = [*conn.execute(select(patients).where(patients.c.id == p.id)).all(),
                *conn.execute(select(patient_identifiers).where(patient_identifiers.c.patient_id == p.id)).all(),
                *conn.execute(select(patient_revisions).where(patient_revisions.c.patient_id == p.id)).all()]
    stored = b"".join(v if isinstance(v, bytes) else str(v).encode() for row in rows for v in row)
    assert len(rows) == 5
    for secret in (number, number[6:14], card, phone, "解放大道", "江岸区"):
        assert secret.encode() not in stored, secret
    assert p.name.encode() in stored  # names are in clear: every clinician sees them
