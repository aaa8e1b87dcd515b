"""The HTTP front over a real socket: gateway signature, envelope, a whole visit, real faults."""
from __future__ import annotations

import time
import uuid
from datetime import datetime
from decimal import Decimal

import httpx
import pytest
from simkit import FIXMEDINS, P_WORKER, Driver, person_by_no

from adapters.yb_http import wire
from adapters.yb_sim import SimulatorHttpFront, SimulatorPlatform
from domain.institution import Institution
from domain.operator import Operator
from ports.platform import PlatformRequest

JIA = "XJ01CAA040A001010104022"
YI = "XA02BCA211A001010101443"


class HttpHis:
    """A bare-hands client: envelope + x-tif headers, nothing else (the real adapter is not used)."""

    def __init__(self, front: SimulatorHttpFront, token: str = "his-secret"):
        self.front = front
        self.token = token
        self.client = httpx.Client(timeout=5)
        self.driver = Driver(None)  # only for msgids and input builders
        self.sign_no = ""

    def headers(self, ts: int | None = None, token: str | None = None) -> dict:
        return wire.gateway_headers("his", token or self.token, ts or int(time.time()), uuid.uuid4().hex)

    def envelope(self, infno: str, input: dict, msgid: str | None = None) -> dict:
        request = PlatformRequest(infno, msgid or self.driver.new_msgid(), input, Operator("OP001", "测试收费员"),
                                  datetime(2025, 6, 16, 9, 30, 0), self.sign_no)
        self.last_msgid = request.msgid
        return wire.build_envelope(request, Institution(fixmedins_code=FIXMEDINS))

    def post(self, body: dict | bytes, headers: dict | None = None, timeout: float = 5) -> httpx.Response:
        content = body if isinstance(body, bytes) else wire.encode_json(body).encode("utf-8")
        return self.client.post(self.front.url, content=content, headers=headers or self.headers(), timeout=timeout)

    def call(self, infno: str, input: dict, **kw) -> dict:
        response = self.post(self.envelope(infno, input), **kw)
        assert response.status_code == 200, response.text
        return wire.parse_json(response.content)

    def ok(self, infno: str, input: dict) -> dict:
        reply = self.call(infno, input)
        assert reply["infcode"] == 0, reply["err_msg"]
        return reply["output"]


@pytest.fixture
def front(sim: SimulatorPlatform):
    front = SimulatorHttpFront(sim, institution_code=FIXMEDINS)
    front.start()
    yield front
    front.stop()


@pytest.fixture
def http(front) -> HttpHis:
    client = HttpHis(front)
    client.sign_no = client.ok("9001", {"signIn": {"opter_no": "OP001", "ip": "10.0.0.8"}})["signinoutb"]["sign_no"]
    yield client
    client.client.close()


def visit_ready(http: HttpHis) -> tuple[str, Decimal]:
    person = person_by_no(P_WORKER)
    mdtrt_id = http.ok("2201", http.driver.register_input(P_WORKER))["data"]["mdtrt_id"]
    http.ok("2204", {"feedetail": http.driver.fee_rows(mdtrt_id, person.psn_no, [(JIA, "1", "300.00")])})
    return mdtrt_id, Decimal("300.00")


def test_health_and_control_api(front: SimulatorHttpFront, sim):
    assert httpx.get(front.base_url + "/_sim/health").status_code == 200
    r = httpx.post(front.base_url + "/_sim/faults", json={"infno": "2207", "action": "error_reply", "times": 2})
    assert r.status_code == 200 and len(sim.faults.pending()) == 1
    assert httpx.post(front.base_url + "/_sim/faults", json={"action": "nope"}).status_code == 400
    assert httpx.delete(front.base_url + "/fsi/_sim/faults").status_code == 200
    assert sim.faults.pending() == []


@pytest.mark.parametrize("breakage", ["missing", "bad_signature", "stale", "wrong_paasid"])
def test_gateway_rejects_bad_headers(http: HttpHis, breakage: str):
    headers = http.headers()
    if breakage == "missing":
        del headers[wire.HEADER_NONCE]
    elif breakage == "bad_signature":
        headers = http.headers(token="not-the-token")
    elif breakage == "stale":
        headers = http.headers(ts=int(time.time()) - 600)
    else:
        headers[wire.HEADER_PAASID] = "intruder"
    response = http.post(http.envelope("9001", {"signIn": {"opter_no": "OP001", "ip": "1"}}), headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == 400001 and body["msg"] and "infcode" not in body


def test_headers_are_case_insensitive_and_signature_may_be_upper_case(http: HttpHis):
    headers = {k.upper(): v for k, v in http.headers().items()}
    headers["X-TIF-SIGNATURE"] = headers["X-TIF-SIGNATURE"].upper()
    response = http.post(http.envelope("9001", {"signIn": {"opter_no": "OP001", "ip": "1"}}), headers=headers)
    assert response.status_code == 200 and response.json()["infcode"] == 0


def test_missing_envelope_field_is_a_business_error(http: HttpHis):
    envelope = http.envelope("9001", {"signIn": {"opter_no": "OP001", "ip": "1"}})
    del envelope["recer_sys_code"]
    reply = wire.parse_json(http.post(envelope).content)
    assert reply["infcode"] == -1 and "recer_sys_code" in reply["err_msg"] and reply["output"] is None


def test_whole_visit_over_http(http: HttpHis, sim):
    person = person_by_no(P_WORKER)
    base = http.ok("1101", {"data": {"mdtrt_cert_type": "03", "mdtrt_cert_no": person.card_no}})
    assert base["baseinfo"]["psn_no"] == P_WORKER and base["insuinfo"][0]["balc"] == Decimal("1500.00")
    mdtrt_id = http.ok("2201", http.driver.register_input(P_WORKER))["data"]["mdtrt_id"]
    rows = http.driver.fee_rows(mdtrt_id, P_WORKER, [(JIA, "2", "100.00"), (YI, "1", "55.55")])
    result = http.ok("2204", {"feedetail": rows})["result"]
    assert result[1]["preselfpay_amt"] == Decimal("5.56")  # 乙类: 55.55 × 0.10 = 5.555 → 5.56 (half-up)
    total = Decimal("255.55")
    response = http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)))
    assert '"medfee_sumamt":255.55' in response.text  # exact number text, not a float rendering
    assert response.headers["content-type"].startswith("application/json")
    reply = wire.parse_json(response.content)
    assert reply["infcode"] == 0 and reply["err_msg"] is None
    assert len(reply["inf_refmsgid"]) == 30 and reply["inf_refmsgid"].startswith("420106")
    assert len(reply["respond_time"]) == 17 and len(reply["refmsg_time"]) == 17
    info = reply["output"]["setlinfo"]
    # in scope 200.00 + 55.55 - 5.56 = 249.99; pool (249.99 - 起付线 200.00) × 0.70 = 34.993 → 34.99
    assert info["inscp_scp_amt"] == Decimal("249.99")
    assert info["hifp_pay"] == Decimal("34.99")
    assert info["medins_setl_id"] == http.last_msgid
    assert sim.settlement(info["setl_id"])["state"] == "active"


def test_refusal_over_http(http: HttpHis):
    reply = http.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "420106199001019999"}})
    assert reply["infcode"] == -1 and "未查询到人员信息" in reply["err_msg"] and reply["output"] is None
    http.sign_no = "stale"
    assert "签到" in http.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": "x"}})["err_msg"]


def test_drop_before_commit_is_a_transport_error(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    sim.faults.add("2207", "drop_before_commit")
    with pytest.raises(httpx.TransportError):
        http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)))
    assert sim.balance(P_WORKER, "310") == Decimal("1500.00")


def test_drop_after_commit_acts_then_hangs_up(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    sim.faults.add("2207", "drop_after_commit")
    with pytest.raises(httpx.TransportError):
        http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)))
    assert sim.balance(P_WORKER, "310") < Decimal("1500.00")


def test_timeout_after_commit_leaves_the_settlement_stored(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    httpx.post(http.front.base_url + "/_sim/faults",
               json={"infno": "2207", "action": "timeout_after_commit", "seconds": 5})
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)), timeout=0.5)
    lost = http.last_msgid
    assert time.monotonic() - started < 3
    assert sim.balance(P_WORKER, "310") < Decimal("1500.00")
    assert "已结算" in http.call("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total))["err_msg"]
    assert http.ok("2601", {"data": {"psn_no": P_WORKER, "omsgid": lost, "oinfno": "2207"}}) == {}
    assert sim.balance(P_WORKER, "310") == Decimal("1500.00")


def test_garbage_gateway_and_error_replies(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    settle = http.driver.settle_input(mdtrt_id, P_WORKER, total)
    sim.faults.add("2207", "gateway_error")
    response = http.post(http.envelope("2207", settle))
    assert response.status_code == 500 and response.json() == {"code": "999", "msg": "gateway busy"}
    sim.faults.add("2207", "error_reply")
    assert http.call("2207", settle)["infcode"] == -1
    assert sim.balance(P_WORKER, "310") == Decimal("1500.00")
    sim.faults.add("2207", "garbage_after_commit")
    response = http.post(http.envelope("2207", settle))
    assert response.status_code == 200 and response.text == "<html><body>502 Bad Gateway</body></html>"
    assert sim.balance(P_WORKER, "310") < Decimal("1500.00")


def test_delay_over_http(http: HttpHis, sim):
    sim.faults.add("1101", "delay", seconds=0.3)
    started = time.monotonic()
    reply = http.call("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person_by_no(P_WORKER).certno}})
    assert reply["infcode"] == 0 and time.monotonic() - started >= 0.3


def test_stop_releases_a_held_socket_promptly(sim):
    front = SimulatorHttpFront(sim)
    front.start()
    client = HttpHis(front)
    sim.faults.add("9001", "timeout_after_commit")  # default hold: long
    with pytest.raises(httpx.ReadTimeout):
        client.post(client.envelope("9001", {"signIn": {"opter_no": "OP001", "ip": "1"}}), timeout=0.3)
    started = time.monotonic()
    front.stop()
    assert time.monotonic() - started < 2
    client.client.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(front.base_url + "/_sim/health", timeout=1)


# ---- hostile input over the wire ---------------------------------------------------------------
def raw_body(http: HttpHis, infno: str, input: dict, field: str, raw: str) -> bytes:
    """The envelope as JSON text, with `field`'s value replaced by the raw JSON `raw` (1e309 ...)."""
    text = wire.encode_json(http.envelope(infno, input))
    marker = f'"{field}":'
    start = text.index(marker) + len(marker)
    end = start + len(wire.encode_json(input["data"][field]))
    return (text[:start] + raw + text[end:]).encode("utf-8")


@pytest.mark.parametrize("field", ["medfee_sumamt", "psn_no"])  # money, text
def test_1e309_is_refused_not_a_crash(http: HttpHis, sim, field: str):
    mdtrt_id, total = visit_ready(http)
    settle = http.driver.settle_input(mdtrt_id, P_WORKER, total)
    response = http.post(raw_body(http, "2207", settle, field, "1e309"))
    assert response.status_code == 200
    reply = wire.parse_json(response.content)
    assert reply["infcode"] == -1 and reply["output"] is None
    assert reply["err_msg"].startswith("入参校验失败") and f"data.{field}" in reply["err_msg"]
    assert "exponent form" in reply["err_msg"] and len(reply["err_msg"]) < 300  # no 310 digits echoed
    # nothing was settled: the plain request settles now (a second settlement would be refused)
    assert http.ok("2207", settle)["setlinfo"]["medfee_sumamt"] == total


def test_json_nested_beyond_the_parser_is_refused_not_a_crash(http: HttpHis):
    envelope = wire.encode_json(http.envelope("1101", {"data": {}}))
    deep = "[" * 100_000 + "]" * 100_000
    response = http.post(envelope.replace('"input":{"data":{}}', f'"input":{{"data":{deep}}}').encode("utf-8"))
    assert response.status_code == 200
    reply = wire.parse_json(response.content)
    assert reply["infcode"] == -1 and "报文格式错误" in reply["err_msg"]
    assert http.ok("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person_by_no(P_WORKER).certno}})


def test_a_refusal_names_a_few_problems_and_repeats_no_value_whole(http: HttpHis):
    rows = [{"feedetl_sn": f"F{i}", "psn_no": "\x1b[2J" + "9" * 10_000} for i in range(200)]
    reply = http.call("2204", {"feedetail": rows})
    assert reply["infcode"] == -1 and reply["err_msg"].startswith("入参校验失败")
    assert "more)" in reply["err_msg"] and len(reply["err_msg"]) < 1000 and "\x1b" not in reply["err_msg"]


# ---- late commits, resets, duplicates, and the helpers tests use -------------------------------
def control(front: SimulatorHttpFront, method: str, what: str, body: dict | None = None) -> httpx.Response:
    return httpx.request(method, f"{front.base_url}/_sim/{what}", json=body, timeout=30)


def test_late_commit_lands_after_the_client_gave_up(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    added = control(http.front, "POST", "faults",
                    {"infno": "2207", "action": "late_commit", "seconds": 1, "contains": mdtrt_id})
    assert added.json()["fault"]["contains"] == mdtrt_id
    with pytest.raises(httpx.ReadTimeout):
        http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)), timeout=0.3)
    settled = control(http.front, "POST", "settle", {"timeout": 30})
    assert settled.status_code == 200 and settled.json()["pending"] == 0
    assert sim.balance(P_WORKER, "310") < Decimal("1500.00")  # the settlement exists after all
    assert "已结算" in http.call("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total))["err_msg"]


def test_late_commit_answers_a_client_still_waiting(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    sim.faults.add("2207", "late_commit", seconds=0.2)
    reply = http.call("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total))
    assert reply["infcode"] == 0 and sim.settlement(reply["output"]["setlinfo"]["setl_id"])["state"] == "active"


@pytest.mark.parametrize("action, stored", [("reset_before_commit", False), ("reset_after_commit", True)])
def test_reset_is_a_connection_error(http: HttpHis, sim, action: str, stored: bool):
    mdtrt_id, total = visit_ready(http)
    sim.faults.add("2207", action)
    with pytest.raises(httpx.ReadError):  # ECONNRESET while waiting for the answer
        http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)))
    assert (sim.balance(P_WORKER, "310") < Decimal("1500.00")) is stored
    assert http.ok("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": person_by_no(P_WORKER).certno}})


def test_bad_gateway_after_commit(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    sim.faults.add("2207", "bad_gateway_after_commit")
    response = http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)))
    assert response.status_code == 502 and response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text
    assert sim.balance(P_WORKER, "310") < Decimal("1500.00")


def test_duplicate_delivery_answers_the_duplicates_refusal(http: HttpHis, sim):
    mdtrt_id, total = visit_ready(http)
    sim.faults.add("2207", "duplicate_delivery")
    reply = http.call("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total))
    assert (reply["infcode"], reply["err_msg"]) == (-1, f"报文ID重复[{http.last_msgid}]")
    assert sim.balance(P_WORKER, "310") < Decimal("1500.00") and len(sim.visit(mdtrt_id).setl_ids) == 1


@pytest.mark.parametrize("mode", ["refuse", "remember"])
def test_reversal_before_a_late_original_over_http(http: HttpHis, sim, mode: str):
    assert control(http.front, "POST", "config", {"unknown_reversal": mode}).json()["unknown_reversal"] == mode
    mdtrt_id, total = visit_ready(http)
    control(http.front, "POST", "faults", {"infno": "2207", "action": "late_commit", "seconds": 60})
    with pytest.raises(httpx.ReadTimeout):
        http.post(http.envelope("2207", http.driver.settle_input(mdtrt_id, P_WORKER, total)), timeout=0.3)
    late = http.last_msgid
    reversal = http.call("2601", {"data": {"psn_no": P_WORKER, "omsgid": late, "oinfno": "2207"}})
    assert control(http.front, "POST", "settle", {"now": True}).status_code == 200
    if mode == "refuse":
        assert (reversal["infcode"], reversal["err_msg"]) == (-1, f"原交易[{late}]不存在，无法冲正")
        assert sim.balance(P_WORKER, "310") < Decimal("1500.00")  # the original landed afterwards
    else:
        assert reversal["infcode"] == 0
        assert sim.balance(P_WORKER, "310") == Decimal("1500.00") and sim.visit(mdtrt_id).setl_ids == []


def test_config_faults_listing_and_bad_requests(front: SimulatorHttpFront, sim):
    assert control(front, "GET", "config").json() == {"code": 0, "unknown_reversal": "refuse", "rx_notify_url": ""}
    for bad in ({"unknown_reversal": "forget"}, {"unknown_reversal": "remember", "colour": "red"}):
        response = control(front, "POST", "config", bad)
        assert response.status_code == 400 and "bad config" in response.json()["msg"]
    assert sim.unknown_reversal == "refuse"  # nothing changed
    control(front, "POST", "config", {"unknown_reversal": "remember"})
    assert sim.unknown_reversal == "remember" and control(front, "GET", "config").json()["unknown_reversal"] == "remember"
    control(front, "POST", "faults", {"infno": "2204", "action": "reset_after_commit", "times": 2, "contains": "B1-1"})
    assert control(front, "GET", "faults").json()["faults"] == [
        {"infno": "2204", "action": "reset_after_commit", "times": 2, "seconds": 0.0, "contains": "B1-1"}]
    assert control(front, "POST", "settle", {"timeout": "soon"}).status_code == 400


def test_enrolling_persons_over_http(http: HttpHis, sim):
    def enrol(body: dict) -> httpx.Response:
        return http.client.post(f"{http.front.base_url}/_sim/persons", json=body)

    enrolled = [enrol({"psn_no": f"4201062000000000{n:04d}"}).json()["person"] for n in range(100, 140)]
    assert len({p["certno"] for p in enrolled}) == 40  # distinct 身份证号, though drawn without being given
    first = enrolled[0]
    found = http.ok("1101", {"data": {"mdtrt_cert_type": "02", "mdtrt_cert_no": first["certno"]}})
    assert found["baseinfo"]["psn_no"] == first["psn_no"] and found["insuinfo"][0]["balc"] == Decimal("1500.00")
    resident = enrol({
        "psn_no": "42010620000000009001", "psn_name": "测试居民", "gend": "2", "brdy": "1999-09-09",
        "accounts": [{"insutype": "390", "balc": 0}]}).json()["person"]
    assert resident["certno"][6:14] == "19990909" and resident["accounts"][0]["psn_type"] == "1560"
    registration = http.driver.register_input(P_WORKER, "390", mdtrt_cert_no=resident["certno"])
    registration["data"]["psn_no"] = resident["psn_no"]
    mdtrt_id = http.ok("2201", registration)["data"]["mdtrt_id"]
    assert sim.visit(mdtrt_id).psn_no == resident["psn_no"]
    count = len(sim.persons())
    for bad, field in (({"psn_no": first["psn_no"]}, "psn_no"), ({"psn_name": "无号"}, "psn_no"),
                       ({"psn_no": "X1", "certno": first["certno"]}, "certno"),
                       ({"psn_no": "X2", "accounts": [{"balc": "1"}]}, "accounts[0].insutype"),
                       ({"psn_no": "X3", "accounts": [{"insutype": "310", "balc": "lots"}]}, "accounts[0].balc"),
                       ({"psn_no": "X4", "brdy": "yesterday"}, "brdy")):
        response = enrol(bad)
        assert response.status_code == 400 and field in response.json()["msg"], response.json()
    assert len(sim.persons()) == count
