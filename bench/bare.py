"""The baseline: the same platform calls as raw httpx POSTs and the same rows as raw SQL.

No gRPC, no ORM, no dependency injection, no catalogue validation, no msgid table: the least a
program must do to run the flow against the same simulator front and the same database."""
from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
import uuid


import httpx

from adapters.yb_http.wire import gateway_headers
from bench import data
from bench.bare_sql import BareStore
from bench.stats import FLOW, Recorder
from ports.jsoncodec import encode_json, parse_json
from ports.clock import SystemClock

# the hospital's wall time, as our stack journals it (the resolver judges entries by it)
hospital_now = SystemClock("Asia/Shanghai").now
_NUMBERS = itertools.count(secrets.randbelow(10 ** 7))  # 门诊号 unique across threads (and runs, by chance)

log = logging.getLogger(__name__)
CALLS = ("1101", "2201A", "2203", "2204", "2206", "2207")
DATETIME = "%Y-%m-%d %H:%M:%S"


class PlatformError(Exception):
    pass


class BareShared:
    """What every baseline thread shares: the HTTP client, the database engine, the msgid counter."""

    def __init__(self, url: str, paasid: str, token: str, institution, operator, store: BareStore):
        self.url, self.paasid, self.token = url, paasid, token
        self.institution, self.operator, self.store = institution, operator, store
        self.client = httpx.Client(timeout=httpx.Timeout(30.0, connect=5.0),
                                   limits=httpx.Limits(max_connections=20, max_keepalive_connections=20))
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._run = uuid.uuid4().hex[:6].upper()

    def msgid(self) -> str:
        # 30 characters like a real msgid; the run tag keeps it apart from our path's msgids
        with self._lock:
            n = next(self._counter)
        return f"{self.institution.fixmedins_code}BARE{self._run}{n:08d}"

    def close(self) -> None:
        self.client.close()


class BareWorker:
    def __init__(self, shared: BareShared, patients: list[data.Patient], backend: str, run: str):
        self.s, self.patients, self.backend, self.run = shared, patients, backend, run
        self.sign_no = ""
        out = self.call("9001", {"signIn": {"opter_no": shared.operator.code, "mac": "", "ip": "127.0.0.1"}}, {})
        self.sign_no = out["signinoutb"]["sign_no"]

    def call(self, infno: str, payload: dict, ctx: dict) -> dict:
        """Journal, send, check infcode, journal again: the minimum a careful caller does."""
        s, inst, op = self.s, self.s.institution, self.s.operator
        now = hospital_now()
        msgid = s.msgid()
        entry = s.store.journal_open({
            "msgid": msgid, "infno": infno, "psn_no": ctx.get("psn_no", ""), "mdtrt_id": ctx.get("mdtrt_id", ""),
            "visit_id": ctx.get("visit_id", ""), "operator_code": op.code, "created_at": now,
            "request": encode_json({"insuplc_admdvs": ctx.get("insuplc_admdvs", ""), "input": payload})})
        envelope = {
            "infno": infno, "msgid": msgid, "mdtrtarea_admvs": inst.mdtrtarea_admvs,
            "insuplc_admdvs": ctx.get("insuplc_admdvs", ""), "recer_sys_code": inst.recer_sys_code,
            "dev_no": inst.dev_no, "dev_safe_info": inst.dev_safe_info, "cainfo": "", "signtype": "",
            "infver": inst.infver,
            "opter_type": op.type, "opter": op.code, "opter_name": op.name, "inf_time": now.strftime(DATETIME),
            "fixmedins_code": inst.fixmedins_code, "fixmedins_name": inst.fixmedins_name,
            "sign_no": self.sign_no, "input": payload}
        headers = gateway_headers(s.paasid, s.token, int(time.time()), secrets.token_hex(8))
        response = s.client.post(s.url, content=encode_json(envelope).encode("utf-8"), headers=headers)
        reply = parse_json(response.content)
        if response.status_code != 200 or str(reply.get("infcode")) != "0":
            raise PlatformError(f"{infno}: HTTP {response.status_code} {reply.get('err_msg')}")
        output = reply.get("output") or {}
        s.store.journal_close(entry, encode_json(output), reply.get("inf_refmsgid") or "")
        return output

    def flow(self, index: int, rec: Recorder) -> bool:
        patient = self.patients[index % len(self.patients)]
        batch = data.batch_id("bare", self.backend, self.run, index)
        steps: list[str] = []
        try:
            rec.timed(FLOW, self._flow, patient, batch, rec, steps)
            return True
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            rec.errors[f"{steps[-1] if steps else '?'} {type(exc).__name__}: {exc}"[:160]] += 1
            log.debug("bare flow %s failed", index, exc_info=True)
            return False

    def _flow(self, patient: data.Patient, batch: str, rec: Recorder, steps: list[str]) -> None:
        store = self.s.store

        def step(infno, fn, *args):
            steps.append(infno)
            return rec.timed(infno, fn, *args)

        def read_person():
            out = self.call("1101", {"data": {
                "mdtrt_cert_type": data.CERT_TYPE, "mdtrt_cert_no": patient.certno, "card_sn": "",
                "begntime": hospital_now().strftime(DATETIME), "psn_cert_type": "", "certno": patient.certno,
                "psn_name": ""}}, {})
            store.save_person(out["baseinfo"], out.get("insuinfo") or [])
            return out
        person = step("1101", read_person)
        base = person["baseinfo"]
        insurance = next(i for i in person["insuinfo"] if i["insutype"] == data.INSUTYPE)
        now = hospital_now()
        dept_code, dept_name, caty = data.DEPT
        dr_no, dr_name = data.DOCTOR
        visit = {"id": str(uuid.uuid4()), "psn_no": patient.psn_no, "insutype": data.INSUTYPE,
                 "med_type": data.MED_TYPE, "mdtrt_cert_type": data.CERT_TYPE, "mdtrt_cert_no": patient.certno,
                 "ipt_otp_no": f"MZ{now:%Y%m%d%H%M%S}{next(_NUMBERS):08d}", "begntime": now, "dept_code": dept_code,
                 "dept_name": dept_name, "caty": caty, "atddr_no": dr_no, "dr_name": dr_name,
                 "insuplc_admdvs": insurance["insuplc_admdvs"], "psn_name": base["psn_name"],
                 "state": "REGISTERED", "settling_batch": "", "version": 1}
        ctx = {"psn_no": patient.psn_no, "visit_id": visit["id"], "insuplc_admdvs": visit["insuplc_admdvs"]}

        def register():
            keys = ("psn_no", "insutype", "mdtrt_cert_type", "mdtrt_cert_no", "ipt_otp_no", "atddr_no", "dr_name",
                    "dept_code", "dept_name", "caty", "med_type")
            out = self.call("2201A", {"data": {**{k: visit[k] for k in keys}, "begntime": now.strftime(DATETIME)}},
                            ctx)
            visit["mdtrt_id"] = out["data"]["mdtrt_id"]
            store.add_visit(visit)
        step("2201A", register)
        ctx["mdtrt_id"] = visit["mdtrt_id"]

        def visit_info():
            diag_time = hospital_now()
            d = data.DIAGNOSIS
            self.call("2203", {
                "mdtrtinfo": {"mdtrt_id": visit["mdtrt_id"], "psn_no": patient.psn_no, "med_type": data.MED_TYPE,
                              "begntime": now.strftime(DATETIME), "main_cond_dscr": data.MAIN_COND,
                              "dise_codg": d["diag_code"], "dise_name": d["diag_name"]},
                "diseinfo": [{**{k: v for k, v in d.items() if k != "maindiag_flag"},
                              "diag_time": diag_time.strftime(DATETIME)}]}, ctx)
            store.add_diagnosis(visit["id"], {**d, "diag_time": diag_time})
        step("2203", visit_info)

        rows = []
        for i, (code, his_code, name, cnt, pric) in enumerate(data.FEES, 1):
            rows.append({"feedetl_sn": f"{batch}-{i}", "mdtrt_id": visit["mdtrt_id"], "psn_no": patient.psn_no,
                         "chrg_bchno": batch, "rx_circ_flag": "0", "fee_ocur_time": hospital_now(),
                         "med_list_codg": code, "medins_list_codg": his_code,
                         "det_item_fee_sumamt": data.amount(cnt, pric), "cnt": cnt, "pric": pric,
                         "bilg_dept_codg": dept_code, "bilg_dept_name": dept_name, "bilg_dr_codg": dr_no,
                         "bilg_dr_name": dr_name, "hosp_appr_flag": "1", "medins_list_name": name})
        total = sum(r["det_item_fee_sumamt"] for r in rows)

        def upload_fees():
            wire_rows = [{k: v for k, v in r.items() if k != "medins_list_name"} for r in rows]
            out = self.call("2204", {"feedetail": wire_rows}, ctx)
            result = {r["feedetl_sn"]: r for r in out.get("result") or []}
            for r in rows:  # the platform's classification of each row is kept with it
                got = result.get(r["feedetl_sn"], {})
                r.update({k: got.get(k) for k in ("chrgitm_lv", "med_chrgitm_type", "fulamt_ownpay_amt",
                                                  "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")})
            store.add_fees(visit["id"], rows)
        step("2204", upload_fees)

        settle_data = {"psn_no": patient.psn_no, "mdtrt_cert_type": data.CERT_TYPE,
                       "mdtrt_cert_no": patient.certno, "med_type": data.MED_TYPE, "medfee_sumamt": total,
                       "psn_setlway": "01", "mdtrt_id": visit["mdtrt_id"], "chrg_bchno": batch,
                       "acct_used_flag": "1", "insutype": data.INSUTYPE}
        step("2206", self.call, "2206", {"data": settle_data}, ctx)

        def settle():
            store.claim(visit["id"], batch)
            split = lambda key: sum((r[key] or 0 for r in rows), 0)  # noqa: E731
            out = self.call("2207", {"data": {
                **settle_data, "invono": "", "fulamt_ownpay_amt": split("fulamt_ownpay_amt"),
                "overlmt_selfpay": split("overlmt_amt"), "preselfpay_amt": split("preselfpay_amt"),
                "inscp_scp_amt": split("inscp_scp_amt")}}, ctx)
            store.settle(visit["id"], batch, out["setlinfo"], out.get("setldetail") or [])
        step("2207", settle)

    def close(self) -> None:
        pass
