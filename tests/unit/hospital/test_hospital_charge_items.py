"""The 院内收费项目 (charge items): their rules, the data file's section, versions, the directory's
lookup, the demo hospital's price list, and the 3301/3302 目录对照 of a whole price list through the
real gateway to the simulator (storage in memory)."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from adapters.yb_sim.handlers.institution_admin import mapped_codes
from adapters.yb_sim.platform import SimulatorPlatform
from domain.errors import IllegalTransition, NotFound, ValidationFailed
from domain.hospital import ChargeItem, check_charge_item, from_data, to_data
from domain.institution import Institution
from ports.catalogue import load_catalogue
from services.errors import PlatformRejected
from services.hospital import HospitalAdmin, demo_directory, demo_file, parse_data, read_data_file
from services.platform_gateway import PlatformGateway

shared = sys.modules["tests_shared_fakes"]

CT = ChargeItem("JC-CT-001", "CT平扫(每部位)", "210300001000000", "201", Decimal("200.00"), "部位")
DY = ChargeItem("YP-DY-001", "碘海醇注射液(对比剂)", "XV08ABA040B002010101524", "101", Decimal("180.00"), "支",
                "100ml:30g(I)")
FILM = ChargeItem("CL-FL-001", "医用X射线胶片", "C07020101", "301", Decimal("25.00"), "张")


def _fields(violations) -> list[str]:
    return [v.field for v in violations]


def test_a_charge_item_is_checked_as_3301_takes_it():
    assert check_charge_item(CT) == []
    assert check_charge_item(replace(CT, code="A" * 30)) == []  # fixmedins_hilist_id allows 30
    bad = ChargeItem("A" * 31, "x" * 101, "", "105", Decimal("-1"), "次" * 101, "s" * 201)
    assert _fields(check_charge_item(bad)) == ["code", "name", "national_code", "list_type", "unit_price",
                                               "prcunt", "spec"]
    assert _fields(check_charge_item(replace(CT, code="CT 01", national_code="2103-01", list_type=""))) == [
        "code", "national_code", "list_type"]
    assert _fields(check_charge_item(replace(CT, unit_price=Decimal("1.0000001")))) == ["unit_price"]
    assert _fields(check_charge_item(replace(CT, unit_price=Decimal("100000")))) == ["unit_price"]  # MAX_PRICE
    assert check_charge_item(replace(CT, unit_price=Decimal("0"))) == []  # a free item is allowed
    assert "101 西药中成药" in check_charge_item(replace(CT, list_type="999"))[0].description


def test_the_codec_keeps_every_field_of_a_charge_item():
    item = replace(DY, begndate=date(2026, 1, 1))
    assert from_data("charge_item", to_data(item)) == item
    assert from_data("charge_item", to_data(CT)) == CT  # no begndate: the day it is uploaded


def test_a_charge_item_prices_a_fee_line_the_platform_s_way():
    line = replace(CT, unit_price=Decimal("0.125")).fee_line(Decimal("1"))
    assert (line.item_code, line.national_code, line.amount) == ("JC-CT-001", "210300001000000", Decimal("0.13"))
    assert CT.fee_line(Decimal("3")).amount == Decimal("600.00")


def test_the_data_file_names_a_bad_charge_item_by_its_place():
    with pytest.raises(ValidationFailed) as caught:
        parse_data({"charge_items": [
            {"code": "A", "name": "a", "national_code": "C07020101", "list_type": "301", "unit_price": "1"},
            {"code": "B", "name": "b", "national_code": "C07020101", "list_type": 301, "unit_price": 2.5,
             "begndate": "2026-02-30"},
            {"code": "C", "name": "c", "list_type": "301", "unit_price": "1", "colour": "red"}]})
    assert _fields(caught.value.violations) == [
        "charge_items[1].list_type", "charge_items[1].unit_price", "charge_items[1].begndate",
        "charge_items[2].colour", "charge_items[2].national_code"]


def test_a_load_is_all_or_nothing_and_names_the_charge_item_s_place(admin, store, admin_op):
    items = [CT, DY, FILM, replace(FILM, code="CL-FL-002", list_type="401")]
    with pytest.raises(ValidationFailed) as caught:
        admin.load(items + [replace(CT, name="")], admin_op, "价表")
    assert _fields(caught.value.violations) == ["charge_items[3].list_type", "charge_items[4].code",
                                                "charge_items[4].name"]
    assert store.rows == {}
    done = admin.load(items[:3], admin_op, "价表")
    assert (done.created, done.updated, done.unchanged) == (3, 0, 0)
    again = admin.load([replace(CT, unit_price=Decimal("220.00")), DY, FILM], admin_op, "调价")
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert [(v.revision.version, str(v.value.unit_price)) for v in admin.history("charge_item", "JC-CT-001")] == [
        (1, "200.00"), (2, "220.00")]


def test_each_change_is_a_version_and_the_directory_answers_the_one_in_force(admin, directory, admin_op, clock):
    admin.create(CT, admin_op, "新增")
    assert directory.charge_item("JC-CT-001") == CT
    clock.at = clock.at.replace(hour=11)
    changed = admin.update(replace(CT, unit_price=Decimal("210.00")), admin_op, "调价", expected_version=1)
    assert (changed.revision.version, changed.revision.reason, changed.revision.valid_from.hour) == (2, "调价", 11)
    assert directory.charge_item("JC-CT-001").unit_price == Decimal("210.00")
    retired = admin.retire("charge_item", "JC-CT-001", admin_op, "停用")
    assert retired.revision.retired and retired.value.unit_price == Decimal("210.00")
    with pytest.raises(NotFound, match="JC-CT-001"):
        directory.charge_item("JC-CT-001")
    with pytest.raises(NotFound):
        directory.charge_item("NOPE")
    assert admin.list("charge_item") == [] and len(admin.list("charge_item", include_retired=True)) == 1
    with pytest.raises(IllegalTransition, match="retired"):
        admin.update(CT, admin_op, "恢复")
    with pytest.raises(ValidationFailed) as caught:
        admin.create(replace(CT, list_type="9"), admin_op, "恢复")
    assert _fields(caught.value.violations) == ["list_type"]
    assert admin.create(CT, admin_op, "恢复").revision.version == 4


def test_the_demo_price_list_holds_what_the_exam_tables_price_from():
    directory = demo_directory()
    wanted = {  # code: (name, national code, list_type, price)
        "JC-CT-001": ("CT平扫(每部位)", "210300001000000", "201", "200.00"),
        "JC-CT-002": ("CT增强扫描(每部位)", "210300002000000", "201", "300.00"),
        "JC-MR-001": ("磁共振平扫(每部位)", "210400001000000", "201", "550.00"),
        "JC-MR-002": ("磁共振增强扫描(每部位)", "210400002000000", "201", "750.00"),
        "JC-MR-009": ("磁共振增加部位", "210400001000000", "201", "300.00"),
        "JC-DR-001": ("数字化X线摄影(DR)", "210102015000000", "201", "60.00"),
        "JC-US-001": ("彩色多普勒超声检查", "220600004000000", "201", "150.00"),
        "YP-DY-001": ("碘海醇注射液(对比剂)", "XV08ABA040B002010101524", "101", "180.00"),
        "YP-GD-001": ("钆对比剂", "XV08ABA040B002010101524", "101", "260.00"),
        "CL-FL-001": ("医用X射线胶片", "C07020101", "301", "25.00"),
    }
    for code, (name, national, list_type, price) in wanted.items():
        item = directory.charge_item(code)
        assert (item.name, item.national_code, item.list_type, item.unit_price) == (
            name, national, list_type, Decimal(price)), code
    assert directory.charge_item("JC-CT-001").prcunt == "部位"
    records = read_data_file(demo_file())
    # every item of the registration price table is a charge item of the same national code
    items = {r.code: r for r in records if isinstance(r, ChargeItem)}
    lines = [r for r in records if type(r).__name__ == "PriceLine"]
    assert lines and all(items[p.item_code].national_code == p.national_code for p in lines)
    assert all(check_charge_item(i) == [] for i in items.values())


# ---- 3301 / 3302 through the real gateway, the simulator as the platform -----------------------------------
@pytest.fixture
def platform():
    return SimulatorPlatform()


@pytest.fixture
def journal():
    return shared.FakeJournal()


@pytest.fixture
def mapped(store, directory, clock, platform, journal):
    gateway = PlatformGateway(platform, journal, shared.FakeMsgIds(), clock, load_catalogue(),
                              Institution(fixmedins_code="H42010600001"))
    return HospitalAdmin(store, directory, clock, gateway)


def _sent(journal) -> list[tuple[str, list]]:
    """The business calls journaled (sign-in left out), with the codes of their rows."""
    return [(e.infno, [row["fixmedins_hilist_id"] for row in e.request["input"]["data"]])
            for e in journal.entries.values() if e.infno != "9001"]


def test_the_whole_price_list_is_mapped_in_batches_of_100_and_then_only_what_changed(
        mapped, admin_op, platform, journal, clock):
    many = [ChargeItem(f"CL-{i:03d}", f"注射器{i}", "C01010101", "301", Decimal("1.50")) for i in range(150)]
    mapped.load([CT, DY, FILM] + many, admin_op, "价表")
    mapped.retire("charge_item", "CL-149", admin_op, "停用")
    done = mapped.upload_charge_item_mappings(admin_op)
    assert len(done) == 152 and {d.infnos for d in done} == {("3301",)}
    assert [(infno, len(codes)) for infno, codes in _sent(journal)] == [("3301", 100), ("3301", 52)]
    assert "CL-149" not in mapped.charge_item_mappings()  # retired: not sent
    row = next(e for e in journal.entries.values() if e.infno == "3301").request["input"]["data"][0]
    assert row == {"fixmedins_hilist_id": "CL-000", "fixmedins_hilist_name": "注射器0", "list_type": "301",
                   "med_list_codg": "C01010101", "begndate": "2026-03-02"}  # today in the hospital's zone
    assert mapped_codes(platform._state, "JC-CT-001") == {"210300001000000"}
    assert mapped.upload_charge_item_mappings(admin_op) == []  # every mapping current: nothing sent
    assert len(_sent(journal)) == 2

    mapped.update(replace(DY, national_code="XV08ABA040B002010101524", list_type="103"), admin_op, "自制剂")
    mapped.update(replace(CT, name="CT平扫"), admin_op, "更名")  # same national code: the mapping stands
    again = mapped.upload_charge_item_mappings(admin_op)
    assert [(d.code, d.infnos, d.mapping.list_type) for d in again] == [("YP-DY-001", ("3302", "3301"), "103")]
    assert _sent(journal)[2:] == [("3302", ["YP-DY-001"]), ("3301", ["YP-DY-001"])]
    revoke = [e for e in journal.entries.values() if e.infno == "3302"][0].request["input"]["data"][0]
    assert revoke == {"fixmedins_code": "H42010600001", "fixmedins_hilist_id": "YP-DY-001", "list_type": "101",
                      "med_list_codg": "XV08ABA040B002010101524"}  # as it was uploaded


def test_a_platform_refusal_keeps_no_state_and_the_next_try_sends_again(mapped, admin_op, platform, journal):
    unknown = ChargeItem("ZL-XX-001", "未知项目", "999999999000000", "201", Decimal("8.00"))
    mapped.load([CT, unknown], admin_op, "价表")
    with pytest.raises(PlatformRejected) as caught:
        mapped.upload_charge_item_mappings(admin_op, ["JC-CT-001", "ZL-XX-001"])
    assert caught.value.infno == "3301" and "999999999000000" in caught.value.err_msg
    assert mapped.charge_item_mappings() == {} and mapped_codes(platform._state, "JC-CT-001") == set()
    mapped.update(replace(unknown, national_code="120400001000000"), admin_op, "改对照")
    done = mapped.upload_charge_item_mappings(admin_op, ["JC-CT-001", "ZL-XX-001"])
    assert [d.infnos for d in done] == [("3301",), ("3301",)]
