"""Rows of the 医保目录 (drugs, herbal pieces, services, materials) as 1312 answers them, plus the
attributes 1317-1319 need (dosage form, unit, price ceiling, 先行自付比例).

Codes follow the national shapes: 23-character drug codes (X western / Z patent), T + 9 digits for
herbal pieces, 15-digit service codes, C + 26 for materials. Names are ordinary generic names;
enterprises and numbers are invented. Each row is a function of (index, version) alone.
"""
from __future__ import annotations

from decimal import Decimal

from adapters.yb_sim.catalog_base import PROVINCE, Stamp, pick, query_audit
from adapters.yb_sim.demo_items import DemoItem
from domain.money import money

KIND_OF_TYPE = {"09": "drug", "11": "drug", "10": "herb", "08": "material"}  # others: service
LIST_TYPE = {"drug": "101", "herb": "102", "service": "201", "material": "301"}
TAG = {"drug": "YP", "herb": "YP", "service": "ZL", "material": "HC"}  # also the 1317 code prefixes
_LEVELS = ("01", "01", "02", "02", "03")  # most listed items are 甲/乙
_PROPS = (Decimal("0.05"), Decimal("0.10"), Decimal("0.15"), Decimal("0.20"))
_MAKERS = ("华中示范制药有限公司", "江汉示范药业股份有限公司", "楚天示范医药有限公司", "汉江示范医疗器械有限公司")

# (class code, name, pinyin initials)
_WEST = (("J01CA", "氨苄西林", "ABXL"), ("J01DC", "头孢克洛", "TBKL"), ("J01FA", "阿奇霉素", "AQMS"),
         ("J01MA", "左氧氟沙星", "ZYFSX"), ("M01AE", "布洛芬", "BLF"), ("N02BA", "阿司匹林", "ASPL"),
         ("C09AA", "卡托普利", "KTPL"), ("C07AB", "美托洛尔", "MTLE"), ("C10AA", "阿托伐他汀钙", "ATFTTG"),
         ("A10BB", "格列齐特", "GLQT"), ("A02BC", "泮托拉唑钠", "PTLZN"), ("R06AX", "氯雷他定", "LLTD"),
         ("H02AB", "地塞米松", "DSMS"), ("C03CA", "呋塞米", "FSM"), ("B01AC", "氯吡格雷", "LBGL"))
_PATENT = (("A04AA", "板蓝根", "BLG"), ("A12AB", "六味地黄", "LWDH"), ("A06AA", "复方丹参", "FFDS"),
           ("A02AA", "藿香正气", "HXZQ"), ("A01AB", "银翘解毒", "YQJD"), ("A01AA", "感冒清热", "GMQR"),
           ("A13AA", "逍遥", "XY"), ("A01BA", "牛黄解毒", "NHJD"), ("A06AC", "通心络", "TXL"))
# (form, pinyin, dosage-form code, unit)
_WEST_FORMS = (("片", "P", "A001", "片"), ("胶囊", "JN", "A010", "粒"), ("缓释片", "HSP", "A003", "片"),
               ("注射液", "ZSY", "B002", "支"), ("分散片", "FSP", "A005", "片"))
_PATENT_FORMS = (("颗粒", "KL", "C001", "袋"), ("丸", "W", "D001", "丸"), ("片", "P", "A001", "片"),
                 ("胶囊", "JN", "A010", "粒"), ("口服液", "KFY", "E001", "支"))
_SPECS = ("0.25g", "0.5g", "10mg", "20mg", "5ml:0.1g", "0.1g")
_HERBS = (("当归", "DG"), ("党参", "DS"), ("白术", "BZ"), ("茯苓", "FL"), ("甘草", "GC"), ("川芎", "CX"),
          ("白芍", "BS"), ("熟地黄", "SDH"), ("陈皮", "CP"), ("半夏", "BX"), ("金银花", "JYH"), ("连翘", "LQ"),
          ("桔梗", "JG"), ("枸杞子", "GQZ"), ("丹参", "DS"))
_HERB_WAYS = (("", ""), ("炒", "C"), ("炙", "Z"), ("酒", "J"))
# (chapter, med_chrgitm_type, unit, ((name, pinyin), ...))
_SERVICES = (
    ("11", "02", "次", (("门诊诊查费", "MZZCF"), ("急诊诊查费", "JZZCF"), ("住院诊查费", "ZYZCF"))),
    ("12", "07", "日", (("一级护理", "YJHL"), ("二级护理", "EJHL"), ("特级护理", "TJHL"))),
    ("21", "03", "部位", (("数字化摄影", "SZHSY"), ("CT平扫", "CTPS"), ("磁共振平扫", "CGZPS"))),
    ("22", "03", "次", (("腹部超声检查", "FBCSJC"), ("心脏彩色多普勒超声", "XZCSDPLCS"))),
    ("25", "04", "项", (("尿常规检查", "NCGJC"), ("血糖测定", "XTCD"), ("血脂测定", "XZCD"), ("电解质测定", "DJZCD"))),
    ("31", "05", "次", (("雾化吸入", "WHXR"), ("换药", "HY"), ("导尿", "DN"))),
    ("33", "06", "次", (("阑尾切除术", "LWQCS"), ("胆囊切除术", "DNQCS"), ("腹股沟疝修补术", "FGGSXBS"))),
    ("41", "05", "次", (("普通针刺", "PTZC"), ("艾灸", "AJ"), ("推拿治疗", "TNZL"))),
)
# (class digits, name, pinyin, ceiling or None)
_MATERIALS = (("010101", "一次性使用输液器", "YCXSYSYQ", None), ("020301", "医用棉签", "YYMQ", None),
              ("030201", "一次性使用导尿管", "YCXSYDNG", None), ("020402", "医用胶带", "YYJD", None),
              ("010203", "一次性使用静脉留置针", "YCXSYJMLZZ", Decimal("28.00")),
              ("130201", "人工晶状体", "RGJZT", Decimal("2800.00")),
              ("020101", "冠状动脉药物洗脱支架", "GZDMYWXTZJ", Decimal("800.00")))


def _price(i: int) -> Decimal:
    return money(Decimal((i * 37) % 4000 + 50) / 100)


def _row(kind: str, i: int, stamp: Stamp, code: str, name: str, med_chrgitm_type: str, chrgitm_lv: str,
         pinyin: str | None, ceiling: Decimal | None, prop: Decimal | None, extra: dict) -> dict:
    row = {"hilist_code": code, "hilist_name": name, "insu_admdvs": PROVINCE, "begndate": stamp.date_text,
           "enddate": None, "med_chrgitm_type": med_chrgitm_type, "chrgitm_lv": chrgitm_lv,
           "lmt_used_flag": "0", "list_type": LIST_TYPE[kind], "med_use_flag": "1", "matn_used_flag": "0",
           "hilist_use_type": "1", "lmt_cpnd_type": "0", "wubi": None, "pinyin": pinyin, "memo": None}
    row.update(query_audit(stamp, TAG[kind] + kind[0].upper(), i))
    # Not 1312 fields: what 1317 (dosform, spec ...), 1318 and 1319 answer from the same row.
    row.update({"dosform": None, "spec": None, "prcunt": None, "pacspec": None, "aprvno": None,
                "prodentp_name": None, "hilist_pric_uplmt_amt": ceiling,
                "selfpay_prop": prop if chrgitm_lv == "02" else None})
    row.update(extra)
    return row


def _level(i: int) -> tuple[str, Decimal | None]:
    lv = pick(_LEVELS, i // 7)  # not i: levels would follow the drug families in lockstep
    return lv, (pick(_PROPS, i // 3) if lv == "02" else None)


def drug(i: int, stamp: Stamp) -> dict:
    lv, prop = _level(i)
    spec, maker = pick(_SPECS, i // 5), pick(_MAKERS[:3], i)
    if i % 4 == 3:  # one in four is a 中成药
        cls, stem, py = pick(_PATENT, i)
        form, fpy, fcode, unit = pick(_PATENT_FORMS, i // len(_PATENT))
        code, typ, aprv = f"Z{cls}A{(i // 9) % 1000:03d}{i:013d}", "11", f"国药准字Z{(20000000 + i) % 10**8:08d}"
    else:
        cls, stem, py = pick(_WEST, i)
        form, fpy, fcode, unit = pick(_WEST_FORMS, i // len(_WEST))
        code, typ, aprv = f"X{cls}A{(i // 15) % 1000:03d}{fcode}{i:09d}", "09", f"国药准字H{(20000000 + i) % 10**8:08d}"
    return _row("drug", i, stamp, code, stem + form, typ, lv, py + fpy, _price(i) if i % 4 == 0 else None, prop,
                {"dosform": form, "spec": spec, "prcunt": unit, "pacspec": f"{spec}*{pick((12, 24, 30, 1), i)}{unit}/盒",
                 "aprvno": aprv, "prodentp_name": maker})


def herb(i: int, stamp: Stamp) -> dict:
    lv, prop = _level(i)
    stem, py = pick(_HERBS, i)
    way, wpy = pick(_HERB_WAYS, i // len(_HERBS))
    return _row("herb", i, stamp, f"T{i + 1:09d}", f"{way}{stem}（饮片）", "10", lv, wpy + py, None, prop,
                {"dosform": "饮片", "spec": "净制" if not way else way + "制", "prcunt": "g",
                 "prodentp_name": _MAKERS[i % 3]})


def service(i: int, stamp: Stamp) -> dict:
    lv, prop = _level(i)
    chapter, typ, unit, names = pick(_SERVICES, i)
    name, py = pick(names, i // len(_SERVICES))
    return _row("service", i, stamp, f"{chapter}{i // len(_SERVICES):07d}000000", name, typ, lv, py,
                _price(i) if i % 3 == 0 else None, prop, {"prcunt": unit})


def material(i: int, stamp: Stamp) -> dict:
    cls, name, py, ceiling = pick(_MATERIALS, i)
    lv = "02" if ceiling is not None else pick(("01", "02", "03"), i // len(_MATERIALS))
    prop = pick(_PROPS, i) if lv == "02" else None
    return _row("material", i, stamp, f"C{cls}{i // len(_MATERIALS):010d}{i % 10**10:010d}", name, "08", lv, py,
                ceiling, prop, {"prcunt": "个", "spec": pick(("标准型", "加长型", "小号", "中号"), i),
                                "prodentp_name": _MAKERS[3]})


def kind_of(item: DemoItem) -> str:
    return KIND_OF_TYPE.get(item.med_chrgitm_type, "service")


def item_row(item: DemoItem, stamp: Stamp, n: int) -> dict:
    """A settleable item (demo_items) as a catalogue row: same level, ceiling and 先行自付比例 as
    the simulator applies on 2204, so a catalogue lookup and a settlement agree."""
    kind = kind_of(item)
    prop = item.selfpay_prop if item.chrgitm_lv == "02" else None
    return _row(kind, 900_000_000 + n, stamp, item.med_list_codg, item.name, item.med_chrgitm_type,
                item.chrgitm_lv, None, item.pric_uplmt_amt, prop, {})
