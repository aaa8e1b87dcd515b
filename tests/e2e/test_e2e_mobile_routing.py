"""The composition root routes 6xxx to the mobile-payment centre (its own envelope, SM4/SM2) and
everything else to the FSI platform, both over real sockets, both journaled."""
from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.yb_sim.demo_data import demo_persons
from adapters.yb_sim.http_front import SimulatorHttpFront
from adapters.yb_sim.mobile_front import MobilePayFront
from adapters.yb_sim.platform import SimulatorPlatform
from domain.journal import JournalState
from domain.operator import Operator
from services.bootstrap import bootstrap
from services.errors import PlatformUnavailable
from services.platform_gateway import CallContext
from services.settings import MobilePaySettingsModel, PlatformSettings, Settings

WORKER = "42010620000000000001"
OP = Operator("1001", "演示收费员", role="admin")


def upload(amount: str = "300.00") -> dict:
    who = next(p for p in demo_persons() if p.psn_no == WORKER)
    return {"data": {
        "orgCodg": "H42010600001", "psnNo": WORKER, "insutype": "310", "medOrgOrd": "MO-E2E-1",
        "begntime": "2026-03-02 09:30:00", "idNo": who.certno, "userName": who.psn_name, "idType": "01",
        "insuCode": "420106", "iptOtpNo": "MZ001", "deptCode": "NK01", "deptName": "内科门诊", "caty": "A03",
        "medType": "11", "feeType": "01", "medfeeSumamt": amount, "psnSetlway": "01", "chrgBchno": "B1",
        "pubHospRfomFlag": "0",
        "diseinfoList": [{"diagType": "1", "diagSrtNo": "1", "diagCode": "J00.x00", "diagName": "急性鼻咽炎",
                          "diagDept": "内科", "diseDorNo": "D001", "diseDorName": "王医生",
                          "diagTime": "2026-03-02 09:35:00", "valiFlag": "1"}],
        "feedetailList": [{"feedetlSn": "F1", "chrgBchno": "B1", "feeOcurTime": "2026-03-02 09:40:00",
                           "medListCodg": "XJ01CAA040A001010104022", "medinsListCodg": "HIS0001",
                           "detItemFeeSumamt": amount, "cnt": "1", "pric": amount, "bilgDeptCodg": "NK01",
                           "bilgDeptName": "内科门诊", "bilgDrCodg": "D001", "bilgDrName": "王医生"}]}}


@pytest.fixture
def fronts():
    simulator = SimulatorPlatform()
    fsi, mobile = SimulatorHttpFront(simulator, paasid="e2e", token="s"), MobilePayFront(simulator)
    fsi.start()
    mobile.start()
    yield simulator, fsi, mobile
    fsi.stop()
    mobile.stop()


def test_6xxx_go_to_the_mobile_centre_and_the_rest_to_fsi(database_url, fronts):
    simulator, fsi, mobile = fronts
    keys = mobile.client_settings()
    app = bootstrap(Settings(
        database_url=database_url,
        platform=PlatformSettings(kind="http", url=fsi.url, paasid="e2e", token="s"),
        mobile_pay=MobilePaySettingsModel(url=mobile.base_url, app_id=keys.app_id, app_secret=keys.app_secret,
                                          platform_public_key=keys.platform_public_key,
                                          private_key=keys.private_key)))
    try:
        order = app.gateway.call(OP, "6201", upload(), CallContext(psn_no=WORKER))["data"]
        assert order["payOrdId"] and order["payToken"]
        person = app.gateway.call(OP, "1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": next(
            p.certno for p in demo_persons() if p.psn_no == WORKER)}})
        assert person["insuinfo"][0]["balc"] == Decimal("1500.00")
    finally:
        app.close()


def test_without_a_mobile_centre_6xxx_are_refused_unsent(database_url, fronts):
    simulator, fsi, _ = fronts
    app = bootstrap(Settings(database_url=database_url,
                             platform=PlatformSettings(kind="http", url=fsi.url, paasid="e2e", token="s")))
    try:
        with pytest.raises(PlatformUnavailable) as err:
            app.gateway.call(OP, "6201", upload(), CallContext(psn_no=WORKER))
        assert err.value.outcome == "not_sent"
        assert app.journal.get(err.value.journal_id).state is JournalState.FAILED
    finally:
        app.close()
