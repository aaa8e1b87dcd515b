"""Handlers by transaction code, collected from the modules of this package.

Each module declares `HANDLERS = {code: handler}` (a handler takes a Call and returns the raw
output nodes) and, when its calls can be undone by 2601, `UNDO = {kind: undo}` for the
`call.undo = (kind, *args)` records its handlers leave. Adding a group means adding a module.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from adapters.yb_sim.handlers.common import Call


def _collect() -> tuple[dict[str, Callable[[Call], dict]], dict[str, Callable]]:
    handlers: dict[str, Callable[[Call], dict]] = {}
    undo: dict[str, Callable] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for code, handler in getattr(module, "HANDLERS", {}).items():
            if code in handlers:
                raise RuntimeError(f"two simulator handlers for {code} (one in {info.name})")
            handlers[code] = handler
        for kind, fn in getattr(module, "UNDO", {}).items():
            if kind in undo:
                raise RuntimeError(f"two undo functions named {kind} (one in {info.name})")
            undo[kind] = fn
    return handlers, undo


HANDLERS, UNDO = _collect()

__all__ = ["HANDLERS", "UNDO", "Call"]
