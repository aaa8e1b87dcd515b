"""--profile: cProfile (CPU time) over every thread of a run of our path (gRPC, simulator, clients).

cProfile follows one thread. threading.setprofile runs a hook first thing in each new thread, and
the hook starts a profiler of its own there; so the whole stack is started inside the block."""
from __future__ import annotations

import cProfile
import pstats
import sys
import threading
import time
from contextlib import contextmanager


@contextmanager
def all_threads(path: str, top: int = 40):
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_in_thread(*_args) -> None:
        # CPU time of the thread, not wall time: waiting for a socket or a lock is not a hotspot
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()  # replaces this hook for the rest of the thread

    threading.setprofile(start_in_thread)
    try:
        yield
    finally:
        threading.setprofile(None)
        stats = None
        for p in profiles:
            p.create_stats()  # a snapshot; a thread still alive keeps its own profiler running
            if p.stats:
                stats = pstats.Stats(p, stream=sys.stdout) if stats is None else stats.add(p)
        if stats is not None:
            stats.dump_stats(path)
            print(f"profile of {len(profiles)} threads written to {path}")
            stats.sort_stats("tottime").print_stats(top)
            stats.sort_stats("cumulative").print_stats(r"/src/", top)
