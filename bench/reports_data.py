"""Settlements for the reports benchmark: N settlements of one month with realistic distributions,
written straight into `visits`, `insured_admissions` and `settlements` in batches (COPY on PostgreSQL,
executemany on SQLite), not through the use cases: a million rows must take minutes, not hours.

Distributions (seeded, so a run is repeatable): ~8 % inpatient (a stay settled at discharge: 21 普通住院 /
22 外伤住院, 清算类别 21, 清算方式 按项目 / DRG / 单病种, around ¥8,000), the rest outpatient (11 普通门诊
~75 %, 14 慢特病 ~15 %, 13 急诊 ~10 %; 清算方式 1 按项目 ~95 %, 2 单病种); 险种 310 职工 ~60 %, 390 居民
~36 %, 340 / 510 the rest; ~15 % 异地
(参保地 outside 武汉 4201); ~2 % cancelled (the original marked, a negative settlement beside it, as 2208
leaves them) and ~0.3 % reversed (2601); 12 departments with 4-6 doctors each; days of the month weighted
to weekdays, hours 8-18; 门诊 医疗费总额 log-normal around ¥150 (慢特病 ¥400, 急诊 ¥300), split into the funds
so that every settlement adds up (基金 = 统筹 + 大病 + 大额 + 公务员 + 救助; 个人 = 个账 + 共济 + 现金).
The fund rows (setl_details) are not written: no report reads them.
"""
from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from domain.settlement import AMOUNT_FIELDS

LOCAL = ("420102", "420103", "420104", "420105", "420106", "420107", "420111", "420115")
ELSEWHERE = ("420500", "420600", "421000", "421100", "429004", "429005", "110105", "310115", "440305", "500103")
DEPARTMENTS = (("A03", "内科"), ("A04", "外科"), ("A05", "妇产科"), ("A07", "儿科"), ("A10", "眼科"),
               ("A11", "耳鼻咽喉科"), ("A12", "口腔科"), ("A13", "皮肤科"), ("A15", "精神科"), ("A16", "中医科"),
               ("A20", "急诊医学科"), ("A32", "康复医学科"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
VISIT_COLUMNS = ("id", "mdtrt_id", "psn_no", "insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no",
                 "ipt_otp_no", "begntime", "dept_code", "dept_name", "caty", "atddr_no", "dr_name", "insuplc_admdvs",
                 "psn_name", "state", "settling_batch", "settling_since", "version")
ADMISSION_COLUMNS = ("id", "psn_no", "insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no", "ipt_no", "begntime",
                     "dept_code", "dept_name", "caty", "atddr_no", "chfpdr_name", "adm_bed", "adm_diag_dscr",
                     "dise_codg", "dise_name", "insuplc_admdvs", "psn_name", "mdtrt_id", "state", "endtime",
                     "dscg_dept_code", "dscg_dept_name", "dscg_way", "settling_since", "body", "version")
SETTLEMENT_COLUMNS = ("visit_id", "admission_id", "mdtrt_id", "psn_no", "chrg_bchno", "setl_id", "medins_setl_id", "setl_time",
                      "insutype", "med_type", "clr_type", "clr_way", "clr_optins", "pool_prop_selfpay",
                      *AMOUNT_FIELDS, "state", "cancel_setl_id", "discrepancies")
_EMERGENCY = ("A20", "急诊医学科")  # 急诊 is seen there
_EMPTY_BODY = '{"diagnoses": [], "discharge_diagnoses": []}'  # a stay's JSON body: its diagnoses (none here)
_AMOUNT_AT = {name: i for i, name in enumerate(AMOUNT_FIELDS)}


@dataclass
class Generated:
    settlements: int = 0  # rows written, negative settlements included
    visits: int = 0
    stays: int = 0
    cancelled: int = 0
    reversed: int = 0
    nonlocal_: int = 0
    by_insutype: dict[str, int] = field(default_factory=dict)


def _weighted(rng: random.Random, choices: tuple[tuple[object, float], ...]):
    return rng.choices([c for c, _w in choices], [w for _c, w in choices])[0]


class _Maker:
    def __init__(self, year: int, month: int, seed: int, tag: str):
        self.rng = random.Random(seed)
        self.year, self.month, self.tag = year, month, tag
        days = calendar.monthrange(year, month)[1]
        self.days = list(range(1, days + 1))
        self.day_weights = [0.6 if calendar.weekday(year, month, d) >= 5 else 1.0 for d in self.days]
        rng = self.rng
        self.doctors = {code: [(f"D{code}{j:02d}", rng.choice(SURNAMES) + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞")
                                + rng.choice(("", "华", "平", "红", "文")))
                               for j in range(rng.randint(4, 6))] for code, _name in DEPARTMENTS}

    def amounts(self, insutype: str, med_type: str) -> list[int]:
        """The amounts in cents, in AMOUNT_FIELDS order (0 where a fund paid nothing)."""
        rng = self.rng
        median = {"14": 40000, "13": 30000, "21": 800000, "22": 1200000}.get(med_type, 15000)
        total = max(500, min(int(math.exp(rng.gauss(math.log(median), 0.8))), 50_000_000))
        own = total * rng.randint(0, 15) // 100  # 全自费 and 超限价: outside the funds
        scope = total - own
        inpatient = med_type in ("21", "22")
        pool_share = {"310": rng.randint(80, 90) if inpatient else rng.randint(70, 85), "340": 100,
                      "510": 100}.get(insutype, rng.randint(60, 75) if inpatient else rng.randint(50, 65))
        hifp = scope * pool_share // 100
        hifmi = (scope - hifp) * 30 // 100 if total > 300_000 and rng.random() < 0.6 else 0
        hifob = (scope - hifp - hifmi) // 2 if insutype == "310" and total > 1_000_000 else 0
        cvlserv = (scope - hifp - hifmi - hifob) * 40 // 100 if insutype == "310" and rng.random() < 0.05 else 0
        maf = (scope - hifp - hifmi) * 50 // 100 if insutype == "390" and rng.random() < 0.03 else 0
        fund = hifp + hifmi + hifob + cvlserv + maf
        person = total - fund
        acct = person * rng.randint(40, 100) // 100 if insutype == "310" and rng.random() < 0.7 else 0
        mulaid = (person - acct) // 2 if insutype == "310" and rng.random() < 0.03 else 0
        cash = person - acct - mulaid
        values = [0] * len(AMOUNT_FIELDS)
        for name, value in (("medfee_sumamt", total), ("fulamt_ownpay_amt", own), ("inscp_scp_amt", scope),
                            ("hifp_pay", hifp), ("hifmi_pay", hifmi), ("hifob_pay", hifob), ("cvlserv_pay", cvlserv),
                            ("maf_pay", maf), ("fund_pay_sumamt", fund), ("psn_part_amt", person), ("acct_pay", acct),
                            ("acct_mulaid_pay", mulaid), ("psn_cash_pay", cash)):
            values[_AMOUNT_AT[name]] = value
        return values

    def settlement(self, i: int):
        """The visit or stay row and its settlement rows (one, or the original and its negative), as dicts:
        (kind "visit" / "stay", owner row, settlement rows, 异地, state)."""
        rng = self.rng
        inpatient = rng.random() < 0.08
        insutype = _weighted(rng, (("310", 0.60), ("390", 0.36), ("340", 0.02), ("510", 0.02)))
        if inpatient:
            med_type = _weighted(rng, (("21", 0.9), ("22", 0.1)))
            dept_code, dept_name = rng.choice(DEPARTMENTS[:4])  # the wards of 内, 外, 妇产, 儿
        else:
            med_type = _weighted(rng, (("11", 0.75), ("14", 0.15), ("13", 0.10)))
            dept_code, dept_name = _EMERGENCY if med_type == "13" else rng.choice(DEPARTMENTS)
        doctor_code, doctor_name = rng.choice(self.doctors[dept_code])
        remote = rng.random() < 0.15
        day = rng.choices(self.days, self.day_weights)[0]
        when = datetime(self.year, self.month, day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        owner_id = f"G{self.tag}{i:09d}"
        psn_no = f"42{self.tag}{rng.randrange(10**9):09d}"
        common = {"id": owner_id, "mdtrt_id": f"M{self.tag}{i:09d}", "psn_no": psn_no, "insutype": insutype,
                  "med_type": med_type, "mdtrt_cert_type": "02", "mdtrt_cert_no": psn_no, "dept_code": dept_code,
                  "dept_name": dept_name, "caty": dept_code, "atddr_no": doctor_code,
                  "insuplc_admdvs": rng.choice(ELSEWHERE if remote else LOCAL), "psn_name": rng.choice(SURNAMES) + "某",
                  "state": "SETTLED", "settling_since": None, "version": 1}
        if inpatient:
            owner = {**common, "ipt_no": f"ZY{self.tag}{i:09d}", "begntime": when - timedelta(days=rng.randint(2, 15)),
                     "chfpdr_name": doctor_name, "adm_bed": f"{rng.randint(1, 40):02d}", "adm_diag_dscr": "",
                     "dise_codg": "", "dise_name": "", "endtime": when - timedelta(hours=2), "dscg_dept_code": dept_code,
                     "dscg_dept_name": dept_name, "dscg_way": "1", "body": _EMPTY_BODY}
        else:
            owner = {**common, "ipt_otp_no": f"MZ{self.tag}{i:09d}", "begntime": when - timedelta(minutes=rng.randint(10, 90)),
                     "dr_name": doctor_name, "settling_batch": ""}
        amounts = self.amounts(insutype, med_type)
        roll = rng.random()
        state = "ACTIVE" if roll >= 0.023 else ("REVERSED" if roll < 0.003 else "CANCELLED")
        clr_way = (_weighted(rng, (("1", 0.80), ("4", 0.15), ("2", 0.05))) if inpatient
                   else "2" if rng.random() < 0.05 else "1")
        setl = {"visit_id": None if inpatient else owner_id, "admission_id": owner_id if inpatient else None,
                "mdtrt_id": owner["mdtrt_id"], "psn_no": psn_no,
                "chrg_bchno": f"B{self.tag}{i:09d}", "setl_id": f"S{self.tag}{i:09d}",
                "medins_setl_id": f"H{self.tag}{i:09d}", "setl_time": when, "insutype": insutype,
                "med_type": med_type, "clr_type": "21" if inpatient else "11", "clr_way": clr_way,
                "clr_optins": owner["insuplc_admdvs"][:4] + "00", "pool_prop_selfpay": None,
                "amounts": amounts, "state": state, "cancel_setl_id": "", "discrepancies": ""}
        rows = [setl]
        if state == "CANCELLED":  # 2208 / 2305: the original marked, the negative settlement beside it, hours later
            setl["cancel_setl_id"] = f"N{self.tag}{i:09d}"
            later = min(when + timedelta(minutes=rng.randint(5, 600)), datetime(self.year, self.month, day, 23, 59, 59))
            rows.append({**setl, "setl_id": setl["cancel_setl_id"], "medins_setl_id": f"R{self.tag}{i:09d}",
                         "setl_time": later, "amounts": [-a for a in amounts], "cancel_setl_id": ""})
        return ("stay" if inpatient else "visit"), owner, rows, remote, state


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def generate(engine: Engine, year: int, month: int, count: int, seed: int = 12, batch: int = 20_000,
             tag: str | None = None) -> Generated:
    """Write `count` settled visits and stays of the month (and the negative settlements of the cancelled ones)."""
    tag = tag or f"{year % 100:02d}{month:02d}{seed % 100:02d}"
    maker, done = _Maker(year, month, seed, tag), Generated()
    write = _copy if engine.dialect.name == "postgresql" else _insert
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        for start in range(0, count, batch):
            owners: dict[str, list[dict]] = {"visit": [], "stay": []}
            settlements = []
            for i in range(start, min(start + batch, count)):
                kind, owner, rows, remote, state = maker.settlement(i)
                owners[kind].append(owner)
                settlements += rows
                done.settlements += len(rows)
                done.nonlocal_ += remote
                done.cancelled += state == "CANCELLED"
                done.reversed += state == "REVERSED"
                done.by_insutype[owner["insutype"]] = done.by_insutype.get(owner["insutype"], 0) + 1
            done.visits += len(owners["visit"])
            done.stays += len(owners["stay"])
            write(dbapi, "visits", VISIT_COLUMNS, [[v[c] for c in VISIT_COLUMNS] for v in owners["visit"]])
            write(dbapi, "insured_admissions", ADMISSION_COLUMNS,
                  [[a[c] for c in ADMISSION_COLUMNS] for a in owners["stay"]])
            write(dbapi, "settlements", SETTLEMENT_COLUMNS, [_settlement_values(s) for s in settlements])
            dbapi.commit()
    finally:
        raw.close()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            for table in ("visits", "insured_admissions", "settlements"):
                conn.exec_driver_sql(f"ANALYZE {table}")
            conn.commit()
    return done


def _settlement_values(row: dict) -> list:
    return [*(row[c] for c in SETTLEMENT_COLUMNS[:13]), row["pool_prop_selfpay"], *map(_cents, row["amounts"]),
            row["state"], row["cancel_setl_id"], row["discrepancies"]]


def _copy(conn, table: str, columns: tuple[str, ...], rows: list[list]) -> None:
    """COPY in text format, each batch one string: the generator's values hold no tab, newline or
    backslash, so a line is the values joined (NULL as \\N); psycopg's write_row would adapt each value."""
    if rows:
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write("\n".join("\t".join("\\N" if v is None else str(v) for v in row) for row in rows) + "\n")


def _insert(conn, table: str, columns: tuple[str, ...], rows: list[list]) -> None:
    """SQLite: times and amounts as the app stores them (ISO text with microseconds, decimal text)."""
    def stored(value):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S.000000")
        return format(value, "f") if isinstance(value, Decimal) else value

    if rows:
        cur = conn.cursor()
        cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                        [[stored(v) for v in row] for row in rows])
        cur.close()
