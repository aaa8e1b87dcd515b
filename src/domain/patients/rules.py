"""The rules of a patient record: what an identifier, a phone, a name may be; how an identity
number reads (birth date, gender); what a caller without the identity permission sees.

Every check returns FieldViolations named by the caller's own path (`at`), so one request gets
all its mistakes at once and nothing is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.errors import FieldViolation
from domain.text import describe_forbidden, forbidden_character

MAX_NAME = 50
MAX_ADDRESS = 200
MAX_IDENTIFIER = 64
GENDERS = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}  # GB/T 2261.1
EARLIEST_BIRTH = date(1900, 1, 1)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_CARD = re.compile(r"\d{17}[0-9X]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
# card numbers and tokens: letters and digits only, so a value cannot smuggle a separator
_CARD = re.compile(r"[0-9A-Za-z]+")
_VISIT_CARD = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]*")


def id_card_check_digit(first17: str) -> str:
    """The GB 11643 check character of an 18-character 居民身份证号码."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def id_card_birth_date(number: str) -> date | None:
    """The birth date an 18-character identity number carries; None when it is not a date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_card_gender(number: str) -> str:
    """GB/T 2261.1 gender from the 17th digit: odd 男 (1), even 女 (2)."""
    return "1" if int(number[16]) % 2 else "2"


def normalize_identifier(kind_name: str, value: str) -> str:
    """As stored and looked up: trimmed; an identity number's x as X, card letters upper case."""
    value = value.strip()
    return value.upper() if kind_name in ("ID_CARD", "SOCIAL_SECURITY_CARD") else value


def normalize_phone(value: str) -> str:
    """Spaces dropped and a leading +86 / 86- taken off a mobile number: one number, one form."""
    value = re.sub(r"\s+", "", value)
    m = re.fullmatch(r"(?:\+?86-?)?(1\d{10})", value)
    return m.group(1) if m else value


def identifier_violations(kind_name: str, value: str, at: str, today: date) -> list[FieldViolation]:
    """What is wrong with one identifier's (normalized) value; `at` names it ("identifiers[0].value")."""
    if not value:
        return [FieldViolation(at, "is required")]
    if len(value) > MAX_IDENTIFIER:
        return [FieldViolation(at, f"is longer than {MAX_IDENTIFIER} characters")]
    if kind_name == "ID_CARD":
        if not _ID_CARD.fullmatch(value):
            return [FieldViolation(at, "is not a 居民身份证号码: 17 digits and a check digit or X (18 characters)")]
        born = id_card_birth_date(value)
        if born is None or not EARLIEST_BIRTH <= born <= today:
            return [FieldViolation(at, "does not hold a valid birth date (characters 7 to 14)")]
        if id_card_check_digit(value[:17]) != value[17]:
            return [FieldViolation(at, "has a wrong check digit (GB 11643): a character was mistyped")]
        return []
    pattern = _VISIT_CARD if kind_name == "VISIT_CARD" else _CARD
    if not pattern.fullmatch(value):
        allowed = "letters, digits and -" if kind_name == "VISIT_CARD" else "letters and digits"
        return [FieldViolation(at, f"may hold only {allowed}")]
    if kind_name == "SOCIAL_SECURITY_CARD" and len(value) < 6:
        return [FieldViolation(at, "is shorter than a 社会保障卡 number (6 characters at least)")]
    return []


def phone_violations(value: str, at: str) -> list[FieldViolation]:
    if value and not (_MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value)):
        return [FieldViolation(at, "is not a phone number: a mobile number (11 digits from 13 to 19) or a "
                                   "land line with its area code (027-87654321)")]
    return []


def text_violations(value: str, at: str, limit: int, required: bool = False) -> list[FieldViolation]:
    if not value:
        return [FieldViolation(at, "is required")] if required else []
    if len(value) > limit:
        return [FieldViolation(at, f"is longer than {limit} characters")]
    bad = forbidden_character(value)
    if bad is not None:
        return [FieldViolation(at, describe_forbidden(value, bad))]
    return []


def gender_violations(value: str, at: str) -> list[FieldViolation]:
    if value and value not in GENDERS:
        return [FieldViolation(at, "is not a GB/T 2261.1 gender: " + ", ".join(f"{k} {v}" for k, v in GENDERS.items()))]
    return []


def birth_date_violations(value: date | None, at: str, today: date) -> list[FieldViolation]:
    if value is not None and not EARLIEST_BIRTH <= value <= today:
        return [FieldViolation(at, f"must be between {EARLIEST_BIRTH} and today")]
    return []


class PatientAction:
    """What a revision of a patient record records."""

    REGISTERED = "REGISTERED"
    UPDATED = "UPDATED"
    INSURANCE_READ = "INSURANCE_READ"
    MERGED_INTO = "MERGED_INTO"  # this record was merged into another (detail: the survivor)
    ABSORBED = "ABSORBED"  # another record was merged into this one (detail: the merged record)


@dataclass(frozen=True)
class PatientRevision:
    """One version of a patient record as it stood after a change: who, when, what kind of change."""

    patient_id: str
    version: int
    at: datetime
    operator_code: str
    action: str
    detail: str
    patient: object  # the Patient as it stood (domain.patients.Patient)
    changed: tuple[str, ...] = field(default_factory=tuple)  # the fields that changed with this version


def masked_address(value: str) -> str:
    """An address keeps its first six characters (the city and district), the rest hidden."""
    if len(value) <= 6:
        return value[:1] + "*" * (len(value) - 1) if value else value
    return value[:6] + "*" * min(len(value) - 6, 10)

