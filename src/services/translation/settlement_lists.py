"""The settlement list (结算清单) in the platform's terms, 4101a: what the HIS holds mapped onto its
fields, the request built from a list, and the reply read.

Where each value comes from (the 医保办 fills what is left empty):
- the platform's record of the stay and its settlement (InsuredAdmission, Settlement): psn_no,
  mdtrt_id, setl_id, biz_sn (the settlement's medins_setl_id, our 2304 message id as the platform
  echoes it; setl_id when it echoed none), adm_time / dscg_time, setl_begn_date / setl_end_date (the
  stay's first and last day), dscg_way, chfpdr_code (the attending doctor of the 2401), and diseinfo
  from the discharge diagnoses of the 2402. These are locked on the list.
- the HIS: medcasno = the 住院号 (the HIS keeps no separate 病案号), curr_addr = the patient's address,
  dscg_caty = the 科别 (caty) of the department the patient left from, refldept_dept = the caty of the
  last department transferred into, bill_no = the number of the receipt issued at settlement (the
  deposit's refund or the final payment), diseinfo adm_cond_type "1" (有) for a discharge diagnosis that
  was already an admission diagnosis (unknown otherwise, left empty).
- configuration (settlement_lists.*): bill_code (the receipt series' code), hi_paymtd (医保支付方式),
  medins_fill_dept / medins_fill_psn.
- not held by the HIS: ntly, prfs, coner_name / patn_rlts / coner_addr / coner_tel; oprninfo, icuinfo,
  bldinfo, opspdiseinfo (the HIS records no operations, ICU stays or transfusions yet): the 医保办
  completes them on the list.
4101a sends no fund lines (payinfo was dropped from 4101: the centre takes them from the settlement);
they are kept beside the list for the 医保办 to see.
"""
from __future__ import annotations

from datetime import datetime

from domain.admission import InsuredAdmission
from domain.errors import FieldViolation
from domain.money import money
from domain.platform_time import DATE_FORMAT, DATETIME_FORMAT
from domain.settlement import Settlement
from domain.settlement_lists import SETLINFO, FieldRule, FundLine, NodeRule, SettlementList
from ports.catalogue import Catalogue, Transaction, check_request

INFNO = "4101a"
NODE_LABELS = {"setlinfo": "结算清单信息", "diseinfo": "诊断信息", "oprninfo": "手术操作信息", "icuinfo": "重症监护信息",
               "bldinfo": "输血信息", "opspdiseinfo": "门诊慢特病诊断信息"}
# setlinfo fields a person keeps from one stay to the next: offered again from their last list
PERSON_FIELDS = ("ntly", "prfs", "coner_name", "patn_rlts", "coner_addr", "coner_tel", "emp_name", "emp_addr",
                 "emp_tel", "poscode")
_DISE_LOCKED = ("diag_type", "diag_code", "diag_name", "maindiag_flag")


def transaction(catalogue: Catalogue) -> Transaction:
    tx = catalogue.get(INFNO)
    if tx is None:
        raise LookupError(f"{INFNO} is not in the transaction catalogue")
    return tx


def node_rules(tx: Transaction) -> dict[str, NodeRule]:
    """The list's parts and fields as the catalogue declares them. A field is required when the
    sources agree it is (one only some say is required is not a gap)."""
    return {n.name: NodeRule(n.name, NODE_LABELS.get(n.name, n.name), n.is_array,
                             tuple(FieldRule(n.name, f.name, f.label, f.required and not f.required_unconfirmed)
                                   for f in n.fields))
            for n in tx.input}


def _day(at: datetime | None) -> str:
    return at.strftime(DATE_FORMAT) if at else ""


def _time(at: datetime | None) -> str:
    return at.strftime(DATETIME_FORMAT) if at else ""


def from_platform(adm: InsuredAdmission, settlement: Settlement) -> tuple[dict[str, str], list[dict[str, str]],
                                                                          list[str]]:
    """setlinfo values and diseinfo rows taken from the platform's record, and the paths they lock."""
    info = {
        "psn_no": adm.psn_no, "mdtrt_id": adm.mdtrt_id, "setl_id": settlement.setl_id,
        "biz_sn": settlement.medins_setl_id or settlement.setl_id,
        "adm_time": _time(adm.begntime), "dscg_time": _time(adm.endtime),
        "setl_begn_date": _day(adm.begntime), "setl_end_date": _day(adm.endtime or settlement.setl_time),
    }
    locked = [f"{SETLINFO}.{k}" for k in info]
    info.update({"dscg_way": adm.dscg_way, "chfpdr_code": adm.atddr_no})
    on_admission = {d.diag_code for d in adm.diagnoses}
    diagnoses = sorted(adm.discharge_diagnoses or adm.diagnoses, key=lambda d: d.diag_srt_no)
    rows = []
    for i, d in enumerate(diagnoses):
        rows.append({"diag_type": d.diag_type, "diag_code": d.diag_code, "diag_name": d.diag_name,
                     "maindiag_flag": d.maindiag_flag, "adm_cond_type": "1" if d.diag_code in on_admission else ""})
        locked += [f"diseinfo[{i}].{k}" for k in _DISE_LOCKED]
    return info, rows, locked


def fund_lines(settlement: Settlement) -> list[FundLine]:
    return [FundLine(d.fund_pay_type, d.fund_pay_type_name, money(d.fund_payamt)) for d in settlement.details]


def payload(lst: SettlementList, nodes: dict[str, NodeRule], dcla_time: datetime) -> dict:
    """The 4101a input: every declared part, empty values left out."""
    out: dict = {}
    for node in nodes.values():
        if node.is_array:
            out[node.name] = [{f.name: row[f.name] for f in node.fields if row.get(f.name)}
                              for row in lst.rows.get(node.name, [])]
        elif node.name == SETLINFO:
            info = {f.name: lst.setlinfo[f.name] for f in node.fields if lst.setlinfo.get(f.name)}
            info.setdefault("dcla_time", _time(dcla_time))  # 申报时间: when it is declared, unless given
            out[node.name] = info
    return out


def setl_list_id_of(output: dict | None) -> str:
    data = (output or {}).get("data")
    return str((data or {}).get("setl_list_id") or "") if isinstance(data, dict) else ""


def value_violations(catalogue: Catalogue, tx: Transaction, request: dict, path: str) -> list[FieldViolation]:
    """What the catalogue finds wrong with the value at `path` of a request (type, length, code):
    the other fields' problems (the gaps) are not this value's."""
    found = check_request(catalogue, tx, request).violations
    return [v for v in found if v.field == path or v.field.startswith(f"{path}.")]
