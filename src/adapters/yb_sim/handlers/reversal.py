"""2601 冲正: undo a call identified by its msgid, as if it had never reached the platform."""
from __future__ import annotations

from adapters.yb_sim.handlers.common import Call, refuse, text
from adapters.yb_sim.state import Message

# What a 2601 does with an original it has not received (it may still be on its way):
REFUSE = "refuse"  # refuse as unknown; the msgid stays free, so a late original still commits
REMEMBER = "remember"  # succeed and keep the msgid, so a late original is refused as 报文ID重复
UNKNOWN_REVERSAL = (REFUSE, REMEMBER)


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
    if record is None:
        if call.unknown_reversal != REMEMBER:
            refuse(f"原交易[{omsgid}]不存在，无法冲正")
        call.state.messages[omsgid] = Message(omsgid, oinfno, psn_no, reversed=True)
        return {}
    # Refused or already undone: the platform holds nothing to undo and nothing can arrive later
    # under this msgid, which is exactly what the caller wants to be true, so it answers success.
    if record.refused or record.reversed or record.undo is None:
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
