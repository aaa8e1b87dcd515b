"""The hospital's drug list (院内药品目录, the formulary): each drug with its national 医保 code, its
packaging and its price, and the frequencies a prescription may name.

Quantities are counted in the drug's packaging (what is handed over and charged):
- 西药中成药: units needed = dose ÷ the dose one unit holds × times per day × days; the quantity is
  that many units rounded UP to whole packs (整包装取整: a box is never split), priced per pack;
- 中药饮片: the dose is grams per 剂, the days are the number of 剂; the quantity is dose × 剂 in the
  drug's own unit (g), priced per unit, nothing rounded beyond the platform's four places.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import Enum

from domain.errors import FieldViolation, ValidationFailed
from domain.money import quantize, to_decimal


class DrugKind(str, Enum):
    WESTERN = "WESTERN"  # 西药中成药 (1301)
    HERBAL = "HERBAL"  # 中药饮片 (1302)


@dataclass(frozen=True)
class Frequency:
    code: str
    name: str
    times_per_day: Decimal


# prn (按需) counts as once a day for the quantity: the doctor gives the most a day through the dose.
FREQUENCIES: dict[str, Frequency] = {f.code: f for f in (
    Frequency("qd", "每日一次", Decimal(1)),
    Frequency("bid", "每日两次", Decimal(2)),
    Frequency("tid", "每日三次", Decimal(3)),
    Frequency("qid", "每日四次", Decimal(4)),
    Frequency("q8h", "每8小时一次", Decimal(3)),
    Frequency("q12h", "每12小时一次", Decimal(2)),
    Frequency("qn", "每晚一次", Decimal(1)),
    Frequency("prn", "必要时", Decimal(1)),
)}


@dataclass(frozen=True)
class Drug:
    """One drug of the formulary. `unit_dose` (in `dose_unit`) is what one unit (`unit`: 片, 粒, ml)
    holds; `pack_size` units make one pack (`pack_unit`: 盒, 瓶), the unit priced at `price`.
    A herbal piece is priced and counted per `unit` (g): pack_size 1, pack_unit = unit."""

    code: str  # the hospital's own drug code (fixmedins_hilist_id)
    national_code: str  # med_list_codg: 1301 西药中成药 / 1302 中药饮片
    generic_name: str  # drug_genname
    kind: DrugKind
    dosage_form: str  # drug_dosform
    spec: str  # drug_spec
    dose_unit: str  # mg, ml, g
    unit_dose: Decimal
    unit: str
    pack_size: Decimal
    pack_unit: str
    price: Decimal  # per pack (herbal: per unit), six places as the platform's pric
    product_name: str = ""
    manufacturer: str = ""
    default_route: str = ""
    controlled: bool = False  # 麻醉药品 / 第一类精神药品: only on a 麻精 prescription

    def quantity(self, dose: Decimal, times_per_day: Decimal, days: int) -> Decimal:
        """Packs (herbal: units) for `days` at `dose` `times_per_day` — the rule in the module doc."""
        if self.kind is DrugKind.HERBAL:
            return quantize(dose * days, 4)
        units = dose / self.unit_dose * times_per_day * days
        return (units / self.pack_size).to_integral_value(rounding=ROUND_CEILING)


@dataclass(frozen=True)
class Formulary:
    drugs: Mapping[str, Drug]  # by the hospital's code

    def drug(self, code: str) -> Drug | None:
        return self.drugs.get(code)

    def search(self, text: str = "", kind: DrugKind | None = None, limit: int = 50) -> list[Drug]:
        """Drugs whose code, national code or names contain `text` (all when empty), by code."""
        needle = text.strip().lower()
        found = [d for d in sorted(self.drugs.values(), key=lambda d: d.code)
                 if (kind is None or d.kind is kind)
                 and (not needle or any(needle in v.lower() for v in (d.code, d.national_code, d.generic_name,
                                                                       d.product_name)))]
        return found[:limit]


_REQUIRED = ("code", "national_code", "generic_name", "kind", "dosage_form", "spec", "dose_unit", "unit_dose",
             "unit", "price")


def formulary_from_dict(data: Mapping) -> Formulary:
    """The formulary from its JSON form ({"drugs": [{...}]}), every fault named by its path."""
    violations: list[FieldViolation] = []
    drugs: dict[str, Drug] = {}
    rows = data.get("drugs") if isinstance(data, Mapping) else None
    if not isinstance(rows, list) or not rows:
        raise ValidationFailed([FieldViolation("drugs", "a non-empty list of drugs is required")], "formulary")
    for i, row in enumerate(rows):
        at = f"drugs[{i}]"
        if not isinstance(row, Mapping):
            violations.append(FieldViolation(at, "must be an object"))
            continue
        missing = [k for k in _REQUIRED if row.get(k) in (None, "")]
        violations += [FieldViolation(f"{at}.{k}", "is required") for k in missing]
        if missing:
            continue
        drug = _drug(row, at, violations)
        if drug is None:
            continue
        if drug.code in drugs:
            violations.append(FieldViolation(f"{at}.code", f"{drug.code} is listed twice"))
        drugs[drug.code] = drug
    if violations:
        raise ValidationFailed(violations, "formulary")
    return Formulary(drugs)


def _decimal(row: Mapping, key: str, at: str, violations: list[FieldViolation], default: str | None = None):
    value = row.get(key, default)
    try:
        number = to_decimal(value)
    except (TypeError, ValueError):
        violations.append(FieldViolation(f"{at}.{key}", "must be a decimal number written as a string"))
        return None
    if number <= 0:
        violations.append(FieldViolation(f"{at}.{key}", "must be greater than zero"))
        return None
    return number


def _drug(row: Mapping, at: str, violations: list[FieldViolation]) -> Drug | None:
    before = len(violations)
    try:
        kind = DrugKind(str(row["kind"]))
    except ValueError:
        violations.append(FieldViolation(f"{at}.kind", f"one of {', '.join(k.value for k in DrugKind)}"))
        kind = None
    unit_dose = _decimal(row, "unit_dose", at, violations)
    pack_size = _decimal(row, "pack_size", at, violations, "1")
    price = _decimal(row, "price", at, violations)
    if kind is DrugKind.HERBAL and pack_size is not None and pack_size != 1:
        violations.append(FieldViolation(f"{at}.pack_size", "a herbal piece is counted per unit: 1"))
    if len(violations) > before:
        return None
    unit = str(row["unit"])
    return Drug(code=str(row["code"]), national_code=str(row["national_code"]),
                generic_name=str(row["generic_name"]), kind=kind, dosage_form=str(row["dosage_form"]),
                spec=str(row["spec"]), dose_unit=str(row["dose_unit"]), unit_dose=unit_dose, unit=unit,
                pack_size=pack_size, pack_unit=str(row.get("pack_unit") or unit), price=quantize(price, 6),
                product_name=str(row.get("product_name") or ""), manufacturer=str(row.get("manufacturer") or ""),
                default_route=str(row.get("default_route") or ""), controlled=bool(row.get("controlled", False)))
