"""The fault matrix's cells: one insured person and one visit each, brought to the point where the
write under test comes next with ordinary calls, then the write sent once with its faults armed on
the simulator (aimed at the cell alone with `contains`), and afterwards both sides read and
compared: the HIS through gRPC, the platform through its own queries (fault_stack.PlatformReader).

A cell's verdict has two rounds. After the resolver's window the HIS and the platform must agree on
the visit, its fees, its settlements and the money, and nothing of the cell may still be open in the
journal. Then the caller does what it was told: a write not in effect on the HIS is sent again
(a new request_id), and must now take effect exactly once on both sides.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

import grpc
from google.rpc import error_details_pb2

from fault_stack import METADATA, Insured, PlatformReader, PlatformView, SimProcess, new_insured, read_platform
from his.v1 import common_pb2, journal_pb2, journal_pb2_grpc, outpatient_pb2 as op, outpatient_pb2_grpc
from test_e2e_outpatient import details, example

WRITES = ("2201A", "2203", "2204", "2205", "2207", "2208", "2202")
READ_TIMEOUT = 1.0  # the HIS's platform read timeout in these tests
IN_FLIGHT_MARGIN = 2.0  # how long after the read timeout the HIS must still expect the original
LATE_COMMIT = 2.0  # after the HIS stopped waiting, a second before the in-flight window closes
HELD = 1.5  # timeout_after_commit: the platform holds the socket past the read timeout, then closes
RESOLVER_INTERVAL = 0.3
# every `his serve` of these tests: small timeouts, a resolver that looks often and backs off little, and
# a connect timeout above the 1 s a dropped SYN waits before it is sent again (a burst of connections
# the simulator's listen queue cannot hold must not turn into requests never sent)
HIS_SETTINGS = dict(platform__read_timeout=READ_TIMEOUT, platform__connect_timeout=5.0,
                    platform__in_flight_margin=IN_FLIGHT_MARGIN, resolver__interval=RESOLVER_INTERVAL,
                    resolver__pending_grace=30.0, resolver__lease_ttl=2.0, resolver__backoff=0.5,
                    resolver__max_backoff=2.0, grpc_workers=24)
OUTCOME_QUERY = {"2201A": "5201", "2202": "5201", "2204": "5204", "2205": "5204"}
REVERSIBLE = frozenset({"2207", "2208"})
FEE_CODE = "XJ01CAA040A001010104022"  # 阿莫西林胶囊, 甲类: 2 × 12.50, all of it the person's share here
ACCT_PAY = Decimal("25.00")  # below the 起付线, so the account pays the whole 25.00


@dataclass(frozen=True)
class Aim:
    infno: str
    action: str
    times: int = 1
    seconds: float = 0
    on: str = "write"  # what `contains` names: the write's own marker, or the person ("psn")


# fault name -> the faults armed for a cell; "2601 lost" and "query failing" apply where the HIS sends
# a 2601 / asks an outcome query (REVERSIBLE / OUTCOME_QUERY), elsewhere they would repeat "drop after commit"
FAULTS: dict[str, Callable[[str], list[Aim]]] = {
    "drop before commit": lambda w: [Aim(w, "drop_before_commit")],
    "drop after commit": lambda w: [Aim(w, "drop_after_commit")],
    "late commit": lambda w: [Aim(w, "late_commit", seconds=LATE_COMMIT)],
    "garbage reply": lambda w: [Aim(w, "garbage_after_commit")],
    "500 gateway": lambda w: [Aim(w, "gateway_error")],
    "502 after commit": lambda w: [Aim(w, "bad_gateway_after_commit")],
    "reset before commit": lambda w: [Aim(w, "reset_before_commit")],
    "reset after commit": lambda w: [Aim(w, "reset_after_commit")],
    "2601 lost": lambda w: [Aim(w, "timeout_after_commit", seconds=HELD), Aim("2601", "drop_after_commit", on="psn")],
    "query failing": lambda w: [Aim(w, "drop_after_commit"),
                                Aim(OUTCOME_QUERY[w], "error_reply", times=3, on="psn" if w in ("2201A", "2202")
                                    else "write")],
}


def applies(write: str, fault: str) -> bool:
    if fault == "2601 lost":
        return write in REVERSIBLE
    if fault == "query failing":
        return write in OUTCOME_QUERY
    return True


# ---- what the HIS holds --------------------------------------------------------------------------
TRANSITIONAL = ("REGISTERING", "SETTLING")
VALID = ("REGISTERED", "SETTLING", "SETTLED")


@dataclass
class OpenEntry:
    id: int
    infno: str
    state: str
    hint: str


@dataclass
class HisView:
    state: str = "none"  # the visit's state (VisitState without its prefix); "none": no visit
    visit_ids: tuple[str, ...] = ()
    mdtrt_id: str = ""
    fees: frozenset[str] = frozenset()  # feedetl_sn not cancelled
    settlements: dict[str, str] = field(default_factory=dict)  # original setl_id -> ACTIVE | CANCELLED | REVERSED
    acct_pay: Decimal = Decimal(0)  # of the settlement in force
    diagnoses: tuple[str, ...] = ()
    open: list[OpenEntry] = field(default_factory=list)

    def summary(self) -> str:
        parts = [self.state if len(self.visit_ids) < 2 else f"{len(self.visit_ids)} visits"]
        if self.fees:
            parts.append(f"fees {len(self.fees)}")
        if self.diagnoses:
            parts.append(f"diag {len(self.diagnoses)}")
        for setl_id, state in self.settlements.items():
            parts.append(f"{state.lower()} …{setl_id[-4:]}")
        if self.open:
            parts.append("open " + ",".join(f"{e.infno}#{e.id}" for e in self.open))
        return " ".join(parts)


def open_entries(channel: grpc.Channel) -> dict[str, list[OpenEntry]]:
    """The journal's unresolved entries by psn_no, as `his journal` lists them."""
    listing = journal_pb2_grpc.JournalServiceStub(channel).ListJournalEntries(
        journal_pb2.ListJournalEntriesRequest(unresolved_only=True), metadata=METADATA, timeout=30)
    found: dict[str, list[OpenEntry]] = {}
    for e in listing.entries:
        found.setdefault(e.psn_no, []).append(OpenEntry(e.id, e.infno, common_pb2.JournalState.Name(e.state)
                                                        .removeprefix("JOURNAL_STATE_"), e.next_step))
    return found


def read_his(channel: grpc.Channel, psn_no: str, open_by_person: dict[str, list[OpenEntry]]) -> HisView:
    stub = outpatient_pb2_grpc.OutpatientServiceStub(channel)
    listed = stub.ListVisits(op.ListVisitsRequest(psn_no=psn_no, page_size=50), metadata=METADATA, timeout=30).visits
    view = HisView(visit_ids=tuple(v.id for v in listed), open=open_by_person.get(psn_no, []))
    if not listed:
        return view
    visit = stub.GetVisit(op.GetVisitRequest(visit_id=listed[0].id), metadata=METADATA, timeout=30).visit
    view.state = common_pb2.VisitState.Name(visit.state).removeprefix("VISIT_STATE_")
    view.mdtrt_id = visit.mdtrt_id
    view.fees = frozenset(f.feedetl_sn for f in visit.fees if f.state != common_pb2.FEE_STATE_CANCELLED)
    for s in visit.settlements:
        if s.medfee_sumamt.startswith("-"):
            continue  # the negative settlement a 2208 made: its original carries the state
        view.settlements[s.setl_id] = common_pb2.SettlementState.Name(s.state).removeprefix("SETTLEMENT_STATE_")
        if s.state == common_pb2.SETTLEMENT_STATE_ACTIVE:
            view.acct_pay += Decimal(s.acct_pay or "0")
    view.diagnoses = tuple(sorted(d.diag_code for d in visit.diagnoses))
    return view


# ---- one cell --------------------------------------------------------------------------------------
@dataclass
class Cell:
    write: str
    fault: str
    crash: bool
    reversal: str
    person: Insured = field(default_factory=new_insured)
    ipt_otp_no: str = field(default_factory=lambda: "MZF" + uuid.uuid4().hex[:20].upper())
    batch: str = field(default_factory=lambda: "F" + uuid.uuid4().hex[:12].upper())
    visit_id: str = ""
    mdtrt_id: str = ""
    setl_id: str = ""
    prepared: str = ""  # what went wrong getting the cell ready ("" when all went well)
    unfired: list[Aim] = field(default_factory=list)  # faults armed for the cell that never met a request
    heard: str = ""
    listed: str = ""  # when the caller heard "unresolved": how the journal listing showed the open entry
    retried: str = ""
    his: HisView | None = None
    platform: PlatformView | None = None
    problems: list[str] = field(default_factory=list)  # after the resolver's window
    final_his: HisView | None = None
    final_platform: PlatformView | None = None
    final_problems: list[str] = field(default_factory=list)  # after the caller's retry

    @property
    def label(self) -> str:
        return f"{self.write}/{self.fault}/{'crash' if self.crash else 'no crash'}/{self.reversal}"

    @property
    def feedetl_sn(self) -> str:
        return f"{self.batch}-1"

    def marker(self, on: str) -> str:
        """Text only this cell's request of that kind carries, for `contains`."""
        if on == "psn":
            return self.person.psn_no
        return self.ipt_otp_no if self.write == "2201A" else self.mdtrt_id

    def aims(self) -> list[Aim]:
        return FAULTS[self.fault](self.write)

    def arm(self, sim: SimProcess) -> None:
        for aim in self.aims():
            sim.fault(aim.infno, aim.action, aim.times, aim.seconds, contains=self.marker(aim.on))

    def note_unfired(self, pending: list[dict]) -> None:
        """Keep the cell's faults still armed: its write's own means the cell tested nothing."""
        self.unfired = [a for a in self.aims() if any(
            p["infno"] == a.infno and p["action"] == a.action and p["contains"] == self.marker(a.on) for p in pending)]

    @property
    def ok(self) -> bool:
        return not self.prepared and self.final_his is not None and not self.problems and not self.final_problems


class Desk:
    """A hospital desk's calls of the outpatient flow, as examples/outpatient_visit.py makes them."""

    def __init__(self, channel: grpc.Channel):
        self.visits = outpatient_pb2_grpc.OutpatientServiceStub(channel)

    def read_person(self, cell: Cell) -> None:
        self.visits.ReadInsuredPerson(op.ReadInsuredPersonRequest(mdtrt_cert_type="02", mdtrt_cert_no=cell.person.certno),
                                      metadata=METADATA, timeout=30)

    def register(self, cell: Cell) -> None:
        p = cell.person
        visit = self.visits.RegisterVisit(op.RegisterVisitRequest(
            psn_no=p.psn_no, insutype=p.insutype, med_type="11", mdtrt_cert_type="02", mdtrt_cert_no=p.certno,
            dept_code="NK01", dept_name="内科门诊", caty="A03", atddr_no="D001", dr_name="王医生",
            ipt_otp_no=cell.ipt_otp_no, request_id=str(uuid.uuid4())), metadata=METADATA, timeout=30).visit
        cell.visit_id, cell.mdtrt_id = visit.id, visit.mdtrt_id

    def diagnose(self, cell: Cell) -> None:
        self.visits.UploadVisitInfo(op.UploadVisitInfoRequest(
            visit_id=cell.visit_id, main_cond_dscr="咳嗽三天", request_id=str(uuid.uuid4()), diagnoses=[
                common_pb2.Diagnosis(diag_type="1", diag_srt_no=1, diag_code="J06.900", diag_name="急性上呼吸道感染",
                                     diag_dept="内科", dise_dor_no="D001", dise_dor_name="王医生",
                                     diag_time=example().now(), vali_flag="1", maindiag_flag="1")]),
            metadata=METADATA, timeout=30)

    def upload_fees(self, cell: Cell) -> None:
        row = op.FeeItemInput(feedetl_sn=cell.feedetl_sn, chrg_bchno=cell.batch, med_list_codg=FEE_CODE,
                              medins_list_codg="YP0001", medins_list_name="阿莫西林胶囊", cnt="2", pric="12.50",
                              det_item_fee_sumamt="25.00", fee_ocur_time=example().now(), bilg_dept_codg="NK01",
                              bilg_dept_name="内科门诊", bilg_dr_codg="D001", bilg_dr_name="王医生")
        self.visits.UploadFees(op.UploadFeesRequest(visit_id=cell.visit_id, fees=[row], request_id=str(uuid.uuid4())),
                               metadata=METADATA, timeout=30)

    def cancel_fees(self, cell: Cell) -> None:
        self.visits.CancelFees(op.CancelFeesRequest(visit_id=cell.visit_id, chrg_bchno=cell.batch,
                                                    request_id=str(uuid.uuid4())), metadata=METADATA, timeout=30)

    def settle(self, cell: Cell) -> None:
        settled = self.visits.SettleVisit(op.SettleVisitRequest(
            visit_id=cell.visit_id, chrg_bchno=cell.batch, use_personal_account=True, request_id=str(uuid.uuid4())),
            metadata=METADATA, timeout=30)
        cell.setl_id = settled.settlement.setl_id

    def cancel_settlement(self, cell: Cell) -> None:
        self.visits.CancelSettlement(op.CancelSettlementRequest(visit_id=cell.visit_id, setl_id=cell.setl_id,
                                                                request_id=str(uuid.uuid4())),
                                     metadata=METADATA, timeout=30)

    def cancel_registration(self, cell: Cell) -> None:
        self.visits.CancelRegistration(op.CancelRegistrationRequest(visit_id=cell.visit_id,
                                                                    request_id=str(uuid.uuid4())),
                                       metadata=METADATA, timeout=30)

    # the calls that bring a cell to its write, and the write itself
    def steps(self, write: str) -> tuple[list[Callable[[Cell], None]], Callable[[Cell], None]]:
        before = [self.read_person]
        if write != "2201A":
            before.append(self.register)
        if write in ("2205", "2207", "2208"):
            before.append(self.upload_fees)
        if write == "2208":
            before.append(self.settle)
        the_write = {"2201A": self.register, "2203": self.diagnose, "2204": self.upload_fees,
                     "2205": self.cancel_fees, "2207": self.settle, "2208": self.cancel_settlement,
                     "2202": self.cancel_registration}[write]
        return before, the_write


def prepare(desk: Desk, cell: Cell) -> None:
    before, _ = desk.steps(cell.write)
    try:
        for step in before:
            step(cell)
    except grpc.RpcError as err:
        cell.prepared = f"{step.__name__}: {heard(err)}"


def heard(err: grpc.RpcError) -> str:
    """What the caller was told, in a few words: the code and the outcome (or the refusal)."""
    infos = details(err, error_details_pb2.ErrorInfo)
    meta = dict(infos[0].metadata) if infos else {}
    if meta.get("outcome"):
        retry = f" retry {meta['retry_after_seconds']}s" if meta.get("retry_after_seconds") else ""
        return f"{meta['outcome']}{retry}"
    if err.code() is grpc.StatusCode.UNAVAILABLE and not infos:
        return "connection lost"
    said = meta.get("err_msg") or err.details() or ""
    return f"{err.code().name} {said[:40]}"


def send_write(desk: Desk, cell: Cell) -> str:
    _, write = desk.steps(cell.write)
    try:
        write(cell)
        return "ok"
    except grpc.RpcError as err:
        return heard(err)


def write_and_look(desk: Desk, channel: grpc.Channel, cell: Cell, look: bool = True) -> None:
    """Send the write; when the caller hears its outcome is unresolved, look at once (the entry stays
    open at least until the original can no longer arrive) for it in the journal listing, where an
    operator would, with what to do about it."""
    cell.heard = send_write(desk, cell)
    if not look or not cell.heard.startswith("unresolved"):
        return
    try:
        entries = open_entries(channel).get(cell.person.psn_no, [])
    except grpc.RpcError as err:
        cell.listed = f"listing failed: {err.code().name}"
        return
    ours = [e for e in entries if e.infno == cell.write]
    cell.listed = ours[0].hint if ours and ours[0].hint else ("listed without a next step" if ours else "not listed")


def in_effect(cell: Cell, his: HisView, write: str = "") -> bool:
    """Whether the HIS shows the cell's write (or `write`, of the cell's visit) as done."""
    return {
        "2201A": his.state in VALID,
        "2203": bool(his.diagnoses),
        "2204": cell.feedetl_sn in his.fees,
        "2205": his.state in VALID and cell.feedetl_sn not in his.fees,
        "2207": his.state == "SETTLED",
        "2208": his.state == "REGISTERED" and "ACTIVE" not in his.settlements.values(),
        "2202": his.state == "CANCELLED",
    }[write or cell.write]


def disagreements(cell: Cell, his: HisView, platform: PlatformView, final: bool) -> list[str]:
    """Where the HIS and the platform tell different stories about the cell, or money moved that the
    HIS does not know of, or something is still open."""
    found = []
    for e in his.open:
        found.append(f"journal #{e.id} {e.infno} still {e.state}" + (f" (hint: {e.hint})" if e.hint else
                                                                     ", listed without an operator hint"))
    if his.state in TRANSITIONAL:
        found.append(f"HIS visit still {his.state}")
    if len(his.visit_ids) > 1:
        found.append(f"HIS holds {len(his.visit_ids)} visits for one registration")
    if "," in platform.mdtrt_id:
        found.append(f"platform holds several valid visits under one 门诊号: {platform.mdtrt_id}")
    his_valid, platform_valid = his.state in VALID, bool(platform.mdtrt_id)
    if his_valid != platform_valid:
        found.append(f"HIS visit {his.state}, platform {'holds a valid visit' if platform_valid else 'holds none'}")
    elif his_valid and his.mdtrt_id != platform.mdtrt_id:
        found.append(f"HIS mdtrt_id {his.mdtrt_id}, platform {platform.mdtrt_id}")
    if his_valid and platform_valid and his.fees != platform.fees:
        found.append(f"fees: HIS {sorted(his.fees)}, platform {sorted(platform.fees)}")
    his_active = {s for s, state in his.settlements.items() if state == "ACTIVE"}
    platform_active = {s for s, state in platform.settlements.items() if state == "active"}
    if his_active != platform_active:
        found.append(f"settlements in force: HIS {sorted(his_active)}, platform {sorted(platform_active)}")
    for setl_id, state in his.settlements.items():
        expected = {"ACTIVE": "active", "CANCELLED": "cancelled", "REVERSED": "absent"}[state]
        if platform.settlements.get(setl_id) != expected:
            found.append(f"settlement {setl_id}: HIS {state}, platform {platform.settlements.get(setl_id)}")
    if platform.paid_by - platform_active:
        found.append(f"platform fee rows paid by {sorted(platform.paid_by)} not in force")
    taken = cell.person.balc - platform.balance
    if taken != his.acct_pay or taken != sum(platform.acct_pay.values(), Decimal(0)):
        found.append(f"account moved {taken}, HIS settlements in force pay {his.acct_pay}, the platform's "
                     f"{sum(platform.acct_pay.values(), Decimal(0))}")
    if (final or his.diagnoses) and his_valid and platform_valid and his.diagnoses != platform.diagnoses:
        found.append(f"diagnoses: HIS {list(his.diagnoses)}, platform {list(platform.diagnoses)}")
    if final and not in_effect(cell, his):
        found.append(f"{cell.write} not in effect after the caller's retry")
    owed = ACCT_PAY if cell.write == "2207" else Decimal(0)  # one settlement stands after a 2207, none else
    if final and taken != owed:
        found.append(f"account moved {taken}, not the {owed} of the visit's one settlement")
    return found


def retry_write(desk: Desk, cell: Cell, his: HisView | None) -> str:
    """The caller sends its write again when the HIS does not show it done; "" when not needed."""
    if his is None or in_effect(cell, his):
        return ""
    if cell.write != "2201A" and not cell.visit_id:
        return "no visit to retry on"
    return send_write(desk, cell)


# ---- a phase: cells side by side on one server ---------------------------------------------------------
def run_all(work: Callable, items: Iterable, threads: int) -> list:
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(threads, len(items))) as pool:
        return list(pool.map(work, items))


def settled(channel: grpc.Channel, persons: set[str]) -> tuple[bool, str]:
    """Whether nothing of these persons is open any more: no unresolved journal entry, no visit in a
    transitional state; and what is still open when something is."""
    try:
        entries = {p: e for p, e in open_entries(channel).items() if p in persons}
        stub = outpatient_pb2_grpc.OutpatientServiceStub(channel)
        stuck = [v for v in stub.ListVisits(op.ListVisitsRequest(
            page_size=500, states=[common_pb2.VISIT_STATE_REGISTERING, common_pb2.VISIT_STATE_SETTLING]),
            metadata=METADATA, timeout=30).visits if v.psn_no in persons]
    except grpc.RpcError as err:
        return False, f"HIS not answering: {err.code().name}"
    if not entries and not stuck:
        return True, ""
    return False, f"{sum(map(len, entries.values()))} open journal entries, {len(stuck)} visits in doubt"


def wait_until_settled(channel: grpc.Channel, persons: set[str], deadline_seconds: float,
                       poll: float = 0.3) -> tuple[float, str]:
    """Poll until settled or the deadline; the seconds it took and what was still open."""
    start = time.monotonic()
    while True:
        done, still = settled(channel, persons)
        waited = time.monotonic() - start
        if done or waited > deadline_seconds:
            return waited, still
        time.sleep(poll)


def judge(channel: grpc.Channel, reader: PlatformReader, cells: list[Cell], final: bool, threads: int) -> None:
    open_by_person = open_entries(channel)

    def one(cell: Cell) -> None:
        if cell.prepared:
            return
        try:
            read(cell)
        except Exception as exc:  # noqa: BLE001 - one unreadable cell must not hide the others
            problem = [f"could not be read: {type(exc).__name__}: {exc}"]
            if final:
                cell.final_problems = problem
            else:
                cell.problems = problem

    def read(cell: Cell) -> None:
        his = read_his(channel, cell.person.psn_no, open_by_person)
        if his.visit_ids and not cell.visit_id:
            cell.visit_id = his.visit_ids[0]
        known_setl = set(his.settlements) | ({cell.setl_id} if cell.setl_id else set())
        platform = read_platform(reader, cell.person, cell.ipt_otp_no, {m for m in (his.mdtrt_id, cell.mdtrt_id) if m},
                                 known_setl)
        problems = disagreements(cell, his, platform, final)
        if not final and any(a.infno == cell.write for a in cell.unfired):
            problems.append(f"the fault on {cell.write} never met its request: the cell tested nothing")
        if not final and (cell.listed in ("not listed", "listed without a next step")
                          or cell.listed.startswith("listing failed")):
            problems.append(f"told unresolved, the {cell.write} entry was {cell.listed} in the journal listing")
        if final:
            cell.final_his, cell.final_platform, cell.final_problems = his, platform, problems
        else:
            cell.his, cell.platform, cell.problems = his, platform, problems

    run_all(one, cells, threads)


# ---- the table ---------------------------------------------------------------------------------------
COLUMNS = ("write", "fault", "crash", "2601 unknown", "caller heard", "HIS after window", "platform", "agree",
           "retry", "after retry")


def table(cells: list[Cell]) -> str:
    rows = [COLUMNS]
    for c in cells:
        if c.prepared or c.his is None:
            agree, final = ("prep failed" if c.prepared else "not run"), ""
        else:
            agree = "yes" if not c.problems else "NO"
            final = "" if c.final_his is None else ("ok" if not c.final_problems else "NO")
        rows.append((c.write, c.fault, "SIGKILL" if c.crash else "-", c.reversal, c.prepared or c.heard,
                     c.his.summary() if c.his else "", c.platform.summary(c.person.balc) if c.platform else "",
                     agree, (c.retried or "-")[:40], final))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(_pad(v, w) for v, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def problems_text(cells: list[Cell]) -> str:
    out = []
    for c in cells:
        if c.ok:
            continue
        out.append(f"* {c.label} (psn_no {c.person.psn_no}, visit {c.visit_id or '-'}, mdtrt_id {c.mdtrt_id or '-'})")
        if c.prepared:
            out.append(f"    not prepared: {c.prepared}")
        out.extend(f"    after the window: {p}" for p in c.problems)
        out.extend(f"    after the retry ({c.retried or 'none'}): {p}" for p in c.final_problems)
    return "\n".join(out)


def _width(value: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in value)  # CJK characters take two columns


def _pad(value: str, width: int) -> str:
    return value + " " * (width - _width(value))
