"""What every synthetic catalogue row shares: the version it belongs to and the audit fields the
platform stamps on each row. Imported by the row makers (catalog_items, catalog_dise, catalog_tcm)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime, timedelta

PROVINCE = "420000"  # the catalogues are provincial: insu_admdvs of every row
POOLAREA = "420100"  # 统筹区 of the platform that publishes them (武汉)
CREATOR = ("SYS0001", "医保目录维护")  # crter_id / crter_name, opter_id / opter_name
OPTINS = "420000001"  # 经办机构 that maintains the catalogues


@dataclass(frozen=True)
class Stamp:
    """One version: its name (yyyyMMdd + 3-digit sequence, e.g. 20250301001) and when it was
    published (the day at 00:00 plus one minute per sequence number, so names and times sort alike).
    Its texts are computed once: every generated row of the version carries them."""

    name: str

    def __post_init__(self):
        if len(self.name) != 11 or not self.name.isdigit():
            raise ValueError(f"version name must be yyyyMMdd + 3 digits, got {self.name!r}")
        datetime.strptime(self.name[:8], "%Y%m%d")  # a real day

    @cached_property
    def day(self) -> date:
        return datetime.strptime(self.name[:8], "%Y%m%d").date()

    @cached_property
    def time(self) -> datetime:
        return datetime.combine(self.day, datetime.min.time()) + timedelta(minutes=int(self.name[8:]))

    @cached_property
    def time_text(self) -> str:
        return self.time.strftime("%Y-%m-%d %H:%M:%S")

    @cached_property
    def date_text(self) -> str:
        return self.day.isoformat()


def version_name(day: date, seq: int = 1) -> str:
    return f"{day:%Y%m%d}{seq:03d}"


def next_version(name: str, day: date | None = None) -> str:
    """The version after `name`: sequence + 1 on the same day, or sequence 1 on a later `day`."""
    last = Stamp(name)
    if day is not None and day > last.day:
        return version_name(day, 1)
    seq = int(name[8:]) + 1
    if seq > 999:
        return version_name(last.day + timedelta(days=1), 1)
    return version_name(last.day, seq)


def rid(tag: str, stamp: Stamp, i: int) -> str:
    """唯一记录号: unique per (kind, version, row) and at most 40 characters."""
    return f"{PROVINCE}{tag}{stamp.name}{i:012d}"


def file_audit(stamp: Stamp, tag: str, i: int) -> dict:
    """The trailing columns of the 13xx download files."""
    return {"有效标志": "1", "唯一记录号": rid(tag, stamp, i), "数据创建时间": stamp.time_text,
            "数据更新时间": stamp.time_text, "版本号": stamp.name, "版本名称": stamp.name}


def query_audit(stamp: Stamp, tag: str, i: int) -> dict:
    """The audit fields of the 1312/1316-1319 query rows."""
    return {"vali_flag": "1", "rid": rid(tag, stamp, i), "updt_time": stamp.time_text,
            "crter_id": CREATOR[0], "crter_name": CREATOR[1], "crte_time": stamp.time_text,
            "crte_optins_no": OPTINS, "opter_id": CREATOR[0], "opter_name": CREATOR[1],
            "opt_time": stamp.time_text, "optins_no": OPTINS, "poolarea_no": POOLAREA}


def pick(seq: tuple, i: int):
    return seq[i % len(seq)]


# Codes the simulator emits for dictionaries the shared spec has not compiled (dicts-core
# "not_compiled"). They are the simulator's own, answerable by 1901, not the national lists.
LOCAL_DICTS: dict[str, tuple[str, dict[str, str]]] = {
    "trt_chk_type": ("待遇检查类型", {"01": "参保状态检查", "02": "待遇期检查", "03": "病种检查"}),
    "hosp_lv": ("医院等级", {"01": "三级特等", "02": "三级甲等", "03": "三级乙等", "04": "三级丙等",
                          "05": "二级甲等", "06": "二级乙等", "07": "二级丙等", "08": "一级甲等",
                          "09": "一级乙等", "10": "一级丙等", "11": "无等级"}),
    "hilist_lmtpric_type": ("医保目录限价类型", {"1": "最高支付限价", "2": "统一支付标准"}),
    "overlmt_dspo_way": ("医保目录超限处理方式", {"1": "超限部分个人自付", "2": "超限部分不予支付"}),
    "selfpay_prop_psn_type": ("医保目录自付比例人员类别", {"0": "全部人员", "1": "职工", "2": "居民"}),
    "selfpay_prop_type": ("目录自付比例类别", {"1": "先行自付比例"}),
    "hilist_use_type": ("医保目录使用类别", {"1": "门诊住院通用", "2": "仅限住院", "3": "仅限门诊"}),
    "lmt_cpnd_type": ("限复方使用类型", {"0": "不限", "1": "单方不予支付"}),
}
