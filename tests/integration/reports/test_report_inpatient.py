"""Inpatient settlements in the reports: a stay settled (2304) and cancelled (2305) through
InpatientInsuranceService against the in-memory simulator, read back by department, doctor and 门诊/住院."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from adapters.yb_sim.demo_data import demo_persons
from domain.operator import Operator
from domain.reports import Standing, report_query
from domain.visit import Diagnosis, FeeItem
from services.inpatient_insurance import AdmitPatient, Discharge

WORKER = "42010620000000000001"
OP = Operator("2001", "病区护士")
T = datetime(2026, 3, 2, 9, 40)
ROWS = (("XJ01CAA040A001010104022", "2", "12.50"), ("001102000010000", "1", "10.00"))


def _diagnosis(at: datetime) -> Diagnosis:
    return Diagnosis(diag_type="1", diag_srt_no=1, diag_code="J18.900", diag_name="肺炎", diag_dept="内科",
                     dise_dor_no="D901", dise_dor_name="赵主任", diag_time=at, maindiag_flag="1")


def _fees(day: int, dept: str) -> list[FeeItem]:
    batch = f"D{day}"
    return [FeeItem(feedetl_sn=f"{batch}-{i}-{uuid.uuid4().hex[:6]}", chrg_bchno=batch, med_list_codg=code,
                    medins_list_codg=f"HIS{i}", det_item_fee_sumamt=(Decimal(cnt) * Decimal(pric)).quantize(Decimal("0.01")),
                    cnt=Decimal(cnt), pric=Decimal(pric), fee_ocur_time=T + timedelta(days=day, hours=1),
                    bilg_dept_codg=dept, bilg_dept_name="呼吸内科病区", bilg_dr_codg="D901", bilg_dr_name="赵主任")
            for i, (code, cnt, pric) in enumerate(ROWS, 1)]


def _settled_stay(app, dept: str):
    certno = next(p.certno for p in demo_persons() if p.psn_no == WORKER)
    app.outpatient.read_person(OP, "02", certno)
    service = app.inpatient_insurance
    adm = service.admit(OP, AdmitPatient(
        psn_no=WORKER, insutype="310", med_type="21", mdtrt_cert_type="02", mdtrt_cert_no=certno,
        ipt_no=f"ZY{uuid.uuid4().hex[:16].upper()}", dept_code=dept, dept_name="呼吸内科病区", atddr_no="D901",
        chfpdr_name="赵主任", adm_bed="12", diagnoses=(_diagnosis(T),), begntime=T))
    for day in range(3):
        adm = service.upload_fees(OP, adm.id, _fees(day, dept))
    adm = service.discharge(OP, adm.id, Discharge(dept_code=dept, dept_name="呼吸内科病区",
                                                   diagnoses=(_diagnosis(T + timedelta(days=3)),),
                                                   endtime=T + timedelta(days=3)))
    return service.settle(OP, adm.id)


def test_an_inpatient_settlement_and_its_cancellation_by_department_and_doctor(app):
    dept = f"HX{uuid.uuid4().hex[:8]}"  # the database is shared: this test's own department
    adm, settlement = _settled_stay(app, dept)
    day = settlement.setl_time.date().isoformat()
    query = report_query(day=day, group_by=["service", "doctor"], filters={"dept_code": dept})
    [row] = app.reports.summary(query).rows
    assert (row.keys, row.names, row.standing, row.count) == (("INPATIENT", "D901"), ("住院", "赵主任"),
                                                              Standing.SETTLED, 1)
    assert row.amount("medfee_sumamt") == settlement.medfee_sumamt == Decimal("105.00")
    for fund in ("fund_pay_sumamt", "hifp_pay", "acct_pay", "psn_cash_pay"):
        assert row.amount(fund) == (getattr(settlement, fund) or Decimal("0.00")), fund
    assert app.reports.summary(report_query(day=day, filters={"dept_code": dept, "service": "OUTPATIENT"})).rows == []

    adm, negative = app.inpatient_insurance.cancel_settlement(OP, adm.id, settlement.setl_id)
    later = report_query(start=day, end=negative.setl_time.date().isoformat(), group_by=["dept"],
                         filters={"dept_code": dept})
    summary = app.reports.summary(later)
    assert [(r.keys, r.names, r.standing, r.count, r.amount("medfee_sumamt")) for r in summary.rows] == [
        ((dept,), ("呼吸内科病区",), Standing.CANCELLED, 1, Decimal("105.00")),
        ((dept,), ("呼吸内科病区",), Standing.CANCELLATION, 1, Decimal("-105.00"))]
    assert summary.totals()[-1].amount("medfee_sumamt") == Decimal("0.00")

    details = app.reports.details(report_query(start=day, end=negative.setl_time.date().isoformat(),
                                               filters={"dept_code": dept}))
    assert [(d.setl_id, d.service, d.owner_id, d.doctor_name, d.place, d.standing) for d in details] == [
        (settlement.setl_id, "INPATIENT", adm.id, "赵主任", "LOCAL", Standing.CANCELLED),
        (negative.setl_id, "INPATIENT", adm.id, "赵主任", "LOCAL", Standing.CANCELLATION)]
    assert details[0].cancel_setl_id == negative.setl_id
