"""结算单: the settlement slip of an outpatient 医保 settlement or of a stay (insured or self-pay), as the
hospital prints it at the window, the ward or the admission desk, in place of the platform's YH03 print
(whose fields are not published). What it prints comes from what the HIS holds: the platform's settlement
as it answered (its amounts and fund lines), the fee rows it settled by 费用类别, and for a stay the
deposit against the patient's part. A detail that does not add up to the platform's total is printed as a
note, never corrected."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from domain.errors import NotFound
from domain.money import ZERO, money
from domain.settlement import Settlement, SettlementState
from domain.visit import FeeState
from ports.catalogue import Catalogue, load_catalogue
from ports.clock import Clock
from ports.documents import DocumentRenderer, SettlementSlipForm, SlipAmount
from services.hospital import HospitalDirectory
from services.inpatient import InpatientService
from services.inpatient_insurance import InpatientInsuranceService
from services.outpatient import OutpatientService

# the funds' part, in the order a slip lists them (the platform's names), when it sent no fund lines
_FUND_FIELDS = (("hifp_pay", "基本医疗保险统筹基金支出"), ("hifmi_pay", "大病保险资金支出"),
                ("hifob_pay", "大额医疗补助基金支出"), ("cvlserv_pay", "公务员医疗补助资金支出"),
                ("hifes_pay", "企业补充医疗保险基金支出"), ("maf_pay", "医疗救助基金支出"),
                ("hifdm_pay", "伤残人员医疗保障基金支出"), ("oth_pay", "其他支出"))
# setldetail lists the personal account as a fund (职工基本医疗保险个人账户基金); the slip shows it with the
# patient's part (acct_pay), as the platform's own totals count it, not among the funds
ACCOUNT_FUND_TYPES = frozenset({"310200"})
_PATIENT_FIELDS = (("acct_pay", "个人账户支出"), ("acct_mulaid_pay", "个人账户共济支付"),
                   ("psn_cash_pay", "个人现金支出"), ("hosp_part_amt", "医院负担金额"))
_SELF_PAY_SHARES = (("fulamt_ownpay_amt", "全自费金额"), ("overlmt_selfpay", "超限价自费费用"),
                    ("preselfpay_amt", "先行自付金额"), ("inscp_scp_amt", "符合政策范围金额"))


class SettlementSlips:
    def __init__(self, outpatient: OutpatientService, inpatient: InpatientService,
                 inpatient_insurance: InpatientInsuranceService, hospital: HospitalDirectory,
                 renderer: DocumentRenderer, clock: Clock, hospital_name: str, catalogue: Catalogue | None = None):
        self.outpatient, self.inpatient, self.inpatient_insurance = outpatient, inpatient, inpatient_insurance
        self.hospital, self.renderer, self.clock, self.hospital_name = hospital, renderer, clock, hospital_name
        self.catalogue = catalogue or load_catalogue()

    # ---- outpatient ----------------------------------------------------------------------------
    def outpatient_pdf(self, visit_ref: str, setl_id: str = "") -> bytes:
        return self.renderer.settlement_slip(self.outpatient_form(visit_ref, setl_id))

    def outpatient_form(self, visit_ref: str, setl_id: str = "") -> SettlementSlipForm:
        """The slip of a visit's settlement (`setl_id`; "" = the one in force). A cancelled one prints
        marked as such."""
        visit = self.outpatient.get_visit(visit_ref)
        if setl_id:
            settlement = visit.settlement(setl_id)
        else:
            settlement = visit.active_settlement()
            if settlement is None:
                raise NotFound(f"visit {visit.id} has no settlement in force")
        fees = [f for f in visit.fees if f.chrg_bchno == settlement.chrg_bchno and f.state is not FeeState.CANCELLED]
        patient = (("姓名", visit.psn_name), ("人员编号", visit.psn_no), ("险种", self._name("insutype", visit.insutype)),
                   ("参保地", visit.insuplc_admdvs))
        seen = (("门诊号", visit.ipt_otp_no), ("就诊ID", visit.mdtrt_id), ("科室", visit.dept_name),
                ("医生", visit.dr_name), ("医疗类别", self._name("med_type", settlement.med_type or visit.med_type)),
                ("就诊时间", f"{visit.begntime:%Y-%m-%d %H:%M}"), *self._settled(settlement))
        charges = self._by_category((f.med_chrgitm_type, f.det_item_fee_sumamt) for f in fees)
        return self._form("医疗保障基金结算单（门诊）", settlement, patient, seen, charges,
                          self._patient_part(settlement))

    # ---- stays ---------------------------------------------------------------------------------
    def stay_pdf(self, stay_id: str) -> bytes:
        return self.renderer.settlement_slip(self.stay_form(stay_id))

    def stay_form(self, stay_id: str) -> SettlementSlipForm:
        """The slip of a settled stay: insured, the platform's settlement with the fee rows it settled;
        self-pay, the bill by item against the deposit."""
        slip = self.inpatient.settlement_slip(stay_id)
        stay = slip.stay
        dept = self._dept_name(stay.dept_code)
        seen = [("住院号", stay.ipt_no), ("科室", dept), ("病区/床位", f"{stay.ward_code} / {stay.last_bed or '—'}"),
                ("入院时间", f"{stay.admitted_at:%Y-%m-%d %H:%M}"),
                ("出院时间", f"{stay.discharged_at:%Y-%m-%d %H:%M}" if stay.discharged_at else ""),
                ("住院天数", str(slip.days))]
        deposit = (SlipAmount("预交金", slip.deposited), SlipAmount("退还预交金", slip.refund),
                   SlipAmount("补缴", slip.paid))
        if slip.detail is None:  # self-pay: the hospital's own settlement
            charges = self._sum_by((c.item_name, c.amount) for c in stay.live_charges())
            seen.append(("结算时间", f"{stay.settlement.at:%Y-%m-%d %H:%M}"))
            return SettlementSlipForm(
                hospital_name=self.hospital_name, title="住院结算单（自费）", slip_no=stay.ipt_no,
                printed_at=self.clock.now(), patient=(("姓名", slip.patient_name), ("费别", "自费")),
                visit=tuple(seen), charges=charges, total=slip.total, funds=(), fund_total=None,
                patient_part=(SlipAmount("个人支付", slip.total), *deposit))
        settlement = slip.detail
        admission = self.inpatient_insurance.get(stay.yb_admission_id)
        fees = [f for f in admission.fees if f.state is FeeState.SETTLED]
        patient = (("姓名", slip.patient_name), ("人员编号", stay.psn_no), ("险种", self._name("insutype", stay.insutype)),
                   ("参保地", admission.insuplc_admdvs), ("就诊ID", admission.mdtrt_id))
        seen += [("医疗类别", self._name("med_type", settlement.med_type or stay.med_type)), *self._settled(settlement)]
        charges = self._by_category((f.med_chrgitm_type, f.det_item_fee_sumamt) for f in fees)
        return self._form("医疗保障基金结算单（住院）", settlement, patient, tuple(seen), charges,
                          (*self._patient_part(settlement), *deposit))

    # ---- shared --------------------------------------------------------------------------------
    def _form(self, title: str, settlement: Settlement, patient, seen, charges: tuple[SlipAmount, ...],
              patient_part: tuple[SlipAmount, ...]) -> SettlementSlipForm:
        total = money(settlement.medfee_sumamt or ZERO)
        notes = list(settlement.discrepancies)
        listed = money(sum((c.amount for c in charges), ZERO))
        if charges and listed != total:
            notes.append(f"费用明细合计 {listed} 元与结算医疗费总额 {total} 元不符（以医保平台结算为准）")
        shares = [f"{label} {money(getattr(settlement, name))}" for name, label in _SELF_PAY_SHARES
                  if getattr(settlement, name) is not None]
        if shares:
            notes.insert(0, "其中：" + "，".join(shares))
        cancelled = settlement.state is not SettlementState.ACTIVE
        if cancelled:
            notes.append(f"本结算已撤销（{'冲正' if settlement.state is SettlementState.REVERSED else '撤销结算'}"
                         f"{'，撤销结算ID ' + settlement.cancel_setl_id if settlement.cancel_setl_id else ''}）")
        return SettlementSlipForm(
            hospital_name=self.hospital_name, title=title, slip_no=settlement.setl_id, printed_at=self.clock.now(),
            patient=tuple(patient), visit=tuple(seen), charges=charges, total=total, funds=self._funds(settlement),
            fund_total=money(settlement.fund_pay_sumamt or ZERO),
            patient_part=patient_part, notes=tuple(notes), cancelled=cancelled)

    def _settled(self, s: Settlement) -> tuple[tuple[str, str], ...]:
        return (("结算ID", s.setl_id), ("结算时间", f"{s.setl_time:%Y-%m-%d %H:%M:%S}" if s.setl_time else ""),
                ("清算类别", self._name("clr_type", s.clr_type)))

    def _funds(self, s: Settlement) -> tuple[SlipAmount, ...]:
        if s.details:
            return tuple(SlipAmount(d.fund_pay_type_name or self._name("fund_pay_type", d.fund_pay_type),
                                    money(d.fund_payamt)) for d in s.details if d.fund_pay_type not in ACCOUNT_FUND_TYPES)
        return tuple(SlipAmount(label, money(getattr(s, name))) for name, label in _FUND_FIELDS
                     if getattr(s, name) not in (None, ZERO))

    @staticmethod
    def _patient_part(s: Settlement) -> tuple[SlipAmount, ...]:
        rows = [SlipAmount(label, money(getattr(s, name) or ZERO)) for name, label in _PATIENT_FIELDS
                if name in ("acct_pay", "psn_cash_pay") or getattr(s, name) not in (None, ZERO)]
        if s.balc is not None:
            rows.append(SlipAmount("个人账户余额", money(s.balc)))
        return tuple(rows)

    def _by_category(self, rows: Iterable[tuple[str, Decimal]]) -> tuple[SlipAmount, ...]:
        return self._sum_by((self._name("med_chrgitm_type", kind) if kind else "未分类", amount)
                            for kind, amount in rows)

    @staticmethod
    def _sum_by(rows: Iterable[tuple[str, Decimal]]) -> tuple[SlipAmount, ...]:
        sums: dict[str, Decimal] = {}
        for label, amount in rows:
            sums[label] = sums.get(label, ZERO) + amount
        return tuple(SlipAmount(label, money(total)) for label, total in sums.items())

    def _name(self, dictionary: str, code: str) -> str:
        found = self.catalogue.dictionaries.get(dictionary)
        label = found.codes.get(code) if found is not None and code else None
        return f"{code} {label}" if label else code

    def _dept_name(self, code: str) -> str:
        try:
            return self.hospital.department(code).name
        except NotFound:
            return code
