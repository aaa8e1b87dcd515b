"""InpatientInsuranceService on the storage fakes and the in-memory simulator: the 住院号 claim and
the settlement claim, which must hold whatever the storage behind the port."""
from __future__ import annotations

import sys
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.platform import SimulatorPlatform
from domain.admission import AdmissionState
from domain.errors import AlreadyExists, IllegalTransition
from domain.institution import Institution
from domain.operator import Operator
from domain.visit import Diagnosis, FeeItem
from ports.catalogue import load_catalogue
from services.inpatient_insurance import AdmitPatient, Discharge, InpatientInsuranceService
from services.platform_gateway import PlatformGateway

shared = sys.modules["tests_shared_fakes"]
OP = Operator("2001", "病区护士")
T = datetime(2026, 3, 2, 9, 40)
WORKER, OTHER = "42010620000000000001", "42010620000000000002"
DIAG = Diagnosis(diag_type="1", diag_srt_no=1, diag_code="J18.900", diag_name="肺炎", diag_dept="内科",
                 dise_dor_no="D001", dise_dor_name="王医生", diag_time=T, maindiag_flag="1")


def certno(psn_no: str) -> str:
    return next(p.certno for p in demo_persons() if p.psn_no == psn_no)


def command(psn_no: str = WORKER, ipt_no: str = "ZY0001") -> AdmitPatient:
    return AdmitPatient(psn_no=psn_no, insutype="310", med_type="21", mdtrt_cert_type="02",
                        mdtrt_cert_no=certno(psn_no), ipt_no=ipt_no, dept_code="NK02", dept_name="内科病区",
                        atddr_no="D001", chfpdr_name="王医生", adm_bed="12", diagnoses=(DIAG,), begntime=T)


@pytest.fixture
def journal():
    return shared.FakeJournal()


@pytest.fixture
def service(journal):
    clock = shared.StepClock(T)
    gateway = PlatformGateway(SimulatorPlatform(), journal, shared.FakeMsgIds(), clock, load_catalogue(),
                              Institution(fixmedins_code="H42010600001"))
    return InpatientInsuranceService(shared.fake_uow_factory(), gateway, clock)


def sent(journal, infno: str) -> int:
    return sum(1 for e in journal.entries.values() if e.infno == infno)


def test_the_same_admission_twice_is_sent_once_another_persons_is_refused(service, journal):
    first = service.admit(OP, command())
    assert service.admit(OP, command()).mdtrt_id == first.mdtrt_id
    with pytest.raises(AlreadyExists):
        service.admit(OP, command(OTHER))  # the 住院号 is another person's stay
    assert sent(journal, "2401") == 1


def test_of_two_settlement_claims_one_wins_and_one_2304_is_sent(service, journal):
    adm = service.admit(OP, command())
    row = FeeItem(feedetl_sn="F1", chrg_bchno="D0", med_list_codg="001102000010000", medins_list_codg="H1",
                  det_item_fee_sumamt=Decimal("10.00"), cnt=Decimal("1"), pric=Decimal("10.00"), fee_ocur_time=T,
                  bilg_dept_codg="NK02", bilg_dept_name="内科病区", bilg_dr_codg="D001", bilg_dr_name="王医生")
    service.upload_fees(OP, adm.id, [row])
    service.discharge(OP, adm.id, Discharge("NK02", "内科病区", (DIAG,), endtime=T + timedelta(days=2)))
    service._change(adm.id, lambda a: a.begin_settlement(T))  # another clerk's claim, its 2304 on the wire
    with pytest.raises(IllegalTransition, match="SETTLING"):
        service.settle(OP, adm.id)
    assert sent(journal, "2304") == 0
    service._change(adm.id, lambda a: a.abandon_settlement())
    settled, _ = service.settle(OP, adm.id)
    assert settled.state is AdmissionState.SETTLED and sent(journal, "2304") == 1
