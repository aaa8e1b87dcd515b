"""The benchmark's settlement generator writes rows the reports read as the flows' own: every settlement
adds up, the shares are the ones it promises, cancellations come in pairs."""
from __future__ import annotations

import random
import uuid

import pytest

from domain.reports import Standing, report_query

reports_data = pytest.importorskip("bench.reports_data", reason="run from the repository root")


def test_generated_month_reads_back_with_its_distributions(app):
    rng = random.Random(uuid.uuid4().int)
    year, month = rng.randrange(2300, 9000), rng.randrange(1, 13)
    made = reports_data.generate(app.container.engine(), year, month, 2000, seed=rng.randrange(1000),
                                 batch=700, tag=uuid.uuid4().hex[:8])
    text = f"{year:04d}-{month:02d}"
    summary = app.reports.summary(report_query(month=text, group_by=["place"]))
    by = {(r.keys[0], r.standing): r for r in summary.rows}
    totals = {t.label: t for t in summary.totals()}
    assert totals["合计：已撤销(原结算)"].count == totals["合计：撤销冲销(负结算)"].count == made.cancelled
    assert totals["合计：已撤销(原结算)"].amount("medfee_sumamt") == -totals["合计：撤销冲销(负结算)"].amount(
        "medfee_sumamt")
    assert totals["合计：已冲正"].count == made.reversed
    assert sum(t.count for t in summary.totals()[:4]) == made.settlements
    assert 0.10 < made.nonlocal_ / 2000 < 0.20 and 0.01 < made.cancelled / 2000 < 0.035
    remote = sum(r.count for (place, standing), r in by.items() if place == "NONLOCAL" and standing is not Standing.CANCELLATION)
    assert remote == made.nonlocal_
    assert 0.5 < made.by_insutype["310"] / 2000 < 0.7
    by_service = app.reports.summary(report_query(month=text, group_by=["service", "clr_type"]))
    stays = sum(r.count for r in by_service.rows if r.keys == ("INPATIENT", "21") and r.standing is not Standing.CANCELLATION)
    assert stays == made.stays and made.visits + made.stays == 2000 and 0.04 < made.stays / 2000 < 0.12
    assert {r.keys for r in by_service.rows} == {("INPATIENT", "21"), ("OUTPATIENT", "11")}
    for row in app.reports.details(report_query(month=text), limit=500):
        a = dict(zip(("medfee", "fund", "hifp", "hifmi", "hifob", "cvlserv", "maf", "oth", "acct", "mulaid", "cash",
                      "hosp"), row.amounts))
        assert a["fund"] == a["hifp"] + a["hifmi"] + a["hifob"] + a["cvlserv"] + a["maf"] + a["oth"], row
        assert a["medfee"] == a["fund"] + a["acct"] + a["mulaid"] + a["cash"] + a["hosp"], row
