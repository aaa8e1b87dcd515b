"""Catalogue sync: bring the local copy of 1307-1311 and 1313-1315 up to the platform's newest version.

Per kind: 13xx with `ver` = the version the table is complete up to answers a file number; 9102
fetches a zip holding one UTF-8 text file, a row per line, values tab-separated in the catalogue's
file_columns order, "null" for empty. The file is never held whole: its member is read as a
stream, a thread parses it a batch ahead of the writer, and each batch is committed together with
the checkpoint (lines done). A re-run continues the same file while the platform still serves it,
or asks again from the same version and lets the store skip the rows it already holds.

The 医保目录 kinds (1301-1306) have no file download in Hubei: they are 不适用 in favour of 1312a, a
paged query, and are not synced here.
"""
from __future__ import annotations

import io
import logging
import queue
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from domain.journal import JournalState
from domain.operator import Operator
from ports.catalog_store import NO_VERSION, CatalogRow, CatalogStore, Checkpoint, PendingFile, Tally
from ports.catalog_store import NULL_TEXT as NULL
from ports.catalogue import Catalogue
from ports.clock import Clock
from ports.diagnosis_search import DIAGNOSIS_KINDS, DiagnosisIndex
from ports.journal import JournalStore
from services.errors import PlatformRejected
from services.platform_gateway import PlatformGateway

log = logging.getLogger(__name__)

DOWNLOAD = "9102"
BATCH_ROWS = 10_000


@dataclass(frozen=True)
class CatalogKind:
    name: str
    infno: str
    label: str
    code_column: str
    name_column: str


KINDS: dict[str, CatalogKind] = {k.name: k for k in (
    CatalogKind("disease", "1307", "疾病与诊断", "诊断代码", "诊断名称"),
    CatalogKind("operation", "1308", "手术操作", "手术操作代码", "手术操作名称"),
    CatalogKind("chronic", "1309", "门诊慢特病种", "门慢门特病种目录代码", "门慢门特病种名称"),
    CatalogKind("dise_pay", "1310", "按病种付费病种", "按病种结算病种目录代码", "按病种结算病种名称"),
    CatalogKind("daysurg", "1311", "日间手术治疗病种", "日间手术病种目录代码", "日间手术病种名称"),
    CatalogKind("tumour", "1313", "肿瘤形态学", "肿瘤/细胞类型代码", "肿瘤/细胞类型"),
    CatalogKind("tcm_disease", "1314", "中医疾病", "疾病分类代码", "疾病分类名称"),
    CatalogKind("tcm_syndrome", "1315", "中医证候", "证候分类代码", "证候分类名称"),
)}
VALID_COLUMN, UPDATED_COLUMN, VERSION_COLUMNS = "有效标志", "数据更新时间", ("版本名称", "版本号")


def catalog_kind(text: str) -> CatalogKind:
    """A kind by name (disease) or by its download's code (1307)."""
    found = KINDS.get(text) or next((k for k in KINDS.values() if k.infno == text), None)
    if found is None:
        known = ", ".join(f"{k.name} ({k.infno})" for k in KINDS.values())
        raise ValueError(f"unknown catalogue kind {text!r}; known: {known}")
    return found


class CatalogFileInvalid(Exception):
    """The download is not the zip of one text file the catalogue describes."""


def file_columns(catalogue: Catalogue, kind: CatalogKind) -> tuple[str, ...]:
    """The order of a kind's file columns, per the catalogue."""
    tx = catalogue.get(kind.infno)
    columns = tuple(((tx.files if tx else {}).get("file_columns") or {}).get("columns") or ())
    missing = [c for c in (kind.code_column, kind.name_column, VALID_COLUMN, UPDATED_COLUMN, VERSION_COLUMNS[0])
               if c not in columns]
    if missing:
        raise CatalogFileInvalid(f"{kind.infno}: the catalogue's file_columns lack {', '.join(missing)}")
    return columns


# progress(kind, rows done, rows in the file): called as the import starts and after each commit
Progress = Callable[[CatalogKind, int, int], None]


@dataclass(frozen=True)
class SyncResult:
    kind: CatalogKind
    from_ver: str
    to_ver: str
    lines: int  # read by this run
    tally: Tally  # the download's counts, with those of an interrupted earlier run
    resumed: str  # "", "same file" (continued at its checkpoint) or "asked again" (the file had expired)
    bad_lines: int
    seconds: float


class CatalogSyncService:
    def __init__(self, gateway: PlatformGateway, store: CatalogStore, clock: Clock, catalogue: Catalogue,
                 fixmedins_code: str, operator: Operator, batch_rows: int = BATCH_ROWS,
                 diagnoses: DiagnosisIndex | None = None):
        self.gateway, self.store, self.clock, self.catalogue = gateway, store, clock, catalogue
        self.fixmedins_code, self.operator, self.batch_rows = fixmedins_code, operator, max(1, batch_rows)
        self.diagnoses = diagnoses  # its keys are rebuilt after each sync of a diagnosis catalogue

    def sync(self, kind: CatalogKind | str, progress: Progress | None = None) -> SyncResult:
        kind = catalog_kind(kind) if isinstance(kind, str) else kind
        progress = progress or (lambda *_: None)
        began = time.monotonic()
        columns = file_columns(self.catalogue, kind)
        point = self.store.checkpoint(kind.name)
        body, resumed = None, ""
        if point.file is not None and (point.file.dld_endtime or datetime.max) > self.clock.now():
            try:
                body, resumed = self._download(point.file), "same file"
            except PlatformRejected as refused:  # expired or purged early: ask again below
                log.warning("%s: file %s no longer served (%s); asking again", kind.infno,
                            point.file.file_qury_no, refused.err_msg)
        if body is None:
            resumed = "asked again" if point.file is not None else ""
            point = self.store.start(kind.name, self._ask(kind, point.synced_ver), columns)
            if point.file.data_cnt == 0:
                return self._done(kind, point, 0, resumed, 0, began)
            body = self._download(point.file)
        with body:
            lines, bad = self._import(kind, point, body, columns, progress)
        return self._done(kind, point, lines, resumed, bad, began)

    def close(self) -> None:
        """Sign this service's operator out (its gateway signed in on its own)."""
        self.gateway.sign_out_all({self.operator.code: self.operator})

    # ---- steps -------------------------------------------------------------------------------
    def _ask(self, kind: CatalogKind, ver: str) -> PendingFile:
        out = self.gateway.call(self.operator, kind.infno, {"data": {"ver": ver or NO_VERSION}})
        return PendingFile(file_qury_no=str(out["file_qury_no"]), filename=str(out.get("filename") or ""),
                           dld_endtime=_time(out.get("dld_endtime")), data_cnt=int(out.get("data_cnt") or 0),
                           base_ver=ver or NO_VERSION, infno=kind.infno)

    def _download(self, file: PendingFile) -> BinaryIO:
        out = self.gateway.call(self.operator, DOWNLOAD, {"fsDownloadIn": {
            "file_qury_no": file.file_qury_no, "filename": file.filename or "plc",
            "fixmedins_code": self.fixmedins_code}})
        body = out.get("file")
        if isinstance(body, (bytes, bytearray)):  # the in-memory simulator answers bytes
            return io.BytesIO(body)
        if body is None or not hasattr(body, "read"):
            raise CatalogFileInvalid(f"9102 {file.file_qury_no} answered no file")
        return body  # the HTTP adapter's temporary file

    def _import(self, kind: CatalogKind, point: Checkpoint, body: BinaryIO, columns: tuple[str, ...],
                progress: Progress) -> tuple[int, int]:
        at = start = point.rows_done
        bad = 0
        progress(kind, at, point.file.data_cnt)
        batches = _read_ahead(lambda: _batches(body, row_parser(kind, columns), self.batch_rows, start))
        try:
            for rows, lines, rejected in batches:
                self.store.write(kind.name, point.file.file_qury_no, at, lines, rows)
                at += lines
                bad += rejected
                progress(kind, at, point.file.data_cnt)
        finally:
            batches.close()  # stops the reader before the caller closes the body under it
        return at - start, bad

    def _done(self, kind: CatalogKind, point: Checkpoint, lines: int, resumed: str, bad: int,
              began: float) -> SyncResult:
        final = self.store.finish(kind.name)
        if self.diagnoses is not None and kind.name in DIAGNOSIS_KINDS:
            # rebuilt whole rather than per written batch: stopped rows leave and the write path of
            # the big catalogues stays as it is; a 40,000-row catalogue rebuilds in seconds
            self.diagnoses.reindex(kind.name)
        return SyncResult(kind, point.file.base_ver, final.synced_ver, lines, final.tally, resumed, bad,
                          time.monotonic() - began)


# ---- reading the file ----------------------------------------------------------------------------
def _time(value: object) -> datetime | None:
    try:
        return value if isinstance(value, datetime) else datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _platform_time(text: str) -> bool:
    """yyyy-MM-dd HH:mm:ss and a real time (fromisoformat alone also takes other shapes)."""
    try:
        return len(text) == 19 and text[10] == " " and datetime.fromisoformat(text) is not None
    except ValueError:
        return False


def row_parser(kind: CatalogKind, columns: tuple[str, ...]) -> Callable[[str], CatalogRow | None]:
    """line (without its newline) -> row, or None for a line that cannot be stored (no code, too few
    values). The benchmark's COPY baseline uses it too, to load exactly the rows the sync stores."""
    code_i, name_i = columns.index(kind.code_column), columns.index(kind.name_column)
    valid_i, updated_i = columns.index(VALID_COLUMN), columns.index(UPDATED_COLUMN)
    version_i = columns.index(VERSION_COLUMNS[0])
    other_i = columns.index(VERSION_COLUMNS[1]) if VERSION_COLUMNS[1] in columns else version_i
    need = max(code_i, name_i, valid_i, updated_i, version_i, other_i) + 1
    last_time = ""  # consecutive rows mostly share their update time: check each text once

    def parse(line: str) -> CatalogRow | None:
        nonlocal last_time
        values = line.split("\t")
        if len(values) < need or values[code_i] in ("", NULL):
            return None
        version = values[version_i]
        if version in ("", NULL):
            version = values[other_i]
            if version in ("", NULL):
                return None
        updated = values[updated_i]
        if updated != last_time:
            # the database would refuse a bad time and stall every re-run on the same batch
            if not _platform_time(updated):
                updated = None
            else:
                last_time = updated
        name = values[name_i]
        return CatalogRow(values[code_i], None if name == NULL else name, version, values[valid_i], updated, line)

    return parse


def _batches(body: BinaryIO, parse: Callable[[str], CatalogRow | None], size: int,
             skip: int) -> Iterator[tuple[list[CatalogRow], int, int]]:
    """(rows, lines read, lines rejected) per batch, after skipping `skip` lines already committed."""
    try:
        archive = zipfile.ZipFile(body)
    except zipfile.BadZipFile as exc:
        raise CatalogFileInvalid(f"the download is not a zip: {exc}") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        member = next((m for m in members if m.filename.lower().endswith(".txt")), members[0] if members else None)
        if member is None:
            raise CatalogFileInvalid("the zip holds no file")
        with archive.open(member) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="\n")
            rows: list[CatalogRow] = []
            lines = bad = 0
            for number, line in enumerate(text, 1):
                if number <= skip:
                    continue
                lines += 1
                line = line.rstrip("\r\n")
                if line:
                    row = parse(line)
                    if row is None:
                        bad += 1
                        if bad <= 10:  # a file of bad lines must not flood the log
                            log.warning("%s line %d cannot be stored: %.120s", member.filename, number, line)
                    else:
                        rows.append(row)
                if lines >= size:
                    yield rows, lines, bad
                    rows, lines, bad = [], 0, 0
            if lines:
                yield rows, lines, bad


_END = object()


def _read_ahead(produce: Callable[[], Iterator], depth: int = 1) -> Iterator:
    """Run produce() in a thread, `depth` items ahead: parsing overlaps the database's work on the
    previous batch (the thread holds the GIL only while parsing; the writer waits on a socket)."""
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():  # the consumer may have gone: never block for good
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def run() -> None:
        items = produce()
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put(exc)
        finally:
            items.close()

    worker = threading.Thread(target=run, name="catalog-reader", daemon=True)
    worker.start()
    try:
        while (item := handoff.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


# ---- the journal, without file bodies --------------------------------------------------------------
def _size(body: object) -> int:
    if isinstance(body, (bytes, bytearray)):
        return len(body)
    position = body.seek(0, io.SEEK_END)
    body.seek(0)
    return position


def _without_body(reply: dict | None) -> dict | None:
    if not isinstance(reply, dict) or "file" not in reply or isinstance(reply["file"], str | None):
        return reply
    return dict(reply, file=f"<{_size(reply['file'])} bytes, not journaled>")


class JournalWithoutBodies:
    """The journal the sync's gateway writes: a 9102 reply keeps its filename and size, not the
    file (tens of MB per catalogue; its rows land in their own tables; and a body the HTTP adapter
    spooled to a temporary file cannot be written as JSON at all). All else goes to `inner`."""

    def __init__(self, inner: JournalStore, summarise: Callable[[dict | None], dict | None] | None = None):
        """`summarise`: what to keep of a reply instead (default: a 9102 file as its size)."""
        self.inner, self.summarise = inner, summarise or _without_body

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def close(self, entry_id: int, state: JournalState, *, reply: dict | None = None, **fields) -> None:
        self.inner.close(entry_id, state, reply=self.summarise(reply), **fields)


JournalStore.register(JournalWithoutBodies)
