from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from services.hospital import CachedHospitalDirectory, HospitalAdmin


def _kit():
    """hospitalkit.py under a name of its own (a bare import could find another folder's module)."""
    if "tests_hospitalkit" not in sys.modules:
        spec = importlib.util.spec_from_file_location("tests_hospitalkit", Path(__file__).with_name("hospitalkit.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules["tests_hospitalkit"] = module
        spec.loader.exec_module(module)
    return sys.modules["tests_hospitalkit"]


kit = _kit()


@pytest.fixture
def store():
    return kit.MemoryMasterDataStore()


@pytest.fixture
def clock():
    return kit.FixedClock()


@pytest.fixture
def ticks():
    return kit.Ticks()


@pytest.fixture
def admin_op():
    return kit.ADMIN


@pytest.fixture
def directory(store, ticks):
    return CachedHospitalDirectory(store, check_every=1.0, monotonic=ticks)


@pytest.fixture
def admin(store, directory, clock):
    return HospitalAdmin(store, directory, clock)
