"""The printed tables: throughput and flow latency, per-call percentiles, work per flow, layers."""
from __future__ import annotations

import os
import platform
import statistics

from bench.bare import CALLS
from bench.ours import RPCS
from bench.stats import FLOW, PhaseResult, ms, table

GOAL = 1.5  # our time per flow may be at most this many times the baseline's


def _ratio(ours: PhaseResult, bare: PhaseResult) -> float:
    """Time per flow, ours over bare, from throughput (what a busy hospital feels)."""
    return bare.flows_per_s / ours.flows_per_s if ours.flows_per_s else float("inf")


def report(results: list[PhaseResult], args, notes: list[str]) -> str:
    rounds = getattr(args, "rounds", 1)
    out = [f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.system()} "
           f"{platform.machine()}, {os.cpu_count()} cores; {args.flows} flows per path, "
           f"{args.concurrency} client threads, {args.warmup} warm-up flows"
           + (f", {rounds} rounds (tables below: the last round)" if rounds > 1 else ""), ""]
    if not results:
        return "\n".join(out + notes)
    medians = {}
    if rounds > 1:
        out += [_rounds_table(results, medians), ""]
        last = {}
        for r in results:
            last.setdefault(r.backend, 0)
            last[r.backend] = max(last[r.backend], r.round)
        results = [r for r in results if r.round == last[r.backend]]
    by_key = {(r.backend, r.path): r for r in results}
    rows = []
    for r in results:
        bare = by_key.get((r.backend, "bare"))
        ratio = "1.00x" if r.path == "bare" else f"{_ratio(r, bare):.2f}x" if bare else "-"
        flows = str(r.flows_ok) if r.flows_ok == r.flows_total else f"{r.flows_ok}/{r.flows_total}"
        rows.append([r.backend, r.path, flows, f"{r.flows_per_s:.1f}", ms(r.p(FLOW, .5)), ms(r.p(FLOW, .99)), ratio])
    out += [table(["backend", "path", "flows", "flows/s", "p50 flow ms", "p99 flow ms", "ratio vs bare"], rows), ""]

    rows = []
    for backend in dict.fromkeys(r.backend for r in results):
        ours, bare = by_key.get((backend, "ours")), by_key.get((backend, "bare"))
        if not (ours and bare):
            continue
        for rpc, call in zip((*RPCS, FLOW), (*CALLS, FLOW)):
            o50, b50 = ours.p(rpc, .5), bare.p(call, .5)
            rows.append([backend, rpc, ms(o50), ms(ours.p(rpc, .99)), call, ms(b50), ms(bare.p(call, .99)),
                         f"{o50 / b50:.2f}x" if b50 else "-"])
    out += [table(["backend", "our RPC", "p50 ms", "p99 ms", "bare call", "p50 ms", "p99 ms", "p50 ratio"], rows), ""]

    per = lambda r, seconds: f"{seconds * 1000 / max(r.flows_total, 1):.1f}"  # noqa: E731
    rows = [[r.backend, r.path, per(r, r.cpu_seconds), per(r, r.client_cpu_seconds) if r.client_cpu_seconds else "-",
             per(r, r.total_cpu_seconds), f"{r.statements / max(r.flows_total, 1):.1f}",
             f"{r.commits / max(r.flows_total, 1):.1f}"]
            for r in results]
    out += [table(["backend", "path", "CPU ms/flow: bench process", "client process", "both",
                   "SQL statements/flow", "commits/flow"], rows), ""]

    if args.breakdown:
        from bench.breakdown import rows as layer_rows
        rows = []
        for backend in dict.fromkeys(r.backend for r in results):
            ours, bare = by_key.get((backend, "ours")), by_key.get((backend, "bare"))
            if ours and bare:
                rows += layer_rows(backend, bare.layers, ours.layers, _summed(bare, CALLS), _summed(ours, RPCS),
                                   args.flows)
        out += [table(["backend", "layer (ms per flow, summed over threads)", "bare", "ours"], rows), ""]

    for backend in dict.fromkeys(r.backend for r in results):
        ours, bare = by_key.get((backend, "ours")), by_key.get((backend, "bare"))
        if ours and bare:
            ratio, what = (medians[backend], f"median of {rounds} rounds") if backend in medians \
                else (_ratio(ours, bare), "")
            verdict = "meets" if ratio <= GOAL else "MISSES"
            out.append(f"{backend}: ours/bare time per flow = {ratio:.2f}x{f' ({what})' if what else ''} -> "
                       f"{verdict} the goal (<= {GOAL}x)")
    for r in results:
        for what, count in sorted(r.recorder.errors.items()):
            out.append(f"{r.backend}/{r.path}: {count} failed flow(s): {what}")
    out += notes
    return "\n".join(out)


def _rounds_table(results: list[PhaseResult], medians: dict[str, float]) -> str:
    """One row per backend and round: throughput, CPU per flow and the ratio; fills `medians`."""
    rows = []
    for backend in dict.fromkeys(r.backend for r in results):
        ratios = []
        phases = {(r.round, r.path): r for r in results if r.backend == backend}
        for n in sorted({r for r, _ in phases}):
            bare, ours = phases.get((n, "bare")), phases.get((n, "ours"))
            if not (bare and ours):
                continue
            ratios.append(_ratio(ours, bare))
            cpu = lambda r: f"{r.total_cpu_seconds * 1000 / max(r.flows_total, 1):.1f}"  # noqa: E731
            rows.append([backend, str(n), f"{bare.flows_per_s:.1f}", f"{ours.flows_per_s:.1f}", cpu(bare), cpu(ours),
                         f"{ratios[-1]:.2f}x"])
        if ratios:
            medians[backend] = statistics.median(ratios)
            rows.append([backend, "median", "", "", "", "", f"{medians[backend]:.2f}x"])
    return table(["backend", "round", "bare flows/s", "ours flows/s", "bare CPU ms/flow", "ours CPU ms/flow",
                  "ratio"], rows)


def _summed(result: PhaseResult, names) -> float:
    """Seconds spent in the named calls over all flows."""
    return sum(sum(result.recorder.samples.get(n, [])) for n in names) / 1000
