"""Patients (a light master patient index): the public model other contexts may use."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum

from domain.patients.rules import (GENDERS, MAX_ADDRESS, MAX_NAME, PatientAction, PatientRevision,
                                   birth_date_violations, gender_violations, id_card_birth_date, id_card_check_digit,
                                   id_card_gender, identifier_violations, masked_address, normalize_identifier,
                                   normalize_phone, phone_violations, text_violations)
from domain.privacy import mask_value


class IdentifierKind(str, Enum):
    ID_CARD = "ID_CARD"  # 居民身份证
    YB_ECERT = "YB_ECERT"  # 医保电子凭证
    SOCIAL_SECURITY_CARD = "SOCIAL_SECURITY_CARD"  # 社会保障卡
    VISIT_CARD = "VISIT_CARD"  # the hospital's 就诊卡


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str


@dataclass(frozen=True)
class InsuranceSnapshot:
    """What the last 1101 said of the person, and when it was read (hospital time)."""

    psn_no: str
    insutypes: tuple[str, ...]
    insuplc_admdvs: str
    read_at: datetime


@dataclass
class Patient:
    id: str
    name: str
    gender: str  # GB/T 2261.1: 1 男, 2 女, 9 未说明
    birth_date: date | None
    phone: str = ""
    address: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    insurance: InsuranceSnapshot | None = None  # None: a self-pay (自费) patient, first-class
    merged_into: str | None = None
    version: int = 0

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def identifier(self, kind: IdentifierKind) -> str | None:
        return next((i.value for i in self.identifiers if i.kind is kind), None)

    @property
    def self_pay(self) -> bool:
        """No insurance read: the patient pays themselves (自费)."""
        return self.insurance is None

    def masked(self) -> Patient:
        """The record as a caller without the identity permission sees it: identity numbers, phone
        and address masked; name, gender, birth date and insurance as they are."""
        return replace(self, phone=mask_value(self.phone), address=masked_address(self.address),
                       identifiers=[Identifier(i.kind, mask_value(i.value)) for i in self.identifiers])

    def personal_values(self) -> tuple[str, ...]:
        """What of this record must never appear in a log in clear."""
        return (self.name, self.phone, self.address, *(i.value for i in self.identifiers))


__all__ = ["GENDERS", "MAX_ADDRESS", "MAX_NAME", "Identifier", "IdentifierKind", "InsuranceSnapshot", "Patient",
           "PatientAction", "PatientRevision", "birth_date_violations", "gender_violations", "id_card_birth_date",
           "id_card_check_digit", "id_card_gender", "identifier_violations", "normalize_identifier",
           "normalize_phone", "phone_violations", "text_violations"]
