"""Small in-memory stand-ins for the storage ports, for unit tests of the service layer."""
from __future__ import annotations

import copy
import itertools
import threading
from dataclasses import replace
from datetime import datetime, timedelta

from domain.errors import ConcurrencyConflict, IllegalTransition
from domain.journal import JournalEntry, JournalState
from ports.admissions import AdmissionRepository
from ports.audit import AuditEvent, AuditFilter, AuditPage, AuditTrail
from ports.clock import Clock
from ports.encounters import EncounterCursor, EncounterPage, EncounterRepository
from ports.exam_link import ExamOutbox, MessageState
from ports.inpatient import AdmissionOrderRepository, StayRepository, WardRepository
from ports.journal import JournalStore, MsgIdAllocator
from ports.platform import Platform, PlatformReply, PlatformRequest
from ports.repositories import PersonRepository, VisitCursor, VisitFilter, VisitPage, VisitRepository
from ports.queues import QueueRepository
from ports.unit_of_work import UnitOfWork


class CountingPlatform(Platform):
    """A platform (the simulator, usually) that notes the infno of every request it is handed."""

    def __init__(self, inner: Platform):
        self.inner = inner
        self.sent: list[str] = []

    def execute(self, request: PlatformRequest) -> PlatformReply:
        self.sent.append(request.infno)
        return self.inner.execute(request)


class StepClock(Clock):
    """Starts at a fixed time and moves one second per reading, so msgid prefixes vary."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, 0)):
        self.current = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            self.current += timedelta(seconds=1)
            return self.current


class ManualClock(Clock):
    """Stands still until a test moves it (`clock.at += timedelta(...)`)."""

    def __init__(self, at: datetime = datetime(2026, 12, 7, 10, 0, 0)):
        self.at = at

    def now(self) -> datetime:
        return self.at


class FakeMsgIds(MsgIdAllocator):
    def __init__(self):
        self.counters: dict[str, int] = {}

    def next_seq(self, prefix: str) -> int:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        if self.counters[prefix] > 9999:
            raise OverflowError(prefix)
        return self.counters[prefix]


class FakeJournal(JournalStore):
    def __init__(self):
        self.entries: dict[int, JournalEntry] = {}
        self._ids = itertools.count(1)

    def open(self, entry: JournalEntry) -> int:
        entry_id = next(self._ids)
        self.entries[entry_id] = replace(entry, id=entry_id, state=JournalState.PENDING)
        return entry_id

    def close(self, entry_id, state, *, infcode=None, err_msg="", reply=None, inf_refmsgid="", finished_at=None,
              resolution="", reversal_msgid="", discrepancy="", in_flight_until=None, retry_at=None,
              attempts=None) -> None:
        given = {"infcode": infcode, "reply": reply, "finished_at": finished_at, "in_flight_until": in_flight_until,
                 "retry_at": retry_at, "attempts": attempts, "err_msg": err_msg or None,
                 "inf_refmsgid": inf_refmsgid or None, "resolution": resolution or None,
                 "reversal_msgid": reversal_msgid or None, "discrepancy": discrepancy or None}
        # as the port says: a field not given keeps what the entry holds
        self.entries[entry_id] = replace(self.entries[entry_id], state=state,
                                         **{k: v for k, v in given.items() if v is not None})

    def get(self, entry_id):
        return self.entries.get(entry_id)

    def by_msgid(self, msgid):
        return next((e for e in self.entries.values() if e.msgid == msgid), None)

    def unresolved(self, older_than=None):
        return [e for e in self.entries.values()
                if e.state is JournalState.UNCERTAIN
                or (e.state is JournalState.PENDING and (older_than is None or e.created_at < older_than))]

    def for_visit(self, visit_id):
        return [e for e in self.entries.values() if e.visit_id == visit_id]

    def accepted_from(self, owner, since):
        return [e for e in self.entries.values() if e.owner == owner and e.finished_at is not None
                and e.finished_at >= since and e.state in (JournalState.OK, JournalState.CONFIRMED)]

    def with_discrepancies(self, since=None, limit=500):
        found = [e for e in self.entries.values() if e.discrepancy and (since is None or e.created_at >= since)]
        return sorted(found, key=lambda e: (e.created_at, e.id), reverse=True)[:limit]


class FakeAuditTrail(AuditTrail):
    """Keeps events in a list, stored at once (no batching), with what list() promises."""

    def __init__(self):
        self.events: list[AuditEvent] = []
        self._lock = threading.Lock()

    def record(self, event: AuditEvent) -> None:
        with self._lock:
            self.events.append(replace(event, id=len(self.events) + 1))

    def list(self, where: AuditFilter = AuditFilter(), *, limit: int = 100, before: int | None = None) -> AuditPage:
        found = [e for e in reversed(self.events)
                 if (where.operator_code is None or e.operator_code == where.operator_code)
                 and (where.visit is None or where.visit in (e.visit_id, e.mdtrt_id))
                 and (where.since is None or e.at >= where.since) and (where.until is None or e.at < where.until)
                 and (before is None or e.id < before)]
        return AuditPage(found[:limit], found[limit - 1].id if len(found) > limit else None)


def listing(visits, where: VisitFilter, limit: int, after: VisitCursor | None, copy_of=lambda v: v) -> VisitPage:
    """What VisitRepository.list promises, over visits in memory: matching, newest first, ties by
    id descending, after the cursor, at most `limit`."""
    found = sorted((v for v in visits if where.matches(v)), key=lambda v: (v.begntime, v.id), reverse=True)
    if after is not None:
        found = [v for v in found if (v.begntime, v.id) < (after.begntime, after.id)]
    page = [copy_of(v) for v in found[:limit]]
    return VisitPage(page, VisitCursor.after(page[-1]) if len(found) > limit else None)


class _Visits(VisitRepository):
    """Hands out copies and remembers them, so commit can write them back."""

    def __init__(self, store: dict):
        self.store = store
        self.loaded: dict = {}  # visit id -> (version seen, working copy)

    def add(self, visit):
        self.loaded[visit.id] = (None, visit)

    def attach(self, visit):
        self.loaded[visit.id] = (visit.version, visit)

    def get(self, visit_id):
        if visit_id in self.loaded:
            return self.loaded[visit_id][1]
        visit = self.store.get(visit_id)
        if visit is None:
            return None
        working = copy.deepcopy(visit)
        self.loaded[visit_id] = (visit.version, working)
        return working

    def by_mdtrt_id(self, mdtrt_id):
        found = next((v for v in self.store.values() if v.mdtrt_id == mdtrt_id), None)
        return self.get(found.id) if found else None

    def by_ipt_otp_no(self, ipt_otp_no):
        found = next((v for v in self.store.values() if v.ipt_otp_no == ipt_otp_no), None)
        return self.get(found.id) if found else None

    def discard(self, visit):
        self.loaded[visit.id] = (self.loaded.get(visit.id, (visit.version, visit))[0], None)

    def list(self, where=VisitFilter(), *, limit=100, after=None):
        return listing(self.store.values(), where, limit, after, copy.deepcopy)

    def in_state(self, state, limit=1000):
        return [self.get(v.id) for v in self.store.values() if v.state is state][:limit]


class _Admissions(AdmissionRepository):
    """Hands out copies; commit writes them back under the same version and 住院号 checks as SQL."""

    def __init__(self, store: dict):
        self.store = store
        self.loaded: dict = {}  # admission id -> (version seen or None when new, working copy or None: discarded)

    def add(self, admission):
        self.loaded[admission.id] = (None, admission)

    def attach(self, admission):
        self.loaded[admission.id] = (admission.version, admission)

    def get(self, admission_id):
        if admission_id in self.loaded:
            return self.loaded[admission_id][1]
        found = self.store.get(admission_id)
        if found is None:
            return None
        working = copy.deepcopy(found)
        self.loaded[admission_id] = (found.version, working)
        return working

    def by_ipt_no(self, ipt_no):
        found = next((a for a in self.store.values() if a.ipt_no == ipt_no), None)
        return self.get(found.id) if found else None

    def by_mdtrt_id(self, mdtrt_id):
        found = next((a for a in self.store.values() if mdtrt_id and a.mdtrt_id == mdtrt_id), None)
        return self.get(found.id) if found else None

    def discard(self, admission):
        if admission.state.value != "REGISTERING":
            raise IllegalTransition(f"admission {admission.id} is {admission.state.value}")
        self.loaded[admission.id] = (self.loaded.get(admission.id, (admission.version, admission))[0], None)

    def in_state(self, state, limit=1000):
        return [self.get(a.id) for a in sorted(self.store.values(), key=lambda a: a.begntime) if a.state is state][:limit]

    def commit(self):
        for admission_id, (seen, admission) in self.loaded.items():
            current = self.store.get(admission_id)
            if current is not None and seen is not None and current.version != seen:
                raise ConcurrencyConflict(f"admission {admission_id} changed meanwhile")
            if current is not None and seen is None:
                raise ConcurrencyConflict(f"admission {admission_id} exists")
            if admission is None:
                self.store.pop(admission_id, None)
                continue
            if any(a.ipt_no == admission.ipt_no and a.id != admission_id for a in self.store.values()):
                raise ConcurrencyConflict(f"住院号 {admission.ipt_no} is taken")
            admission.version = (seen or 0) + 1
            self.store[admission_id] = copy.deepcopy(admission)
        self.loaded.clear()


class _Persons(PersonRepository):
    def __init__(self, store: dict):
        self.store = store

    def save(self, person):
        self.store[person.psn_no] = copy.deepcopy(person)

    def get(self, psn_no):
        return copy.deepcopy(self.store.get(psn_no))


class _Encounters(EncounterRepository):
    """Hands out copies; commit writes back the changed ones with the version check."""

    def __init__(self, store: dict, receipts: dict):
        self.store, self.receipts = store, receipts
        self.loaded: dict = {}  # encounter id -> (version seen or None, working copy)
        self.taken: dict = {}  # receipt sequence numbers taken in this unit of work, per day

    def add(self, encounter):
        self.loaded[encounter.id] = (None, encounter)

    def get(self, encounter_id):
        if encounter_id in self.loaded:
            return self.loaded[encounter_id][1]
        found = self.store.get(encounter_id)
        if found is None:
            return None
        working = copy.deepcopy(found)
        self.loaded[encounter_id] = (found.version, working)
        return working

    def for_patient(self, patient_ids, *, limit=20, after=None):
        found = sorted((e for e in self.store.values() if e.patient_id in patient_ids),
                       key=lambda e: (e.registered_at, e.id), reverse=True)
        if after is not None:
            found = [e for e in found if (e.registered_at, e.id) < (after.registered_at, after.id)]
        page = [self.get(e.id) for e in found[:limit]]
        return EncounterPage(page, EncounterCursor(page[-1].registered_at, page[-1].id) if len(found) > limit else None)

    def next_receipt_seq(self, day):
        self.taken[day] = self.taken.get(day, self.receipts.get(day, 0)) + 1
        return self.taken[day]

    def commit(self):
        for encounter_id, (seen, encounter) in self.loaded.items():
            current = self.store.get(encounter_id)
            if current is not None and current.version != seen:
                raise ConcurrencyConflict(f"encounter {encounter_id} changed meanwhile")
        for encounter_id, (seen, encounter) in self.loaded.items():
            if self.store.get(encounter_id) is not None and _same(self.store[encounter_id], encounter):
                continue
            encounter.version = (seen or 0) + 1
            self.store[encounter_id] = copy.deepcopy(encounter)
        self.receipts.update(self.taken)
        self.loaded.clear()
        self.taken.clear()


def _same(a, b) -> bool:
    return replace(a, version=0) == replace(b, version=0)


class _Queues(QueueRepository):
    """Entries and events kept aside until the unit of work commits them (with the version check)."""

    def __init__(self, store: dict):
        self._store = store  # "entries": id -> entry, "events": [event], "clocks": (day, clinic) -> seq
        self.pending: dict = {}
        self.events: list = []
        self.seq: dict = {}

    def lock(self, day, clinic_code):
        self.seq.setdefault((day, clinic_code), self._store["clocks"].get((day, clinic_code), 0))

    def get(self, entry_id):
        found = self.pending.get(entry_id) or self._store["entries"].get(entry_id)
        return copy.deepcopy(found)

    def entries(self, day, clinic_code, doctor_code=None, open_only=True):
        from domain.queues import OPEN_STATES
        merged = {**self._store["entries"], **self.pending}.values()
        found = [copy.deepcopy(e) for e in merged if e.key.day == day and e.key.clinic_code == clinic_code
                 and (doctor_code is None or e.key.doctor_code in (doctor_code, ""))
                 and (not open_only or e.state in OPEN_STATES)]
        return sorted(found, key=lambda e: e.order)

    def next_number(self, day, clinic_code):
        self.lock(day, clinic_code)
        return 1 + max((e.number for e in {**self._store["entries"], **self.pending}.values()
                        if e.key.day == day and e.key.clinic_code == clinic_code), default=0)

    def add(self, entry):
        self.lock(entry.key.day, entry.key.clinic_code)
        entry.version = 1
        self.pending[entry.id] = copy.deepcopy(entry)

    def save(self, entry):
        current = self.pending.get(entry.id) or self._store["entries"].get(entry.id)
        if current is None or current.version != entry.version:
            raise ConcurrencyConflict(f"queue entry {entry.id} changed meanwhile")
        entry.version += 1
        self.pending[entry.id] = copy.deepcopy(entry)

    def append(self, event):
        k = (event.day, event.clinic_code)
        self.lock(*k)
        self.seq[k] += 1
        self.events.append(replace(event, seq=self.seq[k]))
        return self.events[-1]

    def commit(self):
        for k, seq in self.seq.items():
            if self._store["clocks"].get(k, 0) != seq - sum(1 for e in self.events if (e.day, e.clinic_code) == k):
                raise ConcurrencyConflict(f"the queue of {k} changed meanwhile")
        for entry in self.pending.values():
            current = self._store["entries"].get(entry.id)
            if current is not None and current.version != entry.version - 1:
                raise ConcurrencyConflict(f"queue entry {entry.id} changed meanwhile")
        self._store["entries"].update(self.pending)
        self._store["events"].extend(self.events)
        self._store["clocks"].update(self.seq)
        self.rollback()

    def rollback(self):
        self.pending, self.events, self.seq = {}, [], {}


def queue_store() -> dict:
    return {"entries": {}, "events": [], "clocks": {}}


class _ExamMessages(ExamOutbox):
    """The RIS outbox: changes kept aside and made at commit, each checked as the database would."""

    def __init__(self, store: dict):
        self._store = store  # "messages": id -> ExamMessage, "received": control_id -> request ids, "ids": counter
        self.pending: list = []  # (method, args), made in order at commit

    def _view(self) -> dict:
        found = {k: copy.deepcopy(v) for k, v in self._store["messages"].items()}
        for name, args in self.pending:
            if name == "add":
                found[args[0].id] = copy.deepcopy(args[0])
        return found

    def add(self, message):
        message.id = next(self._store["ids"])
        self.pending.append(("add", (copy.deepcopy(message),)))
        return message

    def get(self, message_id):
        return self._view().get(message_id)

    def for_request(self, request_id):
        return sorted((m for m in self._view().values() if m.request_id == request_id), key=lambda m: m.id)

    def due(self, now, limit):
        unsent = sorted((m for m in self._view().values() if m.state is not MessageState.SENT), key=lambda m: m.id)
        heads = {}
        for m in unsent:
            heads.setdefault(m.request_id, m)
        return [m for m in heads.values() if m.next_attempt_at <= now][:limit]

    def claim(self, message_id, attempts, until):
        current = self._view().get(message_id)
        if current is None or current.attempts != attempts or current.state is MessageState.SENT:
            return False
        self.pending.append(("claim", (message_id, attempts, until)))
        return True

    def mark_sent(self, message_id, at, ack):
        self.pending.append(("sent", (message_id, at, ack)))

    def mark_failed(self, message_id, next_attempt_at, error):
        self.pending.append(("failed", (message_id, next_attempt_at, error)))

    def result_seen(self, control_id):
        return control_id in self._store["received"] or any(
            n == "record" and a[0] == control_id for n, a in self.pending)

    def record_result(self, control_id, request_ids, at):
        self.pending.append(("record", (control_id, list(request_ids), at)))

    def commit(self):
        messages, received = self._store["messages"], self._store["received"]
        for name, args in self.pending:
            if name == "add":
                if any(m.control_id == args[0].control_id for m in messages.values()):
                    raise ConcurrencyConflict(f"control id {args[0].control_id} is taken")
                messages[args[0].id] = copy.deepcopy(args[0])
            elif name == "claim":
                m = messages[args[0]]
                if m.attempts != args[1] or m.state is MessageState.SENT:
                    raise ConcurrencyConflict(f"message {args[0]} was claimed meanwhile")
                m.attempts, m.next_attempt_at = m.attempts + 1, args[2]
            elif name == "sent":
                m = messages[args[0]]
                m.state, m.sent_at, m.ack, m.last_error = MessageState.SENT, args[1], args[2], ""
            elif name == "failed" and messages[args[0]].state is not MessageState.SENT:
                m = messages[args[0]]
                m.state, m.next_attempt_at, m.last_error = MessageState.FAILED, args[1], args[2]
            elif name == "record":
                if args[0] in received:
                    raise ConcurrencyConflict(f"result {args[0]} was recorded already")
                received[args[0]] = args[1]
        self.pending = []

    def rollback(self):
        self.pending = []


def exam_message_store() -> dict:
    return {"messages": {}, "received": {}, "ids": itertools.count(1)}


class _Documents:
    """Admission orders or stays: copies handed out, written back at commit with the version check
    (and, for stays, the unique 住院号 and one live stay per admission order)."""

    def __init__(self, store: dict, what: str):
        self.store, self.what = store, what
        self.loaded: dict = {}  # id -> (version seen or None, working copy)

    def add(self, record):
        self.loaded[record.id] = (None, record)

    def get(self, record_id):
        if record_id in self.loaded:
            return self.loaded[record_id][1]
        found = self.store.get(record_id)
        if found is None:
            return None
        working = copy.deepcopy(found)
        self.loaded[record_id] = (found.version, working)
        return working

    def _where(self, keep, key=None, reverse=False):
        found = sorted((r for r in self.store.values() if keep(r)), key=key or (lambda r: r.id), reverse=reverse)
        return [self.get(r.id) for r in found]

    def check(self, unique=()):
        for record_id, (seen, record) in self.loaded.items():
            current = self.store.get(record_id)
            if current is not None and current.version != seen:
                raise ConcurrencyConflict(f"{self.what} {record_id} changed meanwhile")
            if seen is None and current is not None:
                raise ConcurrencyConflict(f"{self.what} {record_id} exists")
            for key in unique:
                mine = key(record)
                if mine and any(key(o) == mine and o.id != record_id for o in self.store.values()):
                    raise ConcurrencyConflict(f"{self.what} {record_id}: {mine} is taken")

    def write(self):
        for record_id, (seen, record) in self.loaded.items():
            if self.store.get(record_id) is not None and _same(self.store[record_id], record):
                continue
            record.version = (seen or 0) + 1
            self.store[record_id] = copy.deepcopy(record)
        self.loaded.clear()


class _AdmissionOrders(_Documents, AdmissionOrderRepository):
    def for_encounter(self, encounter_id):
        return self._where(lambda o: o.encounter_id == encounter_id, key=lambda o: (o.issued_at, o.id))


def _live_order(stay):
    return "" if stay.state.value == "CANCELLED" else stay.admission_order_id


class _Stays(_Documents, StayRepository):
    def __init__(self, store: dict, counters: dict):
        super().__init__(store, "stay")
        self.counters, self.taken = counters, {}

    def by_ipt_no(self, ipt_no):
        return next(iter(self._where(lambda s: s.ipt_no == ipt_no)), None)

    def for_patient(self, patient_ids):
        return self._where(lambda s: s.patient_id in patient_ids, key=lambda s: (s.admitted_at, s.id), reverse=True)

    def for_encounters(self, encounter_ids):
        return self._where(lambda s: s.encounter_id in encounter_ids, key=lambda s: (s.admitted_at, s.id))

    def in_state(self, state):
        return self._where(lambda s: s.state is state, key=lambda s: (s.admitted_at, s.id))

    def on_ward(self, ward_code):
        return self._where(lambda s: s.ward_code == ward_code and s.state.value in ("IN_HOSPITAL", "DISCHARGING"),
                           key=lambda s: (s.admitted_at, s.id))

    def next_seq(self, counter, day):
        k = (counter, day)
        self.taken[k] = self.taken.get(k, self.counters.get(k, 0)) + 1
        return self.taken[k]

    def check(self, unique=()):
        super().check((lambda s: s.ipt_no, _live_order))

    def write(self):
        super().write()
        self.counters.update(self.taken)
        self.taken.clear()


class _Wards(WardRepository):
    """Wards as copies; at commit each bed and waiting entry that changed is checked against the
    version it was read at, as the rows are."""

    def __init__(self, store: dict):
        self.store = store
        self.loaded: dict = {}  # code -> (as read, working copy)

    def get(self, code):
        if code in self.loaded:
            return self.loaded[code][1]
        found = self.store.get(code)
        if found is None:
            return None
        self.loaded[code] = (copy.deepcopy(found), copy.deepcopy(found))
        return self.loaded[code][1]

    def all(self):
        return [self.get(code) for code in sorted(self.store)]

    def put(self, ward):
        there = self.store.get(ward.code)
        beds = list(there.beds) if there else []
        beds += [replace(b, version=1) for b in ward.beds if b.code not in {x.code for x in beds}]
        self.store[ward.code] = replace(ward, beds=copy.deepcopy(beds), waiting=list(there.waiting) if there else [])
        self.loaded.pop(ward.code, None)

    def check(self):
        for code, (before, ward) in self.loaded.items():
            stored = self.store[code]
            for rows, old_rows, now_rows, key in ((ward.beds, before.beds, stored.beds, lambda b: b.code),
                                                   (ward.waiting, before.waiting, stored.waiting, lambda w: w.id)):
                old = {key(r): r for r in old_rows}
                now = {key(r): r for r in now_rows}
                for row in rows:
                    if key(row) in old and old[key(row)] == row:
                        continue
                    if key(row) in now and now[key(row)].version != row.version:
                        raise ConcurrencyConflict(f"ward {code}: {key(row)} was changed by someone else meanwhile")

    def write(self):
        for code, (_before, ward) in self.loaded.items():
            stored = self.store[code]
            for rows, attr, key in ((ward.beds, "beds", lambda b: b.code), (ward.waiting, "waiting", lambda w: w.id)):
                now = {key(r): r for r in getattr(stored, attr)}
                for row in rows:
                    if key(row) not in now or now[key(row)] != row:
                        row.version += 1
                        now[key(row)] = copy.deepcopy(row)
                setattr(stored, attr, list(now.values()))
        self.loaded.clear()


def inpatient_store() -> dict:
    return {"orders": {}, "stays": {}, "wards": {}, "counters": {}}


class FakeUnitOfWork(UnitOfWork):
    """Dict-backed; commit makes the same version check as the real one (last writer loses)."""

    def __init__(self, visits: dict, persons: dict, encounters: dict | None = None, receipts: dict | None = None,
                 queues: dict | None = None, exam_messages: dict | None = None, admissions: dict | None = None,
                 inpatient: dict | None = None):
        self._visits, self._persons = visits, persons
        self._admissions = {} if admissions is None else admissions
        self._exam_messages = exam_messages if exam_messages is not None else exam_message_store()
        self._encounters = {} if encounters is None else encounters
        self._receipts = {} if receipts is None else receipts
        self._queues = queues if queues is not None else queue_store()
        self._inpatient = inpatient if inpatient is not None else inpatient_store()
        self._lock = threading.Lock()

    def __enter__(self):
        self.visits = _Visits(self._visits)
        self.persons = _Persons(self._persons)
        self.encounters = _Encounters(self._encounters, self._receipts)
        self.queues = _Queues(self._queues)
        self.exam_messages = _ExamMessages(self._exam_messages)
        self.admissions = _Admissions(self._admissions)
        self.admission_orders = _AdmissionOrders(self._inpatient["orders"], "admission order")
        self.stays = _Stays(self._inpatient["stays"], self._inpatient["counters"])
        self.wards = _Wards(self._inpatient["wards"])
        return self

    def commit(self):
        with self._lock:
            for repository in (self.admission_orders, self.stays, self.wards):
                repository.check()
            for repository in (self.admission_orders, self.stays, self.wards):
                repository.write()
            self.encounters.commit()
            for visit_id, (seen, visit) in self.visits.loaded.items():
                current = self._visits.get(visit_id)
                if current is not None and seen is not None and current.version != seen:
                    raise ConcurrencyConflict(f"visit {visit_id} changed meanwhile")
                if visit is None:  # discarded
                    self._visits.pop(visit_id, None)
                    continue
                if any(v.ipt_otp_no == visit.ipt_otp_no and v.id != visit_id for v in self._visits.values()):
                    raise ConcurrencyConflict(f"门诊号 {visit.ipt_otp_no} is taken")
                stored = copy.deepcopy(visit)
                stored.version = (seen or 0) + 1
                self._visits[visit_id] = stored
            self.visits.loaded.clear()
            self.admissions.commit()
            self.queues.commit()
            self.exam_messages.commit()

    def rollback(self):
        self.visits.loaded.clear()
        self.admissions.loaded.clear()
        self.encounters.loaded.clear()
        self.encounters.taken.clear()
        self.queues.rollback()
        self.exam_messages.rollback()
        self.admission_orders.loaded.clear()
        self.stays.loaded.clear()
        self.stays.taken.clear()
        self.wards.loaded.clear()


def fake_uow_factory():
    visits: dict = {}
    persons: dict = {}
    encounters: dict = {}
    receipts: dict = {}
    queues = queue_store()
    exam_messages = exam_message_store()
    admissions: dict = {}
    inpatient = inpatient_store()
    lock = threading.Lock()

    def make() -> FakeUnitOfWork:
        uow = FakeUnitOfWork(visits, persons, encounters, receipts, queues, exam_messages, admissions, inpatient)
        uow._lock = lock
        return uow

    make.visits, make.persons, make.encounters, make.queues = visits, persons, encounters, queues
    make.exam_messages = exam_messages
    make.admissions = admissions
    make.inpatient = inpatient
    return make
