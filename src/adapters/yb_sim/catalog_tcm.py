"""Rows of the 1309 门诊慢特病种, 1313 肿瘤形态学 (ICD-O-3 shaped), 1314 中医疾病 and 1315 中医证候
catalogues, keyed by the file columns the catalogue names. Codes keep the national shapes
(M00101; M8140/3; A01.01.01; B04.02.01); every code is unique for its index."""
from __future__ import annotations

from adapters.yb_sim.catalog_base import POOLAREA, Stamp, file_audit, pick

# (大类 name, (细分类 names ...))
_CHRONIC = (
    ("高血压", ("高血压（1级）", "高血压（2级）", "高血压（3级）", "高血压伴心脑肾并发症")),
    ("糖尿病", ("2型糖尿病", "1型糖尿病", "糖尿病伴并发症")),
    ("冠心病", ("稳定型心绞痛", "冠状动脉支架植入术后")),
    ("慢性阻塞性肺疾病", ("慢性阻塞性肺疾病稳定期",)),
    ("恶性肿瘤门诊治疗", ("恶性肿瘤放化疗", "恶性肿瘤靶向治疗", "恶性肿瘤内分泌治疗")),
    ("尿毒症透析", ("血液透析", "腹膜透析")),
    ("器官移植术后抗排异治疗", ("肾移植术后", "肝移植术后")),
    ("重性精神疾病", ("精神分裂症", "双相情感障碍")),
    ("帕金森病", ("帕金森病",)),
    ("类风湿关节炎", ("类风湿关节炎",)),
    ("慢性肾功能不全", ("慢性肾功能不全（非透析）",)),
    ("肝硬化", ("肝硬化失代偿期",)),
    ("系统性红斑狼疮", ("系统性红斑狼疮",)),
    ("再生障碍性贫血", ("再生障碍性贫血",)),
    ("脑卒中后遗症", ("脑梗死后遗症", "脑出血后遗症")),
)
# ICD-O-3 morphology families: (block, name)
_TUMOURS = (("800", "肿瘤"), ("801", "癌"), ("805", "乳头状癌"), ("807", "鳞状细胞癌"), ("809", "基底细胞癌"),
            ("814", "腺癌"), ("817", "肝细胞癌"), ("831", "透明细胞癌"), ("850", "导管癌"), ("872", "黑色素瘤"),
            ("880", "肉瘤"), ("959", "恶性淋巴瘤"), ("980", "白血病"))
_BEHAVIOURS = (("3", "恶性，原发部位"), ("0", "良性"), ("1", "交界恶性"), ("2", "原位"), ("6", "恶性，转移部位"),
               ("9", "恶性，原发或转移未肯定"))
_VARIANTS = ("", "，梭形细胞型", "，乳头状", "，黏液性", "，低分化", "，高分化", "，硬化性", "，囊性", "，混合型", "，腺样")
# TCM diseases: (科别 code, 科别 name, 专科系统 code, 系统 name, diseases)
_TCM = (
    ("A01", "内科", "A01.01", "肺系病类", ("感冒", "咳嗽", "哮病", "肺痈")),
    ("A01", "内科", "A01.02", "心系病类", ("心悸", "胸痹", "不寐")),
    ("A01", "内科", "A01.03", "脾胃系病类", ("胃痛", "泄泻", "便秘", "呕吐")),
    ("A01", "内科", "A01.04", "肝胆系病类", ("胁痛", "黄疸", "眩晕")),
    ("A01", "内科", "A01.05", "肾系病类", ("水肿", "淋证", "腰痛")),
    ("A02", "外科", "A02.01", "疮疡病类", ("疖", "痈", "丹毒")),
    ("A02", "外科", "A02.02", "皮肤病类", ("湿疮", "瘾疹", "蛇串疮")),
    ("A03", "妇科", "A03.01", "月经病类", ("月经先期", "痛经", "崩漏")),
    ("A04", "儿科", "A04.01", "儿科病类", ("小儿感冒", "积滞", "厌食")),
    ("A05", "骨伤科", "A05.01", "骨伤病类", ("骨折", "伤筋", "项痹")),
)
# TCM syndromes: (类目 code, 类目 name, 属性 code, 属性 name, syndromes)
_SYNDROMES = (
    ("B01", "八纲证候", "B01.01", "表证类", ("风寒表证", "风热表证")),
    ("B01", "八纲证候", "B01.02", "里证类", ("里热炽盛证", "里寒证")),
    ("B02", "病因证候", "B02.01", "风证类", ("风邪袭表证", "风痰阻络证")),
    ("B02", "病因证候", "B02.02", "湿证类", ("湿热蕴结证", "寒湿困脾证")),
    ("B03", "气血津液证候", "B03.01", "气证类", ("气虚证", "气滞证", "气逆证")),
    ("B03", "气血津液证候", "B03.02", "血证类", ("血虚证", "血瘀证")),
    ("B04", "脏腑证候", "B04.01", "心系证类", ("心气虚证", "心血瘀阻证")),
    ("B04", "脏腑证候", "B04.02", "肝系证类", ("肝郁气滞证", "肝阳上亢证")),
    ("B04", "脏腑证候", "B04.03", "脾系证类", ("脾气虚证", "脾胃湿热证")),
)


def _nth_name(names: tuple, n: int) -> str:
    """The n-th (0-based) name of a short list; past its end the names come again as 亚型 2, 3 ..."""
    base = names[n % len(names)]
    return base if n < len(names) else f"{base}（亚型{n // len(names) + 1}）"


def chronic_code(i: int) -> tuple[str, str]:
    k = i % len(_CHRONIC)
    return f"M{k + 1:03d}{i // len(_CHRONIC) + 1:02d}", _nth_name(_CHRONIC[k][1], i // len(_CHRONIC))


def chronic(i: int, stamp: Stamp) -> dict:
    k, n = i % len(_CHRONIC), i // len(_CHRONIC)
    group, _subs = _CHRONIC[k]
    code, name = chronic_code(i)
    row = {"门慢门特病种目录代码": code, "门慢门特病种大类名称": group, "门慢门特病种细分类名称": name,
           "医保区划": POOLAREA, "备注": None}
    row.update(file_audit(stamp, "MMT", i))
    row.update({"病种内涵": f"{name}，需门诊长期治疗", "诊疗指南页码": str(1 + n % 200), "诊疗指南电子档案": None,
                "门慢门特病种名称": name, "门慢门特病种大类代码": f"M{k + 1:03d}"})
    return row


def tumour(i: int, stamp: Stamp) -> dict:
    block, family = pick(_TUMOURS, i)
    rest = i // len(_TUMOURS)
    beh, beh_name = pick(_BEHAVIOURS, rest)
    digit, ext = (rest // len(_BEHAVIOURS)) % 10, rest // (len(_BEHAVIOURS) * 10)
    code = f"M{block}{digit}/{beh}" + (f"x{ext:03d}" if ext else "")
    name = f"{family}{pick(_VARIANTS, digit)}（{beh_name}）" + (f"（亚型{ext + 1}）" if ext else "")
    row = {"肿瘤形态学ID": f"ICDO{i + 1:010d}", "肿瘤/细胞类型代码": code, "肿瘤/细胞类型": name,
           "形态学分类代码": f"M{block}", "形态学分类": family}
    row.update(file_audit(stamp, "ZLXT", i))
    return row


def tcm_disease(i: int, stamp: Stamp) -> dict:
    dept, dept_name, system, system_name, names = pick(_TCM, i)
    n = i // len(_TCM)
    row = {"中医疾病诊断ID": f"TCMD{i + 1:010d}", "科别类目代码": dept, "科别类目名称": dept_name,
           "专科系统分类目代码": system, "专科系统分类目名称": system_name,
           "疾病分类代码": f"{system}.{n + 1:02d}", "疾病分类名称": _nth_name(names, n), "备注": None}
    row.update(file_audit(stamp, "ZYJB", i))
    return row


def tcm_syndrome(i: int, stamp: Stamp) -> dict:
    cat, cat_name, attr, attr_name, names = pick(_SYNDROMES, i)
    n = i // len(_SYNDROMES)
    row = {"中医证候ID": f"TCMS{i + 1:010d}", "证候类目代码": cat, "证候类目名称": cat_name, "证候属性代码": attr,
           "证候属性": attr_name, "证候分类代码": f"{attr}.{n + 1:02d}", "证候分类名称": _nth_name(names, n),
           "备注": None}
    row.update(file_audit(stamp, "ZYZH", i))
    return row
