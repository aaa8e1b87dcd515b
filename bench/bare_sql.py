"""The baseline's database writes: hand-written SQL through SQLAlchemy Core text(), no ORM.

It writes the rows our stack writes for a flow (journal before/after each call, person and
insurances, visit, diagnosis, fees, settlement claim, settlement with details), each step in one
short transaction, as ours does; only the msgid counter table is skipped (an in-memory counter)."""
from __future__ import annotations

from datetime import date, datetime

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Engine, text

from domain.settlement import AMOUNT_FIELDS
from ports.clock import SystemClock

# the hospital's wall time, as our stack journals it (the resolver judges entries by it)
hospital_now = SystemClock("Asia/Shanghai").now

_JOURNAL_OPEN = text(
    "INSERT INTO journal (msgid, infno, psn_no, mdtrt_id, visit_id, operator_code, state, infcode, err_msg,"
    " request, reply, inf_refmsgid, created_at, finished_at, resolution, reversal_msgid)"
    " VALUES (:msgid, :infno, :psn_no, :mdtrt_id, :visit_id, :operator_code, 'PENDING', NULL, '', :request,"
    " NULL, '', :created_at, NULL, '', '') RETURNING id")
_JOURNAL_CLOSE = text(
    "UPDATE journal SET state = 'OK', infcode = 0, reply = :reply, inf_refmsgid = :ref, finished_at = :at"
    " WHERE id = :id")
_PERSON = text(
    "INSERT INTO persons (psn_no, psn_name, psn_cert_type, certno, gend, brdy, age, naty, updated_at)"
    " VALUES (:psn_no, :psn_name, :psn_cert_type, :certno, :gend, :brdy, :age, :naty, :now)"
    " ON CONFLICT (psn_no) DO UPDATE SET psn_name = excluded.psn_name, psn_cert_type = excluded.psn_cert_type,"
    " certno = excluded.certno, gend = excluded.gend, brdy = excluded.brdy, age = excluded.age,"
    " naty = excluded.naty, updated_at = excluded.updated_at")
_INSURANCES_DROP = text("DELETE FROM insurances WHERE psn_no = :psn_no")
_INSURANCE = text(
    "INSERT INTO insurances (psn_no, insutype, balc, psn_type, insuplc_admdvs, psn_insu_stas, cvlserv_flag,"
    " emp_name) VALUES (:psn_no, :insutype, :balc, :psn_type, :insuplc_admdvs, :psn_insu_stas, :cvlserv_flag,"
    " :emp_name)")
_VISIT_COLUMNS = ("id", "mdtrt_id", "psn_no", "insutype", "med_type", "mdtrt_cert_type", "mdtrt_cert_no",
                  "ipt_otp_no", "begntime", "dept_code", "dept_name", "caty", "atddr_no", "dr_name",
                  "insuplc_admdvs", "psn_name", "state", "settling_batch", "version")
_VISIT = text(f"INSERT INTO visits ({', '.join(_VISIT_COLUMNS)}) VALUES ({', '.join(':' + c for c in _VISIT_COLUMNS)})")
_VISIT_STATE = text(
    "UPDATE visits SET state = :state, settling_batch = :batch, version = version + 1 WHERE id = :id")
_VISIT_BUMP = text("UPDATE visits SET version = version + 1 WHERE id = :id")
_DIAGNOSIS = text(
    "INSERT INTO diagnoses (visit_id, diag_type, diag_srt_no, diag_code, diag_name, diag_dept, dise_dor_no,"
    " dise_dor_name, diag_time, vali_flag, maindiag_flag) VALUES (:visit_id, :diag_type, :diag_srt_no,"
    " :diag_code, :diag_name, :diag_dept, :dise_dor_no, :dise_dor_name, :diag_time, :vali_flag, :maindiag_flag)")
_FEE_COLUMNS = ("visit_id", "feedetl_sn", "chrg_bchno", "med_list_codg", "medins_list_codg", "det_item_fee_sumamt",
                "cnt", "pric", "fee_ocur_time", "bilg_dept_codg", "bilg_dept_name", "bilg_dr_codg", "bilg_dr_name",
                "medins_list_name", "rx_circ_flag", "hosp_appr_flag", "state", "chrgitm_lv", "med_chrgitm_type",
                "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")
_FEE = text(f"INSERT INTO fee_items ({', '.join(_FEE_COLUMNS)}) VALUES ({', '.join(':' + c for c in _FEE_COLUMNS)})")
_FEES_SETTLED = text("UPDATE fee_items SET state = 'SETTLED' WHERE visit_id = :visit_id AND chrg_bchno = :batch")
_SETL_COLUMNS = ("visit_id", "mdtrt_id", "psn_no", "chrg_bchno", "setl_id", "medins_setl_id", "setl_time",
                 "insutype", "med_type", "clr_type", "clr_way", "clr_optins", "pool_prop_selfpay", *AMOUNT_FIELDS,
                 "state", "cancel_setl_id")
_SETTLEMENT = text(f"INSERT INTO settlements ({', '.join(_SETL_COLUMNS)})"
                   f" VALUES ({', '.join(':' + c for c in _SETL_COLUMNS)}) RETURNING id")
_DETAIL = text(
    "INSERT INTO setl_details (settlement_id, fund_pay_type, fund_payamt, inscp_scp_amt, crt_payb_lmt_amt,"
    " fund_pay_type_name, setl_proc_info) VALUES (:settlement_id, :fund_pay_type, :fund_payamt, :inscp_scp_amt,"
    " :crt_payb_lmt_amt, :fund_pay_type_name, :setl_proc_info)")


class BareStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        # sqlite3 takes no Decimal: our schema keeps decimals as text there (adapters/db/types.py)
        self._sqlite = engine.dialect.name == "sqlite"

    def dec(self, value, scale: int = 2):
        if value is None:
            return None
        q = Decimal(str(value)).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
        return format(q, "f") if self._sqlite else q

    def journal_open(self, row: dict) -> int:
        with self.engine.begin() as conn:
            return conn.execute(_JOURNAL_OPEN, row).scalar_one()

    def journal_close(self, entry_id: int, reply: str, ref: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(_JOURNAL_CLOSE, {"id": entry_id, "reply": reply, "ref": ref, "at": hospital_now()})

    def save_person(self, base: dict, insurances: list[dict]) -> None:
        brdy = base.get("brdy")
        with self.engine.begin() as conn:
            conn.execute(_PERSON, {
                "psn_no": base["psn_no"], "psn_name": base.get("psn_name") or "",
                "psn_cert_type": base.get("psn_cert_type") or "", "certno": base.get("certno") or "",
                "gend": base.get("gend") or "", "brdy": date.fromisoformat(brdy) if brdy else None,
                "age": self.dec(base.get("age"), 1), "naty": base.get("naty") or "", "now": hospital_now()})
            conn.execute(_INSURANCES_DROP, {"psn_no": base["psn_no"]})
            conn.execute(_INSURANCE, [{
                "psn_no": base["psn_no"], "insutype": i.get("insutype") or "", "balc": self.dec(i.get("balc") or 0),
                "psn_type": i.get("psn_type") or "", "insuplc_admdvs": i.get("insuplc_admdvs") or "",
                "psn_insu_stas": i.get("psn_insu_stas") or "", "cvlserv_flag": i.get("cvlserv_flag") or "0",
                "emp_name": i.get("emp_name") or ""} for i in insurances])

    def add_visit(self, visit: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(_VISIT, {c: visit.get(c, "") for c in _VISIT_COLUMNS})

    def add_diagnosis(self, visit_id: str, diagnosis: dict) -> None:
        with self.engine.begin() as conn:
            conn.execute(_DIAGNOSIS, {"visit_id": visit_id, **diagnosis})
            conn.execute(_VISIT_BUMP, {"id": visit_id})

    def add_fees(self, visit_id: str, rows: list[dict]) -> None:
        money = ("det_item_fee_sumamt", "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt")
        params = [{**{c: r.get(c, "") for c in _FEE_COLUMNS}, **{m: self.dec(r.get(m) or 0) for m in money},
                   "cnt": self.dec(r["cnt"], 4), "pric": self.dec(r["pric"], 6), "visit_id": visit_id,
                   "state": "UPLOADED"} for r in rows]
        with self.engine.begin() as conn:
            conn.execute(_FEE, params)
            conn.execute(_VISIT_BUMP, {"id": visit_id})

    def claim(self, visit_id: str, batch: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(_VISIT_STATE, {"id": visit_id, "state": "SETTLING", "batch": batch})

    def settle(self, visit_id: str, batch: str, setlinfo: dict, details: list[dict]) -> None:
        row = {c: setlinfo.get(c) or "" for c in _SETL_COLUMNS}
        row.update({m: self.dec(setlinfo.get(m) or 0) for m in AMOUNT_FIELDS})
        row.update(visit_id=visit_id, chrg_bchno=batch, state="ACTIVE", cancel_setl_id="",
                   pool_prop_selfpay=self.dec(setlinfo.get("pool_prop_selfpay") or 0, 4),
                   setl_time=datetime.strptime(setlinfo["setl_time"], "%Y-%m-%d %H:%M:%S"))
        with self.engine.begin() as conn:
            settlement_id = conn.execute(_SETTLEMENT, row).scalar_one()
            if details:
                conn.execute(_DETAIL, [{
                    "settlement_id": settlement_id, "fund_pay_type": d.get("fund_pay_type") or "",
                    "fund_payamt": self.dec(d.get("fund_payamt") or 0),
                    "inscp_scp_amt": self.dec(d.get("inscp_scp_amt") or 0),
                    "crt_payb_lmt_amt": self.dec(d.get("crt_payb_lmt_amt")),
                    "fund_pay_type_name": d.get("fund_pay_type_name") or "",
                    "setl_proc_info": d.get("setl_proc_info") or ""} for d in details])
            conn.execute(_FEES_SETTLED, {"visit_id": visit_id, "batch": batch})
            conn.execute(_VISIT_STATE, {"id": visit_id, "state": "SETTLED", "batch": ""})
