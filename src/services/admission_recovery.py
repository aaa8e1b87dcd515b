"""Writes to a hospital stay the platform took that the HIS never recorded: its process died between
the platform's answer and the commit, or the outcome was in doubt and the resolver proved it only later.
The resolver finds them in the journal (the request as sent, the reply as received or rebuilt) and
records them on the stay's 医保 admission, in the order they were sent (what the requests said is read
by services.translation.admissions). Rows (2301/2302) are recorded by their feedetl_sn, never reused, so
a row recorded already changes nothing. A change of the stay's state (2402, 2405, 2404, 2305) is recorded only when it is the
last such change the platform accepted for the stay: the platform stands where its last one left it,
and an older one, replayed, would move the stay back.

Covers 2301/2302 (fees), 2402/2405 (discharge and its cancellation), 2404 (admission taken back) and
2305 (settlement cancelled). 2401 and 2304 have their claims (REGISTERING / SETTLING) and are settled
by services.journal; 2403 changes only what the next 2403 sends again whole."""
from __future__ import annotations

import logging
from collections.abc import Callable

from domain.admission import AdmissionState, InsuredAdmission
from domain.errors import IllegalTransition, ValidationFailed
from domain.journal import JournalEntry, JournalState
from domain.settlement import SettlementRules
from ports.unit_of_work import UnitOfWork
from services.translation import admissions as wire
from services.translation.fees import fees_from_upload
from services.translation.settlements import settlement_from_output

log = logging.getLogger(__name__)

ADOPTABLE_STAY_WRITES = frozenset({"2301", "2302", "2402", "2405", "2404", "2305"})
_TRANSITIONS = frozenset({"2401", "2402", "2405", "2404", "2304", "2305"})
_ACCEPTED = (JournalState.OK, JournalState.CONFIRMED)


def adopt_stay_write(uow_factory: Callable[[], UnitOfWork], entry: JournalEntry, rules: SettlementRules,
                     history: list[JournalEntry]) -> bool:
    """Record `entry` (accepted by the platform) on its admission when it is not recorded yet; `history`
    is every journaled call of the stay. Returns whether it recorded anything."""
    if entry.infno in _TRANSITIONS:
        last = [e for e in history if e.infno in _TRANSITIONS and e.state in _ACCEPTED]
        if not last or last[-1].id != entry.id:
            return False  # a later change the platform took stands: this one is history
    with uow_factory() as uow:
        adm = uow.admissions.get(entry.visit_id)
        if adm is None:
            return False
        try:
            applied = _apply(adm, entry, rules)
        except (IllegalTransition, ValidationFailed, KeyError, TypeError, ValueError) as exc:
            log.warning("%s of journal entry %s shown applied but not recordable on admission %s: %s",
                        entry.infno, entry.id, adm.id, exc)
            return False
        if not applied:
            return False
        uow.commit()
    log.warning("journal entry %s (%s) shown applied by the platform: recorded on admission %s",
                entry.id, entry.infno, entry.visit_id)
    return True


def _apply(adm: InsuredAdmission, entry: JournalEntry, rules: SettlementRules) -> bool:
    sent = (entry.request or {}).get("input") or {}
    if entry.infno == "2301":
        known = {f.feedetl_sn for f in adm.fees}
        fresh = [i for i in fees_from_upload(entry.request, entry.reply or {}) if i.feedetl_sn not in known]
        if fresh:
            adm.add_fees(fresh)
        return bool(fresh)
    if entry.infno == "2302":
        open_rows = {f.feedetl_sn for f in adm.unsettled_fees()}
        todo = [sn for sn in wire.cancelled_fee_rows(sent) if sn in open_rows]
        if todo:
            adm.cancel_fees(todo)
        return bool(todo)
    if entry.infno == "2402":
        if adm.state is not AdmissionState.ADMITTED:
            return False
        adm.discharge(*wire.discharge_sent(sent))
        return True
    if entry.infno == "2405":
        if adm.state is not AdmissionState.DISCHARGED:
            return False
        adm.cancel_discharge()
        return True
    if entry.infno == "2404":
        if adm.state is not AdmissionState.ADMITTED:
            return False
        adm.cancel()
        return True
    if entry.infno == "2305":
        setl_id = wire.cancelled_setl_id(sent)
        original = adm.active_settlement() if adm.state is AdmissionState.SETTLED else None
        if original is None or original.setl_id != setl_id or not entry.reply:
            return False
        adm.cancel_settlement(setl_id, settlement_from_output(entry.reply, "", rules))
        return True
    return False
