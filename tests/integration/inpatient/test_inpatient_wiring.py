"""The inpatient service as the composition root builds it, and the wards loaded as the hospital's data."""
from __future__ import annotations

import json
import uuid

import pytest

from domain.errors import ValidationFailed
from domain.inpatient import BedState
from services.bootstrap import bootstrap
from services.hospital import demo_file
from services.settings import Settings


def test_wards_load_from_a_file_against_the_departments_and_keep_their_beds_states(app, tmp_path):
    app.load_hospital_data(str(demo_file()))  # the demo departments (NK 内科, WK 外科)
    code = f"BQ{uuid.uuid4().hex[:8]}"
    path = tmp_path / "wards.json"
    path.write_text(json.dumps({"wards": [{"code": code, "name": "内科二病区", "dept_code": "NK", "beds": 4}]}),
                    encoding="utf-8")
    assert app.load_wards(str(path)) == 1
    ward = app.inpatient.ward(code)
    assert (ward.name, ward.dept_code, [b.code for b in ward.beds]) == ("内科二病区", "NK", ["01", "02", "03", "04"])

    with app.container.uow() as uow:  # a bed in use, then the file again with one bed more
        uow.wards.get(code).bed("02").close(app.clock.now())
        uow.commit()
    path.write_text(json.dumps({"wards": [{"code": code, "name": "内科二病区", "dept_code": "NK", "beds": 5}]}),
                    encoding="utf-8")
    app.load_wards(str(path))
    ward = app.inpatient.ward(code)
    assert [b.code for b in ward.beds] == ["01", "02", "03", "04", "05"] and ward.bed("02").state is BedState.CLOSED

    path.write_text(json.dumps({"wards": [{"code": code, "name": "x", "dept_code": "NOPE", "beds": 1}]}),
                    encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"wards\[0\].dept_code"):
        app.load_wards(str(path))


def test_the_settings_reach_the_service(database_url, simulator):
    app = bootstrap(Settings(database_url=database_url, inpatient={"order_valid_days": 3, "waiver_rules": []}),
                    platform=simulator)
    try:
        assert app.inpatient.config.orders.valid_days == 3 and app.inpatient.config.waiver_rules == ()
    finally:
        app.container.engine().dispose()
