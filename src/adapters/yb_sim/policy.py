"""The simulated platform's payment policy: deductible, ratio, cap and account use per 险种.

Loaded from TOML with decimals parsed exactly; the packaged policy.toml explains every number.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

from domain.money import money, to_decimal


@dataclass(frozen=True)
class InsutypeRule:
    insutype: str
    name: str
    deductible: Decimal  # 起付线 per calendar year
    ratio: Decimal  # share of (in scope - deductible) the pool fund pays
    annual_cap: Decimal | None  # what the pool fund pays at most per calendar year; None: no cap
    account_allowed: bool
    pool_fund_pay_type: str
    pool_fund_pay_type_name: str
    account_fund_pay_type: str = ""
    account_fund_pay_type_name: str = ""

    @classmethod
    def from_dict(cls, insutype: str, d: dict) -> InsutypeRule:
        cap = d.get("annual_cap")
        ratio = to_decimal(d["ratio"])
        if not Decimal(0) <= ratio <= Decimal(1):
            raise ValueError(f"policy {insutype}: ratio {ratio} outside 0..1")
        return cls(
            insutype=insutype, name=str(d.get("name", "")),
            deductible=money(d.get("deductible", 0)), ratio=ratio,
            annual_cap=None if cap in (None, "") else money(cap),
            account_allowed=bool(d.get("account_allowed", False)),
            pool_fund_pay_type=str(d["pool_fund_pay_type"]),
            pool_fund_pay_type_name=str(d.get("pool_fund_pay_type_name", "")),
            account_fund_pay_type=str(d.get("account_fund_pay_type", "")),
            account_fund_pay_type_name=str(d.get("account_fund_pay_type_name", "")))


@dataclass(frozen=True)
class Policy:
    rules: dict[str, InsutypeRule]
    default: InsutypeRule
    clr_type: str = "11"
    clr_way: str = "1"
    source: str = field(default="", compare=False)

    def rule(self, insutype: str) -> InsutypeRule:
        return self.rules.get(insutype, self.default)

    @classmethod
    def from_dict(cls, d: dict, source: str = "") -> Policy:
        rules = {str(k): InsutypeRule.from_dict(str(k), v) for k, v in d.get("insutype", {}).items()}
        default = InsutypeRule.from_dict("", d["default"])
        return cls(rules, default, str(d.get("clr_type", "11")), str(d.get("clr_way", "1")), source)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Policy:
        """The policy at `path`, or the packaged default policy.toml."""
        if path is None:
            text = (resources.files("adapters.yb_sim") / "policy.toml").read_text(encoding="utf-8")
            source = "adapters.yb_sim/policy.toml"
        else:
            text = Path(path).read_text(encoding="utf-8")
            source = str(path)
        return cls.from_dict(tomllib.loads(text, parse_float=Decimal), source)
