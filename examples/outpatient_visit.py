"""Watch one insured outpatient visit go through the HIS backend, step by step.

    ./scripts/serve &                      # the server, with the 医保 simulator as the platform
    .venv/bin/python examples/outpatient_visit.py [--target localhost:50051] [--token demo-token]

Reads the insured person (1101), registers (2201A), uploads the diagnosis (2203) and fees (2204),
pre-settles (2206), settles (2207), then cancels the settlement (2208), the fees (2205) and the
registration (2202), and prints the platform journal of the visit. Uses only the stubs generated
from proto/, as a client in any other language would.
"""
from __future__ import annotations

import argparse
import sys
import uuid
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from his.v1 import common_pb2, journal_pb2, journal_pb2_grpc, outpatient_pb2 as op, outpatient_pb2_grpc

DEMO_CERTNO = "420106198005129910"  # a 职工 of the simulator's demo data
FEES = [  # (医保目录编码, HIS item code, name, count, unit price)
    ("XJ01CAA040A001010104022", "YP0001", "阿莫西林胶囊", "2", "12.50"),
    ("001102000010000", "ZL0001", "普通门诊诊查费", "1", "10.00"),
    ("C01010101", "CL0001", "一次性注射器", "3", "1.10"),
    ("250305001000000", "JY0001", "肝功能检测", "1", "80.00"),
    ("220600004000000", "JC0001", "彩色多普勒超声检查", "1", "150.00"),
]


def now() -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(datetime.now(timezone.utc))
    return ts


def run_visit(channel: grpc.Channel, token: str, out=print) -> dict:
    """The whole visit; returns what it saw so that tests can check it."""
    meta = (("authorization", f"Bearer {token}"),)
    outpatient = outpatient_pb2_grpc.OutpatientServiceStub(channel)
    journal = journal_pb2_grpc.JournalServiceStub(channel)

    person = outpatient.ReadInsuredPerson(op.ReadInsuredPersonRequest(
        mdtrt_cert_type="02", mdtrt_cert_no=DEMO_CERTNO), metadata=meta).person
    insurance = person.insurances[0]
    out(f"1101 人员信息   {person.psn_name} psn_no={person.psn_no} 险种={insurance.insutype} 账户余额={insurance.balc}")

    visit = outpatient.RegisterVisit(op.RegisterVisitRequest(
        psn_no=person.psn_no, insutype=insurance.insutype, med_type="11", mdtrt_cert_type="02",
        mdtrt_cert_no=DEMO_CERTNO, dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001",
        dr_name="王医生"), metadata=meta).visit
    out(f"2201A 挂号      visit_id={visit.id} mdtrt_id={visit.mdtrt_id}")

    outpatient.UploadVisitInfo(op.UploadVisitInfoRequest(visit_id=visit.id, main_cond_dscr="咳嗽三天", diagnoses=[
        common_pb2.Diagnosis(diag_type="1", diag_srt_no=1, diag_code="J06.900", diag_name="急性上呼吸道感染",
                             diag_dept="内科", dise_dor_no="D001", dise_dor_name="王医生", diag_time=now(),
                             vali_flag="1", maindiag_flag="1")]), metadata=meta)
    out("2203 就诊信息   诊断 J06.900 急性上呼吸道感染")

    batch = "B" + uuid.uuid4().hex[:12]
    rows = [op.FeeItemInput(feedetl_sn=f"{batch}-{i}", chrg_bchno=batch, med_list_codg=code, medins_list_codg=his_code,
                            medins_list_name=name, cnt=cnt, pric=pric,
                            det_item_fee_sumamt=_amount(cnt, pric),
                            fee_ocur_time=now(), bilg_dept_codg="NK01", bilg_dept_name="内科门诊",
                            bilg_dr_codg="D001", bilg_dr_name="王医生")
            for i, (code, his_code, name, cnt, pric) in enumerate(FEES, 1)]
    visit = outpatient.UploadFees(op.UploadFeesRequest(visit_id=visit.id, fees=rows), metadata=meta).visit
    for fee in visit.fees:
        out(f"2204 费用明细   {fee.feedetl_sn} {fee.med_list_codg} ¥{fee.det_item_fee_sumamt} 等级={fee.chrgitm_lv}")

    preview = outpatient.PreSettleVisit(op.PreSettleVisitRequest(
        visit_id=visit.id, chrg_bchno=batch, use_personal_account=True), metadata=meta).settlement
    out(f"2206 预结算     总额 {preview.medfee_sumamt} 统筹 {preview.fund_pay_sumamt} 个人 {preview.psn_part_amt}")

    settled = outpatient.SettleVisit(op.SettleVisitRequest(
        visit_id=visit.id, chrg_bchno=batch, use_personal_account=True), metadata=meta)
    s = settled.settlement
    out(f"2207 结算       setl_id={s.setl_id} 总额 {s.medfee_sumamt} = 基金 {s.fund_pay_sumamt} + 个人 {s.psn_part_amt}"
        f" (账户 {s.acct_pay} 现金 {s.psn_cash_pay})")
    for fund in s.fund_payments:
        out(f"               {fund.fund_pay_type} {fund.fund_pay_type_name}: {fund.fund_payamt}")

    cancelled = outpatient.CancelSettlement(op.CancelSettlementRequest(
        visit_id=visit.id, setl_id=s.setl_id), metadata=meta)
    out(f"2208 撤销结算   冲销单 setl_id={cancelled.settlement.setl_id} 总额 {cancelled.settlement.medfee_sumamt}")
    outpatient.CancelFees(op.CancelFeesRequest(visit_id=visit.id, chrg_bchno=batch), metadata=meta)
    out(f"2205 撤销费用   批次 {batch}")
    visit = outpatient.CancelRegistration(op.CancelRegistrationRequest(visit_id=visit.id), metadata=meta).visit
    out(f"2202 撤销挂号   状态 {common_pb2.VisitState.Name(visit.state)}")

    entries = journal.ListJournalEntries(journal_pb2.ListJournalEntriesRequest(visit_id=visit.id), metadata=meta).entries
    out("平台流水:")
    for e in entries:
        out(f"  #{e.id} {e.infno} {common_pb2.JournalState.Name(e.state)} msgid={e.msgid}")
    return {"settlement": s, "negative": cancelled.settlement, "visit": visit, "journal": list(entries),
            "person": person}


def _amount(cnt: str, pric: str) -> str:
    # the platform's rule, which the server applies too: half-up to the cent (1.5 × 9.99 = 14.99).
    # Decimal's default (half-even) would give 14.98, and the row would be refused.
    return str((Decimal(cnt) * Decimal(pric)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", default="localhost:50051")
    ap.add_argument("--token", default="demo-token")
    args = ap.parse_args(argv)
    with grpc.insecure_channel(args.target) as channel:
        try:
            run_visit(channel, args.token)
        except grpc.RpcError as err:
            print(f"failed: {err.code().name}: {err.details()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
