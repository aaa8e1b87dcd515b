"""A settlement's fund / person split, as the platform returns it in setlinfo + setldetail."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.errors import FieldViolation, ValidationFailed
from domain.money import ZERO
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
    pool_prop_selfpay: Decimal = ZERO
    medfee_sumamt: Decimal = ZERO
    fulamt_ownpay_amt: Decimal = ZERO
    overlmt_selfpay: Decimal = ZERO
    preselfpay_amt: Decimal = ZERO
    inscp_scp_amt: Decimal = ZERO
    act_pay_dedc: Decimal = ZERO
    hifp_pay: Decimal = ZERO
    cvlserv_pay: Decimal = ZERO
    hifes_pay: Decimal = ZERO
    hifmi_pay: Decimal = ZERO
    hifob_pay: Decimal = ZERO
    maf_pay: Decimal = ZERO
    oth_pay: Decimal = ZERO
    fund_pay_sumamt: Decimal = ZERO
    psn_part_amt: Decimal = ZERO
    acct_pay: Decimal = ZERO
    psn_cash_pay: Decimal = ZERO
    hosp_part_amt: Decimal = ZERO
    balc: Decimal = ZERO
    acct_mulaid_pay: Decimal = ZERO
    hifdm_pay: Decimal = ZERO
    state: SettlementState = SettlementState.ACTIVE
    cancel_setl_id: str = ""  # setl_id of the negative settlement that cancelled this one
    details: list[FundPayment] = field(default_factory=list)

    def violations(self) -> list[FieldViolation]:
        """Arithmetic the platform guarantees; a reply breaking it is not trusted."""
        found = []
        if self.fund_pay_sumamt + self.psn_part_amt + self.hosp_part_amt != self.medfee_sumamt:
            found.append(FieldViolation(
                "setlinfo.medfee_sumamt",
                f"fund_pay_sumamt {self.fund_pay_sumamt} + psn_part_amt {self.psn_part_amt} + "
                f"hosp_part_amt {self.hosp_part_amt} != medfee_sumamt {self.medfee_sumamt}"))
        if self.acct_pay + self.psn_cash_pay + self.acct_mulaid_pay != self.psn_part_amt:
            found.append(FieldViolation(
                "setlinfo.psn_part_amt",
                f"acct_pay {self.acct_pay} + psn_cash_pay {self.psn_cash_pay} + acct_mulaid_pay "
                f"{self.acct_mulaid_pay} != psn_part_amt {self.psn_part_amt}"))
        return found

    def check(self) -> None:
        found = self.violations()
        if found:
            raise ValidationFailed(found, subject="settlement")

    @classmethod
    def from_setlinfo(cls, setlinfo: dict, setldetail: list[dict], chrg_bchno: str) -> Settlement:
        """Build from decoded platform output (amounts already Decimal)."""
        known = {f.name for f in fields(cls)} - {"details", "state", "chrg_bchno"}
        values = {k: v for k, v in setlinfo.items() if k in known and v is not None}
        for name in AMOUNT_FIELDS:
            values.setdefault(name, ZERO)
        if "pool_prop_selfpay" not in values:
            values["pool_prop_selfpay"] = ZERO
        for name in ("setl_id", "medins_setl_id", "insutype", "med_type", "clr_type", "clr_way",
                     "clr_optins", "mdtrt_id", "psn_no"):
            values[name] = str(values.get(name) or "")
        setl_time = values.get("setl_time")
        if isinstance(setl_time, str):
            # the platform's 日期时间型; a preview (2206) may carry none
            values["setl_time"] = _setl_time(setl_time)
        details = [
            FundPayment(
                fund_pay_type=str(row.get("fund_pay_type") or ""),
                fund_payamt=row.get("fund_payamt") or ZERO,
                inscp_scp_amt=row.get("inscp_scp_amt") or ZERO,
                crt_payb_lmt_amt=row.get("crt_payb_lmt_amt"),
                fund_pay_type_name=str(row.get("fund_pay_type_name") or ""),
                setl_proc_info=str(row.get("setl_proc_info") or ""),
            )
            for row in setldetail or []
        ]
        return cls(chrg_bchno=chrg_bchno, details=details, **values)


def _setl_time(text: str) -> datetime | None:
    if not text.strip():
        return None
    parsed = parse_datetime(text)
    if parsed is None:
        raise ValueError(f"setl_time {text!r} is not yyyy-MM-dd HH:mm:ss")
    return parsed
