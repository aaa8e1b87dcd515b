"""Files the simulated platform keeps for 9102: uploads (9101) and the files it produces itself
(13xx catalogue downloads; other groups may add theirs, e.g. 3202/5204 results, with add_rows).

Bodies live in SpooledTemporaryFiles: small ones in memory, big ones on disk. A produced file is
written only when first downloaded, from a row generator into a zip holding one UTF-8 .txt (rows
tab-separated, no header, empty values as the literal null, per envelope.json file_transfer), so a
million-row catalogue never sits in memory as Python objects.
"""
from __future__ import annotations

import itertools
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import BinaryIO

FILE_TTL = timedelta(days=1)  # dld_endtime = creation + this
PLATFORM_FILENAME = "plc"  # what callers may pass as filename for a file the platform produced
SPOOL_BYTES = 8 << 20  # bodies above this go to a temporary file on disk
NULL = "null"
_BATCH = 2000  # rows joined per write: fewer calls into the compressor
_CLEAN = str.maketrans({"\t": " ", "\r": " ", "\n": " "})  # a value must not break the row format


class FileUnknown(LookupError):
    pass


class FileExpired(LookupError):
    def __init__(self, file_qury_no: str, dld_endtime: datetime):
        super().__init__(file_qury_no)
        self.dld_endtime = dld_endtime


def cell(value: object) -> str:
    if type(value) is str:  # nearly every value: the fast path matters on a million rows
        if not value:
            return NULL
        if "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_CLEAN)
        return value
    if value is None:
        return NULL
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).translate(_CLEAN)


def write_rows_zip(rows: Iterable[dict], columns: Sequence[str] | None, inner_name: str, dest: BinaryIO,
                   when: datetime | None = None) -> int:
    """Stream rows into a zip with one .txt; columns in the given order (the first row's keys when
    None); `when` dates the entry (same rows, same time: same bytes). Returns the rows written."""
    iterator = iter(rows)
    first = next(iterator, None)
    columns = list(columns) if columns else list(first or ())
    entry = zipfile.ZipInfo(inner_name, date_time=(when or datetime.now()).timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    count = 0
    with zipfile.ZipFile(dest, "w") as archive:
        # zip64 from the start: the size is unknown until the last row, and may pass 2 GiB
        with archive.open(entry, "w", force_zip64=True) as out:
            batch: list[str] = []
            for row in itertools.chain(() if first is None else (first,), iterator):
                batch.append("\t".join(cell(row.get(c)) for c in columns))
                count += 1
                if len(batch) >= _BATCH:
                    out.write(("\n".join(batch) + "\n").encode("utf-8"))
                    batch.clear()
            if batch:
                out.write(("\n".join(batch) + "\n").encode("utf-8"))
    return count


@dataclass
class StoredFile:
    file_qury_no: str
    filename: str
    fixmedins_code: str
    dld_endtime: datetime
    origin: str  # "9101" for an upload, else the transaction that produced it
    rows: int | None = None  # rows of a produced file, once written
    _body: BinaryIO | None = field(default=None, repr=False)
    _produce: Callable[[BinaryIO], int] | None = field(default=None, repr=False)

    @property
    def produced(self) -> bool:
        return self.origin != "9101"

    def open(self) -> BinaryIO:
        """The body, rewound (written now if it was still pending). Read it under the simulator's lock."""
        if self._body is None:
            body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
            self.rows = self._produce(body)
            self._body, self._produce = body, None
        self._body.seek(0)
        return self._body

    def read(self) -> bytes:
        return self.open().read()

    def chunks(self, size: int = 1 << 16) -> Iterator[bytes]:
        body = self.open()
        while chunk := body.read(size):
            yield chunk

    def discard(self) -> None:
        if self._body is not None:
            self._body.close()
        self._body = self._produce = None


class FileStore:
    def __init__(self):
        self.files: dict[str, StoredFile] = {}
        self.expired: dict[str, datetime] = {}  # ids dropped after dld_endtime: still "expired", not "unknown"
        self._seq = itertools.count(1)
        self._salt = secrets.token_hex(4).upper()  # a restarted simulator never reissues an old number

    def _new(self, filename: str, fixmedins_code: str, now: datetime, origin: str) -> StoredFile:
        self.purge(now)
        file_qury_no = f"F{now:%Y%m%d%H%M%S}{self._salt}{next(self._seq):06d}"  # 29 characters
        stored = StoredFile(file_qury_no, filename, fixmedins_code, now + FILE_TTL, origin)
        self.files[file_qury_no] = stored
        return stored

    def add_bytes(self, data: bytes | Iterable[bytes], filename: str, fixmedins_code: str, now: datetime,
                  origin: str = "9101") -> StoredFile:
        stored = self._new(filename, fixmedins_code, now, origin)
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        for chunk in ([data] if isinstance(data, (bytes, bytearray)) else data):
            body.write(chunk)
        stored._body = body
        return stored

    def add_rows(self, rows: Callable[[], Iterable[dict]], columns: Sequence[str] | None, inner_name: str,
                 filename: str, fixmedins_code: str, now: datetime, origin: str) -> StoredFile:
        """A zip of rows, written on first download from `rows()` (which must give the same rows
        whenever it is called: pass a snapshot, not live state)."""
        stored = self._new(filename, fixmedins_code, now, origin)
        stored._produce = lambda dest: write_rows_zip(rows(), columns, inner_name, dest, now)
        return stored

    def get(self, file_qury_no: str, now: datetime) -> StoredFile:
        self.purge(now)
        if file_qury_no in self.expired:
            raise FileExpired(file_qury_no, self.expired[file_qury_no])
        found = self.files.get(file_qury_no)
        if found is None:
            raise FileUnknown(file_qury_no)
        return found

    def purge(self, now: datetime) -> None:
        for key in [k for k, f in self.files.items() if f.dld_endtime < now]:
            stored = self.files.pop(key)
            stored.discard()
            self.expired[key] = stored.dld_endtime


def files(state) -> FileStore:
    """The file store of one simulator (SimState section "files")."""
    return state.section("files", FileStore)


def copy_to(stored: StoredFile, dest: BinaryIO) -> None:
    """Stream a stored body into dest (e.g. an HTTP response) without reading it whole."""
    shutil.copyfileobj(stored.open(), dest)
