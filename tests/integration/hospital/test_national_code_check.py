"""The price list's and the formulary's national codes against the platform's 医保目录 (1312), as the
医保办 runs it before uploading the mapping (3301): every entry with what the platform says of its code."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.hospital import ChargeItem
from sqlalchemy import func, select

from adapters.db.tables import journal
from domain.operator import Operator
from services.code_check import CodeStatus
from services.hospital import demo_file

ADMIN = Operator("A001", "医保办", role="admin")


def test_every_listed_code_is_looked_up_and_problems_are_named(app):
    app.load_hospital_data(str(demo_file()))
    admin = app.hospital_admin
    admin.create(ChargeItem("ZL-XX-001", "演示未知项目", "999999999999999", "201", Decimal("3.00")), ADMIN, "测试")
    gauze = admin.get("charge_item", "CL-SB-001").value
    admin.update(replace(gauze, list_type="201"), ADMIN, "测试: 目录类别写错")  # 纱布 is a 医用耗材 (301)
    before = queries_1312(app)
    try:
        found = {(f.listed.source, f.listed.code): f for f in app.container.code_check().check(ADMIN)}
        assert found[("charge_item", "ZL-XX-001")].status is CodeStatus.UNKNOWN
        wrong = found[("charge_item", "CL-SB-001")]
        assert (wrong.status, wrong.hilist_list_type, wrong.hilist_name) == (CodeStatus.LIST_TYPE_DIFFERS, "301",
                                                                              "医用脱脂纱布")
        assert found[("charge_item", "JC-CT-001")].status is CodeStatus.OK
        drugs = [f for (source, _), f in found.items() if source == "drug"]
        assert drugs and any(f.status is CodeStatus.OK for f in drugs)
        assert queries_1312(app) - before == len({f.listed.national_code for f in found.values()})  # one per code
    finally:
        admin.update(gauze, ADMIN, "恢复")
        admin.retire("charge_item", "ZL-XX-001", ADMIN, "测试结束")


def queries_1312(app) -> int:
    with app.container.engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(journal).where(journal.c.infno == "1312")).scalar_one()
