"""The simulator's synthetic catalogues: which kinds exist and a lazy, deterministic generator of
their rows. Nothing here holds rows: row i of a kind in a version is a pure function of (i, version),
so a million-row catalogue costs nothing until it is read, and then one row at a time.

Kinds (KINDS): drug, herb, service, material (the 医保目录 of 1312/1312a, list_type 101/102/201/301,
rows keyed by the 1312 output fields plus dosform/spec/prcunt/pacspec/aprvno/prodentp_name/
hilist_pric_uplmt_amt/selfpay_prop); disease 1307, operation 1308, chronic 1309, dise_pay 1310,
daysurg 1311, tumour 1313, tcm_disease 1314, tcm_syndrome 1315 (rows keyed by the Chinese column
names of the catalogue's file_columns, in that order).

Versions are named yyyyMMdd + 3-digit sequence (20250301001); a newer version sorts after an older.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from adapters.yb_sim import catalog_dise as dise
from adapters.yb_sim import catalog_items as items
from adapters.yb_sim import catalog_tcm as tcm
from adapters.yb_sim.catalog_base import (LOCAL_DICTS, PROVINCE, Stamp, file_audit, next_version, query_audit,
                                          version_name)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    infno: str  # the 13xx download that serves it; "" for the 医保目录 kinds (1312/1312a query them)
    code_key: str  # the row key holding the code
    make: Callable[[int, Stamp], dict]
    list_type: str = ""
    tag: str = ""  # rid tag of hand-published rows

    @property
    def hilist(self) -> bool:
        return bool(self.list_type)


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("drug", "西药中成药", "", "hilist_code", items.drug, "101", "YPD"),
    Kind("herb", "中药饮片", "", "hilist_code", items.herb, "102", "YPH"),
    Kind("service", "医疗服务项目", "", "hilist_code", items.service, "201", "ZLS"),
    Kind("material", "医用耗材", "", "hilist_code", items.material, "301", "HCM"),
    Kind("disease", "疾病与诊断", "1307", "诊断代码", dise.disease, tag="JBZD"),
    Kind("operation", "手术操作", "1308", "手术操作代码", dise.operation, tag="SSCZ"),
    Kind("chronic", "门诊慢特病种", "1309", "门慢门特病种目录代码", tcm.chronic, tag="MMT"),
    Kind("dise_pay", "按病种付费病种", "1310", "按病种结算病种目录代码", dise.dise_pay, tag="BZFF"),
    Kind("daysurg", "日间手术治疗病种", "1311", "日间手术病种目录代码", dise.daysurg, tag="RJSS"),
    Kind("tumour", "肿瘤形态学", "1313", "肿瘤/细胞类型代码", tcm.tumour, tag="ZLXT"),
    Kind("tcm_disease", "中医疾病", "1314", "疾病分类代码", tcm.tcm_disease, tag="ZYJB"),
    Kind("tcm_syndrome", "中医证候", "1315", "证候分类代码", tcm.tcm_syndrome, tag="ZYZH"),
)}
HILIST_KINDS = tuple(k.name for k in KINDS.values() if k.hilist)
DOWNLOADS = {k.infno: k.name for k in KINDS.values() if k.infno}  # 13xx code -> kind
# A fresh simulator publishes three versions of every kind, small enough for tests (the 医保目录
# kinds also carry the settleable demo items in their first version).
DEFAULT_VERSIONS = ("20250101001", "20250301001", "20250501001")
DEFAULT_SIZES = (120, 40, 20)


def kind(name: str) -> Kind:
    found = KINDS.get(name)
    if found is None:
        raise ValueError(f"unknown catalogue kind {name!r}; known: {', '.join(KINDS)}")
    return found


def generate(kind_name: str, count: int, start: int = 0, version: str = DEFAULT_VERSIONS[0]) -> Iterator[dict]:
    """Rows start .. start+count-1 of a kind, stamped with `version`, made one at a time as they are
    read (a generator: 1,000,000 rows cost nothing until iterated)."""
    make, stamp = kind(kind_name).make, Stamp(version)
    if count < 0 or start < 0:
        raise ValueError("count and start must not be negative")
    return (make(i, stamp) for i in range(start, start + count))


def complete_row(kind_name: str, row: dict, version: str, n: int) -> dict:
    """A row published by hand (a new code or a change to an existing one), completed the way the
    platform stores it: audit fields of its version, defaults for what it leaves out."""
    spec, stamp = kind(kind_name), Stamp(version)
    if not str(row.get(spec.code_key) or "").strip():
        raise ValueError(f"a {spec.name} row needs {spec.code_key}")
    if spec.hilist:
        base = {"insu_admdvs": PROVINCE, "begndate": stamp.date_text, "enddate": None, "list_type": spec.list_type,
                "med_use_flag": "1", "matn_used_flag": "0", "lmt_used_flag": "0", "hilist_use_type": "1",
                "lmt_cpnd_type": "0", "chrgitm_lv": "01", "hilist_pric_uplmt_amt": None, "selfpay_prop": None}
        base.update(query_audit(stamp, spec.tag, 800_000_000 + n))
        forced = {"updt_time": stamp.time_text, "opt_time": stamp.time_text}
    else:
        base = file_audit(stamp, spec.tag, 800_000_000 + n)
        forced = {"数据更新时间": stamp.time_text, "版本号": stamp.name, "版本名称": stamp.name}
    base.update(row)
    base.update(forced)  # a version's rows carry its name and time, whatever the caller wrote
    return base


__all__ = ["KINDS", "HILIST_KINDS", "DOWNLOADS", "DEFAULT_VERSIONS", "DEFAULT_SIZES", "LOCAL_DICTS", "Kind",
           "Stamp", "kind", "generate", "complete_row", "next_version", "version_name"]
