"""What the inpatient, pharmacy, filing and query handlers share: admissions, the fee-row fields
the platform keeps beyond `Fee`, serial numbers and time ranges."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, time

from adapters.yb_sim.handlers.common import TIME, Call, refuse, text, visit
from adapters.yb_sim.state import ACTIVE, Settlement, SimState, Visit

IN, OUT, CANCELLED = "in", "out", "cancelled"
INPATIENT_CLR_TYPE = "21"
PHARMACY_CLR_TYPE = "41"
# med_type codes of the closed dictionary that are hospital stays (住院 / 日间手术 / 生育住院 ...)
INPATIENT_MED_TYPES = frozenset({"21", "22", "23", "24", "25", "26", "28", "52", "2114", "3101"})
CHRONIC_MED_TYPES = frozenset({"14", "140104", "140201"})  # 门诊慢特病 and its Hubei sub-codes
# fee-row fields kept for the 5xxx queries (Fee holds only what settlement needs)
FEE_EXTRA_FIELDS = ("rxno", "drord_no", "fee_ocur_time", "medins_list_codg", "sin_dos_dscr", "used_frqu_dscr",
                    "prd_days", "medc_way_dscr", "bilg_dept_codg", "bilg_dept_name", "bilg_dr_codg",
                    "bilg_dr_name", "acord_dept_codg", "acord_dept_name", "orders_dr_code", "orders_dr_name",
                    "hosp_appr_flag", "tcmdrug_used_way", "etip_flag", "etip_hosp_code", "dscg_tkdrug_flag",
                    "matn_fee_flag", "memo")
_INSTANCES = itertools.count(1)


@dataclass
class Admission:
    """The inpatient side of a Visit (the Visit itself sits in state.visits like any other)."""

    mdtrt_id: str
    psn_no: str
    status: str = IN
    endtime: str = ""
    dscginfo: dict = field(default_factory=dict)
    mid_setl_ids: set[str] = field(default_factory=set)  # settled with mid_setl_flag 1 (中途结算)


class Serials:
    """Numbers this platform issues outside `Ids` (filings, special attributes). First-use time and
    an instance number are part of each, so a restarted simulator never reissues one."""

    def __init__(self, admdvs: str, boot: datetime):
        self._admdvs = admdvs
        self._boot = boot.strftime("%y%m%d%H%M%S") + f"{next(_INSTANCES) % 100:02d}"
        self._count = itertools.count(1)

    def next(self, kind: str) -> str:
        # kind is one digit, never 1 or 2 (Ids uses them for mdtrt_id and setl_id)
        return f"{self._admdvs}{kind}{self._boot}{next(self._count):06d}"


def serial(call: Call, kind: str) -> str:
    return call.state.section("yb_sim.serials", lambda: Serials(call.admdvs, call.now)).next(kind)


def admissions(state: SimState) -> dict[str, Admission]:
    return state.section("inpatient.admissions", dict)


def fee_extras(state: SimState) -> dict[tuple[str, str], dict]:
    """(mdtrt_id, feedetl_sn) -> the uploaded row's descriptive fields."""
    return state.section("inpatient.fee_extras", dict)


def keep_extras(state: SimState, mdtrt_id: str, sn: str, row: dict) -> None:
    fee_extras(state)[(mdtrt_id, sn)] = {k: row[k] for k in FEE_EXTRA_FIELDS if row.get(k) not in (None, "")}


def admission(call: Call, mdtrt_id: str, psn_no: str) -> tuple[Visit, Admission]:
    """The inpatient visit, checked to exist, to be a hospital stay and to belong to psn_no."""
    found = visit(call, mdtrt_id, psn_no)  # unknown id, other person
    adm = admissions(call.state).get(mdtrt_id)
    if adm is None:
        refuse(f"就诊ID[{mdtrt_id}]不是住院就诊，不能办理住院业务")
    return found, adm


def live_settlements(state: SimState, found: Visit) -> list[Settlement]:
    """Settlements of the visit in force, oldest first (negative ones excluded)."""
    rows = (state.settlements[i] for i in found.setl_ids)
    return [s for s in rows if s.state == ACTIVE and not s.origin_setl_id]


def final_settlement(state: SimState, found: Visit, adm: Admission) -> Settlement | None:
    return next((s for s in live_settlements(state, found) if s.setl_id not in adm.mid_setl_ids), None)


def in_hospital(state: SimState, psn_no: str) -> Admission | None:
    return next((a for a in admissions(state).values() if a.psn_no == psn_no and a.status == IN), None)


def parse_time(value: object, end_of_day: bool = False) -> datetime | None:
    """yyyy-MM-dd HH:mm:ss or yyyy-MM-dd (a bare date ends the day when it closes a range)."""
    raw = text(value)
    if len(raw) == 19 and raw[10] == " " and raw[13] == raw[16] == ":":  # TIME, parsed in C: 5262 reads every row
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            return None
    try:
        return datetime.strptime(raw, TIME)
    except ValueError:
        pass
    try:
        day = datetime.strptime(raw, "%Y-%m-%d")
    except ValueError:
        return None
    return datetime.combine(day.date(), time.max.replace(microsecond=0)) if end_of_day else day


def time_range(data: dict, begin: str = "begntime", end: str = "endtime") -> tuple[datetime, datetime]:
    start = parse_time(data.get(begin)) or datetime.min
    stop = parse_time(data.get(end), end_of_day=True) or datetime.max
    if stop < start:
        refuse(f"结束时间[{text(data.get(end))}]早于开始时间[{text(data.get(begin))}]")
    return start, stop


