"""The hexagon's walls, checked by import-linter (contracts in pyproject.toml)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is a dev dependency"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_bounded_context_is_walled():
    """A context package in domain/ or services/ (not the gRPC layer, not the shared translation
    modules) must be named in a contract that keeps the other contexts out of its internals."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    protected = {m.removesuffix(".**") for c in config["tool"]["importlinter"]["contracts"]
                 if c["type"] == "protected" for m in c["protected_modules"]}
    shared = {"services.grpc", "services.translation"}
    packages = {f"{layer}.{p.name}" for layer in ("domain", "services") for p in (ROOT / "src" / layer).iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - shared - protected == set()
