"""Compile the project's transaction catalogue from the shared spec facts.

    python tools/build_catalogue.py [--spec ../shared/spec]

Writes src/ports/catalogue/data/{transactions,dicts}.json. The project ships those files; this tool
exists so that a corrected spec (e.g. the hospital's copy of the provincial document) can be folded in
again, and tests/unit/test_catalogue_matches_spec.py reports any difference from ../shared/spec.
Every row of interfaces.tsv gets an entry. Where the spec has no public field list, the entry takes
the nearest national analogue (`fields_source: "analogue: ..."`) or the national convention of one open
`data` node (`fields_source: "convention"`), so that the hospital's copy of the provincial document can
correct it in one place.
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
         "整型": "integer", "字节数组": "bytes", "数组": "array",
         # the mgmt / mobile files are already normalised
         "string": "string", "text": "string", "decimal": "decimal", "integer": "integer", "date": "date",
         "datetime": "datetime", "array": "array", "object": "object"}
# Dictionaries whose code lists are local or incomplete: values are not checked against them.
OPEN_DICTS = {"psn_type", "naty", "admdvs", "psn_insu_stas", "setl_type", "chrg_type", "fund_pay_type",
              "clr_type", "list_type", "infcode"}
MOBILE_GATEWAY_PREFIX = "6"
FILE_BASED = {"9101", "9102"}
SPEC_FILES = ("transactions-core.json", "transactions-mgmt.json", "transactions-mobile-rx-ltc.json")
# Where the Hubei list spells a code differently from the spec files.
SPELLINGS = {"4101a": "4101A"}


def norm_field(f: dict, dict_names: set[str]) -> dict:
    kind = TYPES.get(f.get("type") or "", "string")
    out = {"name": f["name"], "label": f.get("label", ""), "type": kind,
           "required": f.get("required") in ("Y", True)}
    length = f.get("length", f.get("max_length"))
    if kind == "decimal" and length:
        p, _, s = str(length).partition(",")
        if p.strip().isdigit():
            out["precision"], out["scale"] = int(p), int(s or 0)
    elif kind in ("string", "bytes") and length and str(length).isdigit():
        out["length"] = int(length)
    code = f.get("dict")
    if isinstance(code, str):
        out["dict"] = code
    elif code is True and f["name"] in dict_names:  # 代码标识 without a named list: the field's own name
        out["dict"] = f["name"]
    unsure_required = f.get("required") is None and "required" in f  # null: not determinable from the sources
    if f.get("unconfirmed") or f.get("unconfirmed_attrs") or unsure_required:
        out["unconfirmed"] = True
    if unsure_required or "required" in (f.get("unconfirmed_attrs") or ()):
        # only whether it is required is in doubt: a missing value is warned about, never refused
        out["required_unconfirmed"] = True
    if f.get("type") == "text" or f.get("type_cn") == "大文本":
        out["large_text"] = True  # 大文本: free text or a Base64 document, printed without a length
    if f.get("item_fields"):
        out["items"] = [norm_field(x, dict_names) for x in f["item_fields"]]
    return out


def norm_nodes(nodes: dict | None, dict_names: set[str], unconfirmed: bool = False) -> dict:
    """Flat nodes; dotted names (a.b) become the items of field b inside node a.

    `unconfirmed`: the transaction marks all its node names as unconfirmed (`unconfirmed_node_name`,
    or `unconfirmed_input` for its input); a node's own marks (`unconfirmed`, `unconfirmed_node_name`)
    count for that node alone. Its `note`, where the spec gives one, says why or what is known."""
    result: dict = {}
    for name, node in sorted((nodes or {}).items(), key=lambda kv: kv[0].count(".")):
        if not isinstance(node, dict):
            continue
        fields = [norm_field(f, dict_names) for f in node.get("fields", [])]
        kind = node.get("kind", "object")
        path = name.split(".")
        top = "" if path[0] == "(root)" else path[0]
        if len(path) == 1:
            entry = {"kind": kind, "fields": fields}
            if not fields:
                entry["open"] = True  # no public field list: anything is accepted and passed on
            if unconfirmed or node.get("unconfirmed") or node.get("unconfirmed_node_name"):
                entry["unconfirmed"] = True
            if node.get("note"):
                entry["note"] = node["note"]
            result[top] = entry
            continue
        parent = result.setdefault(top, {"kind": "object", "fields": []})["fields"]
        for part in path[1:-1]:
            holder = next((f for f in parent if f["name"] == part), None)
            if holder is None:
                holder = {"name": part, "label": "", "type": "array", "required": False, "items": []}
                parent.append(holder)
            parent = holder.setdefault("items", [])
        leaf = next((f for f in parent if f["name"] == path[-1]), None)
        if leaf is None:
            leaf = {"name": path[-1], "label": node.get("label", ""), "type": kind, "required": False}
            parent.append(leaf)
        leaf["type"] = "array" if kind == "array" else "object"
        leaf["items"] = fields
    return result


CONVENTION_NODES = {"data": {"kind": "object", "fields": [], "open": True}}

# Corrections to the compiled facts, each with its reason; the entry lists them under "overrides".
# path: node.field[.nested field...]; a change of None for "add" appends a field to the node.
_TIME_RANGE = [{"name": "begntime", "label": "开始时间", "type": "datetime", "required": False, "unconfirmed": True},
               {"name": "endtime", "label": "结束时间", "type": "datetime", "required": False, "unconfirmed": True}]
OVERRIDES = [
    ("2601", "input", "data.oinfno", {"length": 6},
     "oinfno carries letter variants (2102A, 2304A) that the Hubei 2601 list names; 4 cannot hold them"),
    ("3101", "input", "data.patient_dtos.fsi_encounter_dtos.fsi_order_dtos.hilist_code", {"length": 50},
     "national drug codes have 23 characters; the printed 20 would refuse every drug"),
    ("3101", "input", "data.patient_dtos.fsi_encounter_dtos.fsi_order_dtos.hosplist_code", {"length": 50},
     "hospital item codes follow the 150-character medins_list_codg of 2204"),
    ("3102", "input", "data.patient_dtos.fsi_encounter_dtos.fsi_order_dtos.hilist_code", {"length": 50},
     "national drug codes have 23 characters; the printed 20 would refuse every drug"),
    ("3102", "input", "data.patient_dtos.fsi_encounter_dtos.fsi_order_dtos.hosplist_code", {"length": 50},
     "hospital item codes follow the 150-character medins_list_codg of 2204"),
    ("5262", "input", "data.mdtrt_id", {"required": False}, "Hubei 5262 queries a time range; the ids narrow it"),
    ("5262", "input", "data.setl_id", {"required": False}, "Hubei 5262 queries a time range; the ids narrow it"),
    ("5262", "input", "data.psn_no", {"required": False}, "Hubei 5262 queries a time range; the ids narrow it"),
    ("5262", "input", "data", {"add": _TIME_RANGE}, "Hubei 5262 queries settlements by time range"),
]


def apply_overrides(catalogue: dict) -> None:
    for code, io, path, change, why in OVERRIDES:
        entry = catalogue[code]
        node_name, *names = path.split(".")
        node = entry[io][node_name]
        if "add" in change:
            known = {f["name"] for f in node["fields"]}
            node["fields"].extend(dict(f) for f in change["add"] if f["name"] not in known)
            node.pop("open", None)
        else:
            fields = node["fields"]
            for name in names[:-1]:
                fields = next(f for f in fields if f["name"] == name)["items"]
            field = next(f for f in fields if f["name"] == names[-1])
            field.update(change)
        entry.setdefault("overrides", []).append(f"{io}.{path}: {why}")


def build(spec: Path) -> tuple[dict, dict]:
    rows = {r["code"]: r for r in csv.DictReader(open(spec / "interfaces.tsv", encoding="utf-8"), delimiter="\t")}
    envelope = json.loads((spec / "envelope.json").read_text(encoding="utf-8"))
    reversible = set(envelope["reversal"]["reversible_oinfno_hubei"])
    raw_dicts = json.loads((spec / "dicts-core.json").read_text(encoding="utf-8"))
    dict_names = set(raw_dicts) - {"_meta"}
    source: dict[str, dict] = {}
    for name in SPEC_FILES:
        source.update(json.loads((spec / name).read_text(encoding="utf-8"))["transactions"])
    catalogue = {}
    codes = list(rows) + [c for c in source if c not in rows and c not in SPELLINGS.values()]
    for code in codes:
        t = source.get(SPELLINGS.get(code, code), {})
        row = rows.get(code)
        entry = {
            "code": code,
            "name": t.get("name") or (row["name"] if row else code),
            "group": (row["category"].split("-", 1)[-1].strip() + "/" + row["subcategory"].split("-", 1)[-1].strip())
            if row else t.get("category", ""),
            "in_hubei_list": bool(row),
            "call_mode": row["call_mode"] if row else t.get("call_mode", "实时"),
            "description": row["description"] if row else t.get("hubei_description", ""),
            "reversible": code in reversible,
            "gateway": "mobile" if code.startswith(MOBILE_GATEWAY_PREFIX) else "platform",
            "file_based": code in FILE_BASED,
            "applicable": t.get("hubei_applicable", True) is not False and "本交易不适用" not in (row or {}).get(
                "description", ""),
        }
        inputs, outputs = t.get("input"), t.get("output")
        analogue = t.get("reference_analogue")
        if inputs or outputs:
            entry["fields_source"] = "spec"
        elif analogue:
            inputs, outputs = analogue.get("input"), analogue.get("output")
            entry["fields_source"] = f"analogue: {analogue.get('region', '')}".strip()
        else:
            entry["fields_source"] = "convention"
        names_unsure = bool(t.get("unconfirmed_node_name"))
        entry["input"] = norm_nodes(inputs, dict_names, names_unsure or bool(t.get("unconfirmed_input"))) or (
            CONVENTION_NODES if entry["fields_source"] == "convention" else {})
        entry["output"] = norm_nodes(outputs, dict_names, names_unsure) or (
            CONVENTION_NODES if entry["fields_source"] == "convention" else {})
        if not entry["applicable"]:
            entry["replaced_by"] = "1312a"
        if code in SPELLINGS:
            entry["spec_code"] = SPELLINGS[code]
        if t.get("unconfirmed") or entry["fields_source"] != "spec":
            entry["unconfirmed"] = True
        for key in ("upload_file", "result_file", "file_columns"):
            if t.get(key):
                entry[key] = t[key]
        catalogue[code] = entry
    apply_overrides(catalogue)
    meta = raw_dicts["_meta"]["dictionaries"]
    dicts = {}
    for name, codes_ in raw_dicts.items():
        if name == "_meta":
            continue
        m = meta.get(name, {})
        merged = dict(codes_)
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
