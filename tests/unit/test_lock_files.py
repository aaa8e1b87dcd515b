"""The lock files that scripts/serve and scripts/test install from (requirements.txt, requirements-dev.txt)
agree with pyproject.toml and with each other, pin everything with hashes, and are what the tests run on."""
from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
REFRESH = "run ./scripts/refresh-lock and commit requirements.txt and requirements-dev.txt"


def _pins(name: str) -> dict[str, tuple[Version, list[str]]]:
    """package -> (pinned version, hashes) of one lock file; every entry must be an exact pin."""
    text = (ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, *options = line.split(" --")
        req = Requirement(requirement)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{name}: {requirement} is not an exact pin"
        pins[canonicalize_name(req.name)] = (Version(spec.version), [o for o in options if o.startswith("hash=")])
    return pins


RUNTIME, DEV = _pins("requirements.txt"), _pins("requirements-dev.txt")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BUILD = PYPROJECT["build-system"]["requires"]
DEPENDENCIES = PYPROJECT["project"]["dependencies"]
DEV_EXTRA = PYPROJECT["project"]["optional-dependencies"]["dev"]


@pytest.mark.parametrize("lock", [RUNTIME, DEV], ids=["runtime", "dev"])
def test_every_pin_carries_hashes(lock):
    assert lock
    assert [name for name, (_, hashes) in lock.items() if not hashes] == []


@pytest.mark.parametrize(("lock", "requirements"), [
    (RUNTIME, DEPENDENCIES + BUILD),
    (DEV, DEPENDENCIES + DEV_EXTRA + BUILD),
], ids=["runtime", "dev"])
def test_each_requirement_of_pyproject_is_pinned_within_its_range(lock, requirements):
    wrong = []
    for line in requirements:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        if name not in lock or lock[name][0] not in req.specifier:
            wrong.append(f"{line} -> {lock.get(name, ('missing',))[0]}")
    assert wrong == [], REFRESH


def test_the_server_runs_the_versions_the_tests_ran():
    assert {name: pin[0] for name, pin in RUNTIME.items() if DEV.get(name, (None,))[0] != pin[0]} == {}, REFRESH


def test_the_tests_run_on_the_locked_versions():
    """./scripts/test installs requirements-dev.txt; a different version here means it did not."""
    installed = {}
    for name, (version, _) in DEV.items():
        try:
            installed[name] = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            installed[name] = None
    assert {n: v for n, v in installed.items() if v != DEV[n][0]} == {}
