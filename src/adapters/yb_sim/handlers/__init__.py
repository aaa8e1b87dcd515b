"""One handler per transaction code; each takes a Call and returns the raw output nodes."""
from __future__ import annotations

from collections.abc import Callable

from adapters.yb_sim.handlers import fees, outpatient, persons, reversal, settlement, signin
from adapters.yb_sim.handlers.common import Call

HANDLERS: dict[str, Callable[[Call], dict]] = {
    "9001": signin.sign_in,
    "9002": signin.sign_out,
    "1101": persons.person_info,
    "2201": outpatient.register,
    "2201A": outpatient.register,
    "2202": outpatient.cancel_registration,
    "2203": outpatient.upload_visit_info,
    "2203A": outpatient.upload_visit_info,
    "2204": fees.upload_fees,
    "2205": fees.cancel_fees,
    "2206": settlement.pre_settle,
    "2207": settlement.settle,
    "2208": settlement.cancel_settlement,
    "2601": reversal.reverse,
}

__all__ = ["HANDLERS", "Call"]
