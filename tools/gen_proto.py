"""Regenerate the Python stubs of proto/his/v1 into src/his/v1.

    python tools/gen_proto.py           # write the stubs
    python tools/gen_proto.py --check   # exit 1, listing stale files, when the stubs differ

The stubs are committed so that running the server needs no grpcio-tools; --check (run by a
test) keeps them honest. Generation always happens in a temporary tree and is then compared or
copied, so a failed protoc run never leaves half-written stubs behind.
"""
from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
OUT_ROOT = ROOT / "src"
PACKAGE = Path("his") / "v1"
# Package markers protoc does not write; kept here so a fresh checkout regenerates completely.
INIT_FILES = {
    Path("his") / "__init__.py": '"""Generated gRPC stubs of the public HIS API (see proto/his)."""\n',
    PACKAGE / "__init__.py": '"""Generated from proto/his/v1 by tools/gen_proto.py; do not edit."""\n',
}
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


def _protos() -> list[Path]:
    return sorted((PROTO_ROOT / PACKAGE).glob("*.proto"))


def generate(out: Path) -> None:
    """Run protoc for every proto file into `out` (a src-like root)."""
    from grpc_tools import protoc  # imported late: only needed by whoever regenerates

    includes = str(resources.files("grpc_tools") / "_proto")  # google/protobuf/*.proto
    protos = _protos()
    if not protos:
        raise SystemExit(f"no .proto files under {PROTO_ROOT / PACKAGE}")
    out.mkdir(parents=True, exist_ok=True)
    args = ["grpc_tools.protoc", f"-I{PROTO_ROOT}", f"-I{includes}",
            f"--python_out={out}", f"--grpc_python_out={out}", f"--pyi_out={out}"]
    # Paths relative to -Iproto so imports come out as `from his.v1 import common_pb2`.
    args += [str(p.relative_to(PROTO_ROOT)) for p in protos]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for rel, text in INIT_FILES.items():
        (out / rel).write_text(text, encoding="utf-8")


def _managed(root: Path) -> set[Path]:
    """Files under root that this tool owns (generated stubs and package markers)."""
    found = {p.relative_to(root) for p in (root / PACKAGE).glob("*") if p.name.endswith(GENERATED_SUFFIXES)}
    return found | {rel for rel in INIT_FILES if (root / rel).exists()}


def differences(fresh: Path, current: Path) -> list[str]:
    wanted, present = _managed(fresh), _managed(current)
    stale = [str(rel) for rel in sorted(wanted)
             if rel not in present or not filecmp.cmp(fresh / rel, current / rel, shallow=False)]
    stale += [f"{rel} (no longer generated)" for rel in sorted(present - wanted)]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when stubs are stale")
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        stale = differences(fresh, OUT_ROOT)
        if opts.check:
            if stale:
                print("stubs differ from proto/ (run python tools/gen_proto.py):", file=sys.stderr)
                for name in stale:
                    print(f"  src/{name}", file=sys.stderr)
                return 1
            return 0
        for rel in _managed(OUT_ROOT) - _managed(fresh):
            (OUT_ROOT / rel).unlink()
        for rel in _managed(fresh):
            (OUT_ROOT / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fresh / rel, OUT_ROOT / rel)
        print(f"wrote {len(_managed(fresh))} files under src/{PACKAGE}; changed: {', '.join(stale) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
