"""Every platform call passes here: validate, sign in, journal, send, resolve doubt.

The order matters: an invalid request is refused before anything is written; a valid one is
journaled (committed) before it leaves; its outcome is journaled when it returns; an uncertain
outcome of a reversible transaction is settled by 冲正 (2601) at once.

Doubt comes from transport alone (no reply, an unreadable one). A reply with infcode 0 is the
platform's truth: whatever its fields look like, it is journaled OK, and what does not hold
together (a sum, an unreadable amount) is recorded beside it as a discrepancy and logged.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from domain.errors import FieldViolation, ValidationFailed
from domain.institution import Institution
from domain.journal import JournalEntry, JournalState
from domain.operator import Operator
from domain.text import excerpt
from ports.catalogue import Catalogue, check_request, decode_output, validate_request
from ports.clock import Clock
from ports.journal import JournalStore, MsgIdAllocator
from ports.platform import (Platform, PlatformOutcomeUnknown, PlatformRefused, PlatformRequest,
                            PlatformUnreachable, make_msgid, msgid_prefix)
from services import personal_data
from services.errors import PlatformRejected, PlatformUnavailable
from services.outcome_queries import OUTCOME_QUERIES

log = logging.getLogger(__name__)

SIGN_IN = "9001"
SIGN_OUT = "9002"
REVERSAL = "2601"
# Transactions safe to send twice: reads (queries, downloads), previews, and uploads the platform
# applies idempotently. A doubtful outcome of one of these leaves nothing to undo.
IDEMPOTENT = frozenset({"1101", "1201", "1901", "2001", "9001", "9002", "9102", "2203", "2203A", "2206", "2303",
                        "6101", "6301", "4103", "4207", "4208", "4209",
                        *(f"13{n:02d}" for n in range(7, 20)), "1312a",
                        *("5101", "5102", "5201", "5202", "5203", "5204", "5205", "5206", "5262", "5267",
                          "5301", "5302", "5303", "5304", "5401", "5402"),
                        "3201", "3202", "9101"})  # reconciliation: comparisons and a file upload, nothing to undo


@dataclass(frozen=True)
class Receipt:
    """A successful call: the decoded output and where the journal keeps it."""

    output: dict
    msgid: str
    journal_id: int | None
    message: str = ""  # what the platform said beside infcode 0 (some put warnings in err_msg)
    discrepancies: tuple[str, ...] = ()  # what did not hold together in the reply (journaled too)
    warnings: tuple[str, ...] = ()  # request fields the catalogue is unsure of, sent as they were


@dataclass(frozen=True)
class _Answer:
    output: dict
    message: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class CallContext:
    """What the journal keeps beside the request, to find the call later."""

    psn_no: str = ""
    mdtrt_id: str = ""
    visit_id: str = ""
    insuplc_admdvs: str = ""


class PlatformGateway:
    def __init__(self, platform: Platform, journal: JournalStore, msgids: MsgIdAllocator, clock: Clock,
                 catalogue: Catalogue, institution: Institution, owner: str = "",
                 in_flight_margin: timedelta = timedelta(seconds=60)):
        """`owner`: this process's instance id, journaled with each call; `in_flight_margin`: how long
        after a call gave up waiting its request may still reach the platform and take effect."""
        self.platform, self.journal, self.msgids = platform, journal, msgids
        self.owner, self.in_flight_margin = owner, in_flight_margin
        self.clock, self.catalogue, self.institution = clock, catalogue, institution
        self._sign_nos: dict[str, tuple[str, str]] = {}  # operator code -> (day, sign_no)
        self._local = threading.local()  # the payload check() passed last, in this thread
        self._sign_lock = threading.Lock()

    # ---- public ------------------------------------------------------------------------------
    def call(self, operator: Operator, infno: str, payload: dict, ctx: CallContext = CallContext(),
             verify: Callable[[dict], list[str]] | None = None) -> dict:
        """Send one business transaction and return its decoded output.

        `verify` reads the output (e.g. a settlement) and returns what does not hold together in it,
        in words; that is journaled as the entry's discrepancy. It never makes the outcome doubtful."""
        return self.send(operator, infno, payload, ctx, verify).output

    def check(self, infno: str, payload: dict) -> None:
        """Refuse (ValidationFailed) a request the platform must never see, before anything is
        written: a use case checks its payload with this before it claims or changes a record.
        Sending that same payload object next, from this thread, is not checked a second time."""
        tx, warnings = self._checked(infno, payload)
        self._local.checked = (tx, payload, warnings)

    def _checked(self, infno: str, payload: dict):
        """The transaction, and the warnings of a request the catalogue lets through."""
        tx = self.catalogue.get(infno)
        if tx is None:
            raise ValidationFailed([FieldViolation("infno", f"unknown transaction {excerpt(infno)}")])
        if not tx.applicable:
            raise ValidationFailed([FieldViolation("infno", f"{tx.code} 本交易不适用, use {tx.replaced_by}")])
        checked = check_request(self.catalogue, tx, payload)
        if checked.violations:
            raise ValidationFailed(checked.violations, subject=f"{tx.code} input")
        return tx, tuple(str(w) for w in checked.warnings)

    def send(self, operator: Operator, infno: str, payload: dict, ctx: CallContext = CallContext(),
             verify: Callable[[dict], list[str]] | None = None) -> Receipt:
        """Like call(), with the msgid and journal id of the call that succeeded."""
        personal_data.declare_fields(payload)  # whatever is logged about this call masks them
        checked, self._local.checked = getattr(self._local, "checked", None), None
        if checked is not None and checked[1] is payload and self.catalogue.get(infno) is checked[0]:
            tx, warnings = checked[0], checked[2]  # just checked by check(): the very same object
        else:
            tx, warnings = self._checked(infno, payload)
        infno = tx.code  # the spelling the platform uses, whatever case the caller wrote
        if warnings:
            log.info("%s sent with fields the catalogue is unsure of: %s", infno, "; ".join(warnings))
        for attempt in (1, 2):
            sign_no = self.sign_no_for(operator) if infno != SIGN_IN else ""
            try:
                entry, request = self._prepare(operator, infno, payload, ctx, sign_no)
                answer = self._exchange(entry, request, verify=verify)
                return Receipt(answer.output, request.msgid, entry.id, message=answer.message,
                               discrepancies=answer.notes, warnings=warnings)
            except PlatformRejected as refused:
                if attempt == 1 and infno not in (SIGN_IN, SIGN_OUT) and _about_sign_in(refused.err_msg):
                    self.forget_sign_in(operator)  # the platform dropped our sign-in: renew once
                    continue
                raise
        raise AssertionError("unreachable")

    def sign_no_for(self, operator: Operator) -> str:
        """The operator's sign_no for today, signing in (9001) when there is none."""
        today = self.clock.now().strftime("%Y-%m-%d")
        with self._sign_lock:
            known = self._sign_nos.get(operator.code)
            if known and known[0] == today:
                return known[1]
            payload = {"signIn": {"opter_no": operator.code, "mac": "", "ip": "127.0.0.1"}}
            output = self._send(operator, SIGN_IN, payload, CallContext(), "")
            sign_no = str((output.get("signinoutb") or {}).get("sign_no") or "")
            if not sign_no:
                raise PlatformUnavailable(SIGN_IN, "9001 returned no sign_no", "", None, "not_sent")
            self._sign_nos[operator.code] = (today, sign_no)
            return sign_no

    def forget_sign_in(self, operator: Operator) -> None:
        with self._sign_lock:
            self._sign_nos.pop(operator.code, None)

    def sign_out_all(self, operators: dict[str, Operator]) -> None:
        """9002 for every operator signed in by this process (at shutdown); failures are logged."""
        with self._sign_lock:
            signed = dict(self._sign_nos)
            self._sign_nos.clear()
        for code, (_, sign_no) in signed.items():
            op = operators.get(code) or Operator(code=code, name=code)
            try:
                self._send(op, SIGN_OUT, {"signOut": {"sign_no": sign_no, "opter_no": code}}, CallContext(), sign_no)
            except Exception as exc:  # noqa: BLE001 - shutdown must go on
                log.warning("sign-out of %s failed: %s", code, exc)

    def resolve(self, entry: JournalEntry, operator: Operator) -> JournalState:
        """Settle an uncertain entry: 冲正 when the catalogue allows it, else a query that shows what
        became of it (services.outcome_queries). Returns the new state (UNCERTAIN while unproven)."""
        return self._resolve(entry, operator)[0]

    def _resolve(self, entry: JournalEntry, operator: Operator) -> tuple[JournalState, dict | None]:
        """The new state, and for a write a query proved applied, the reply rebuilt from the query.

        Proof of an effect counts at once; proof of absence only once the original can no longer
        arrive (entry.in_flight_until): before that the entry stays UNCERTAIN, to be looked at again."""
        personal_data.declare_fields(entry.request)
        tx = self.catalogue.get(entry.infno)
        if entry.infno == REVERSAL:
            return self._resolve_reversal(entry), None
        if entry.infno in IDEMPOTENT or tx is None:
            # a read or an idempotent upload: nothing to undo, the caller simply asks again
            self.journal.close(entry.id, JournalState.FAILED, finished_at=self.clock.now(),
                               resolution="no lasting effect possible; safe to send again")
            return JournalState.FAILED, None
        if not tx.reversible or getattr(OUTCOME_QUERIES.get(entry.infno), "preferred", False):
            return self._resolve_by_query(entry, operator, tx)
        return self._reverse(entry, operator), None

    def _reverse(self, entry: JournalEntry, operator: Operator) -> JournalState:
        """冲正 (2601). Its acknowledgement proves the platform holds no trace of the original only
        when it was sent after the original could no longer arrive: a 2601 that overtakes a late
        original finds nothing to undo, and the original may still commit after it."""
        payload = {"data": {"psn_no": entry.psn_no, "omsgid": entry.msgid, "oinfno": entry.infno}}
        try:
            reversal, request = self._prepare(operator, REVERSAL, payload, _context_of(entry), self.sign_no_for(operator))
            self._exchange(reversal, request, may_resolve=False)
        except PlatformRejected as refused:
            if _about_sign_in(refused.err_msg):  # "签到信息不存在": about us, not about the original
                self.forget_sign_in(operator)
                return self._still_open(entry, f"冲正 2601 {refused.msgid} found our sign-in lapsed; the next "
                                               "attempt signs in again")
            if refused.infno == REVERSAL and _unknown_original(refused.err_msg) and \
                    not entry.may_still_arrive(self._sent_at(refused.journal_id)):
                self.journal.close(entry.id, JournalState.FAILED, finished_at=self.clock.now(),
                                   resolution=f"冲正 2601 {refused.msgid}: the platform knows no such message "
                                              f"({excerpt(refused.err_msg, 200)}), and it can no longer arrive: "
                                              "it never took effect; safe to send again")
                return JournalState.FAILED
            return self._still_open(entry, f"冲正 2601 {refused.msgid} refused: {excerpt(refused.err_msg, 200)}")
        except PlatformUnavailable as lost:
            return self._still_open(entry, f"冲正 2601 {lost.msgid} got no reply ({lost.outcome}); 冲正 again")
        if entry.may_still_arrive(reversal.created_at):
            return self._still_open(entry, f"冲正 2601 {request.msgid} acknowledged while the original could still "
                                           "arrive; 冲正 again once it cannot")
        self.journal.close(entry.id, JournalState.REVERSED, finished_at=self.clock.now(), reversal_msgid=request.msgid,
                           resolution=f"冲正 2601 {request.msgid} succeeded after the original could no longer "
                                      "arrive: the platform holds no trace of it")
        return JournalState.REVERSED

    def _resolve_reversal(self, entry: JournalEntry) -> JournalState:
        """A 2601 whose own reply was lost: sending 冲正 again is harmless, so it matters only through
        its original. It is settled when its original is; until then it stays open beside it."""
        omsgid = str((((entry.request or {}).get("input") or {}).get("data") or {}).get("omsgid") or "")
        original = self.journal.by_msgid(omsgid) if omsgid else None
        if original is not None and not original.state.resolved:
            return JournalState.UNCERTAIN
        shown = f"{original.state.value}: {original.resolution or original.err_msg}" if original else "not in this journal"
        self.journal.close(entry.id, JournalState.FAILED, finished_at=self.clock.now(),
                           resolution=f"冲正 of {omsgid or '(no omsgid)'}, which is settled ({excerpt(shown, 200)}): "
                                      "whatever this attempt did no longer matters")
        return JournalState.FAILED

    def _resolve_by_query(self, entry: JournalEntry, operator: Operator, tx) -> tuple[JournalState, dict | None]:
        query = OUTCOME_QUERIES.get(entry.infno)
        written = (entry.request or {}).get("input") or {}
        earlier = self._earlier_writes(entry) if query else {}
        payload = query.payload(written, earlier) if query else None
        if payload is None:  # no query shows this write's trace: an operator decides
            return self._still_open(entry, "no query shows whether it took effect: ask the 医保 centre"), None
        asked = self.catalogue.get(query.infno)
        problems = validate_request(self.catalogue, asked, payload) if asked else ["not in the catalogue"]
        if problems:
            log.warning("no query %s for %s (%s): %s", query.infno, entry.msgid, entry.infno, problems)
            return self._still_open(entry, f"its query {query.infno} cannot be asked: {problems[0]}"), None
        try:
            query_entry, request = self._prepare(operator, query.infno, payload, _context_of(entry),
                                                 self.sign_no_for(operator))
            shown = self._exchange(query_entry, request, may_resolve=False).output
        except (PlatformRejected, PlatformUnavailable) as exc:
            if isinstance(exc, PlatformRejected) and _about_sign_in(exc.err_msg):
                self.forget_sign_in(operator)
            log.warning("query %s for %s (%s) failed: %s", query.infno, entry.msgid, entry.infno, exc)
            return self._still_open(entry, f"query {query.infno} failed: {excerpt(str(exc), 200)}"), None
        verdict = query.judge(written, shown, earlier)
        resolution = f"{query.infno} {request.msgid}: {verdict.evidence}"
        if verdict.applied is None:
            log.warning("outcome of %s (%s) still unknown: %s", entry.msgid, entry.infno, resolution)
            return self._still_open(entry, resolution), None
        if not verdict.applied:
            if entry.may_still_arrive(query_entry.created_at):
                return self._still_open(entry, f"{resolution}, but the original could still arrive"), None
            self.journal.close(entry.id, JournalState.FAILED, finished_at=self.clock.now(),
                               resolution=f"{resolution}, and it can no longer arrive; safe to send again")
            return JournalState.FAILED, None
        output, _problems = decode_output(tx, verdict.output or {})
        self.journal.close(entry.id, JournalState.CONFIRMED, reply=output, finished_at=self.clock.now(),
                           resolution=resolution)
        return JournalState.CONFIRMED, output

    def _still_open(self, entry: JournalEntry, why: str) -> JournalState:
        """Not settled yet: say why; look again once the original can no longer arrive (sooner
        retries are the resolver's to schedule)."""
        now = self.clock.now()
        retry_at = entry.in_flight_until if entry.may_still_arrive(now) else None
        self.journal.close(entry.id, JournalState.UNCERTAIN, resolution=f"open: {why}", retry_at=retry_at)
        entry.resolution, entry.retry_at = f"open: {why}", retry_at or entry.retry_at
        return JournalState.UNCERTAIN

    def _sent_at(self, journal_id: int | None):
        sent = self.journal.get(journal_id) if journal_id is not None else None
        return sent.created_at if sent is not None else self.clock.now()

    def _earlier_writes(self, entry: JournalEntry) -> dict[str, list[dict]]:
        """The inputs of the writes the platform took earlier for the same visit, by transaction
        (a query for a cancellation needs to know what it cancels)."""
        if not entry.visit_id:
            return {}
        taken: dict[str, list[dict]] = {}
        for earlier in self.journal.for_visit(entry.visit_id):
            if earlier.id != entry.id and earlier.state in (JournalState.OK, JournalState.CONFIRMED):
                taken.setdefault(earlier.infno, []).append((earlier.request or {}).get("input") or {})
        return taken

    # ---- sending -----------------------------------------------------------------------------
    def _prepare(self, operator: Operator, infno: str, payload: dict, ctx: CallContext,
                 sign_no: str) -> tuple[JournalEntry, PlatformRequest]:
        now = self.clock.now()
        prefix = msgid_prefix(self.institution.fixmedins_code, now)
        msgid = make_msgid(self.institution.fixmedins_code, now, self.msgids.next_seq(prefix))
        entry = JournalEntry(msgid=msgid, infno=infno, request={"insuplc_admdvs": ctx.insuplc_admdvs, "input": payload},
                             operator_code=operator.code, created_at=now, psn_no=ctx.psn_no, mdtrt_id=ctx.mdtrt_id,
                             visit_id=ctx.visit_id, owner=self.owner)
        request = PlatformRequest(infno=infno, msgid=msgid, input=payload, operator=operator, inf_time=now,
                                  sign_no=sign_no, insuplc_admdvs=ctx.insuplc_admdvs)
        return entry, request

    def _send(self, operator: Operator, infno: str, payload: dict, ctx: CallContext, sign_no: str) -> dict:
        entry, request = self._prepare(operator, infno, payload, ctx, sign_no)
        return self._exchange(entry, request).output

    def _doubt(self, entry: JournalEntry, request: PlatformRequest, why: str, may_resolve: bool,
               verify: Callable[[dict], list[str]] | None, cause: Exception) -> _Answer:
        """Sent, and no answer to trust: the original may still reach the platform until the read
        timeout's end plus the margin; settle what can be settled now, say when to ask again."""
        now = self.clock.now()
        until = now + self.in_flight_margin
        self.journal.close(entry.id, JournalState.UNCERTAIN, err_msg=why, finished_at=now, in_flight_until=until,
                           retry_at=until)
        entry.state, entry.err_msg, entry.in_flight_until, entry.retry_at = JournalState.UNCERTAIN, why, until, until
        outcome, shown = self._resolve(entry, request.operator) if may_resolve else (JournalState.UNCERTAIN, None)
        if outcome is JournalState.CONFIRMED and shown is not None and verify is None:
            return _Answer(shown, "", ())  # the reply was lost, but the platform shows the write took effect
        label = "repeatable" if outcome is JournalState.FAILED and entry.infno in IDEMPOTENT else _OUTCOME[outcome]
        retry_after = None
        if outcome is JournalState.UNCERTAIN:
            retry_after = max(1.0, ((entry.retry_at or until) - self.clock.now()).total_seconds())
        raise PlatformUnavailable(request.infno, why, request.msgid, entry.id, label,
                                  retry_after=retry_after) from cause

    def _exchange(self, entry: JournalEntry, request: PlatformRequest, may_resolve: bool = True,
                  verify: Callable[[dict], list[str]] | None = None) -> _Answer:
        infno, msgid = request.infno, request.msgid
        entry.id = self.journal.open(entry)  # durable before the request leaves
        try:
            reply = self.platform.execute(request)
            personal_data.declare_fields(reply.output)
        except PlatformRefused as exc:
            if _duplicate_msgid(exc.err_msg, msgid):
                # we send each msgid once: the platform saw this one before, so the network delivered it
                # twice, and the first delivery may have taken effect
                return self._doubt(entry, request, f"refused as a duplicate delivery: {exc.err_msg}",
                                   may_resolve, verify, exc)
            self.journal.close(entry.id, JournalState.FAILED, infcode=exc.infcode, err_msg=exc.err_msg,
                               inf_refmsgid=exc.inf_refmsgid, finished_at=self.clock.now())
            raise PlatformRejected(infno, exc.infcode, exc.err_msg, msgid, entry.id) from exc
        except PlatformUnreachable as exc:
            self.journal.close(entry.id, JournalState.FAILED, err_msg=f"not sent: {exc}", finished_at=self.clock.now(),
                               resolution="never reached the platform")
            raise PlatformUnavailable(infno, str(exc), msgid, entry.id, "not_sent") from exc
        except PlatformOutcomeUnknown as exc:
            return self._doubt(entry, request, str(exc), may_resolve, verify, exc)
        # infcode 0: it happened. Whatever the reply holds is recorded as the truth it is.
        notes = [f"reply field {p}" for p in reply.problems]
        failure = None
        if verify is not None:
            try:
                notes.extend(verify(reply.output) or ())
            except Exception as exc:  # noqa: BLE001 - a reader's bug must not lose the platform's answer
                failure = exc
                notes.append(f"the reply could not be read: {type(exc).__name__}: {excerpt(str(exc), 200)}")
        self.journal.close(entry.id, JournalState.OK, infcode=0, reply=reply.output, inf_refmsgid=reply.inf_refmsgid,
                           err_msg=reply.message, finished_at=self.clock.now(), discrepancy="\n".join(notes))
        if notes:
            log.warning("%s %s accepted by the platform with discrepancies (journal entry %s): %s",
                        infno, msgid, entry.id, "; ".join(notes))
        if failure is not None:
            raise failure
        return _Answer(reply.output, reply.message, tuple(notes))


def _duplicate_msgid(err_msg: str, msgid: str) -> bool:
    return "报文ID重复" in err_msg or ("重复" in err_msg and msgid in err_msg)


# How platforms say a 2601's original is unknown to them (the Hubei wording is not public)
_UNKNOWN = ("不存在", "未找到", "查无", "无此", "没有找到", "找不到")


def _about_sign_in(err_msg: str) -> bool:
    return "签到" in err_msg


def _unknown_original(err_msg: str) -> bool:
    """A 2601 refused because the platform knows no such original message (not: it cannot be undone)."""
    return any(word in err_msg for word in _UNKNOWN) and "交易编号[" not in err_msg


def _context_of(entry: JournalEntry) -> CallContext:
    """A follow-up call (冲正, a query) is journaled under the same person, visit and 参保地 as the entry."""
    return CallContext(entry.psn_no, entry.mdtrt_id, entry.visit_id, (entry.request or {}).get("insuplc_admdvs", ""))


_OUTCOME = {JournalState.REVERSED: "reversed", JournalState.FAILED: "not_applied",
            JournalState.UNCERTAIN: "unresolved", JournalState.CONFIRMED: "applied"}
