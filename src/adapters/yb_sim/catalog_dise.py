"""Rows of the 1307 疾病与诊断 (ICD-10 shaped), 1308 手术操作 (ICD-9-CM-3 shaped), 1310 按病种付费
and 1311 日间手术 catalogues, keyed by the file columns the catalogue names.

Codes have the national clinical-version shapes (K35.800, K35.800x001; 47.0100, 47.0100x001);
chapter ranges are the classification's, names are composed from ordinary medical words.
"""
from __future__ import annotations

from adapters.yb_sim.catalog_base import Stamp, file_audit, pick

# ICD-10 chapters by initial letter: (letter, chapter, range, chapter name, organ words, conditions)
_ICD_CHAPTERS = (
    ("A", "1", "A00-B99", "某些传染病和寄生虫病", ("肠道", "结核"), ("感染", "病")),
    ("B", "1", "A00-B99", "某些传染病和寄生虫病", ("病毒性", "寄生虫性"), ("感染", "病")),
    ("C", "2", "C00-D48", "肿瘤", ("胃", "肺", "肝", "结肠"), ("恶性肿瘤", "继发恶性肿瘤")),
    ("D", "2", "C00-D48", "肿瘤", ("甲状腺", "子宫", "皮肤"), ("良性肿瘤", "原位癌")),
    ("E", "4", "E00-E90", "内分泌、营养和代谢疾病", ("甲状腺", "胰岛", "代谢"), ("功能亢进", "功能减退", "紊乱")),
    ("F", "5", "F00-F99", "精神和行为障碍", ("情感", "睡眠", "焦虑"), ("障碍", "状态")),
    ("G", "6", "G00-G99", "神经系统疾病", ("脑", "周围神经", "脊髓"), ("病变", "炎")),
    ("H", "7", "H00-H59", "眼和附器疾病", ("结膜", "角膜", "晶状体"), ("炎", "混浊")),
    ("I", "9", "I00-I99", "循环系统疾病", ("心", "冠状动脉", "脑血管", "静脉"), ("功能不全", "硬化", "栓塞")),
    ("J", "10", "J00-J99", "呼吸系统疾病", ("上呼吸道", "支气管", "肺"), ("感染", "炎", "气肿")),
    ("K", "11", "K00-K93", "消化系统疾病", ("胃", "十二指肠", "阑尾", "胆囊"), ("炎", "溃疡", "结石")),
    ("L", "12", "L00-L99", "皮肤和皮下组织疾病", ("皮肤", "皮下组织"), ("炎", "感染")),
    ("M", "13", "M00-M99", "肌肉骨骼系统和结缔组织疾病", ("腰椎间盘", "膝关节", "颈椎"), ("突出", "骨关节病", "病")),
    ("N", "14", "N00-N99", "泌尿生殖系统疾病", ("肾", "输尿管", "前列腺"), ("炎", "结石", "增生")),
    ("O", "15", "O00-O99", "妊娠、分娩和产褥期", ("妊娠期", "产后"), ("高血压", "出血")),
    ("P", "16", "P00-P96", "起源于围生期的某些情况", ("新生儿",), ("黄疸", "窒息")),
    ("Q", "17", "Q00-Q99", "先天性畸形、变形和染色体异常", ("先天性心脏", "先天性髋关节"), ("畸形", "发育不良")),
    ("R", "18", "R00-R99", "症状、体征和临床与实验室异常所见", ("胸", "腹"), ("痛", "胀")),
    ("S", "19", "S00-T98", "损伤、中毒和外因的某些其他后果", ("前臂", "小腿", "头部"), ("骨折", "挫伤")),
    ("T", "19", "S00-T98", "损伤、中毒和外因的某些其他后果", ("药物", "一氧化碳"), ("中毒", "反应")),
    ("Z", "21", "Z00-Z99", "影响健康状态和与保健机构接触的因素", ("随诊", "康复"), ("检查", "治疗")),
)
_QUALIFIERS = ("急性", "慢性", "", "复发性", "重度", "轻度", "", "其他", "未特指的", "多发性")
_EXTENSIONS = ("伴出血", "伴感染", "伴并发症", "术后", "双侧", "单侧")

# ICD-9-CM-3 chapters: (first category, last category, chapter, range, name, site words)
_OPS_CHAPTERS = (
    (0, 0, "0", "00", "操作和介入，不能分类于他处", ("血管", "药物洗脱")),
    (1, 5, "1", "01-05", "神经系统手术", ("颅内", "脊髓", "周围神经")),
    (6, 7, "2", "06-07", "内分泌系统手术", ("甲状腺", "肾上腺")),
    (8, 16, "3", "08-16", "眼的手术", ("晶状体", "视网膜", "眼睑")),
    (18, 20, "4", "18-20", "耳部手术", ("鼓膜", "中耳")),
    (21, 29, "5", "21-29", "鼻、口、咽手术", ("鼻窦", "扁桃体", "牙")),
    (30, 34, "6", "30-34", "呼吸系统手术", ("肺", "支气管", "胸腔")),
    (35, 39, "7", "35-39", "心血管系统手术", ("冠状动脉", "心脏瓣膜", "静脉")),
    (40, 41, "8", "40-41", "血液和淋巴系统手术", ("淋巴结", "脾")),
    (42, 54, "9", "42-54", "消化系统手术", ("胃", "阑尾", "胆囊", "结肠", "疝")),
    (55, 59, "10", "55-59", "泌尿系统手术", ("肾", "输尿管", "膀胱")),
    (60, 64, "11", "60-64", "男性生殖器官手术", ("前列腺", "睾丸")),
    (65, 71, "12", "65-71", "女性生殖器官手术", ("卵巢", "子宫", "输卵管")),
    (72, 75, "13", "72-75", "产科操作", ("子宫下段", "会阴")),
    (76, 84, "14", "76-84", "肌肉骨骼系统手术", ("膝关节", "股骨", "腰椎")),
    (85, 86, "15", "85-86", "体被系统手术", ("乳房", "皮肤")),
    (87, 99, "16", "87-99", "各种诊断性和治疗性操作", ("胸部", "腹部")),
)
_PROCEDURES = ("切除术", "部分切除术", "修补术", "切开引流术", "成形术", "置换术", "病损切除术", "内镜下切除术",
               "造影", "活组织检查")
_APPROACHES = ("腹腔镜下", "经皮", "开放性", "内镜下", "机器人辅助")


def disease_code(i: int) -> tuple[str, str, dict]:
    """Diagnosis i: (code, name, parts); unique for every i."""
    letter, chap, crange, cname, organs, conds = pick(_ICD_CHAPTERS, i)
    rest = i // len(_ICD_CHAPTERS)
    cat, sub, ext = rest % 100, (rest // 100) % 10, rest // 1000
    cat_name = pick(organs, cat) + pick(conds, cat // len(organs))
    sub_name = pick(_QUALIFIERS, sub) + cat_name
    code = f"{letter}{cat:02d}.{sub}00"
    name = sub_name
    if ext:
        code, name = f"{code}x{ext:03d}", f"{sub_name}{pick(_EXTENSIONS, ext)}"
    sec = cat // 10 * 10
    parts = {"章": chap, "章代码范围": crange, "章名称": cname,
             "节代码范围": f"{letter}{sec:02d}-{letter}{sec + 9:02d}", "节名称": f"{pick(organs, sec)}疾病",
             "类目代码": f"{letter}{cat:02d}", "类目名称": cat_name, "亚目代码": f"{letter}{cat:02d}.{sub}",
             "亚目名称": sub_name}
    return code, name, parts


def operation_code(i: int) -> tuple[str, str, dict]:
    """Operation i: (code, name, parts); unique for every i."""
    cat = i % 100
    if cat == 17:  # ICD-9-CM-3 leaves 17 out of the body-system chapters
        cat = 99
    first, _last, chap, crange, cname, sites = next(c for c in _OPS_CHAPTERS if c[0] <= cat <= c[1])
    rest = i // 100
    sub, det, ext = rest % 10, (rest // 10) % 10, rest // 100
    site = pick(sites, cat - first)
    cat_name = site + "手术"
    sub_name = site + pick(_PROCEDURES, sub)
    det_name = pick(_APPROACHES, det) + sub_name
    code = f"{cat:02d}.{sub}{det}00"
    if i % 100 == 17:  # keep codes unique after folding 17 into 99
        code = f"{cat:02d}.{sub}{det}17"
    name = det_name
    if ext:
        code, name = f"{code}x{ext:03d}", f"{det_name}（{pick(('单侧', '双侧', '再次', '扩大'), ext)}）"
    parts = {"章": chap, "章代码范围": crange, "章名称": cname, "类目代码": f"{cat:02d}", "类目名称": cat_name,
             "亚目代码": f"{cat:02d}.{sub}", "亚目名称": sub_name, "细目代码": f"{cat:02d}.{sub}{det}",
             "细目名称": det_name}
    return code, name, parts


def disease(i: int, stamp: Stamp) -> dict:
    code, name, parts = disease_code(i)
    row = {"西医疾病诊断ID": f"ICD{i + 1:010d}"}
    row.update(parts)
    row.update({"诊断代码": code, "诊断名称": name, "使用标记": "1", "国标版诊断代码": parts["亚目代码"],
                "国标版诊断名称": parts["亚目名称"], "临床版诊断代码": code, "临床版诊断名称": name, "备注": None})
    row.update(file_audit(stamp, "JBZD", i))
    return row


def operation(i: int, stamp: Stamp) -> dict:
    code, name, parts = operation_code(i)
    row = {"手术标准目录ID": f"OPS{i + 1:010d}"}
    row.update(parts)
    row.update({"手术操作代码": code, "手术操作名称": name, "使用标记": "1", "团标版手术操作代码": parts["细目代码"],
                "团标版手术操作名称": parts["细目名称"], "临床版手术操作代码": code, "临床版手术操作名称": name,
                "备注": None})
    row.update(file_audit(stamp, "SSCZ", i))
    return row


def _guide(i: int) -> dict:
    return {"诊疗指南页码": str(10 + i % 300), "诊疗指南电子档案": None}


def dise_pay(i: int, stamp: Stamp) -> dict:
    code, name, _ = disease_code(i)
    op_code, op_name, _ = operation_code(i * 7 + 42)  # mostly 消化系统 and friends: any operation will do
    row = {"病种结算目录ID": f"BZJS{i + 1:010d}", "按病种结算病种目录代码": code, "按病种结算病种名称": name,
           "限定手术操作代码": op_code, "限定手术操作名称": op_name}
    row.update(file_audit(stamp, "BZFF", i))
    row.update({"病种内涵": f"{name}行{op_name}", "备注": None})
    row.update(_guide(i))
    return row


def daysurg(i: int, stamp: Stamp) -> dict:
    code, name, _ = disease_code(i * 3 + 10)
    op_code, op_name, _ = operation_code(i * 11 + 8)
    row = {"日间手术治疗目录ID": f"RJSS{i + 1:010d}", "日间手术病种目录代码": code, "日间手术病种名称": name}
    row.update(file_audit(stamp, "RJSS", i))
    row.update({"病种内涵": f"{name}，日间{op_name}", "备注": None})
    row.update(_guide(i))
    row.update({"手术操作名称": op_name, "手术操作代码": op_code})
    return row
