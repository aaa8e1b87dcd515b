"""Regenerate the Python stubs of proto/his/v1 into src/his/v1.

    python tools/gen_proto.py           # write the stubs
    python tools/gen_proto.py --check   # exit 1, listing stale files, when the stubs differ

The stubs are committed so that running the server needs no grpcio-tools; --check (run by a
test) keeps them honest. Generation always happens in a temporary tree and is then compared or
copied, so a failed protoc run never leaves half-written stubs behind.

--check compares what the stubs say about the protos, not their text: the serialized file
descriptor of each *_pb2.py (messages, enums, services, options), the RPCs of each *_pb2_grpc.py
(method paths, kinds, request and response types) and the names each *_pb2.pyi declares. Version
stamps, headers and layout differ from one grpcio-tools release to the next and are ignored; the
release is pinned in requirements-dev.txt, and writing regenerates every file with it.
"""
from __future__ import annotations

import argparse
import ast
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


def _protos(proto_root: Path) -> list[Path]:
    return sorted((proto_root / PACKAGE).glob("*.proto"))


def generate(out: Path, proto_root: Path = PROTO_ROOT) -> None:
    """Run protoc for every proto file under `proto_root` into `out` (a src-like root)."""
    from grpc_tools import protoc  # imported late: only needed by whoever regenerates

    includes = str(resources.files("grpc_tools") / "_proto")  # google/protobuf/*.proto
    protos = _protos(proto_root)
    if not protos:
        raise SystemExit(f"no .proto files under {proto_root / PACKAGE}")
    out.mkdir(parents=True, exist_ok=True)
    args = ["grpc_tools.protoc", f"-I{proto_root}", f"-I{includes}",
            f"--python_out={out}", f"--grpc_python_out={out}", f"--pyi_out={out}"]
    # Paths relative to -Iproto so imports come out as `from his.v1 import common_pb2`.
    args += [str(p.relative_to(proto_root)) for p in protos]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for rel, text in INIT_FILES.items():
        (out / rel).write_text(text, encoding="utf-8")


def _managed(root: Path) -> set[Path]:
    """Files under root that this tool owns (generated stubs and package markers)."""
    found = {p.relative_to(root) for p in (root / PACKAGE).glob("*") if p.name.endswith(GENERATED_SUFFIXES)}
    return found | {rel for rel in INIT_FILES if (root / rel).exists()}


def _descriptor_of(tree: ast.Module):
    """The FileDescriptorProto a *_pb2.py registers (its AddSerializedFile(b'...') argument)."""
    from google.protobuf import descriptor_pb2

    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "AddSerializedFile" and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, bytes)):
            return descriptor_pb2.FileDescriptorProto.FromString(node.args[0].value)
    return None


def _message_type(node: ast.expr) -> str:
    """`his_dot_v1_dot_x__pb2.Request.SerializeToString` -> `his_dot_v1_dot_x__pb2.Request`."""
    text = ast.unparse(node)
    return text.rsplit(".", 1)[0] if text.endswith((".SerializeToString", ".FromString")) else text


def _rpcs_of(tree: ast.Module) -> list[tuple]:
    """What a *_pb2_grpc.py serves and calls: the stubs' `channel.<kind>('/pkg.Service/Method', ...)`
    and the servicers' `grpc.<kind>_rpc_method_handler(...)` under their method names, each with its
    request and response types; and the public classes and functions with their methods."""
    kinds = ("unary_unary", "unary_stream", "stream_unary", "stream_stream")
    found: list[tuple] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            keywords = {k.arg: _message_type(k.value) for k in node.keywords if k.arg}
            name = node.func.attr
            if (name in kinds and isinstance(node.func.value, ast.Name) and node.func.value.id == "channel"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.append(("stub", node.args[0].value, name,
                              keywords.get("request_serializer"), keywords.get("response_deserializer")))
            elif name.endswith("_rpc_method_handler") and name.removesuffix("_rpc_method_handler") in kinds:
                found.append(("handler", ast.unparse(node.args[0]) if node.args else None,
                              name.removesuffix("_rpc_method_handler"),
                              keywords.get("request_deserializer"), keywords.get("response_serializer")))
            elif name == "method_handlers_generic_handler" and node.args and isinstance(node.args[0], ast.Constant):
                found.append(("service", node.args[0].value))
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found += [("def", f"{node.name}.{item.name}") for item in node.body if isinstance(item, ast.FunctionDef)]
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_"):
            found.append(("def", node.name))
    return sorted(found, key=repr)


def _declared_names(body: list[ast.stmt], prefix: str = "") -> list[str]:
    """Names a *_pb2.pyi declares: classes (nested ones too), their fields, field-number constants,
    enum values, methods and __init__ parameters. Annotations are left out: their spelling follows the
    protobuf release, and the types themselves are compared through the descriptor."""
    names: list[str] = []
    for node in body:
        if isinstance(node, ast.ClassDef):
            names.append(f"{prefix}class {node.name}")
            names += _declared_names(node.body, f"{prefix}{node.name}.")
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(prefix + node.target.id)
        elif isinstance(node, ast.Assign):
            names += [prefix + t.id for t in node.targets if isinstance(t, ast.Name) and not t.id.startswith("__")]
        elif isinstance(node, ast.FunctionDef):
            params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
            names.append(f"{prefix}{node.name}({', '.join(params)})")
    return sorted(names)


def fingerprint(path: Path) -> object:
    """What a generated file says about the protos, leaving out what depends on the generator's release."""
    text = path.read_text(encoding="utf-8")
    if path.name == "__init__.py":
        return text  # written by this tool, not by protoc
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ("unparsable", text)
    if path.name.endswith("_pb2.py"):
        return _descriptor_of(tree)
    if path.name.endswith("_pb2_grpc.py"):
        return _rpcs_of(tree)
    return _declared_names(tree.body)


def differences(fresh: Path, current: Path) -> list[str]:
    """Files under `current` that differ in substance from those generated into `fresh`, or are missing
    or no longer generated."""
    wanted, present = _managed(fresh), _managed(current)
    stale = [str(rel) for rel in sorted(wanted)
             if rel not in present or fingerprint(fresh / rel) != fingerprint(current / rel)]
    stale += [f"{rel} (no longer generated)" for rel in sorted(present - wanted)]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare only; exit 1 when the stubs no longer match the protos")
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
