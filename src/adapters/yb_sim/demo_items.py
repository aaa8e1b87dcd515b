"""The simulator's small 医保目录: the national codes it recognises on 2204 and how it pays them.

Codes follow the national shapes (23-character drug codes, 15-digit service codes, C-prefixed
material codes, T-prefixed herbal pieces); names and numbers are invented for testing.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.money import quantize

NO_CEILING = Decimal("999999")  # what real platforms put in pric_uplmt_amt when there is no ceiling


@dataclass(frozen=True)
class DemoItem:
    med_list_codg: str
    name: str
    chrgitm_lv: str  # 01 甲类, 02 乙类, 03 丙类/自费
    med_chrgitm_type: str  # dicts-core med_chrgitm_type
    pric_uplmt_amt: Decimal | None = None  # unit price ceiling; above it is 超限价
    selfpay_prop: Decimal = Decimal("0")  # 乙类 先行自付比例

    @property
    def reported_ceiling(self) -> Decimal:
        return self.pric_uplmt_amt if self.pric_uplmt_amt is not None else NO_CEILING

    @property
    def reported_selfpay_prop(self) -> Decimal:
        prop = Decimal("1") if self.chrgitm_lv == "03" else self.selfpay_prop
        return quantize(prop, 4)


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


_ITEMS = (
    # 西药 (09) / 中成药 (11) / 中药饮片 (10)
    DemoItem("XJ01CAA040A001010104022", "阿莫西林胶囊", "01", "09"),
    DemoItem("XN02BEA015A001010102956", "对乙酰氨基酚片", "01", "09"),
    DemoItem("XC08CAA010A001010101783", "硝苯地平缓释片", "01", "09", _d("30.00")),
    DemoItem("XA10BAA020A001010100112", "盐酸二甲双胍片", "01", "09"),
    DemoItem("XA02BCA211A001010101443", "奥美拉唑肠溶胶囊", "02", "09", None, _d("0.10")),
    DemoItem("XR05CBA180A001020100332", "盐酸氨溴索口服溶液", "02", "09", None, _d("0.10")),
    DemoItem("XJ01DCA080A001010203214", "头孢呋辛酯片", "02", "09", _d("3.50"), _d("0.10")),
    DemoItem("ZA04AAA0065010104125000", "连花清瘟胶囊", "02", "11", None, _d("0.15")),
    DemoItem("XS01XAA101B002010101667", "玻璃酸钠滴眼液", "03", "09"),
    DemoItem("T000600311", "黄芪（饮片）", "02", "10", None, _d("0.10")),
    # 医疗服务项目
    DemoItem("001102000010000", "普通门诊诊察费", "01", "02", _d("10.00")),
    DemoItem("001101000010000", "门诊挂号费", "01", "13", _d("1.00")),
    DemoItem("250101015000000", "血细胞分析（血常规）", "01", "04", _d("20.00")),
    DemoItem("250305001000000", "肝功能检测", "02", "04", None, _d("0.10")),
    DemoItem("210102015000000", "胸部X线摄影", "01", "03", _d("60.00")),
    DemoItem("220600004000000", "彩色多普勒超声检查", "02", "03", _d("150.00"), _d("0.10")),
    DemoItem("210300001000000", "X线计算机体层(CT)平扫", "01", "03", _d("250.00")),
    DemoItem("210300002000000", "X线计算机体层(CT)增强扫描", "01", "03", _d("350.00")),
    DemoItem("210400001000000", "磁共振平扫", "02", "03", _d("600.00"), _d("0.10")),
    DemoItem("210400002000000", "磁共振增强扫描", "02", "03", _d("800.00"), _d("0.10")),
    DemoItem("XV08ABA040B002010101524", "碘海醇注射液", "02", "09", None, _d("0.10")),
    DemoItem("120400001000000", "静脉注射", "01", "05", _d("5.00")),
    DemoItem("110900001000000", "普通病房床位费", "01", "01", _d("50.00")),
    DemoItem("120100004000000", "Ⅱ级护理", "01", "07", _d("20.00")),
    DemoItem("480000001000000", "健康咨询（自费）", "03", "14"),
    # 医用耗材 (08)
    DemoItem("C01010101", "一次性使用无菌注射器", "02", "08", _d("1.50"), _d("0.20")),
    DemoItem("C02030201", "医用脱脂纱布", "01", "08"),
    DemoItem("C07020101", "医用X射线胶片", "02", "08", _d("30.00"), _d("0.10")),
    DemoItem("C14010102", "医用外科口罩", "03", "08"),
)


def demo_items() -> list[DemoItem]:
    return list(_ITEMS)
