"""5101 科室信息查询, 5102 医执人员信息查询, 5201 就诊信息查询, 5202 诊断信息查询, 5203 结算信息查询,
5204 费用明细查询: answered from what the simulator holds (visits, admissions, settlements, fees)."""
from __future__ import annotations

from datetime import date

from adapters.yb_sim.demo_data import make_certno
from adapters.yb_sim.handlers.common import Call, person, refuse, shape, text, visit
from adapters.yb_sim.handlers.inpatient_state import IN, admissions, parse_time, time_range
from adapters.yb_sim.handlers.query_rows import fee_row, insured_fields, person_fields, settlement_row
from adapters.yb_sim.state import REVERSED

# Used only while no 3401 upload exists (section "admin_departments", kept by institution_admin).
DEMO_DEPARTMENTS = tuple(
    {"hosp_dept_codg": code, "hosp_dept_name": name, "caty": caty, "begntime": "2010-01-01 00:00:00",
     "endtime": None, "itro": name, "dept_resper_name": head, "dept_resper_tel": "027-80000000",
     "aprv_bed_cnt": beds, "hi_crtf_bed_cnt": beds, "poolarea_no": "420100", "dr_psncnt": 6,
     "phar_psncnt": 1, "nurs_psncnt": 10, "tecn_psncnt": 2}
    for code, name, caty, head, beds in (("NK01", "内科门诊", "A03", "王医生", 0), ("NK02", "内科病区", "A03", "王医生", 40),
                                         ("WK01", "外科门诊", "A04", "李医生", 0), ("WK02", "外科病区", "A04", "李医生", 36)))
# (code, name, type 1 医师 / 2 护士 / 3 药师, birth, gend); certificate numbers are synthetic (99x)
_STAFF = (("D001", "王医生", "1", date(1975, 3, 2), "1"), ("D002", "李医生", "1", date(1982, 9, 9), "2"),
          ("N001", "赵护士", "2", date(1990, 1, 15), "2"), ("P001", "钱药师", "3", date(1986, 6, 6), "1"))
_DEPT_INTERNAL = ("revoked", "upload_time", "revoke_time", "change_time")


def departments(call: Call) -> dict:
    data = call.node("data")
    uploaded = call.state.sections.get("admin_departments")  # read only: another module owns it
    rows = [r for r in uploaded.values() if not r.get("revoked")] if uploaded else list(DEMO_DEPARTMENTS)
    code, name = text(data.get("hosp_dept_codg")), text(data.get("hosp_dept_name"))
    when = parse_time(data.get("begntime"))
    found = []
    for row in rows:
        begin, end = parse_time(row.get("begntime")), parse_time(row.get("endtime"))
        if (code and row.get("hosp_dept_codg") != code) or (name and name not in text(row.get("hosp_dept_name"))):
            continue
        if when is not None and ((begin is not None and when < begin) or (end is not None and end < when)):
            continue  # not in force at the time asked
        found.append(shape(call, "feedetail", {k: v for k, v in row.items() if k not in _DEPT_INTERNAL}))
    return {"feedetail": found}


def practitioners(call: Call) -> dict:
    data = call.node("data")
    rows = [{"psn_cert_type": "01", "certno": make_certno("420106", birth, gend), "prac_psn_no": code,
             "prac_psn_code": f"D{call.admdvs}{n:06d}", "prac_psn_name": name, "prac_psn_type": kind,
             "hi_dr_flag": "1" if kind == "1" else "0", "begntime": "2015-01-01 00:00:00", "endtime": None}
            for n, (code, name, kind, birth, gend) in enumerate(_STAFF, 1)]
    wanted = {k: text(data.get(k)) for k in ("psn_cert_type", "certno", "prac_psn_name", "prac_psn_code",
                                             "prac_psn_type") if text(data.get(k))}
    return {"data": [shape(call, "data", r) for r in rows if all(r[k] == v for k, v in wanted.items())]}


def _visit_row(call: Call, stay) -> dict:
    who = call.state.persons[stay.psn_no]
    adm = admissions(call.state).get(stay.mdtrt_id)
    declared = {f.name for f in call.tx.output_node("mdtrtinfo").fields}
    row = {k: v for k, v in stay.mdtrtinfo.items() if k in declared}
    row.update({k: v for k, v in (adm.dscginfo if adm else {}).items() if k in declared})
    row.update(person_fields(call, who))
    row.update(insured_fields(who, stay.insutype))
    row.update(mdtrt_id=stay.mdtrt_id, begntime=stay.begntime, med_type=stay.med_type,
               mdtrt_cert_type=stay.mdtrt_cert_type, ipt_otp_no=stay.ipt_otp_no or None, maf_psn_flag="0",
               pre_pay_flag="0", vali_flag="0" if stay.cancelled else "1")
    if adm is not None:
        begin, end = parse_time(stay.begntime), parse_time(adm.endtime) or call.now
        row.update(endtime=adm.endtime or None, inhosp_stas="1" if adm.status == IN else "0",
                   ipt_days=max((end.date() - begin.date()).days, 1) if begin else None,
                   ars_year_ipt_flag="1" if begin and begin.year != end.year else "0")
    else:  # an outpatient visit ends the moment it starts, as far as the platform records it
        row.update(endtime=stay.begntime,
                   otp_diag_info="；".join(text(d.get("diag_name")) for d in stay.diagnoses) or None)
    return row


def visits(call: Call) -> dict:
    """Visits of the person in the time range, a cancelled one (2202 / 2404) too, with 有效标志
    vali_flag "0" (an undeclared field, as real replies carry); one undone by 2601 never happened."""
    data = call.node("data")
    psn_no, med_type, mdtrt_id = text(data.get("psn_no")), text(data.get("med_type")), text(data.get("mdtrt_id"))
    person(call, psn_no)
    start, stop = time_range(data)
    found = []
    for stay in call.state.visits.values():
        begin = parse_time(stay.begntime)
        if stay.psn_no != psn_no or stay.reversed or begin is None or not start <= begin <= stop:
            continue
        if (med_type and stay.med_type != med_type) or (mdtrt_id and stay.mdtrt_id != mdtrt_id):
            continue
        found.append(shape(call, "mdtrtinfo", _visit_row(call, stay)))
    return {"mdtrtinfo": found}


def diagnoses(call: Call) -> dict:
    data = call.node("data")
    stay = visit(call, text(data.get("mdtrt_id")), text(data.get("psn_no")))
    return {"diseinfo": [shape(call, "diseinfo", dict(
        d, diag_info_id=f"{stay.mdtrt_id}{n:03d}", mdtrt_id=stay.mdtrt_id, psn_no=stay.psn_no,
        inout_diag_type=d.get("inout_diag_type"), opter_id=None, opter_name=None, opt_time=None))
        for n, d in enumerate(stay.diagnoses, 1)]}


def _settlement(call: Call, setl_id: str, mdtrt_id: str, psn_no: str):
    found = call.state.settlements.get(setl_id)
    if found is None or found.state == REVERSED:
        refuse(f"结算ID[{setl_id}]不存在")
    if mdtrt_id and found.mdtrt_id != mdtrt_id:
        refuse(f"结算ID[{setl_id}]不属于就诊ID[{mdtrt_id}]")
    if found.psn_no != psn_no:
        refuse(f"人员编号[{psn_no}]与结算ID[{setl_id}]的人员不一致")
    return found


def settlement(call: Call) -> dict:
    data = call.node("data")
    found = _settlement(call, text(data.get("setl_id")), text(data.get("mdtrt_id")), text(data.get("psn_no")))
    return {"setlinfo": shape(call, "setlinfo", settlement_row(call, found)),
            "setldetail": [shape(call, "setldetail", r) for r in found.setldetail]}


def fee_details(call: Call) -> dict:
    data = call.node("data")
    psn_no, mdtrt_id, setl_id = text(data.get("psn_no")), text(data.get("mdtrt_id")), text(data.get("setl_id"))
    stay = visit(call, mdtrt_id, psn_no)
    if setl_id:
        found = _settlement(call, setl_id, mdtrt_id, psn_no)
        origin = call.state.settlements.get(found.origin_setl_id) if found.origin_setl_id else found
        fees = [stay.fees[sn] for sn in origin.fee_sns if sn in stay.fees]
    else:
        fees = list(stay.fees.values())
    return {"output": [shape(call, "output", fee_row(call, stay, f, setl_id)) for f in fees]}


HANDLERS = {"5101": departments, "5102": practitioners, "5201": visits, "5202": diagnoses, "5203": settlement,
            "5204": fee_details}
