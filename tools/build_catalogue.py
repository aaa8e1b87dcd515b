"""Compile the project's transaction catalogue from the shared spec facts.

    python tools/build_catalogue.py [--spec ../shared/spec]

Writes src/ports/catalogue/data/{transactions,dicts}.json. The project ships those files; this tool
exists so that a corrected spec (e.g. the hospital's copy of the provincial document) can be folded in
again, and tests/unit/test_catalogue_matches_spec.py reports any difference from ../shared/spec.
This slice compiles the core transactions (1xxx, 2xxx, 9xxx); 3xxx-8xxx follow in a later issue.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "ports" / "catalogue" / "data"

TYPES = {"字符型": "string", "数值型": "decimal", "日期型": "date", "日期时间型": "datetime",
         "整型": "integer", "字节数组": "bytes", "数组": "array"}
# Dictionaries whose code lists are local or incomplete: values are not checked against them.
OPEN_DICTS = {"psn_type", "naty", "admdvs", "psn_insu_stas", "setl_type", "chrg_type", "fund_pay_type",
              "clr_type", "list_type", "infcode"}
MOBILE_GATEWAY_PREFIX = "6"
FILE_BASED = {"9101", "9102"}


def norm_field(f: dict) -> dict:
    kind = TYPES.get(f.get("type"), "string")
    out = {"name": f["name"], "label": f.get("label", ""), "type": kind, "required": f.get("required") == "Y"}
    length = f.get("length")
    if kind == "decimal" and length:
        p, _, s = str(length).partition(",")
        out["precision"], out["scale"] = int(p), int(s or 0)
    elif kind in ("string", "bytes") and length and str(length).isdigit():
        out["length"] = int(length)
    if f.get("dict"):
        out["dict"] = f["dict"]
    if f.get("unconfirmed") or f.get("unconfirmed_attrs"):
        out["unconfirmed"] = True
    if f.get("item_fields"):
        out["items"] = [norm_field(x) for x in f["item_fields"]]
    return out


def norm_nodes(nodes: dict | None) -> dict:
    return {name: {"kind": node.get("kind", "object"), "fields": [norm_field(f) for f in node.get("fields", [])]}
            for name, node in (nodes or {}).items()}


def build(spec: Path) -> tuple[dict, dict]:
    rows = {r["code"]: r for r in csv.DictReader(open(spec / "interfaces.tsv", encoding="utf-8"), delimiter="\t")}
    envelope = json.loads((spec / "envelope.json").read_text(encoding="utf-8"))
    reversible = set(envelope["reversal"]["reversible_oinfno_hubei"])
    core = json.loads((spec / "transactions-core.json").read_text(encoding="utf-8"))["transactions"]
    catalogue = {}
    for code, t in core.items():
        row = rows.get(code)
        has_fields = any(n.get("fields") for n in (t.get("input") or {}).values())
        entry = {
            "code": code,
            "name": t["name"],
            "group": (row["category"].split("-", 1)[-1].strip() + "/" + row["subcategory"].split("-", 1)[-1].strip())
            if row else t.get("category", ""),
            "in_hubei_list": bool(row),
            "call_mode": row["call_mode"] if row else "实时",
            "description": row["description"] if row else t.get("hubei_description", ""),
            "reversible": code in reversible,
            "gateway": "mobile" if code.startswith(MOBILE_GATEWAY_PREFIX) else "platform",
            "file_based": code in FILE_BASED,
            "applicable": t.get("hubei_applicable", True) is not False,
            "fields_source": "spec" if has_fields else "convention",
            "input": norm_nodes(t.get("input")),
            "output": norm_nodes(t.get("output")),
        }
        if not entry["applicable"]:
            entry["replaced_by"] = "1312a"
        if t.get("unconfirmed"):
            entry["unconfirmed"] = True
        catalogue[code] = entry
    raw_dicts = json.loads((spec / "dicts-core.json").read_text(encoding="utf-8"))
    meta = raw_dicts["_meta"]["dictionaries"]
    dicts = {}
    for name, codes in raw_dicts.items():
        if name == "_meta":
            continue
        m = meta.get(name, {})
        merged = dict(codes)
        for local, label in (m.get("local_codes_seen_elsewhere") or {}).items():
            merged.setdefault(local, label)  # accepted: a real platform sent them
        dicts[name] = {"label": m.get("label", name), "closed": name not in OPEN_DICTS and not m.get("unconfirmed"),
                       "codes": merged}
    return catalogue, dicts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", type=Path, default=ROOT.parent / "shared" / "spec")
    args = ap.parse_args(argv)
    if not args.spec.is_dir():
        print(f"no spec folder at {args.spec}", file=sys.stderr)
        return 2
    catalogue, dicts = build(args.spec)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "transactions.json").write_text(json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (OUT / "dicts.json").write_text(json.dumps(dicts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(catalogue)} transactions, {len(dicts)} dictionaries -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
