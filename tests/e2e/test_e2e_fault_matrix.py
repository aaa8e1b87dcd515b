"""The fault matrix over real processes: every write of the outpatient flow × every way its call can
go wrong on the wire × whether `his serve` is SIGKILLed while the call is in flight, against
`his sim serve` with the 冲正 of an unknown msgid refused (and, for the reversible writes, also
remembered). After the resolver's window the HIS and the platform (read with its own queries) must
agree, no money may move that the HIS does not know of, and nothing may be left open; then the
caller sends again what the HIS does not show done, and it takes effect once.

Cells run side by side, each with a person and visit of its own, faults aimed with `contains`; one
kill and restart per crash phase. The matrix is printed as a table (pytest -s) and attached to a
failure. See fault_cells.py for what a cell does and how it is judged.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fault_cells import (FAULTS, HIS_SETTINGS, WRITES, Cell, Desk, applies, judge, prepare, problems_text, retry_write,
                         run_all, table, wait_until_settled, write_and_look)
from fault_stack import HisProcess, HisDatabase, PlatformReader, SimProcess, scratch_databases

WINDOW_DEADLINE = 20.0  # the resolver's window is READ_TIMEOUT + IN_FLIGHT_MARGIN + a few intervals; polled
RETRY_DEADLINE = 10.0  # the callers' retries meet no fault: what they leave open settles at once
PREPARE_THREADS = 8

@dataclass
class Stack:
    """One simulator and one `his serve` on a database of its own."""

    name: str
    database_url: str
    logdir: Path
    sim: SimProcess | None = None
    his: HisProcess | None = None
    reader: PlatformReader | None = None
    database: HisDatabase | None = None
    notes: list[str] = field(default_factory=list)

    def start(self, reversal: str) -> None:
        self.sim = SimProcess(self.logdir, name=f"sim-{self.name}")
        self.sim.start()
        self.sim.configure(unknown_reversal=reversal)
        self.his = HisProcess(self.logdir, f"his-{self.name}", self.database_url, self.sim.url, **HIS_SETTINGS)
        self.his.start()
        self.reader = PlatformReader(self.sim.url)
        self.database = HisDatabase(self.database_url)

    def close(self) -> None:
        if self.his is not None:
            self.his.kill()
        if self.sim is not None:
            self.sim.stop()
        if self.reader is not None:
            self.reader.close()
        if self.database is not None:
            self.database.close()

    def logs(self) -> str:
        return "\n".join(p.log_tail() for p in (self.his, self.sim) if p is not None)


def cells_for(reversal: str, crash: bool) -> list[Cell]:
    writes = WRITES if reversal == "refuse" else ("2207", "2208")
    return [Cell(write, fault, crash, reversal) for write in writes for fault in FAULTS if applies(write, fault)]


def run_phase(stack: Stack, cells: list[Cell], crash: bool) -> None:
    ready = [c for c in cells if not c.prepared]
    for cell in ready:
        cell.arm(stack.sim)
    channel = stack.his.channel()
    desk = Desk(channel)
    clock = Stopwatch()
    with ThreadPoolExecutor(max_workers=max(1, len(ready))) as pool:
        calls = [pool.submit(write_and_look, desk, channel, cell, not crash) for cell in ready]
        if crash:
            # the writes have reached the platform (the ones it answers at once, the answer too)
            stack.sim.wait_until_met({(c.write, c.marker("write")) for c in ready})
            stack.his.kill()
            stack.his.restart()
        for call in calls:
            call.result()
    channel.close()
    channel = stack.his.channel()
    desk = Desk(channel)
    persons = {c.person.psn_no for c in ready}
    wrote = clock.lap()
    waited, still = wait_until_settled(channel, persons, WINDOW_DEADLINE)
    stack.sim.settle()  # a late commit the HIS gave up on lands before the platform is read
    pending = stack.sim.pending_faults()
    for cell in ready:
        cell.note_unfired(pending)
    stack.sim.clear_faults()  # what the HIS never asked for stays armed otherwise, and the reader asks now
    judge(channel, stack.reader, ready, final=False, threads=PREPARE_THREADS)
    judged = clock.lap()
    for cell in ready:
        cell.retried = retry_write(desk, cell, cell.his)
    wait_until_settled(channel, persons, RETRY_DEADLINE)
    judge(channel, stack.reader, ready, final=True, threads=PREPARE_THREADS)
    channel.close()
    stack.notes.append(f"{stack.name} {'crash' if crash else 'no crash'}: writes {wrote:.1f}s, settled after "
                       f"{waited:.1f}s{f' (at the deadline still {still})' if still else ''}, read {judged - waited:.1f}s, "
                       f"retried and read again {clock.lap():.1f}s")


class Stopwatch:
    def __init__(self):
        self.last = time.monotonic()

    def lap(self) -> float:
        now = time.monotonic()
        taken, self.last = now - self.last, now
        return taken


def run_stack(stack: Stack, reversal: str, phases: dict[bool, list[Cell]]) -> None:
    stack.start(reversal)
    all_cells = [c for cells in phases.values() for c in cells]
    for cell in all_cells:
        stack.sim.add_person(cell.person)
    channel = stack.his.channel()
    desk = Desk(channel)
    clock = Stopwatch()
    run_all(lambda c: prepare(desk, c), all_cells, PREPARE_THREADS)
    channel.close()
    stack.notes.append(f"{stack.name}: {len(all_cells)} cells prepared in {clock.lap():.1f}s")
    for crash, cells in phases.items():
        run_phase(stack, cells, crash)


def test_every_cell_ends_with_the_his_and_the_platform_agreeing(database_url, tmp_path):
    started = time.monotonic()
    reversals = ("refuse", "remember")
    phases = {r: {False: cells_for(r, crash=False), True: cells_for(r, crash=True)} for r in reversals}
    errors: dict[str, BaseException] = {}
    with scratch_databases(database_url, tmp_path, [f"fm_{r}" for r in reversals]) as urls:
        stacks = {r: Stack(r, urls[f"fm_{r}"], tmp_path) for r in reversals}

        def run(r: str) -> None:
            try:
                run_stack(stacks[r], r, phases[r])
            except BaseException as exc:  # noqa: BLE001 - reported with the table below
                errors[r] = exc

        threads = [threading.Thread(target=run, args=(r,)) for r in reversals]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            for stack in stacks.values():
                stack.close()
    cells = [c for r in reversals for crash in (False, True) for c in phases[r][crash]]
    notes = "\n".join(n for s in stacks.values() for n in s.notes)
    report = f"{table(cells)}\n{notes}\nmatrix of {len(cells)} cells in {time.monotonic() - started:.1f}s"
    print("\n" + report)
    if errors:
        logs = "\n".join(stacks[r].logs() for r in errors)
        pytest.fail(f"{report}\n\nthe run itself failed: {errors!r}\n{logs}")
    failed = [c for c in cells if not c.ok]
    assert not failed, f"{len(failed)} of {len(cells)} cells failed\n{report}\n\n{problems_text(failed)}"
