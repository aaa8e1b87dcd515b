"""The figures of a settlement report: summary rows (a group, the standing of its settlements, a count
and the fund breakdown), detail rows (one settlement each), the totals, and the names shown for codes.

Cancellations are never netted silently: every row carries its settlements' standing, and the totals
give each standing apart before the net figure, which says what it adds up.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from domain.money import ZERO
from domain.reports.query import Dimension, ReportQuery
from domain.settlement import AMOUNT_FIELDS


class Standing(str, Enum):
    """Where a stored settlement stands (domain.settlement.SettlementState, with the two rows a
    cancellation leaves told apart)."""

    SETTLED = "SETTLED"  # in force
    CANCELLED = "CANCELLED"  # settled, later cancelled by 2208 / 2305 (it happened on its day)
    CANCELLATION = "CANCELLATION"  # the negative settlement the cancellation wrote
    REVERSED = "REVERSED"  # undone by 冲正 2601: as if it never happened, so outside the net figure

    @property
    def label(self) -> str:
        return _STANDING_LABELS[self]


_STANDING_LABELS = {Standing.SETTLED: "正常结算", Standing.CANCELLED: "已撤销(原结算)",
                    Standing.CANCELLATION: "撤销冲销(负结算)", Standing.REVERSED: "已冲正"}
# What the net figure adds up: a cancelled settlement and its negative row sum to zero.
NET_STANDINGS = (Standing.SETTLED, Standing.CANCELLED, Standing.CANCELLATION)

# The fund breakdown of every report row, in the platform's names, with the 医保办's headers.
FUNDS: tuple[tuple[str, str], ...] = (
    ("medfee_sumamt", "医疗费总额"),
    ("fund_pay_sumamt", "基金支付总额"),
    ("hifp_pay", "统筹基金支出"),
    ("hifmi_pay", "大病保险"),
    ("hifob_pay", "大额医疗补助"),
    ("cvlserv_pay", "公务员医疗补助"),
    ("maf_pay", "医疗救助"),
    ("oth_pay", "其他支出"),
    ("acct_pay", "个人账户支出"),
    ("acct_mulaid_pay", "个人账户共济"),
    ("psn_cash_pay", "现金支付"),
    ("hosp_part_amt", "医院负担"),
)
FUND_FIELDS = tuple(name for name, _label in FUNDS)
assert set(FUND_FIELDS) <= set(AMOUNT_FIELDS)
# The funds the monthly chart draws day by day (the pools, the account and cash; the sum is 医疗费总额).
CHART_FUNDS = ("hifp_pay", "hifmi_pay", "hifob_pay", "cvlserv_pay", "maf_pay", "acct_pay", "psn_cash_pay")

# Names of the codes a report shows (the platform's dictionaries; a code not here shows as itself).
CODE_NAMES: dict[Dimension, dict[str, str]] = {
    Dimension.INSUTYPE: {"310": "职工基本医疗保险", "320": "公务员医疗补助", "330": "大额医疗费用补助",
                         "340": "离休人员医疗保障", "390": "城乡居民基本医疗保险", "392": "城乡居民大病医疗保险",
                         "510": "生育保险"},
    Dimension.MED_TYPE: {"11": "普通门诊", "12": "门诊挂号", "13": "急诊", "14": "门诊慢特病", "21": "普通住院",
                         "22": "外伤住院", "24": "急诊转住院", "51": "生育门诊", "52": "生育住院"},
    Dimension.CLR_TYPE: {"11": "门诊", "21": "住院", "41": "定点药店购药", "99": "其他"},
    Dimension.CLR_WAY: {"1": "按项目", "2": "单病种", "3": "按病种分值", "4": "疾病诊断相关分组", "5": "按床日",
                        "6": "按人头"},
    Dimension.PLACE: {"LOCAL": "本地", "NONLOCAL": "异地"},
    Dimension.SERVICE: {"OUTPATIENT": "门诊", "INPATIENT": "住院"},
}


def code_name(dim: Dimension, code: str) -> str:
    return CODE_NAMES.get(dim, {}).get(code, "")


def zero_amounts() -> tuple[Decimal, ...]:
    return (ZERO,) * len(FUNDS)


class _FundAmounts:
    amounts: tuple[Decimal, ...]  # in FUNDS order

    def amount(self, fund: str) -> Decimal:
        return self.amounts[FUND_FIELDS.index(fund)]


@dataclass(frozen=True)
class SummaryRow(_FundAmounts):
    """One group: its codes and names (one each per dimension of the query), the standing of its
    settlements, how many, and their amounts in FUNDS order (a fund no settlement gave counts 0)."""

    keys: tuple[str, ...]
    names: tuple[str, ...]
    standing: Standing
    count: int
    amounts: tuple[Decimal, ...]


@dataclass(frozen=True)
class Total(_FundAmounts):
    label: str
    count: int
    amounts: tuple[Decimal, ...]


@dataclass(frozen=True)
class Summary:
    query: ReportQuery
    rows: list[SummaryRow]
    generated_at: datetime

    def totals(self) -> list[Total]:
        """Each standing apart, then the net figure (RunningTotals.totals)."""
        running = RunningTotals()
        for row in self.rows:
            running.add(row.standing, row.count, row.amounts)
        return running.totals()


NET_LABEL = "净额(正常+已撤销+撤销冲销，不含冲正)"


class RunningTotals:
    """Totals by standing, added up row by row (a streamed detail list keeps only these)."""

    def __init__(self) -> None:
        self._counts = dict.fromkeys(Standing, 0)
        self._amounts = {s: [ZERO] * len(FUNDS) for s in Standing}

    def add(self, standing: Standing, count: int, amounts: tuple[Decimal, ...]) -> None:
        self._counts[standing] += count
        sums = self._amounts[standing]
        for i, value in enumerate(amounts):
            sums[i] += value

    def totals(self) -> list[Total]:
        """Each standing apart (合计：正常结算 ...), then the net figure, whose label says what it adds up."""
        found = [Total(f"合计：{s.label}", self._counts[s], tuple(self._amounts[s])) for s in Standing]
        net = [sum((self._amounts[s][i] for s in NET_STANDINGS), ZERO) for i in range(len(FUNDS))]
        return [*found, Total(NET_LABEL, sum(self._counts[s] for s in NET_STANDINGS), tuple(net))]


@dataclass(frozen=True)
class DetailRow:
    """One stored settlement, with what the report knows of its visit or stay."""

    setl_id: str
    setl_time: datetime
    service: str  # Service value
    owner_id: str  # the visit's or the stay's id
    mdtrt_id: str
    psn_no: str
    psn_name: str
    insutype: str
    med_type: str
    clr_type: str
    clr_way: str
    insuplc_admdvs: str
    place: str  # Place value
    dept_code: str
    dept_name: str
    doctor_code: str
    doctor_name: str
    standing: Standing
    cancel_setl_id: str
    amounts: tuple[Decimal, ...]


DETAIL_HEADERS = ("结算ID", "结算时间", "门诊/住院", "就诊/住院登记号", "就诊ID", "人员编号", "姓名", "险种",
                  "医疗类别", "清算类别", "清算方式", "参保地", "本地/异地", "科室编码", "科室", "医生编码", "医生",
                  "状态", "撤销结算ID", *(label for _f, label in FUNDS))


def detail_cells(row: DetailRow) -> tuple:
    """A detail row as the cells of DETAIL_HEADERS (amounts stay Decimal, the time a datetime)."""
    return (row.setl_id, row.setl_time, code_name(Dimension.SERVICE, row.service), row.owner_id, row.mdtrt_id,
            row.psn_no, row.psn_name, row.insutype, row.med_type, row.clr_type, row.clr_way, row.insuplc_admdvs,
            code_name(Dimension.PLACE, row.place), row.dept_code, row.dept_name, row.doctor_code, row.doctor_name,
            row.standing.label, row.cancel_setl_id, *row.amounts)


def summary_headers(query: ReportQuery) -> tuple[str, ...]:
    dims = []
    for dim in query.group_by:
        dims += [dim.label, f"{dim.label}名称"] if dim.named else [dim.label]
    return (*dims, "状态", "笔数", *(label for _f, label in FUNDS))


def summary_cells(query: ReportQuery, row: SummaryRow) -> tuple:
    dims: list[str] = []
    for dim, key, name in zip(query.group_by, row.keys, row.names):
        dims += [key, name] if dim.named else [key]
    return (*dims, row.standing.label, row.count, *row.amounts)


@dataclass(frozen=True)
class DailySeries:
    """Day-by-day amounts of a period (net of cancellations, without reversals), for the chart: 医疗费总额
    by 险种, and each fund of CHART_FUNDS."""

    days: list[date]
    insutypes: list[str]
    by_insutype: dict[str, list[Decimal]]  # insutype -> 医疗费总额 per day
    by_fund: dict[str, list[Decimal]]  # fund -> amount per day


def daily_series(days: list[date], rows: Iterable[SummaryRow]) -> DailySeries:
    """From summary rows grouped by (day, insutype): every day of `days`, 0 where nothing was settled."""
    index = {d.isoformat(): i for i, d in enumerate(days)}
    by_insutype: dict[str, list[Decimal]] = {}
    by_fund = {fund: [ZERO] * len(days) for fund in CHART_FUNDS}
    for row in rows:
        if row.standing not in NET_STANDINGS or row.keys[0] not in index:
            continue
        i = index[row.keys[0]]
        series = by_insutype.setdefault(row.keys[1], [ZERO] * len(days))
        series[i] += row.amount("medfee_sumamt")
        for fund in CHART_FUNDS:
            by_fund[fund][i] += row.amount(fund)
    insutypes = sorted(by_insutype)
    return DailySeries(days, insutypes, {k: by_insutype[k] for k in insutypes}, by_fund)
