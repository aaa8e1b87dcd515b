"""What the platform's own queries show after each outpatient write, so that whoever lost a reply can
prove what became of the write: 5201 the visit (vali_flag "0" once cancelled), 5204 the fee rows (with
the settlement that paid them), 5203 / 5262 the settlement (refd_setl_flag, medins_setl_id = the msgid
that made it); a 2601 makes a write as if it had never been."""
from __future__ import annotations

from decimal import Decimal

from simkit import P_WORKER, Driver, FixedClock
from test_sim_reversal import _catalogue_with_more_reversible

from adapters.yb_sim import SimulatorPlatform
from ports.platform import PlatformRefused

JIA = "XJ01CAA040A001010104022"
DAY = {"begntime": "2025-06-16 00:00:00", "endtime": "2025-06-16 23:59:59"}
DIAGNOSIS = {"diag_type": "1", "diag_srt_no": 1, "diag_code": "J06.900", "diag_name": "上呼吸道感染",
             "diag_dept": "内科", "dise_dor_no": "D001", "dise_dor_name": "王医生",
             "diag_time": "2025-06-16 09:35:00", "vali_flag": "1"}


class Queries:
    def __init__(self, his: Driver, mdtrt_id: str):
        self.his, self.mdtrt_id = his, mdtrt_id

    def visits(self) -> list[tuple]:
        rows = self.his.call("5201", {"data": dict(DAY, psn_no=P_WORKER, med_type="11")}).output["mdtrtinfo"]
        return [(r["mdtrt_id"], r["ipt_otp_no"], r["vali_flag"]) for r in rows]

    def fees(self, setl_id: str = "") -> list[tuple]:
        rows = self.his.call("5204", {"data": {"psn_no": P_WORKER, "mdtrt_id": self.mdtrt_id,
                                               "setl_id": setl_id}}).output["output"]
        return [(r["feedetl_sn"], r["setl_id"]) for r in rows]

    def settlement(self, setl_id: str) -> tuple | str:
        try:
            info = self.his.call("5203", {"data": {"psn_no": P_WORKER, "mdtrt_id": self.mdtrt_id,
                                                   "setl_id": setl_id}}).output["setlinfo"]
        except PlatformRefused as refused:
            return refused.err_msg
        return info["refd_setl_flag"], info["medfee_sumamt"], info["medins_setl_id"]

    def settlements(self) -> list[tuple]:
        rows = self.his.call("5262", {"data": dict(DAY, mdtrt_id=self.mdtrt_id)}).output["setlinfo"]
        return [(r["setl_id"], r["refd_setl_flag"], r["medfee_sumamt"], r["medins_setl_id"]) for r in rows]


def test_each_outpatient_write_shows_in_the_queries(his: Driver):
    mdtrt_id = his.call("2201A", his.register_input(P_WORKER, med_type="11")).output["data"]["mdtrt_id"]
    q = Queries(his, mdtrt_id)
    assert q.visits() == [(mdtrt_id, "MZ20250616001", "1")]
    assert q.fees() == [] and q.settlements() == []

    his.call("2203", {"mdtrtinfo": {"mdtrt_id": mdtrt_id, "psn_no": P_WORKER, "med_type": "11",
                                    "begntime": "2025-06-16 09:30:00"}, "diseinfo": [DIAGNOSIS]})
    assert his.call("5202", {"data": {"mdtrt_id": mdtrt_id, "psn_no": P_WORKER}}).output["diseinfo"][0][
        "diag_code"] == "J06.900"

    his.upload(mdtrt_id, P_WORKER, [(JIA, "1", "300.00")])
    his.upload(mdtrt_id, P_WORKER, [(JIA, "1", "5.00")], batch="B2")
    assert q.fees() == [("B1-1", None), ("B2-1", None)]
    his.call("2205", {"data": {"mdtrt_id": mdtrt_id, "chrg_bchno": "B2", "psn_no": P_WORKER}})
    assert q.fees() == [("B1-1", None)]  # a cancelled batch is gone

    setl_id = his.settle(mdtrt_id, P_WORKER, "300.00").output["setlinfo"]["setl_id"]
    settle_msgid = his.last_msgid
    assert q.fees() == [("B1-1", setl_id)]  # the rows name the settlement that paid them
    assert q.settlement(setl_id) == ("0", Decimal("300.00"), settle_msgid)
    assert q.settlements() == [(setl_id, "0", Decimal("300.00"), settle_msgid)]

    negative = his.cancel(setl_id, mdtrt_id, P_WORKER).output["setlinfo"]["setl_id"]
    cancel_msgid = his.last_msgid
    assert q.fees() == [("B1-1", None)]
    assert q.settlement(setl_id) == ("1", Decimal("300.00"), settle_msgid)
    assert q.settlement(negative) == ("1", Decimal("-300.00"), cancel_msgid)
    assert q.settlements() == [(setl_id, "1", Decimal("300.00"), settle_msgid),
                               (negative, "1", Decimal("-300.00"), cancel_msgid)]

    his.reverse(cancel_msgid, "2208", P_WORKER)  # the cancellation never happened
    assert q.fees() == [("B1-1", setl_id)]
    assert q.settlement(setl_id) == ("0", Decimal("300.00"), settle_msgid)
    assert q.settlement(negative) == f"结算ID[{negative}]不存在"
    assert q.settlements() == [(setl_id, "0", Decimal("300.00"), settle_msgid)]

    his.reverse(settle_msgid, "2207", P_WORKER)  # nor did the settlement
    assert q.fees() == [("B1-1", None)]
    assert q.settlement(setl_id) == f"结算ID[{setl_id}]不存在" and q.settlements() == []

    his.call("2205", {"data": {"mdtrt_id": mdtrt_id, "chrg_bchno": "B1", "psn_no": P_WORKER}})
    his.call("2202", {"data": {"psn_no": P_WORKER, "mdtrt_id": mdtrt_id, "ipt_otp_no": "MZ20250616001"}})
    assert q.visits() == [(mdtrt_id, "MZ20250616001", "0")]  # still listed, no longer valid
    assert q.fees() == []


def test_a_registration_undone_by_2601_is_not_listed():
    sim = SimulatorPlatform(catalogue=_catalogue_with_more_reversible("2201"), clock=FixedClock())
    his = Driver(sim)
    his.sign_in()
    kept = his.register(P_WORKER)
    his.register(P_WORKER)
    his.reverse(his.last_msgid, "2201", P_WORKER)  # the second never happened
    assert [row[0] for row in Queries(his, kept).visits()] == [kept]

