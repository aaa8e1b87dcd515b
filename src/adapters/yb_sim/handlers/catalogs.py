"""13xx 目录: version-incremental downloads (1307-1311, 1313-1315), the 医保目录 query (1312 and
Hubei's 1312a, which stands in for 1301-1306) and the matching, 限价 and 先自付比例 queries (1316-1319).

A download answers file_qury_no + filename + dld_endtime + data_cnt for the rows of every version
newer than data.ver; the caller fetches the zip with 9102 (filename as answered, or "plc").

For testers and the dev server (the SimulatorPlatform tester API stays as it is), with sim._state:
    publish_version(state, kind, rows=(), count=0, name=None) -> version name
    seed_kind(state, kind, sizes, versions=None) -> version names
    newest_version(state, kind) -> version name
    match_item(state, fixmedins_code, medins_list_codg, medins_list_name, med_list_codg) -> 1317 row
Kinds and row keys: adapters.yb_sim.catalog_data.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain

from adapters.yb_sim.catalog_base import Stamp
from adapters.yb_sim.catalog_data import DOWNLOADS, HILIST_KINDS, KINDS
from adapters.yb_sim.catalog_items import LIST_TYPE
from adapters.yb_sim.catalog_orgs import requester
from adapters.yb_sim.catalog_query import fields_of, matcher, only, page, paging
from adapters.yb_sim.catalog_store import CatalogStore, store
from adapters.yb_sim.files_store import files
from adapters.yb_sim.handlers.common import TIME, Call, number, refuse, shape, text
from domain.money import quantize
from ports.catalogue import decode_output, validate_request

_KIND_OF_LIST = {v: k for k, v in LIST_TYPE.items()}


# ---- for testers ---------------------------------------------------------------------------------

def publish_version(state, kind: str, rows: Sequence[dict] = (), count: int = 0, name: str | None = None) -> str:
    """Publish a new version of a kind: hand-written rows (new codes, or changes to existing ones,
    e.g. vali_flag "0" to retire a code) and/or `count` more synthetic rows. Returns its name."""
    return store(state).kinds[_known(kind)].publish(rows, count, name)


def seed_kind(state, kind: str, sizes: Sequence[int], versions: Sequence[str] | None = None) -> list[str]:
    """Replace a kind's versions by synthetic ones of these sizes (1,000,000 rows cost no memory)."""
    return store(state).reseed(_known(kind), sizes, versions)


def newest_version(state, kind: str) -> str:
    return store(state).kinds[_known(kind)].newest


def match_item(state, fixmedins_code: str, medins_list_codg: str, medins_list_name: str,
               med_list_codg: str) -> dict:
    """Record that an institution matched one of its own codes to a 医保目录 code (answered by 1317)."""
    catalogs = store(state)
    for name in HILIST_KINDS:
        row = catalogs.kinds[name].find(med_list_codg)
        if row is not None:
            return catalogs.match(fixmedins_code, medins_list_codg, medins_list_name, med_list_codg,
                                  row["list_type"], catalogs.kinds[name].newest)
    raise ValueError(f"{med_list_codg} is not in the 医保目录")


def _known(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown catalogue kind {kind!r}; known: {', '.join(KINDS)}")
    return kind


def _store(call: Call) -> CatalogStore:
    return store(call.state, call.items.values())


# ---- 1307-1311, 1313-1315 ------------------------------------------------------------------------

def download(call: Call) -> dict:
    ver = text(call.node("data").get("ver"))
    if ver not in ("", "0"):
        try:
            Stamp(ver)
        except ValueError:
            refuse(f"版本名称[{ver}]格式不正确，应为yyyyMMdd加3位序号（首次下载传0）")
    catalog = _store(call).kinds[DOWNLOADS[call.request.infno]]
    blocks = catalog.after(ver or "0")
    newest = blocks[-1].version if blocks else catalog.newest
    name = f"{call.request.infno}_{ver or '0'}_{newest}"
    columns = (call.tx.files.get("file_columns") or {}).get("columns")
    # the blocks are a snapshot: versions published after this call do not change the file
    stored = files(call.state).add_rows(lambda: catalog.rows(blocks), columns, name + ".txt", name + ".zip",
                                        requester(call.request.msgid), call.now, call.request.infno)
    return shape(call, "", {"file_qury_no": stored.file_qury_no, "filename": stored.filename,
                            "dld_endtime": stored.dld_endtime.strftime(TIME),
                            "data_cnt": sum(len(b) for b in blocks)})


# ---- 1312 / 1312a --------------------------------------------------------------------------------

def _input_names(code: str, call: Call) -> list[str]:
    node = call.catalogue.get(code).input_node("data")
    return [f.name for f in node.fields] if node is not None else []


def _hilist(call: Call, list_type: str) -> Iterator[dict]:
    if not list_type:
        kinds = HILIST_KINDS
    elif list_type in _KIND_OF_LIST:
        kinds = (_KIND_OF_LIST[list_type],)
    elif list_type in call.catalogue.dictionaries["list_type"].codes:
        kinds = ()  # a known list the simulator does not keep (自制剂, 民族药): empty
    else:
        refuse(f"目录类别list_type[{list_type}]不存在")
    catalogs = _store(call)
    return chain.from_iterable(catalogs.kinds[k].current() for k in kinds)


def _paged(call: Call, spec_code: str, rows: Iterator[dict], fields: list[str], data: dict | None = None,
           names: list[str] | None = None) -> dict:
    data = call.node("data") if data is None else data
    page_num, page_size = paging(data)
    match = matcher(data, _input_names(spec_code, call) if names is None else names)
    result = page((r for r in rows if match(r)), page_num, page_size)
    result["data"] = [only(r, fields) for r in result["data"]]
    return result


def hilist_query(call: Call) -> dict:
    spec = call.catalogue.get("1312")
    if call.request.infno != "1312":
        # 1312a has no public field list: it is held to 1312's, as it answers like 1312
        violations = validate_request(call.catalogue, spec, call.request.input)
        if violations:
            refuse("入参校验失败: " + "; ".join(str(v) for v in violations))
    rows = _hilist(call, text(call.node("data").get("list_type")))
    result = _paged(call, "1312", rows, fields_of(spec))
    return result if call.request.infno == "1312" else decode_output(spec, result)[0]


# ---- 1316-1319 -----------------------------------------------------------------------------------

def _audit(row: dict, prefix: str) -> dict:
    keep = ("insu_admdvs", "begndate", "enddate", "vali_flag", "updt_time", "crter_id", "crter_name", "crte_time",
            "crte_optins_no", "opter_id", "opter_name", "opt_time", "optins_no", "poolarea_no")
    out = {k: row.get(k) for k in keep}
    out["rid"] = prefix + text(row.get("rid"))[len(prefix):]  # its own record, same length
    return out


def matching_query(call: Call) -> dict:
    """1316 医疗目录与医保目录匹配: national codes match themselves."""
    def rows():
        for r in _hilist(call, text(call.node("data").get("list_type"))):
            yield dict(_audit(r, "PP"), med_list_codg=r["hilist_code"], hilist_code=r["hilist_code"],
                       list_type=r["list_type"], memo=None)
    data = dict(call.node("data"))
    # The catalogue names this input medins_list_codg (定点医药机构目录编号), which 1316 rows do not
    # carry: on a 医疗目录 match it can only mean med_list_codg.
    own = data.pop("medins_list_codg", None)
    data.setdefault("med_list_codg", own)
    names = [n for n in _input_names("1316", call) if n != "medins_list_codg"] + ["med_list_codg"]
    return _paged(call, "1316", rows(), fields_of(call.tx), data, names)


_UPLOADED = ("aprvno", "dosform", "exct_cont", "item_cont", "prcunt", "spec", "pacspec", "memo")


def _uploaded(call: Call, code: str) -> dict[str, dict]:
    """What the asking institution matched itself with 3301 目录对照上传. handlers/institution_admin
    keeps those in the section "admin_catalog_map" (one hospital: the caller) and owns their shape,
    so they are read defensively."""
    book = call.state.sections.get("admin_catalog_map")
    if code != requester(call.request.msgid) or not isinstance(book, dict):
        return {}
    found = {}
    for m in book.values():
        if isinstance(m, dict) and not m.get("revoked") and text(m.get("fixmedins_hilist_id")):
            own = text(m.get("fixmedins_hilist_id"))
            found[own] = dict({k: m.get(k) for k in _UPLOADED}, fixmedins_code=code, medins_list_codg=own,
                              medins_list_name=text(m.get("fixmedins_hilist_name")), list_type=text(m.get("list_type")),
                              med_list_codg=text(m.get("med_list_codg")), begndate=text(m.get("begndate")) or None,
                              enddate=text(m.get("enddate")) or None, vali_flag="1",
                              updt_time=text(m.get("upload_time")) or None)
    return found


def institution_query(call: Call) -> dict:
    """1317 医药机构目录匹配: the institution's own codes and the 医保目录 rows they point at (the
    simulator's demo matching, match_item(), and what the institution uploaded with 3301)."""
    data = call.node("data")
    code = text(data.get("fixmedins_code")) or requester(call.request.msgid)
    matches = dict(_store(call).matches.get(code, {}))
    matches.update(_uploaded(call, code))
    wanted = {m["med_list_codg"] for m in matches.values()}
    listed = {r["hilist_code"]: r for r in _hilist(call, "") if r["hilist_code"] in wanted}

    def rows():
        for m in matches.values():
            item = listed.get(m["med_list_codg"], {})
            out = _audit(item, "JG") if item else {}
            out.update({k: item.get(k) for k in ("dosform", "spec", "prcunt", "pacspec", "aprvno")})
            out.update({k: v for k, v in m.items() if v is not None or k not in out})
            out.setdefault("exct_cont", None)
            out.setdefault("item_cont", None)
            yield out
    return _paged(call, "1317", rows(), fields_of(call.tx))


def price_query(call: Call) -> dict:
    """1318 医保目录限价: the ceilings 2204 applies."""
    def rows():
        for r in _hilist(call, ""):
            if r.get("hilist_pric_uplmt_amt") is not None:
                yield dict(_audit(r, "XJ"), hilist_code=r["hilist_code"], hilist_lmtpric_type="1",
                           overlmt_dspo_way="1", hilist_pric_uplmt_amt=r["hilist_pric_uplmt_amt"],
                           tabname="hilist_lmtpric_b")
    return _paged(call, "1318", rows(), fields_of(call.tx))


def selfpay_query(call: Call) -> dict:
    """1319 医保目录先自付比例: the 乙类 proportions 2204 applies, one rule for all persons."""
    def rows():
        for r in _hilist(call, ""):
            if r.get("selfpay_prop") is not None and r.get("chrgitm_lv") == "02":
                yield dict(_audit(r, "ZF"), hilist_code=r["hilist_code"], selfpay_prop_psn_type="0",
                           selfpay_prop_type="1", selfpay_prop=quantize(number(r["selfpay_prop"]), 4),
                           tabname="hilist_selfpay_prop_b")
    return _paged(call, "1319", rows(), fields_of(call.tx))

HANDLERS = dict({code: download for code in DOWNLOADS}, **{
    "1312": hilist_query, "1312a": hilist_query, "1316": matching_query, "1317": institution_query,
    "1318": price_query, "1319": selfpay_query})
