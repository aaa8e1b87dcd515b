"""医保移动支付 (6xxx): the order's life in memory, then MobilePayPlatform against the mobile front
over a real socket (same envelope code, SM4/SM2 both ways)."""
from __future__ import annotations

import itertools
from decimal import Decimal

import httpx
import pytest
from simkit import P_RESIDENT, P_WORKER, P_WORKER_POOR, Driver, person_by_no

from adapters.yb_mobile import MobilePayPlatform, SM2PrivateKey
from adapters.yb_mobile.envelope import Channel, header, seal
from adapters.yb_sim.mobile_front import DEFAULT_APP_ID, DEFAULT_APP_SECRET, MobilePayFront
from ports.jsoncodec import encode_json, parse_json
from ports.platform import PlatformOutcomeUnknown, PlatformRefused

JIA = "XJ01CAA040A001010104022"
ORG = "H42010600001"
_orders = itertools.count(1)


def upload_data(psn_no: str, amount: str = "300.00", med_org_ord: str | None = None, **over) -> dict:
    who = person_by_no(psn_no)
    data = {
        "orgCodg": ORG, "psnNo": psn_no, "insutype": "310", "medOrgOrd": med_org_ord or f"MO{next(_orders)}",
        "begntime": "2025-06-16 09:30:00", "idNo": who.certno, "userName": who.psn_name, "idType": "01",
        "insuCode": "420106", "iptOtpNo": "MZ001", "deptCode": "NK01", "deptName": "内科门诊", "caty": "A03",
        "medType": "11", "feeType": "01", "medfeeSumamt": amount, "psnSetlway": "01", "chrgBchno": "B1",
        "pubHospRfomFlag": "0",
        "diseinfoList": [{"diagType": "1", "diagSrtNo": "1", "diagCode": "J00.x00", "diagName": "急性鼻咽炎",
                          "diagDept": "内科", "diseDorNo": "D001", "diseDorName": "王医生",
                          "diagTime": "2025-06-16 09:35:00", "valiFlag": "1"}],
        "feedetailList": [{"feedetlSn": "F1", "chrgBchno": "B1", "feeOcurTime": "2025-06-16 09:40:00",
                           "medListCodg": JIA, "medinsListCodg": "HIS0001", "detItemFeeSumamt": amount,
                           "cnt": "1", "pric": amount, "bilgDeptCodg": "NK01", "bilgDeptName": "内科门诊",
                           "bilgDrCodg": "D001", "bilgDrName": "王医生"}]}
    data.update(over)
    return {"data": data}


def identity(order: dict, psn_no: str) -> dict:
    who = person_by_no(psn_no)
    return {"data": {"payOrdId": order["payOrdId"], "orgCodg": ORG, "payToken": order["payToken"],
                     "idNo": who.certno, "userName": who.psn_name, "idType": "01"}}


def pay_data(order: dict, **over) -> dict:
    data = {"payAuthNo": "AUTH0001", "payOrdId": order["payOrdId"], "payToken": order["payToken"], "orgCodg": ORG,
            "orgBizSer": "BIZ0001", "mdtrtId": order["mdtrtId"], "chrgBchno": "B1", "feeType": "01"}
    data.update(over)
    return {"data": data}


def refund_data(order: dict, sn: str, kind: str, fund="0.00", acct="0.00", cash="0.00", **over) -> dict:
    total = Decimal(fund) + Decimal(acct) + Decimal(cash)
    data = {"payOrdId": order["payOrdId"], "appRefdSn": sn, "appRefdTime": "20250616100000",
            "totlRefdAmt": str(total), "fundRefdAmt": fund, "psnAcctRefdAmt": acct, "cashRefdAmt": cash,
            "payAuthNo": "REFAUTH1", "refdType": kind}
    data.update(over)
    return {"data": data}


def created(his: Driver, psn_no: str = P_WORKER, amount: str = "300.00") -> dict:
    return his.call("6201", upload_data(psn_no, amount)).output["data"]


# ---- in memory ------------------------------------------------------------------------------

def test_upload_pay_query(his: Driver, sim):
    order = created(his)
    assert order["payOrdId"].startswith("ORD") and order["payToken"] and order["mdtrtId"]
    before = his.call("6301", identity(order, P_WORKER)).output["data"]
    assert (before["ordStas"], before["feeSumamt"], before["fundPay"]) == ("0", Decimal("300.00"), None)
    paid = his.call("6202", pay_data(order)).output["data"]
    # 300 in scope: 200 deductible, (300 - 200) x 0.70 = 70 from the pool, 230 from the account
    assert (paid["ordStas"], paid["fundPay"], paid["psnAcctPay"], paid["ownPayAmt"]) == \
        ("6", Decimal("70.00"), Decimal("230.00"), Decimal("0.00"))
    assert paid["fundPay"] + paid["psnAcctPay"] + paid["ownPayAmt"] == paid["feeSumamt"]
    assert sim.balance(P_WORKER, "310") == Decimal("1270.00")
    assert sim.deductible_used(P_WORKER, "310") == Decimal("200.00")
    after = his.call("6301", identity(order, P_WORKER)).output["data"]
    assert after["ordStas"] == "6" and '"acctPay":"230.00"' in after["setlInfo"]


def test_illegal_transitions_are_refused(his: Driver):
    order = created(his)
    his.refused("6203", refund_data(order, "R1", "ALL", fund="0.00", cash="300.00"), "待支付")
    his.call("6202", pay_data(order))
    his.refused("6202", pay_data(order), "已支付")
    his.refused("6401", identity(order, P_WORKER), "请办理退费")
    other = created(his)
    assert his.call("6401", identity(other, P_WORKER)).output["data"]["success"] == "true"
    assert his.call("6301", identity(other, P_WORKER)).output["data"]["ordStas"] == "12"
    his.refused("6401", identity(other, P_WORKER), "已撤销")
    his.refused("6202", pay_data(other), "已撤销")


def test_refunds_in_parts_give_everything_back_once(his: Driver, sim):
    order = created(his, P_WORKER_POOR)  # 20.00 in the account: 70 pool, 20 account, 210 cash
    paid = his.call("6202", pay_data(order)).output["data"]
    assert (paid["fundPay"], paid["psnAcctPay"], paid["ownPayAmt"]) == \
        (Decimal("70.00"), Decimal("20.00"), Decimal("210.00"))
    query = identity(order, P_WORKER_POOR)
    his.refused("6203", refund_data(order, "R0", "CASH", cash="300.00"), "超过可退金额")
    his.refused("6203", refund_data(order, "R0", "HI", fund="70.00", acct="20.00", cash="1.00"), "不含现金")
    his.refused("6203", refund_data(order, "R0", "ALL", cash="210.00"), "全部剩余")
    his.refused("6203", refund_data(order, "R0", "CASH", cash="1.00", ecToken="X"), "只能传一个")
    assert his.call("6203", refund_data(order, "R1", "CASH", cash="100.00")).output["data"]["refStatus"] == "SUCC"
    assert his.call("6301", query).output["data"]["ordStas"] == "10"
    his.call("6203", refund_data(order, "R1", "CASH", cash="100.00"))  # a retry: answered, not paid twice
    his.refused("6203", refund_data(order, "R1", "CASH", cash="50.00"), "已使用")
    assert sim.balance(P_WORKER_POOR, "310") == Decimal("0.00")
    his.call("6203", refund_data(order, "R2", "HI", fund="70.00", acct="20.00"))
    assert sim.balance(P_WORKER_POOR, "310") == Decimal("20.00")
    assert sim.deductible_used(P_WORKER_POOR, "310") == Decimal("0.00")
    assert his.call("6301", query).output["data"]["ordStas"] == "11"
    his.call("6203", refund_data(order, "R3", "ALL", cash="110.00"))
    assert his.call("6301", query).output["data"]["ordStas"] == "7"
    his.refused("6203", refund_data(order, "R4", "CASH", cash="1.00"), "已退费")


def test_uploads_are_checked(his: Driver):
    his.refused("6201", upload_data(P_WORKER, userName="别人"), "姓名")
    his.refused("6201", upload_data(P_WORKER, insutype="390"), "未参加险种")
    his.refused("6201", upload_data(P_WORKER, medfeeSumamt="299.00"), "不一致")
    bad_row = upload_data(P_WORKER)
    bad_row["data"]["feedetailList"][0]["medListCodg"] = "X000"
    his.refused("6201", bad_row, "不存在或未对照")
    first = his.call("6201", upload_data(P_RESIDENT, med_org_ord="SAME", insutype="390")).output["data"]
    his.refused("6201", upload_data(P_RESIDENT, med_org_ord="SAME", insutype="390"), "已有有效订单")
    his.call("6401", identity(first, P_RESIDENT))
    his.call("6201", upload_data(P_RESIDENT, med_org_ord="SAME", insutype="390"))
    order = created(his)
    his.refused("6202", pay_data(order, payToken="WRONG"), "支付令牌")
    his.refused("6202", pay_data(order, chrgBchno="B9"), "chrgBchno")


def test_qr_code_and_notifications(his: Driver):
    who = person_by_no(P_WORKER)
    parsed = his.call("6101", {"data": {"qrCode": who.ec_token}}).output["data"]
    assert (parsed["psnNo"], parsed["idNo"], parsed["userName"]) == (P_WORKER, who.certno, who.psn_name)
    his.refused("6101", {"data": {"qrCode": "nonsense"}}, "无效")
    order = created(his)
    his.call("6204", {"data": {"payOrdId": order["payOrdId"], "ordStas": "6"}})
    his.call("6302", {"data": {"payOrdId": order["payOrdId"], "ordStas": "6"}})
    his.refused("6302", {"data": {"payOrdId": "ORDX", "ordStas": "6"}}, "不存在")


# ---- over a real socket ---------------------------------------------------------------------

@pytest.fixture
def front(sim):
    front = MobilePayFront(sim)
    front.start()
    yield front
    front.stop()


@pytest.fixture
def mobile(front, sim):
    platform = MobilePayPlatform(front.client_settings(), now=sim.now)  # both sides read one clock, as NTP keeps them
    yield Driver(platform)  # no FSI sign-in: the centre authenticates by appId and signature
    platform.close()


def test_whole_order_over_the_wire(mobile: Driver, sim):
    order = created(mobile, P_WORKER_POOR)
    paid = mobile.call("6202", pay_data(order)).output["data"]
    assert (paid["ordStas"], paid["fundPay"], paid["ownPayAmt"]) == ("6", Decimal("70.00"), Decimal("210.00"))
    assert mobile.call("6301", identity(order, P_WORKER_POOR)).output["data"]["ordStas"] == "6"
    with pytest.raises(PlatformRefused, match="已支付"):
        mobile.call("6202", pay_data(order))
    with pytest.raises(PlatformRefused, match="请办理退费"):
        mobile.call("6401", identity(order, P_WORKER_POOR))
    refund = refund_data(order, "R1", "ALL", fund="70.00", acct="20.00", cash="210.00")
    assert mobile.call("6203", refund).output["data"]["refStatus"] == "SUCC"
    assert mobile.call("6301", identity(order, P_WORKER_POOR)).output["data"]["ordStas"] == "7"
    assert sim.balance(P_WORKER_POOR, "310") == Decimal("20.00")
    sim.invalidate_sign_ins()  # the front signs in again by itself
    other = created(mobile)
    assert mobile.call("6401", identity(other, P_WORKER)).output["data"]["success"] == "true"


def test_lost_replies_are_doubtful(mobile: Driver, sim):
    order = created(mobile)
    sim.faults.add("6202", "drop_after_commit")
    with pytest.raises(PlatformOutcomeUnknown):
        mobile.call("6202", pay_data(order))
    assert mobile.call("6301", identity(order, P_WORKER)).output["data"]["ordStas"] == "6"  # it did pay
    other = created(mobile)
    sim.faults.add("6202", "drop_before_commit")
    with pytest.raises(PlatformOutcomeUnknown):
        mobile.call("6202", pay_data(other))
    assert mobile.call("6301", identity(other, P_WORKER)).output["data"]["ordStas"] == "0"


def test_a_centre_signing_with_another_key_is_not_trusted(front, sim):
    stranger = MobilePayPlatform(front.client_settings(
        platform_public_key=SM2PrivateKey.from_seed("not the centre").public_key.to_base64()))
    with pytest.raises(PlatformOutcomeUnknown, match="bad_signature"):
        Driver(stranger).call("6201", upload_data(P_WORKER))
    stranger.close()


def test_front_refuses_untrusted_requests(front):
    url = front.base_url + front.paths["6301"]
    channel = Channel(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
    body = {"payOrdId": "ORD1"}

    def post(envelope) -> dict:
        content = envelope if isinstance(envelope, bytes) else encode_json(envelope).encode("utf-8")
        response = httpx.post(url, content=content, timeout=5)
        assert response.status_code == 200
        return parse_json(response.content)

    good = seal(header(DEFAULT_APP_ID, front_timestamp(front.simulator)), body, channel, front.channel_key)
    tampered = dict(good, signData=("B" if good["signData"][0] == "A" else "A") + good["signData"][1:])
    assert post(tampered)["code"] == "1003"
    assert post(dict(good, encData=good["encData"][:-2] + "00"))["code"] == "1004"
    assert post(seal(header(DEFAULT_APP_ID, "20000101000000"), body, channel, front.channel_key))["code"] == "1005"
    unknown = post(dict(good, appId="HB4201069999UNKNOWNAPP01"))
    assert unknown["code"] == "1002" and "signData" not in unknown
    assert post(b"not json")["code"] == "1001"
    assert httpx.post(front.base_url + "/nowhere", content=b"{}", timeout=5).status_code == 404


def front_timestamp(sim) -> str:
    return sim.now().strftime("%Y%m%d%H%M%S")  # the front checks against the platform's clock
