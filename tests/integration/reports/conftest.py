"""A fixed month of outpatient settlements, stored through the visit repository as the 2207 / 2208 flow
stores them, in a month of its own (the database is shared: no other test settles in year 2300+).

The hospital is in 420106 (武汉市江汉区): its city is 4201.

| visit | 险种 | 医疗类别 | 科室 / 医生    | 参保地 | day | settlements                                          |
| V1    | 310  | 11       | A03 内科 / D01 | 420102 | 3   | S1 100.00: 统筹 70.00, 个账 20.00, 现金 10.00        |
| V2    | 310  | 11       | A03 内科 / D01 | 420106 | 3   | S2 250.50 (23:59:59): 统筹 150.30, 大病 20.00, 个账 50.10, 共济 10.00, 现金 20.10 |
| V3    | 390  | 14       | A04 外科 / D02 | 429004 | 4   | S3 80.00 (异地): 统筹 40.00, 救助 8.00, 现金 32.00; 医院负担 not given |
| V4    | 310  | 11       | A04 外科 / D02 | 420100 | 5   | S4 60.00 (统筹 30.00, 个账 30.00), cancelled by S4N -60.00 the same day |
| V5    | 310  | 11       | A03 内科 / D01 | 420106 | 6   | S5 999.99 统筹, reversed by 2601                       |
| V6/V7 | 310  | 11       | A03 内科 / D01 | 420106 | the day before and after the month: outside it |
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.settlement import Settlement, SettlementState
from domain.visit import Visit, VisitState


@dataclass
class FixedMonth:
    year: int
    month: int
    setl_ids: dict[str, str]

    @property
    def text(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def day(self, n: int) -> str:
        return f"{self.text}-{n:02d}"


def _visit(insutype: str, med_type: str, dept: tuple[str, str], doctor: tuple[str, str], insuplc: str,
           when: datetime) -> Visit:
    return Visit(id=str(uuid4()), psn_no=f"P{uuid4().hex[:12]}", insutype=insutype, med_type=med_type,
                 mdtrt_cert_type="02", mdtrt_cert_no="420106199001011234", ipt_otp_no=f"MZ{uuid4().hex[:16]}",
                 begntime=when, dept_code=dept[0], dept_name=dept[1], caty=dept[0], atddr_no=doctor[0],
                 dr_name=doctor[1], insuplc_admdvs=insuplc, psn_name="测试患者", mdtrt_id=f"M{uuid4().hex[:16]}",
                 state=VisitState.SETTLED)


def _settlement(visit: Visit, when: datetime, clr_type: str = "11", **amounts: str) -> Settlement:
    values = {k: Decimal(v) for k, v in amounts.items()}
    return Settlement(mdtrt_id=visit.mdtrt_id, psn_no=visit.psn_no, chrg_bchno=f"B{uuid4().hex[:10]}",
                      setl_id=f"S{uuid4().hex[:16]}", medins_setl_id=f"H{uuid4().hex[:16]}", setl_time=when,
                      insutype=visit.insutype, med_type=visit.med_type, clr_type=clr_type, clr_way="1",
                      clr_optins="420100", **values)


def negative(original: Settlement, when: datetime) -> Settlement:
    """The settlement a 2208 writes: every amount of the original, negated."""
    amounts = {name: -getattr(original, name) for name in ("medfee_sumamt", "hifp_pay", "fund_pay_sumamt",
                                                          "acct_pay", "psn_cash_pay", "hosp_part_amt")
               if getattr(original, name) is not None}
    cancel = Settlement(mdtrt_id=original.mdtrt_id, psn_no=original.psn_no, chrg_bchno=original.chrg_bchno,
                        setl_id=f"S{uuid4().hex[:16]}", setl_time=when, insutype=original.insutype,
                        med_type=original.med_type, clr_type=original.clr_type, clr_way=original.clr_way,
                        **amounts)
    return cancel


def store_fixed_month(uow, year: int, month: int) -> FixedMonth:
    def at(day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
        return datetime(year, month, day, hour, minute, second)

    internal, surgery = ("A03", "内科"), ("A04", "外科")
    d1, d2 = ("D01", "张医生"), ("D02", "王医生")
    ids: dict[str, str] = {}
    visits = []

    v1 = _visit("310", "11", internal, d1, "420102", at(3))
    s1 = _settlement(v1, at(3, 9), medfee_sumamt="100.00", hifp_pay="70.00", fund_pay_sumamt="70.00",
                     acct_pay="20.00", psn_cash_pay="10.00", hosp_part_amt="0.00")
    v1.settlements.append(s1)
    v2 = _visit("310", "11", internal, d1, "420106", at(3))
    s2 = _settlement(v2, at(3, 23, 59, 59), medfee_sumamt="250.50", hifp_pay="150.30", hifmi_pay="20.00",
                     fund_pay_sumamt="170.30", acct_pay="50.10", acct_mulaid_pay="10.00", psn_cash_pay="20.10",
                     hosp_part_amt="0.00")
    v2.settlements.append(s2)
    v3 = _visit("390", "14", surgery, d2, "429004", at(4))
    s3 = _settlement(v3, at(4, 15, 30), medfee_sumamt="80.00", hifp_pay="40.00", maf_pay="8.00",
                     fund_pay_sumamt="48.00", psn_cash_pay="32.00")
    v3.settlements.append(s3)
    v4 = _visit("310", "11", surgery, d2, "420100", at(5))
    s4 = _settlement(v4, at(5, 11), medfee_sumamt="60.00", hifp_pay="30.00", fund_pay_sumamt="30.00",
                     acct_pay="30.00", psn_cash_pay="0.00", hosp_part_amt="0.00")
    s4n = negative(s4, at(5, 16))
    v4.settlements.append(s4)
    v4.cancel_settlement(s4.setl_id, s4n)  # as the 2208 flow records it: S4 marked, S4N kept beside it
    v5 = _visit("310", "11", internal, d1, "420106", at(6))
    s5 = _settlement(v5, at(6, 8), medfee_sumamt="999.99", hifp_pay="999.99", fund_pay_sumamt="999.99")
    s5.state = SettlementState.REVERSED
    v5.settlements.append(s5)
    first = datetime(year, month, 1)
    v6 = _visit("310", "11", internal, d1, "420106", first - timedelta(seconds=1))
    v6.settlements.append(_settlement(v6, first - timedelta(seconds=1), medfee_sumamt="1.00"))
    after = datetime(year + month // 12, month % 12 + 1, 1)
    v7 = _visit("310", "11", internal, d1, "420106", after)
    v7.settlements.append(_settlement(v7, after, medfee_sumamt="2.00"))
    visits = [v1, v2, v3, v4, v5, v6, v7]
    for name, s in (("S1", s1), ("S2", s2), ("S3", s3), ("S4", s4), ("S4N", s4n), ("S5", s5)):
        ids[name] = s.setl_id
    with uow as unit:
        for visit in visits:
            unit.visits.add(visit)
        unit.commit()
    return FixedMonth(year, month, ids)


@pytest.fixture
def fixed_month(app) -> FixedMonth:
    # a month nobody else settles in (years 2300-9000); random, so reruns on a kept database stay apart
    rng = random.Random(uuid4().int)
    return store_fixed_month(app.container.uow(), rng.randrange(2300, 9000), rng.randrange(1, 13))
