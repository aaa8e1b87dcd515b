"""9001 签到 / 9002 签退."""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, refuse, text
from adapters.yb_sim.state import SignIn


def sign_in(call: Call) -> dict:
    operator = call.request.operator.code
    sign_no = call.state.ids.sign_no()
    call.state.sign_ins[sign_no] = SignIn(sign_no, operator, call.now)
    return {"signinoutb": {"sign_no": sign_no, "sign_time": call.now_text}}


def sign_out(call: Call) -> dict:
    sign_no = text(call.node("signOut").get("sign_no"))
    found = call.state.sign_ins.get(sign_no)
    if found is None or not found.active:
        refuse(f"签到编号[{sign_no}]不存在或已签退")
    if found.operator_code != call.request.operator.code:
        refuse(f"签到编号[{sign_no}]不属于操作员[{call.request.operator.code}]")
    found.active = False
    return {"signoutoutb": {"sign_time": call.now_text}}


HANDLERS = {"9001": sign_in, "9002": sign_out}
