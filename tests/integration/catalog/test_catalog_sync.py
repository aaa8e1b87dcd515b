"""Catalogue sync through the composition root: first sync, increments, failures and resumption."""
from __future__ import annotations

from datetime import timedelta

import pytest
from catalogkit import code_of, service

from adapters.db.catalog_store import SqlCatalogStore
from adapters.yb_sim.handlers.catalogs import newest_version, publish_version, seed_kind
from services.errors import PlatformUnavailable


def test_first_sync_lands_every_row(app, simulator, store):
    versions = seed_kind(simulator._state, "chronic", [300, 200])
    result = app.catalog_sync.sync("chronic")
    assert (result.from_ver, result.to_ver, result.lines) == ("0", versions[-1], 500)
    assert (result.tally.added, result.tally.changed, result.tally.stopped, result.tally.skipped) == (500, 0, 0, 0)
    assert store.count("chronic") == 500
    item = store.item("chronic", code_of("chronic", 301, versions[1]))
    assert item.version == versions[1] and item.valid and item.updated_at is not None
    assert item.fields["门慢门特病种目录代码"] == item.code and item.fields["版本名称"] == versions[1]
    assert item.fields["备注"] is None or isinstance(item.fields["备注"], str)
    again = app.catalog_sync.sync("1309")  # by code: nothing newer
    assert (again.from_ver, again.to_ver, again.lines, again.tally.rows) == (versions[-1], versions[-1], 0, 0)


def test_a_first_download_counts_its_stopped_rows(app, simulator, store):
    seed_kind(simulator._state, "tcm_syndrome", [40])
    publish_version(simulator._state, "tcm_syndrome", rows=[
        {"证候分类代码": "BX-0", "证候分类名称": "已停用", "有效标志": "0"},
        {"证候分类代码": "BX-1", "证候分类名称": "在用", "有效标志": "1"}])
    t = app.catalog_sync.sync("tcm_syndrome").tally
    assert (t.added, t.changed, t.stopped, t.skipped) == (41, 0, 1, 0)
    assert store.count("tcm_syndrome") == 42 and store.count("tcm_syndrome", valid_only=True) == 41


def test_a_new_version_brings_only_its_rows_and_counts_them(app, simulator, store):
    first = seed_kind(simulator._state, "tumour", [200])[0]
    app.catalog_sync.sync("tumour")
    renamed, retired = code_of("tumour", 5, first), code_of("tumour", 6, first)
    newer = publish_version(simulator._state, "tumour", rows=[
        {"肿瘤/细胞类型代码": renamed, "肿瘤/细胞类型": "改名后的类型", "有效标志": "1"},
        {"肿瘤/细胞类型代码": retired, "肿瘤/细胞类型": "停用的类型", "有效标志": "0"},
        {"肿瘤/细胞类型代码": "M9999/9", "肿瘤/细胞类型": "新增即停用", "有效标志": "0"},
    ], count=10)
    result = app.catalog_sync.sync("tumour")
    assert (result.from_ver, result.to_ver, result.lines) == (first, newer, 13)
    t = result.tally
    assert (t.added, t.changed, t.stopped, t.skipped) == (10, 1, 2, 0)
    assert store.count("tumour") == 211 and store.count("tumour", valid_only=True) == 209
    assert store.item("tumour", renamed).name == "改名后的类型" and store.item("tumour", renamed).version == newer
    assert not store.item("tumour", retired).valid
    assert store.item("tumour", code_of("tumour", 7, first)).version == first  # untouched


def test_one_download_holding_several_versions_of_a_code_keeps_the_newest(app, simulator, store):
    first = seed_kind(simulator._state, "daysurg", [50])[0]
    code = code_of("daysurg", 0, first)
    publish_version(simulator._state, "daysurg", rows=[{"日间手术病种目录代码": code, "日间手术病种名称": "二版"}])
    last = publish_version(simulator._state, "daysurg", rows=[{"日间手术病种目录代码": code, "有效标志": "0",
                                                                "日间手术病种名称": "三版"}])
    result = service(app, batch_rows=1000).sync("daysurg")  # all three versions in one batch
    assert result.lines == 52 and store.count("daysurg") == 50
    t = result.tally
    assert (t.added, t.changed, t.stopped) == (50, 1, 1)  # in file order: added, then renamed, then stopped
    item = store.item("daysurg", code)
    assert (item.name, item.version, item.valid) == ("三版", last, False)


def test_a_code_repeated_in_a_later_batch_of_a_first_download_is_merged(app, simulator, store):
    # PostgreSQL loads the first download of a kind by plain COPY until a code is already there
    first = seed_kind(simulator._state, "operation", [95])[0]
    code = code_of("operation", 3, first)
    last = publish_version(simulator._state, "operation", rows=[{"手术操作代码": code, "手术操作名称": "新名"}],
                           count=4)
    result = service(app, batch_rows=10).sync("operation")
    t = result.tally
    assert (result.lines, t.added, t.changed, t.stopped, t.skipped) == (100, 99, 1, 0, 0)
    assert store.count("operation") == 99
    assert (store.item("operation", code).name, store.item("operation", code).version) == ("新名", last)


class FailingStore(SqlCatalogStore):
    """Fails the batch after `good` batches have committed, as a dying database connection would."""

    def __init__(self, engine, good: int):
        super().__init__(engine)
        self.left = good

    def write(self, kind, file_qury_no, at, lines, rows):
        if self.left == 0:
            raise ConnectionError("database went away")
        self.left -= 1
        return super().write(kind, file_qury_no, at, lines, rows)


def _fail_midway(app, simulator, kind: str, rows: int = 2500) -> str:
    newest = seed_kind(simulator._state, kind, [rows])[-1]
    broken = service(app, FailingStore(app.container.engine(), good=2), batch_rows=500)
    with pytest.raises(ConnectionError):
        broken.sync(kind)
    point = app.container.catalog_store().checkpoint(kind)
    assert point.file is not None and point.rows_done == 1000 and point.synced_ver == "0"
    return newest


def test_a_failure_midway_resumes_the_same_file_without_duplicates(app, simulator, store):
    newest = _fail_midway(app, simulator, "tcm_disease")
    assert store.count("tcm_disease") == 1000
    result = service(app, batch_rows=500).sync("tcm_disease")
    assert (result.resumed, result.lines, result.to_ver) == ("same file", 1500, newest)
    assert (result.tally.added, result.tally.skipped) == (2500, 0)
    assert store.count("tcm_disease") == 2500
    assert store.checkpoint("tcm_disease").file is None


def test_an_expired_file_is_asked_for_again(app, simulator, sim_clock, store):
    newest = _fail_midway(app, simulator, "tcm_syndrome")
    sim_clock.offset = timedelta(days=2)  # the platform has dropped the file
    result = service(app, batch_rows=500).sync("tcm_syndrome")
    assert (result.resumed, result.lines, result.to_ver) == ("asked again", 2500, newest)
    # the rows committed before the failure come back in the new file and are skipped, not recounted
    assert (result.tally.added, result.tally.skipped) == (2500, 1000)
    assert store.count("tcm_syndrome") == 2500


def test_a_lost_download_reply_is_fetched_again_on_the_next_run(app, simulator, store):
    seed_kind(simulator._state, "dise_pay", [300])
    simulator.faults.add("9102", "drop_after_commit", 1, 0)
    with pytest.raises(PlatformUnavailable):
        app.catalog_sync.sync("dise_pay")
    assert store.count("dise_pay") == 0 and store.checkpoint("dise_pay").file is not None
    result = app.catalog_sync.sync("dise_pay")
    assert (result.resumed, result.lines, result.tally.added) == ("same file", 300, 300)
    assert store.checkpoint("dise_pay").synced_ver == newest_version(simulator._state, "dise_pay")


def test_a_second_import_of_the_same_kind_cannot_interleave(app, simulator, store):
    from ports.catalog_store import CheckpointMoved

    _fail_midway(app, simulator, "operation")
    point = store.checkpoint("operation")
    with pytest.raises(CheckpointMoved):
        store.write("operation", point.file.file_qury_no, 500, 500, [])  # believes it is elsewhere
    with pytest.raises(CheckpointMoved):
        store.write("operation", "F-another-file", 1000, 500, [])  # a file another import asked for
    assert store.checkpoint("operation").rows_done == 1000


def test_the_journal_keeps_the_download_without_its_body(app, simulator, store):
    seed_kind(simulator._state, "disease", [100])
    app.catalog_sync.sync("disease")
    from sqlalchemy import select

    from adapters.db.tables import journal

    with app.container.engine().connect() as conn:
        reply = conn.execute(select(journal.c.reply).where(journal.c.infno == "9102")
                             .order_by(journal.c.id.desc())).scalars().first()
    assert "not journaled" in reply and len(reply) < 200
