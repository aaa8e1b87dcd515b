"""13xx 目录 on the simulator: versioned downloads fetched with 9102, the 1312/1312a query, and
1316-1319 answered from the same catalogue the settlement uses."""
from __future__ import annotations

import inspect
import io
import itertools
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from simkit import FIXMEDINS, P_WORKER, Driver

from adapters.yb_sim import SimulatorPlatform, demo_items
from adapters.yb_sim.catalog_data import DEFAULT_SIZES, DEFAULT_VERSIONS, DOWNLOADS, KINDS, generate
from adapters.yb_sim.handlers.catalogs import match_item, newest_version, publish_version, seed_kind
from ports.catalogue import decode_output, load_catalogue

CATALOGUE = load_catalogue()
ITEMS = {i.med_list_codg: i for i in demo_items()}
SINCE = "2025-01-01 00:00:00"


def conforms(infno: str, reply) -> dict:
    output, problems = decode_output(CATALOGUE.get(infno), reply.raw["output"])
    assert problems == [], problems
    return output


def download(his: Driver, infno: str, ver: str = "0") -> dict:
    out = conforms(infno, his.call(infno, {"data": {"ver": ver}}))
    assert out["file_qury_no"] and out["filename"].endswith(".zip") and out["dld_endtime"]
    return out


def fetch_rows(his: Driver, out: dict, filename: str = "plc") -> list[list[str | None]]:
    """9102 the file; parse the one .txt in the zip: tab-separated rows, the literal null for empty."""
    reply = his.call("9102", {"fsDownloadIn": {"file_qury_no": out["file_qury_no"], "filename": filename,
                                               "fixmedins_code": FIXMEDINS}})
    archive = zipfile.ZipFile(io.BytesIO(reply.output["file"]))
    [name] = archive.namelist()
    assert name.endswith(".txt")
    lines = archive.read(name).decode("utf-8").splitlines()
    return [[None if v == "null" else v for v in line.split("\t")] for line in lines]


def columns(infno: str) -> list[str]:
    return CATALOGUE.get(infno).files["file_columns"]["columns"]


# ---- downloads ----------------------------------------------------------------------------------

@pytest.mark.parametrize("infno", sorted(DOWNLOADS))
def test_download_everything_then_fetch_the_zip(his: Driver, infno: str):
    out = download(his, infno)
    assert out["data_cnt"] == sum(DEFAULT_SIZES)
    assert out["dld_endtime"] == "2025-06-17 09:30:00"  # a day after the clock's now
    rows = fetch_rows(his, out)
    cols = columns(infno)
    assert len(rows) == out["data_cnt"] and {len(r) for r in rows} == {len(cols)}
    versions = [r[cols.index("版本名称")] for r in rows]
    assert versions == sorted(versions) and set(versions) == set(DEFAULT_VERSIONS)
    code = cols.index(KINDS[DOWNLOADS[infno]].code_key)
    assert len({r[code] for r in rows}) == len(rows)


def test_download_file_holds_null_and_the_catalogue_column_order(his: Driver):
    rows = fetch_rows(his, download(his, "1307"))
    cols = columns("1307")
    first = dict(zip(cols, rows[0]))
    assert first["备注"] is None and first["有效标志"] == "1" and first["诊断代码"] == "A00.000"
    assert first["国标版诊断代码"] == first["亚目代码"] and first["版本名称"] == DEFAULT_VERSIONS[0]


def test_download_by_its_own_filename(his: Driver):
    out = download(his, "1314")
    assert len(fetch_rows(his, out, out["filename"])) == out["data_cnt"]


def test_newer_versions_only(sim: SimulatorPlatform, his: Driver):
    old_newest = newest_version(sim._state, "disease")
    changed = {"诊断代码": "A00.000", "诊断名称": "霍乱（名称修订）", "有效标志": "0"}
    new = publish_version(sim._state, "disease", [changed], count=4)
    assert new > old_newest
    out = download(his, "1307", old_newest)
    assert out["data_cnt"] == 5
    rows = [dict(zip(columns("1307"), r)) for r in fetch_rows(his, out)]
    assert {r["版本名称"] for r in rows} == {new}
    assert rows[0]["诊断代码"] == "A00.000" and rows[0]["有效标志"] == "0" and rows[0]["唯一记录号"]
    assert download(his, "1307", DEFAULT_VERSIONS[1])["data_cnt"] == DEFAULT_SIZES[2] + 5
    nothing = download(his, "1307", new)
    assert nothing["data_cnt"] == 0 and fetch_rows(his, nothing) == []


def test_a_download_is_a_snapshot(sim: SimulatorPlatform, his: Driver):
    out = download(his, "1308", DEFAULT_VERSIONS[-1])
    publish_version(sim._state, "operation", count=3)
    assert out["data_cnt"] == 0 and fetch_rows(his, out) == []


def test_large_kind_reseeded(sim: SimulatorPlatform, his: Driver):
    names = seed_kind(sim._state, "tcm_syndrome", [20_000, 7], ["20250201001", "20250601001"])
    assert names == ["20250201001", "20250601001"]
    everything = download(his, "1315")
    assert everything["data_cnt"] == 20_007 and len(fetch_rows(his, everything)) == 20_007
    rows = fetch_rows(his, download(his, "1315", "20250201001"))
    assert len(rows) == 7 and rows[0][columns("1315").index("中医证候ID")] == "TCMS0000020001"


@pytest.mark.parametrize("ver", ["abc", "2025", "20251301001"])
def test_malformed_version_refused(his: Driver, ver: str):
    his.refused("1307", {"data": {"ver": ver}}, contains="版本名称")


# ---- the generator ------------------------------------------------------------------------------

def test_generator_is_lazy_for_a_million_rows():
    rows = generate("drug", 1_000_000)
    assert inspect.isgenerator(rows)
    first = list(itertools.islice(rows, 10))
    assert len(first) == 10 and len({r["hilist_code"] for r in first}) == 10
    assert all(len(r["hilist_code"]) == 23 and r["hilist_code"][0] in "XZ" for r in first)
    tail = list(generate("disease", 3, start=999_997))  # the far end without walking there
    assert len({r["诊断代码"] for r in tail}) == 3


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_generated_rows_are_deterministic_and_unique(kind: str):
    rows = list(generate(kind, 300, version="20250301001"))
    assert rows == list(generate(kind, 300, version="20250301001"))
    key = KINDS[kind].code_key
    assert len({r[key] for r in rows}) == 300
    if KINDS[kind].infno:
        assert set(rows[0]) == set(columns(KINDS[kind].infno))


# ---- 1312 / 1312a -------------------------------------------------------------------------------

def query(his: Driver, infno: str, page_num: int = 1, page_size: int = 50, **filters) -> dict:
    data = dict({"updt_time": SINCE, "page_num": str(page_num), "page_size": str(page_size)}, **filters)
    reply = his.call(infno, {"data": data})
    return conforms(infno if infno != "1312a" else "1312", reply)


def test_1312_pages(his: Driver):
    first, second = query(his, "1312", 1, 10), query(his, "1312", 2, 10)
    total = first["recordCounts"]
    assert total == sum(DEFAULT_SIZES) * 4 + len(ITEMS)
    assert (first["pageNum"], first["size"], first["startRow"], first["endRow"]) == (1, 10, 1, 10)
    assert (second["startRow"], second["endRow"], first["pages"]) == (11, 20, (total + 9) // 10)
    codes = [r["hilist_code"] for r in first["data"] + second["data"]]
    assert len(set(codes)) == 20
    last = query(his, "1312", int(first["pages"]), 10)
    assert last["size"] == total - (first["pages"] - 1) * 10
    his.refused("1312", {"data": {"updt_time": SINCE, "page_num": str(first["pages"] + 1), "page_size": "10"}},
                contains="超出范围")
    his.refused("1312", {"data": {"updt_time": SINCE, "page_num": "0", "page_size": "10"}}, contains="page_num")
    his.refused("1312", {"data": {"updt_time": SINCE, "page_num": "1", "page_size": "5000"}}, contains="page_size")


def test_1312_filters(his: Driver):
    code = "XA02BCA211A001010101443"
    [row] = query(his, "1312", hilist_code=code)["data"]
    assert row["hilist_name"] == ITEMS[code].name and row["chrgitm_lv"] == ITEMS[code].chrgitm_lv
    named = query(his, "1312", hilist_name="阿莫西林")["data"]
    assert named and all("阿莫西林" in r["hilist_name"] for r in named)
    recent = query(his, "1312", page_size=1000, updt_time="2025-03-01 00:00:00")
    assert recent["recordCounts"] == (DEFAULT_SIZES[1] + DEFAULT_SIZES[2]) * 4
    assert query(his, "1312", pinyin="blf")["data"][0]["hilist_name"].startswith("布洛芬")
    assert query(his, "1312", hilist_code="NOSUCHCODE")["recordCounts"] == 0


def test_1312_shows_a_changed_item_once(sim: SimulatorPlatform, his: Driver):
    code = "C01010101"
    version = publish_version(sim._state, "material", [{"hilist_code": code, "hilist_name": "一次性使用无菌注射器（新）",
                                                        "chrgitm_lv": "02", "med_chrgitm_type": "08"}])
    [row] = query(his, "1312", hilist_code=code)["data"]
    assert row["hilist_name"].endswith("（新）") and row["updt_time"] > "2025-05-01"
    assert version.startswith("20250501")


@pytest.mark.parametrize("list_type, prefix", [("101", "XZ"), ("102", "T"), ("201", "0123456789"), ("301", "C")])
def test_1312a_list_type_chooses_the_catalogue(his: Driver, list_type: str, prefix: str):
    out = query(his, "1312a", page_size=1000, list_type=list_type)
    assert out["recordCounts"] > sum(DEFAULT_SIZES)
    assert all(r["list_type"] == list_type and r["hilist_code"][0] in prefix for r in out["data"])


def test_1312a_rules(his: Driver):
    assert query(his, "1312a", list_type="103")["recordCounts"] == 0  # 自制剂: none kept
    his.refused("1312a", {"data": {"updt_time": SINCE, "page_num": "1", "page_size": "5", "list_type": "999"}},
                contains="目录类别")
    his.refused("1312a", {"data": {"page_num": "1", "page_size": "5"}}, contains="updt_time")


# ---- 1316-1319 ----------------------------------------------------------------------------------

def test_1316_national_codes_match_themselves(his: Driver):
    [row] = query(his, "1316", hilist_code="001102000010000")["data"]
    assert row["med_list_codg"] == row["hilist_code"] == "001102000010000" and row["list_type"] == "201"
    assert query(his, "1316", medins_list_codg="001102000010000")["recordCounts"] == 1


def test_1317_the_institutions_matches(sim: SimulatorPlatform, his: Driver):
    out = query(his, "1317", fixmedins_code=FIXMEDINS)
    assert out["recordCounts"] == len(ITEMS)
    assert {r["med_list_codg"] for r in out["data"]} == set(ITEMS)
    assert query(his, "1317", fixmedins_code="H42010600002")["recordCounts"] == 0
    synthetic = next(generate("drug", 1, start=5))["hilist_code"]
    match_item(sim._state, "H42010600002", "X-0001", "院内阿奇霉素", synthetic)
    [row] = query(his, "1317", fixmedins_code="H42010600002")["data"]
    assert row["med_list_codg"] == synthetic and row["dosform"] and row["medins_list_name"] == "院内阿奇霉素"


def test_1318_ceilings_agree_with_the_settlement(his: Driver):
    out = query(his, "1318", page_size=1000)
    ceilings = {r["hilist_code"]: r["hilist_pric_uplmt_amt"] for r in out["data"]}
    for code, item in ITEMS.items():
        assert ceilings.get(code) == item.pric_uplmt_amt, code


def test_1319_selfpay_agrees_with_2204(his: Driver):
    out = query(his, "1319", page_size=1000)
    props = {r["hilist_code"]: r["selfpay_prop"] for r in out["data"]}
    for code, item in ITEMS.items():
        assert props.get(code) == (item.selfpay_prop if item.chrgitm_lv == "02" else None), code
    code = "XA02BCA211A001010101443"
    mdtrt_id = his.register(P_WORKER)
    fee = his.upload(mdtrt_id, P_WORKER, [(code, "1", "10.00")]).output["result"][0]
    assert fee["selfpay_prop"] == props[code] == Decimal("0.1000")
    assert query(his, "1319", hilist_code=code)["data"][0]["selfpay_prop"] == fee["selfpay_prop"]


def test_queries_see_updates_after_a_time(his: Driver, sim: SimulatorPlatform):
    publish_version(sim._state, "drug", count=2, name="20250610001")
    since = (datetime(2025, 6, 10) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert query(his, "1312", updt_time=since)["recordCounts"] == 2


def test_1317_includes_what_the_institution_uploaded_with_3301(his: Driver):
    from adapters.yb_sim.handlers import HANDLERS
    if "3301" not in HANDLERS:
        pytest.skip("3301 目录对照上传 is not simulated")
    code = "250305001000000"
    his.call("3301", {"data": [{"fixmedins_hilist_id": "JY-0042", "fixmedins_hilist_name": "肝功能（院内）",
                                "list_type": "201", "med_list_codg": code, "begndate": "2025-06-01"}]})
    [row] = query(his, "1317", medins_list_codg="JY-0042")["data"]
    assert row["med_list_codg"] == code and row["medins_list_name"] == "肝功能（院内）"
    assert row["fixmedins_code"] == FIXMEDINS and row["begndate"] == "2025-06-01"
