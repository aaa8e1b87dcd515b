"""Times are the hospital's (Asia/Shanghai) whatever zone the host is set to.

Each case runs a whole insured visit in a fresh process under another TZ and compares every time it
stamps (msgid, journal, begntime, settlement) with the wall time in Shanghai read independently.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FLOW = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from adapters.db import migrate
from services.bootstrap import bootstrap
from services.settings import Settings
import flowkit

url = "sqlite:///" + sys.argv[1]
migrate.upgrade(url)
app = bootstrap(Settings(database_url=url))
visit = flowkit.register(app)
app.outpatient.upload_fees(flowkit.OP, visit.id, flowkit.fees())
visit, settlement = app.outpatient.settle(flowkit.OP, visit.id, "B1")
entries = app.journal.for_visit(visit.id)
settle = next(e for e in entries if e.infno == "2207")
print(json.dumps({"msgid": settle.msgid, "created_at": settle.created_at.isoformat(),
                  "begntime": visit.begntime.isoformat(), "setl_time": settlement.setl_time.isoformat()}))
"""


@pytest.mark.parametrize("host_zone", ["UTC", "America/New_York", "Asia/Shanghai"])
def test_every_time_is_shanghai_wall_time_on_any_host(tmp_path, host_zone):
    env = dict(os.environ, TZ=host_zone)
    done = subprocess.run([sys.executable, "-c", FLOW, str(tmp_path / "his.db"), str(Path(__file__).parent)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    stamped = json.loads(done.stdout.strip().splitlines()[-1])
    # Shanghai has no daylight saving: UTC+8 all year, so it is computed here without the code under test
    shanghai_now = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=8)
    msgid_time = datetime.strptime(stamped["msgid"][12:26], "%Y%m%d%H%M%S")
    for name, value in [("msgid", msgid_time), *((k, datetime.fromisoformat(stamped[k]))
                                                 for k in ("created_at", "begntime", "setl_time"))]:
        assert abs(value - shanghai_now) < timedelta(minutes=2), (name, value, shanghai_now)
