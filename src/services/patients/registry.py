"""The patient index's use cases: register, update, find, list, merge, read insurance (1101).

One record per person: an identifier on file cannot be registered again (AlreadyExists names the
patient that holds it); a registration's request key answers its retry with the record it made.
Every change writes a revision holding the record as it stood, so history is never overwritten.
A merge retires one record into another: its identifiers move, it keeps its history and points at
the survivor, and `get` of its id answers the survivor. Only live records take part in a merge,
so the pointers can never form a cycle.
"""
from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from domain.errors import AlreadyExists, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.operator import Operator
from domain.patients import (MAX_ADDRESS, MAX_NAME, Identifier, IdentifierKind, InsuranceSnapshot, Patient,
                             PatientAction, PatientRevision, birth_date_violations, gender_violations,
                             id_card_birth_date, id_card_gender, identifier_violations, normalize_identifier,
                             normalize_phone, phone_violations, text_violations)
from domain.person import InsuredPerson
from ports.clock import Clock
from ports.patients import PatientQuery, PatientStore
from services import personal_data

DEFAULT_PAGE = 50
MAX_PAGE = 200
MAX_REQUEST_KEY = 100
_MAX_HOPS = 32  # merged ids point one step to a live record; a longer walk means damaged data
UPDATABLE = ("name", "gender", "birth_date", "phone", "address", "identifiers")
# 就诊凭证类型 of 1101: 01 医保电子凭证 (a short-lived token: not kept as an identifier), 02 居民身份证,
# 03 社会保障卡
CERT_TYPES = {"01": None, "02": IdentifierKind.ID_CARD, "03": IdentifierKind.SOCIAL_SECURITY_CARD}
_ID_CARD_PSN_CERT_TYPE = "01"  # psn_cert_type 01: 居民身份证

# the 1101 read: (operator, mdtrt_cert_type, mdtrt_cert_no, card_sn, psn_name) -> the insured person
ReadPerson = Callable[[Operator, str, str, str, str], InsuredPerson]


def new_patient_id() -> str:
    """128 random bits in 26 characters (base32): within the 30 the platform allows a patient_id."""
    return base64.b32encode(uuid.uuid4().bytes).decode().rstrip("=")


@dataclass(frozen=True)
class PatientDetails:
    """What a registrar enters. Empty gender / birth date are taken from a 身份证 when one is given."""

    name: str = ""
    gender: str = ""
    birth_date: date | None = None
    phone: str = ""
    address: str = ""
    identifiers: tuple[Identifier, ...] = ()


@dataclass(frozen=True)
class PatientPage:
    patients: list[Patient]
    next_after: tuple[str, str] | None  # (name, id) of the last one, when more follow


class PatientRegistry:
    def __init__(self, store: PatientStore, clock: Clock, read_person: ReadPerson | None = None,
                 new_id: Callable[[], str] = new_patient_id):
        self.store, self.clock, self._read_person, self._new_id = store, clock, read_person, new_id

    # ---- reading ------------------------------------------------------------------------------
    def get(self, patient_id: str) -> Patient:
        """The patient; a merged-away id answers with the surviving record. NotFound otherwise."""
        with self.store.transaction() as tx:
            patient = _followed(tx, patient_id)
        personal_data.declare(*patient.personal_values())
        return patient

    def record(self, patient_id: str) -> Patient:
        """The record of this id itself, merged away or not (its own history starts here)."""
        with self.store.transaction() as tx:
            patient = tx.get(patient_id)
        if patient is None:
            raise NotFound(f"patient {patient_id} not found")
        return patient

    def find_by_identifier(self, identifier: Identifier, field: str = "identifier") -> Patient:
        """The (surviving) patient holding this identifier; NotFound when none does."""
        value = normalize_identifier(identifier.kind.value, identifier.value)
        personal_data.declare(value)
        problems = identifier_violations(identifier.kind.value, value, f"{field}.value", self.clock.now().date())
        if problems:
            raise ValidationFailed(problems)
        wanted = Identifier(identifier.kind, value)
        with self.store.transaction() as tx:
            holder = tx.holders([wanted]).get(wanted)
            if holder is None:
                raise NotFound(f"no patient holds this {identifier.kind.value} number")
            patient = _followed(tx, holder)
        personal_data.declare(*patient.personal_values())
        return patient

    def find_by_demographics(self, name: str, birth_date: date | None, phone: str) -> list[Patient]:
        """Live records with exactly this name, birth date and phone (all three needed)."""
        name, phone = name.strip(), normalize_phone(phone)
        personal_data.declare(name, phone)
        problems = [*text_violations(name, "name", MAX_NAME, required=True), *phone_violations(phone, "phone")]
        if birth_date is None:
            problems.append(FieldViolation("birth_date", "is required with name and phone"))
        if not phone:
            problems.append(FieldViolation("phone", "is required with name and birth_date"))
        if problems:
            raise ValidationFailed(problems)
        with self.store.transaction() as tx:
            found = tx.by_demographics(name, birth_date, phone)
        for p in found:
            personal_data.declare(*p.personal_values())
        return found

    def search(self, query: PatientQuery, after: tuple[str, str] | None = None, limit: int = 0) -> PatientPage:
        """A page of records ordered by name then id, after the (name, id) position."""
        problems = text_violations(query.name_prefix, "name", MAX_NAME)
        if not 0 <= limit <= MAX_PAGE:
            problems.append(FieldViolation("page_size", f"must be between 1 and {MAX_PAGE} (0: {DEFAULT_PAGE})"))
        if problems:
            raise ValidationFailed(problems)
        size = limit or DEFAULT_PAGE
        with self.store.transaction() as tx:
            found = tx.page(query, after, size + 1)
        more = len(found) > size
        found = found[:size]
        for p in found:
            personal_data.declare(*p.personal_values())
        return PatientPage(found, (found[-1].name, found[-1].id) if more else None)

    def history(self, patient_id: str) -> list[PatientRevision]:
        """The revisions of this id's own record, oldest first (a merged record's end in MERGED_INTO)."""
        with self.store.transaction() as tx:
            if tx.get(patient_id) is None:
                raise NotFound(f"patient {patient_id} not found")
            revisions = tx.history(patient_id)
        for r in revisions:
            personal_data.declare(*r.patient.personal_values())
        return revisions

    # ---- changing -----------------------------------------------------------------------------
    def register(self, op: Operator, details: PatientDetails, request_key: str = "") -> Patient:
        """A new record. AlreadyExists (naming the patient) when one of its identifiers is on file;
        the same `request_key` again answers with the record the first call made."""
        details = self._checked(details, UPDATABLE, registering=True)
        if len(request_key) > MAX_REQUEST_KEY:
            raise ValidationFailed([FieldViolation("request_id", f"is longer than {MAX_REQUEST_KEY} characters")])
        now = self.clock.now()
        with self.store.transaction() as tx:
            if request_key and (earlier := tx.by_request_key(request_key)) is not None:
                return _followed(tx, earlier)
            _refuse_held(tx, details.identifiers, None)
            patient = Patient(id=self._new_id(), name=details.name, gender=details.gender,
                              birth_date=details.birth_date, phone=details.phone, address=details.address,
                              identifiers=list(details.identifiers), version=1)
            tx.add(patient, _revision(patient, op, now, PatientAction.REGISTERED, "", UPDATABLE), request_key)
            tx.commit()
        return patient

    def update(self, op: Operator, patient_id: str, details: PatientDetails, fields: Sequence[str],
               expected_version: int = 0) -> Patient:
        """Change the named `fields` (of UPDATABLE) to the values in `details`; `identifiers`
        replaces the whole set. `expected_version` (0: any) refuses a change based on a stale read."""
        unknown = [FieldViolation("update_mask", f"{f!r} cannot be changed; the fields are {', '.join(UPDATABLE)}")
                   for f in fields if f not in UPDATABLE]
        if not fields:
            unknown.append(FieldViolation("update_mask", "names no field to change"))
        if unknown:
            raise ValidationFailed(unknown)
        details = self._checked(details, fields, registering=False)
        with self.store.transaction() as tx:
            current = tx.get(patient_id)
            if current is None:
                raise NotFound(f"patient {patient_id} not found")
            if current.merged_into:
                raise IllegalTransition(f"patient {patient_id} was merged into {current.merged_into}: change that "
                                        "record instead")
            if expected_version and expected_version != current.version:
                raise IllegalTransition(f"patient {patient_id} is at version {current.version}, not "
                                        f"{expected_version}: read it again before changing it")
            wanted = {f: getattr(details, f) for f in fields}
            if "identifiers" in wanted:
                wanted["identifiers"] = list(wanted["identifiers"])
            changed = tuple(f for f in UPDATABLE if f in wanted and wanted[f] != getattr(current, f))
            if not changed:
                return current
            if "identifiers" in changed:
                _refuse_held(tx, details.identifiers, patient_id)
            patient = replace(current, **wanted, version=current.version + 1)
            _refuse_contradiction(patient)
            tx.update(patient, _revision(patient, op, self.clock.now(), PatientAction.UPDATED, "", changed))
            tx.commit()
        return patient

    def merge(self, op: Operator, survivor_id: str, merged_id: str, reason: str = "") -> Patient:
        """Retire `merged_id` into `survivor_id`: its identifiers move to the survivor (the survivor's
        values win; blanks are filled from the merged record; the later insurance read is kept)."""
        problems = [FieldViolation(f, "is required") for f, v in (("survivor_id", survivor_id),
                                                                  ("merged_id", merged_id)) if not v]
        if survivor_id and survivor_id == merged_id:
            problems.append(FieldViolation("merged_id", "is the survivor itself"))
        problems += text_violations(reason, "reason", MAX_ADDRESS)
        if problems:
            raise ValidationFailed(problems)
        now = self.clock.now()
        with self.store.transaction() as tx:
            survivor, merged = tx.get(survivor_id), tx.get(merged_id)
            for who, record in (("survivor", survivor), ("merged", merged)):
                if record is None:
                    raise NotFound(f"{who} patient {survivor_id if who == 'survivor' else merged_id} not found")
            if merged.merged_into:
                raise IllegalTransition(f"patient {merged.id} was already merged into {merged.merged_into}")
            if survivor.merged_into:
                raise IllegalTransition(f"patient {survivor.id} was merged into {survivor.merged_into}: merge into "
                                        "that record")
            ids = survivor.identifier(IdentifierKind.ID_CARD), merged.identifier(IdentifierKind.ID_CARD)
            if all(ids) and ids[0] != ids[1]:
                raise IllegalTransition(f"patients {survivor.id} and {merged.id} hold different 身份证 numbers: "
                                        "they are not the same person")
            kept = [*survivor.identifiers, *(i for i in merged.identifiers if i not in survivor.identifiers
                                             and not (i.kind is IdentifierKind.ID_CARD and ids[0]))]
            insurance = max((i for i in (survivor.insurance, merged.insurance) if i is not None),
                            key=lambda i: i.read_at, default=None)
            retired = replace(merged, identifiers=[], merged_into=survivor.id, version=merged.version + 1)
            absorbed = replace(survivor, identifiers=kept, insurance=insurance, version=survivor.version + 1,
                               phone=survivor.phone or merged.phone, address=survivor.address or merged.address,
                               birth_date=survivor.birth_date or merged.birth_date)
            note = f" ({reason})" if reason else ""
            tx.update(retired, _revision(retired, op, now, PatientAction.MERGED_INTO, survivor.id + note,
                                         ("identifiers", "merged_into")))
            tx.update(absorbed, _revision(absorbed, op, now, PatientAction.ABSORBED, merged.id + note,
                                          _differs(survivor, absorbed)))
            tx.redirect(merged.id, survivor.id)  # whatever was merged into the retired record: one step again
            tx.commit()
        return absorbed

    def read_insurance(self, op: Operator, mdtrt_cert_type: str, mdtrt_cert_no: str, card_sn: str = "",
                       psn_name: str = "", patient_id: str = "") -> Patient:
        """Run 1101 for the certificate presented and keep what it says (psn_no, 险种, 参保地, the read
        time) on the patient: the one named, or the one holding the answer's 身份证, or a new record
        made from the answer. The identity the answer gives must not contradict the patient's."""
        if self._read_person is None:
            raise IllegalTransition("no platform is configured for reading insurance (1101)")
        mdtrt_cert_no = mdtrt_cert_no.strip()
        personal_data.declare(mdtrt_cert_no, card_sn, psn_name)
        problems = []
        if mdtrt_cert_type not in CERT_TYPES:
            problems.append(FieldViolation("mdtrt_cert_type", "must be 01 (医保电子凭证), 02 (居民身份证) or 03 (社会保障卡)"))
        elif (kind := CERT_TYPES[mdtrt_cert_type]) is not None:
            problems += identifier_violations(kind.value, normalize_identifier(kind.value, mdtrt_cert_no),
                                              "mdtrt_cert_no", self.clock.now().date())
        elif not mdtrt_cert_no:
            problems.append(FieldViolation("mdtrt_cert_no", "is required"))
        if problems:
            raise ValidationFailed(problems)
        if patient_id:
            self.get(patient_id)  # NotFound before anything is sent
        person = self._read_person(op, mdtrt_cert_type, mdtrt_cert_no, card_sn, psn_name)
        personal_data.declare(person.certno, person.psn_name)
        now = self.clock.now()
        first = person.insurances[0] if person.insurances else None
        snapshot = InsuranceSnapshot(psn_no=person.psn_no, insutypes=tuple(i.insutype for i in person.insurances),
                                     insuplc_admdvs=first.insuplc_admdvs if first else "", read_at=now)
        learnt = self._identifiers_of(person, mdtrt_cert_type, mdtrt_cert_no)
        id_card = next((i for i in learnt if i.kind is IdentifierKind.ID_CARD), None)
        with self.store.transaction() as tx:
            if patient_id:
                patient = _followed(tx, patient_id)
            else:
                holder = tx.holders([id_card]).get(id_card) if id_card else None
                patient = _followed(tx, holder) if holder else None
            if patient is None:
                _refuse_held(tx, learnt, None)
                gender = person.gend if person.gend in ("0", "1", "2", "9") else "0"
                patient = Patient(id=self._new_id(), name=person.psn_name, gender=gender, birth_date=person.brdy,
                                  identifiers=learnt, insurance=snapshot, version=1)
                tx.add(patient, _revision(patient, op, now, PatientAction.REGISTERED, f"1101 psn_no {person.psn_no}",
                                          UPDATABLE))
                tx.commit()
                return patient
            own = patient.identifier(IdentifierKind.ID_CARD)
            if own and id_card and own != id_card.value:
                raise IllegalTransition(f"the certificate presented belongs to another person than patient {patient.id}")
            new = [i for i in learnt if i not in patient.identifiers
                   and not (i.kind is IdentifierKind.ID_CARD and own)]
            _refuse_held(tx, new, patient.id)
            updated = replace(patient, insurance=snapshot, identifiers=[*patient.identifiers, *new],
                              version=patient.version + 1)
            tx.update(updated, _revision(updated, op, now, PatientAction.INSURANCE_READ, f"psn_no {person.psn_no}",
                                         _differs(patient, updated)))
            tx.commit()
        return updated

    # ---- helpers ------------------------------------------------------------------------------
    def _identifiers_of(self, person: InsuredPerson, cert_type: str, cert_no: str) -> list[Identifier]:
        """The identifiers a 1101 answer proves: the 身份证 it names, and the 社保卡 presented."""
        today, found = self.clock.now().date(), []
        certno = normalize_identifier("ID_CARD", person.certno or "")
        if person.psn_cert_type in (_ID_CARD_PSN_CERT_TYPE, "") and certno \
                and not identifier_violations("ID_CARD", certno, "", today):
            found.append(Identifier(IdentifierKind.ID_CARD, certno))
        if cert_type == "03":
            found.append(Identifier(IdentifierKind.SOCIAL_SECURITY_CARD,
                                    normalize_identifier("SOCIAL_SECURITY_CARD", cert_no)))
        return found

    def _checked(self, d: PatientDetails, fields: Sequence[str], registering: bool) -> PatientDetails:
        """`d` normalized, with gender and birth date taken from its 身份证 when left empty;
        ValidationFailed naming every field that breaks a rule."""
        today = self.clock.now().date()
        identifiers = tuple(Identifier(i.kind, normalize_identifier(i.kind.value, i.value)) for i in d.identifiers)
        d = replace(d, name=d.name.strip(), phone=normalize_phone(d.phone), address=d.address.strip(),
                    identifiers=identifiers)
        personal_data.declare(d.name, d.phone, d.address, *(i.value for i in identifiers))
        problems: list[FieldViolation] = []
        if "name" in fields:
            problems += text_violations(d.name, "name", MAX_NAME, required=True)
        if "phone" in fields:
            problems += phone_violations(d.phone, "phone")
        if "address" in fields:
            problems += text_violations(d.address, "address", MAX_ADDRESS)
        if "gender" in fields:
            problems += gender_violations(d.gender, "gender")
            if not registering and not d.gender:
                problems.append(FieldViolation("gender", "is required"))
        if "birth_date" in fields:
            problems += birth_date_violations(d.birth_date, "birth_date", today)
        id_card = None
        if "identifiers" in fields:
            seen: set[Identifier] = set()
            for n, i in enumerate(identifiers):
                found = identifier_violations(i.kind.value, i.value, f"identifiers[{n}].value", today)
                problems += found
                if i in seen:
                    problems.append(FieldViolation(f"identifiers[{n}]", "is given twice"))
                elif i.kind is IdentifierKind.ID_CARD and id_card is not None:
                    problems.append(FieldViolation(f"identifiers[{n}].kind", "a person has one 身份证 number"))
                elif i.kind is IdentifierKind.ID_CARD and not found:
                    id_card = (n, i.value)
                seen.add(i)
        if id_card is not None and registering:
            n, number = id_card
            born, gender = id_card_birth_date(number), id_card_gender(number)
            if d.birth_date is None:
                d = replace(d, birth_date=born)
            elif d.birth_date != born:
                problems.append(FieldViolation("birth_date", f"differs from the birth date in identifiers[{n}] (身份证)"))
            if not d.gender:
                d = replace(d, gender=gender)
            elif d.gender in ("1", "2") and d.gender != gender:
                problems.append(FieldViolation("gender", f"differs from the gender in identifiers[{n}] (身份证)"))
        has_id_card = any(i.kind is IdentifierKind.ID_CARD for i in identifiers)
        if registering and not d.gender and not has_id_card and not any(p.field == "gender" for p in problems):
            problems.append(FieldViolation("gender", "is required (or give a 身份证 number, which carries it)"))
        if problems:
            raise ValidationFailed(problems)
        return d


def _followed(tx, patient_id: str) -> Patient:
    patient, seen = tx.get(patient_id), {patient_id}
    while patient is not None and patient.merged_into:
        if patient.merged_into in seen or len(seen) > _MAX_HOPS:
            raise IllegalTransition(f"patient {patient_id}: its merge pointers loop; the records need repair")
        seen.add(patient.merged_into)
        patient = tx.get(patient.merged_into)
    if patient is None:
        raise NotFound(f"patient {patient_id} not found")
    return patient


def _refuse_held(tx, identifiers: Sequence[Identifier], own_id: str | None) -> None:
    """AlreadyExists naming the patient that holds one of `identifiers` already (other than `own_id`)."""
    for identifier, holder in tx.holders(list(identifiers)).items():
        if holder != own_id:
            live = _followed(tx, holder).id
            raise AlreadyExists(f"this {identifier.kind.value} number is already on file for patient {live}: "
                                "find that record (or merge the two)", resource="patient", name=live)


def _refuse_contradiction(p: Patient) -> None:
    """After an update: the 身份证 on file and the birth date must tell the same story."""
    number = p.identifier(IdentifierKind.ID_CARD)
    if number and p.birth_date is not None and id_card_birth_date(number) != p.birth_date:
        raise ValidationFailed([FieldViolation("birth_date", "differs from the birth date in the 身份证 on file")])


def _differs(before: Patient, after: Patient) -> tuple[str, ...]:
    return tuple(f for f in (*UPDATABLE, "insurance", "merged_into") if getattr(before, f) != getattr(after, f))


def _revision(p: Patient, op: Operator, at, action: str, detail: str, changed: Sequence[str]) -> PatientRevision:
    return PatientRevision(patient_id=p.id, version=p.version, at=at, operator_code=op.code, action=action,
                           detail=detail[:200], patient=p, changed=tuple(changed))
