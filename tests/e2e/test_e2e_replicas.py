"""Two `his serve` replicas on one PostgreSQL database, as behind a hospital's load balancer: desks
spread over both run whole visits at once; one replica is SIGKILLed while some of its settlements
are on the wire (the platform commits them late) and is restarted at once by its supervisor.

Then: msgids stayed unique (in the journal, and the platform never saw one twice); the dead
process's doubtful entries were settled by one resolver only (every follow-up call for them, 冲正
or query, sent by one and the same live process, and so the 冲正 that undid them); every visit ends
settled once, with the HIS and the platform (read with its own queries) agreeing on it.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import grpc
import pytest

from fault_cells import (HIS_SETTINGS, LATE_COMMIT, Cell, Desk, disagreements, heard, in_effect, open_entries,
                         problems_text, read_his, table, wait_until_settled)
from fault_stack import HisProcess, HisDatabase, PlatformReader, SimProcess, read_platform, scratch_databases
from ports.clock import SystemClock

pytestmark = pytest.mark.skipif(
    not os.environ.get("HIS_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="replicas share one database only on PostgreSQL (SQLite is one file for one process); "
           "set HIS_TEST_DATABASE_URL=postgresql+psycopg://... to run it")

DESKS = 12  # every other one on each replica
VICTIMS = 3  # desks on the replica that dies whose 2207 the platform commits late
DESK_DEADLINE = 60.0
FOLLOW_UPS = ("2601", "5201", "5202", "5203", "5204")  # what a resolver sends to settle an entry


@dataclass
class Replica:
    his: HisProcess
    channel: grpc.Channel | None = None

    def connect(self) -> None:
        if self.channel is not None:
            self.channel.close()
        self.channel = self.his.channel()


@dataclass
class DeskRun:
    """One desk's whole visit: the cell it fills in, where it started, what it met on the way."""

    cell: Cell
    home: int  # index of the replica it starts on
    victim: bool
    events: list[str] = field(default_factory=list)
    error: str = ""


STEPS = ("read_person", "register", "diagnose", "upload_fees", "settle")
WRITE_OF = {"register": "2201A", "diagnose": "2203", "upload_fees": "2204", "settle": "2207"}


def run_desk(run: DeskRun, replicas: list[Replica]) -> None:
    """The visit step by step. A call that dies with its server (no answer at all) or whose outcome is
    in doubt sends the desk to look at the visit, on the other replica when its own is gone, once
    nothing of it is open any more; it then does again what the HIS does not show done."""
    cell, at = run.cell, run.home
    deadline = time.monotonic() + DESK_DEADLINE
    step_no = 0
    while step_no < len(STEPS) and time.monotonic() < deadline:
        step = STEPS[step_no]
        desk = Desk(replicas[at].channel)
        try:
            getattr(desk, step)(cell)
            step_no += 1
            continue
        except grpc.RpcError as err:
            said = heard(err)
            run.events.append(f"{step} on {'AB'[at]}: {said}")
            if said == "connection lost":
                at = 1 - at  # the load balancer sends the desk to the other replica
            elif "SETTLING" in (err.details() or ""):
                time.sleep(0.5)  # another call's claim, held until the resolver settles it: look again shortly
            elif not said.startswith(("unresolved", "reversed", "not_applied", "repeatable", "applied")):
                run.error = f"{step}: {said}"
                return
        channel = replicas[at].channel
        wait_until_settled(channel, {cell.person.psn_no}, DESK_DEADLINE / 2)
        his = read_his(channel, cell.person.psn_no, {})
        if his.visit_ids:
            cell.visit_id, cell.mdtrt_id = his.visit_ids[0], his.mdtrt_id
        step_no = next((i for i, s in enumerate(STEPS) if s in WRITE_OF and not in_effect(cell, his, WRITE_OF[s])),
                       len(STEPS))
    if step_no < len(STEPS):
        run.error = f"not finished by the deadline (at {STEPS[step_no]})"


def test_two_replicas_one_killed_mid_settlement(database_url, tmp_path):
    with scratch_databases(database_url, tmp_path, ["replicas"]) as urls:
        url = urls["replicas"]
        sim = SimProcess(tmp_path)
        replicas: list[Replica] = []
        journal = HisDatabase(url)
        reader = None
        try:
            sim.start()
            for name in ("A", "B"):  # one after the other: the first migrates the fresh database
                his = HisProcess(tmp_path, f"his-{name}", url, sim.url, **HIS_SETTINGS)
                his.start()
                replicas.append(Replica(his))
                replicas[-1].connect()
            reader = PlatformReader(sim.url)
            # desks 0, 2, 4 … on A (the one that dies), the first VICTIMS of them with a late 2207
            victim = [i % 2 == 0 and i < 2 * VICTIMS for i in range(DESKS)]
            runs = [DeskRun(Cell("2207", "late commit" if victim[i] else "-", i % 2 == 0, "refuse"), home=i % 2,
                            victim=victim[i]) for i in range(DESKS)]
            for run in runs:
                sim.add_person(run.cell.person)
            victims = [r.cell for r in runs if r.victim]
            for cell in victims:
                sim.fault("2207", "late_commit", seconds=LATE_COMMIT, contains=cell.person.psn_no)
            with ThreadPoolExecutor(max_workers=DESKS) as pool:
                desks = [pool.submit(run_desk, run, replicas) for run in runs]
                sim.wait_until_met({("2207", c.person.psn_no) for c in victims})  # on the wire, held by the platform
                dead_pid = replicas[0].his.proc.pid
                killed_at = SystemClock("Asia/Shanghai").now()  # the journal's times are the hospital's
                replicas[0].his.kill()
                replicas[0].his.restart()  # its supervisor starts it again at once
                replicas[0].connect()
                for f in desks:
                    f.result()
            instances = {r["pid"]: r["instance_id"] for r in journal.rows(table="his_instances")}
            dead = instances[dead_pid]
            live = {instances[r.his.proc.pid] for r in replicas}
            wait_until_settled(replicas[1].channel, {r.cell.person.psn_no for r in runs}, 30)
            open_by_person = open_entries(replicas[1].channel)
            for run in runs:
                c = run.cell
                c.heard = "; ".join(run.events) or "ok"
                c.his = c.final_his = read_his(replicas[1].channel, c.person.psn_no, open_by_person)
                c.platform = c.final_platform = read_platform(
                    reader, c.person, c.ipt_otp_no, {c.final_his.mdtrt_id} - {""}, set(c.final_his.settlements))
                c.final_problems = disagreements(c, c.final_his, c.final_platform, final=True)
                if run.error:
                    c.final_problems.append(f"the desk gave up: {run.error}")
            rows = journal.rows()
        finally:
            for r in replicas:
                if r.channel is not None:
                    r.channel.close()
                r.his.kill()
            sim.stop()
            journal.close()
            if reader is not None:
                reader.close()

    cells = [r.cell for r in runs]
    report = table(cells)
    print("\n" + report)
    assert all(c.ok for c in cells), f"{report}\n\n{problems_text([c for c in cells if not c.ok])}"

    msgids = Counter(r["msgid"] for r in rows)
    assert [m for m, n in msgids.items() if n > 1] == []
    assert [r["msgid"] for r in rows if "报文ID重复" in (r["err_msg"] or "")] == []

    # the dead process's entries that someone else closed: it closed nothing after its death
    orphaned = [r for r in rows if r["owner"] == dead and (r["finished_at"] is None or r["finished_at"] >= killed_at)]
    assert {c.visit_id for c in victims} <= {r["visit_id"] for r in orphaned if r["infno"] == "2207"}, orphaned
    assert all(r["state"] in ("REVERSED", "CONFIRMED", "FAILED", "OK") for r in orphaned), orphaned
    orphaned_visits = {r["visit_id"] for r in orphaned}
    follow_ups = [r for r in rows if r["visit_id"] in orphaned_visits and r["infno"] in FOLLOW_UPS
                  and r["created_at"] >= killed_at]
    acting = {r["owner"] for r in follow_ups}
    assert len(acting) == 1 and acting <= live, (acting, live, follow_ups)
    by_msgid = {r["msgid"]: r for r in rows}
    undone_by = {r["msgid"]: by_msgid[r["reversal_msgid"]]["owner"] for r in orphaned if r["reversal_msgid"]}
    assert set(undone_by.values()) <= acting, undone_by
