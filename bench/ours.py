"""Our path: one outpatient flow through the generated gRPC stubs, as any client would call it:
every mutating call carries a request_id (AIP-155), as a client that retries safely sends them."""
from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timezone

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from bench import data
from bench.stats import FLOW, Recorder
from his.v1 import common_pb2, outpatient_pb2 as op, outpatient_pb2_grpc

log = logging.getLogger(__name__)
RPCS = ("ReadInsuredPerson", "RegisterVisit", "UploadVisitInfo", "UploadFees", "PreSettleVisit", "SettleVisit")


def _key() -> str:
    return "" if os.environ.get("BENCH_NO_KEYS") else str(uuid.uuid4())


def _now() -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(datetime.now(timezone.utc))
    return ts


class GrpcWorker:
    """One client thread: its own channel, as a separate client process would have."""

    def __init__(self, target: str, token: str, patients: list[data.Patient], backend: str, run: str):
        self.channel = grpc.insecure_channel(target)
        self.stub = outpatient_pb2_grpc.OutpatientServiceStub(self.channel)
        self.meta = (("authorization", f"Bearer {token}"),)
        self.patients, self.backend, self.run = patients, backend, run

    def flow(self, index: int, rec: Recorder) -> bool:
        patient = self.patients[index % len(self.patients)]
        batch = data.batch_id("ours", self.backend, self.run, index)
        steps: list[str] = []
        try:
            rec.timed(FLOW, self._flow, patient, batch, rec, steps)
            return True
        except grpc.RpcError as err:
            rec.errors[f"{steps[-1]} {err.code().name}: {err.details()}"[:160]] += 1
            log.debug("flow %s failed", index, exc_info=True)
            return False

    def _flow(self, patient: data.Patient, batch: str, rec: Recorder, steps: list[str]) -> None:
        stub, meta = self.stub, self.meta

        def t(name, fn, *args, **kwargs):
            steps.append(name)  # which RPC failed, for the error summary
            return rec.timed(name, fn, *args, **kwargs)

        t("ReadInsuredPerson", stub.ReadInsuredPerson, op.ReadInsuredPersonRequest(
            mdtrt_cert_type=data.CERT_TYPE, mdtrt_cert_no=patient.certno), metadata=meta)
        dept_code, dept_name, caty = data.DEPT
        dr_no, dr_name = data.DOCTOR
        visit = t("RegisterVisit", stub.RegisterVisit, op.RegisterVisitRequest(
            psn_no=patient.psn_no, insutype=data.INSUTYPE, med_type=data.MED_TYPE, mdtrt_cert_type=data.CERT_TYPE,
            mdtrt_cert_no=patient.certno, dept_code=dept_code, dept_name=dept_name, caty=caty, atddr_no=dr_no,
            dr_name=dr_name, request_id=_key()), metadata=meta).visit
        t("UploadVisitInfo", stub.UploadVisitInfo, op.UploadVisitInfoRequest(
            visit_id=visit.id, main_cond_dscr=data.MAIN_COND,
            diagnoses=[common_pb2.Diagnosis(diag_time=_now(), **data.DIAGNOSIS)], request_id=_key()), metadata=meta)
        rows = [op.FeeItemInput(
            feedetl_sn=f"{batch}-{i}", chrg_bchno=batch, med_list_codg=code, medins_list_codg=his_code,
            medins_list_name=name, cnt=cnt, pric=pric, det_item_fee_sumamt=str(data.amount(cnt, pric)),
            fee_ocur_time=_now(), bilg_dept_codg=dept_code, bilg_dept_name=dept_name, bilg_dr_codg=dr_no,
            bilg_dr_name=dr_name) for i, (code, his_code, name, cnt, pric) in enumerate(data.FEES, 1)]
        t("UploadFees", stub.UploadFees, op.UploadFeesRequest(visit_id=visit.id, fees=rows, request_id=_key()),
          metadata=meta)
        t("PreSettleVisit", stub.PreSettleVisit, op.PreSettleVisitRequest(
            visit_id=visit.id, chrg_bchno=batch, use_personal_account=True), metadata=meta)
        t("SettleVisit", stub.SettleVisit, op.SettleVisitRequest(
            visit_id=visit.id, chrg_bchno=batch, use_personal_account=True, request_id=_key()), metadata=meta)

    def close(self) -> None:
        self.channel.close()
