"""Making the simulated platform's ledger disagree with a HIS, for reconciliation to find:

  forget   the platform no longer holds a settlement the HIS recorded (医药机构有、中心无): it is
           undone as a 冲正 would undo it, so 3201 / 3202 / 5262 no longer count it
  alter    the platform holds a settlement with other amounts than the HIS (金额不符): setlinfo's
           figures are replaced, nothing else (account, fees) moves

A settlement the platform holds and the HIS does not (中心有、医药机构无) needs no help here: a 2207
whose reply is lost (faults: timeout_after_commit ...) and never recorded, or one sent past the HIS's
visit records (PlatformService.Invoke), leaves exactly that.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from adapters.yb_sim.state import ACTIVE, REVERSED, SimState
from domain.money import money
from domain.settlement import AMOUNT_FIELDS


def forget(state: SimState, setl_id: str) -> None:
    """ValueError when the platform holds no such settlement in force."""
    s = state.settlements.get(setl_id)
    if s is None or s.state != ACTIVE or s.origin_setl_id:
        raise ValueError(f"no settlement {setl_id} in force to forget")
    account = state.persons[s.psn_no].account(s.insutype)
    if account is not None:
        account.balc = money(account.balc + s.acct_pay)
    state.add_used(state.dedc_used, s.psn_no, s.insutype, s.year, -s.act_pay_dedc)
    state.add_used(state.pool_used, s.psn_no, s.insutype, s.year, -s.hifp_pay)
    visit = state.visits.get(s.mdtrt_id)
    for sn in s.fee_sns:
        if visit is not None and sn in visit.fees:
            visit.fees[sn].setl_id = ""
    s.state = REVERSED


def alter(state: SimState, setl_id: str, amounts: dict) -> dict:
    """Replace setlinfo figures ({name: amount}); returns the settlement's setlinfo as it is now.
    ValueError for an unknown settlement, a name that is no amount, or a value that is no number."""
    s = state.settlements.get(setl_id)
    if s is None or s.state == REVERSED:
        raise ValueError(f"no settlement {setl_id}")
    changed = {}
    for name, value in amounts.items():
        if name not in AMOUNT_FIELDS:
            raise ValueError(f"{name} is not an amount of setlinfo")
        try:
            changed[name] = money(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            raise ValueError(f"{name}: {value!r} is not a number") from None
    s.setlinfo.update(changed)
    return dict(s.setlinfo)
