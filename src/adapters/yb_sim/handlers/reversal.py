"""2601 冲正: undo a call identified by its msgid, as if it had never reached the platform."""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, refuse, text


def reverse(call: Call) -> dict:
    data = call.node("data")
    psn_no, omsgid, oinfno = text(data.get("psn_no")), text(data.get("omsgid")), text(data.get("oinfno"))
    call.psn_no = psn_no
    original_tx = call.catalogue.get(oinfno)
    if original_tx is None:
        refuse(f"原交易编号[{oinfno}]不存在")
    if not original_tx.reversible:
        refuse(f"交易[{oinfno}]{original_tx.name}不允许冲正")
    record = call.state.messages.get(omsgid)
    # Never received, refused, or already undone: the platform holds nothing to undo, which is
    # exactly what the caller wants to be true, so it answers success.
    if record is None or record.refused or record.reversed or record.undo is None:
        return {}
    if oinfno not in (record.infno, record.infno[:4]):
        refuse(f"原交易编号[{oinfno}]与原报文[{omsgid}]的交易编号[{record.infno}]不符")
    if record.psn_no and record.psn_no != psn_no:
        refuse(f"人员编号[{psn_no}]与原报文[{omsgid}]的人员不一致")
    kind, *args = record.undo
    from adapters.yb_sim.handlers import UNDO  # the registry imports this module: look it up late
    UNDO[kind](call, *args)
    record.reversed = True
    return {}


HANDLERS = {"2601": reverse}
