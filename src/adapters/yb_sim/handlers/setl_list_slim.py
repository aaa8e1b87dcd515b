"""4101a, the slim 结算清单 upload, held to what a real platform's 质控 refuses (handlers.uploads keeps
the list and answers; 4101 keeps its replace-on-upload behaviour there).

Beyond the catalogue's required fields and the settlement's checks in handlers.uploads: one list per
settlement (a second 4101a of a setl_id is refused, naming the list it has: corrections go through
4102 or the centre), diseinfo with exactly one main diagnosis, and the settlement period in order.
(Inpatient and outpatient 慢特病 settlements both have lists, so the 医疗类别 is not checked.)
"""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, refuse, text
from adapters.yb_sim.handlers.uploads import upload_setl_list
from domain.platform_time import parse_date

def upload_slim_list(call: Call) -> dict:
    info = call.node("setlinfo")
    setl_id = text(info.get("setl_id"))
    held = call.state.section("uploads_setl_list", dict).get(setl_id)
    if held is not None:
        refuse(f"结算ID[{setl_id}]的结算清单已上传（清单流水号[{held['setl_list_id']}]），不能重复上传")
    diagnoses = call.rows("diseinfo")
    if not diagnoses:
        refuse("结算清单诊断信息(diseinfo)不能为空")
    mains = sum(1 for d in diagnoses if text(d.get("maindiag_flag")) == "1")
    if mains != 1:
        refuse(f"结算清单诊断信息须有且仅有一条主诊断，实有{mains}条")
    begin, end = (parse_date(text(info.get(k))) for k in ("setl_begn_date", "setl_end_date"))
    if begin and end and begin > end:
        refuse(f"结算开始日期[{begin}]晚于结算结束日期[{end}]")
    return upload_setl_list(call)


HANDLERS = {"4101a": upload_slim_list}
