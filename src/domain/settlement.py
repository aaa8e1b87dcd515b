"""A settlement's fund / person split, as the platform returns it in setlinfo + setldetail.

A settlement the platform answered with infcode 0 happened: it is stored exactly as given, an amount
the platform left out stays None (never a guessed 0), and arithmetic that does not hold is recorded
as a discrepancy beside it, for the 医保办 and reconciliation to see. It is never a reason to doubt
or reverse the settlement: real platforms leave psn_part_amt / hosp_part_amt null (Hebei 2208,
Chongqing 2305), and regions differ on whether acct_mulaid_pay is part of acct_pay.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.money import ZERO
from domain.text import excerpt
from domain.platform_time import parse_datetime


class SettlementState(str, Enum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"  # undone by 2208; a negative settlement records the undoing
    REVERSED = "REVERSED"  # undone by 冲正 2601: as if it never happened


@dataclass
class FundPayment:
    """One setldetail row: what one fund paid."""

    fund_pay_type: str
    fund_payamt: Decimal
    inscp_scp_amt: Decimal = ZERO
    crt_payb_lmt_amt: Decimal | None = None
    fund_pay_type_name: str = ""
    setl_proc_info: str = ""


# The money fields of setlinfo, in the platform's names. One list serves the
# mapping to and from the platform, the database and the gRPC messages.
AMOUNT_FIELDS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
    "act_pay_dedc", "hifp_pay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay",
    "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt",
    "balc", "acct_mulaid_pay", "hifdm_pay",
)


@dataclass(frozen=True)
class SettlementRules:
    """The region's settlement arithmetic (configuration, not a platform guarantee)."""

    # 个人账户共济支付 counted inside 个人账户支出 (psn_part_amt = acct_pay + psn_cash_pay) rather than
    # beside it (psn_part_amt = acct_pay + psn_cash_pay + acct_mulaid_pay).
    mulaid_in_acct_pay: bool = False


@dataclass
class Settlement:
    mdtrt_id: str
    psn_no: str
    chrg_bchno: str
    setl_id: str = ""  # empty on a 2206 preview
    medins_setl_id: str = ""  # our msgid, as the platform echoes it
    setl_time: datetime | None = None
    insutype: str = ""
    med_type: str = ""
    clr_type: str = ""
    clr_way: str = ""
    clr_optins: str = ""
    # 基本医疗保险统筹基金自付比例: the share of in-scope costs the person pays themselves (0.1500 when the
    # pooled fund pays 85%); None when the platform gave none
    pool_prop_selfpay: Decimal | None = None
    # the amounts: None where the platform left the field out or null
    medfee_sumamt: Decimal | None = None
    fulamt_ownpay_amt: Decimal | None = None
    overlmt_selfpay: Decimal | None = None
    preselfpay_amt: Decimal | None = None
    inscp_scp_amt: Decimal | None = None
    act_pay_dedc: Decimal | None = None
    hifp_pay: Decimal | None = None
    cvlserv_pay: Decimal | None = None
    hifes_pay: Decimal | None = None
    hifmi_pay: Decimal | None = None
    hifob_pay: Decimal | None = None
    maf_pay: Decimal | None = None
    oth_pay: Decimal | None = None
    fund_pay_sumamt: Decimal | None = None
    psn_part_amt: Decimal | None = None
    acct_pay: Decimal | None = None
    psn_cash_pay: Decimal | None = None
    hosp_part_amt: Decimal | None = None
    balc: Decimal | None = None
    acct_mulaid_pay: Decimal | None = None
    hifdm_pay: Decimal | None = None
    state: SettlementState = SettlementState.ACTIVE
    cancel_setl_id: str = ""  # setl_id of the negative settlement that cancelled this one
    details: list[FundPayment] = field(default_factory=list)
    # where the platform's figures do not hold together, in words (see `discrepancies_in`)
    discrepancies: list[str] = field(default_factory=list)

    @classmethod
    def from_setlinfo(cls, setlinfo: dict, setldetail: list[dict], chrg_bchno: str,
                      rules: SettlementRules = SettlementRules()) -> Settlement:
        """Build from decoded platform output (amounts already Decimal where readable). Never
        refuses what the platform said: an unreadable value is kept out and named in a discrepancy."""
        unreadable: list[str] = []
        known = {f.name for f in fields(cls)} - {"details", "state", "chrg_bchno", "discrepancies",
                                                  "cancel_setl_id"}
        values = {k: v for k, v in setlinfo.items() if k in known and v is not None}
        for name in (*AMOUNT_FIELDS, "pool_prop_selfpay"):
            if name in values:
                digits = 1 if name == "pool_prop_selfpay" else _MAX_INTEGER_DIGITS  # 数值型(5,4) / (16,2)
                values[name] = _number(values[name], f"setlinfo.{name}", unreadable, digits)
        for name in ("setl_id", "medins_setl_id", "insutype", "med_type", "clr_type", "clr_way",
                     "clr_optins", "mdtrt_id", "psn_no"):
            values[name] = str(values.get(name) or "")
        setl_time = values.get("setl_time")
        if isinstance(setl_time, str) or (setl_time is not None and not isinstance(setl_time, datetime)):
            # the platform's 日期时间型; a preview (2206) may carry none
            values["setl_time"] = _setl_time(str(setl_time), unreadable)
        details = [
            FundPayment(
                fund_pay_type=str(row.get("fund_pay_type") or ""),
                fund_payamt=_number(row.get("fund_payamt"), f"setldetail[{i}].fund_payamt", unreadable) or ZERO,
                inscp_scp_amt=_number(row.get("inscp_scp_amt"), f"setldetail[{i}].inscp_scp_amt", unreadable) or ZERO,
                crt_payb_lmt_amt=_number(row.get("crt_payb_lmt_amt"), f"setldetail[{i}].crt_payb_lmt_amt", unreadable),
                fund_pay_type_name=str(row.get("fund_pay_type_name") or ""),
                setl_proc_info=str(row.get("setl_proc_info") or ""),
            )
            for i, row in enumerate(r for r in setldetail or [] if isinstance(r, dict))
        ]
        settlement = cls(chrg_bchno=chrg_bchno, details=details, **values)
        settlement.discrepancies = unreadable + discrepancies_in(settlement, rules)
        return settlement


def discrepancies_in(s: Settlement, rules: SettlementRules = SettlementRules()) -> list[str]:
    """The sums of setlinfo that do not hold, in words. A sum with a term the platform left out is
    not checked: a missing figure is not a wrong one."""
    found = []
    person = ("acct_pay", "psn_cash_pay") if rules.mulaid_in_acct_pay else ("acct_pay", "psn_cash_pay",
                                                                            "acct_mulaid_pay")
    for total, parts in (("medfee_sumamt", ("fund_pay_sumamt", "psn_part_amt", "hosp_part_amt")),
                         ("psn_part_amt", person)):
        values = [getattr(s, name) for name in (total, *parts)]
        if any(v is None for v in values):
            continue
        added = sum(values[1:], ZERO)
        if added != values[0]:
            terms = " + ".join(f"{name} {getattr(s, name)}" for name in parts)
            found.append(f"{terms} = {added}, not {total} {values[0]} (differs by {values[0] - added})")
    return found


_MAX_INTEGER_DIGITS = 14  # 数值型(16,2): no amount the platform can mean has more


def _number(value: object, where: str, unreadable: list[str], digits: int = _MAX_INTEGER_DIGITS) -> Decimal | None:
    if value is None or value == "":
        return None
    if value.__class__ is Decimal:
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    else:
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            return _unreadable(value, where, unreadable)
    if not number.is_finite() or (number and number.adjusted() >= digits):
        return _unreadable(value, where, unreadable)
    return number


def _unreadable(value: object, where: str, unreadable: list[str]) -> None:
    unreadable.append(f"{where} {excerpt(value)} is not a number; kept out")
    return None


def _setl_time(text: str, unreadable: list[str]) -> datetime | None:
    if not text.strip():
        return None
    parsed = parse_datetime(text)
    if parsed is None:
        unreadable.append(f"setlinfo.setl_time {excerpt(text)} is not yyyy-MM-dd HH:mm:ss; kept out")
    return parsed
