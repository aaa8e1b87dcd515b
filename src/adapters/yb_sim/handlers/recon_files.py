"""Files the reconciliation handlers read and write, through the shared file store (no handlers).

The store is SimState section "files", kept by the 9101/9102 handlers (handlers/files.py). Two
shapes are accepted, so this module depends on no detail of that one:
  * a plain dict {file_qury_no: {"filename": str, "content": bytes, ...}} (the agreed minimal
    contract; entries written here also carry "dld_endtime", readers ignore unknown keys);
  * a store object with get(file_qury_no, now) -> stored file with .filename and .read(), raising
    LookupError for unknown or expired numbers, and add_bytes(data, filename, fixmedins_code, now,
    origin) -> stored file with .file_qury_no, .filename, .dld_endtime (adapters.yb_sim.files_store).
With no store yet, results go to files_store when it exists, else to the plain dict.
`content` is what was uploaded: a zip (what the spec asks for) or the bare text (tolerated).
"""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from adapters.yb_sim.handlers.common import TIME, Call, refuse

NULL = "null"  # how the spec writes an empty value in these TAB-separated files
DOWNLOAD_HOURS = 24


def _stored(call: Call, file_qury_no: str) -> tuple[str, bytes]:
    store = call.state.sections.get("files")
    if isinstance(store, dict):
        entry = store.get(file_qury_no)
        if isinstance(entry, dict) and "content" in entry:
            content = entry["content"]
            return str(entry.get("filename", file_qury_no)), content.encode() if isinstance(content, str) else content
    elif store is not None:
        try:
            found = store.get(file_qury_no, call.now)
        except LookupError:
            found = None
        if found is not None:
            return found.filename, found.read()
    refuse(f"文件查询号[{file_qury_no}]不存在或已过期，请先通过9101上传文件")


def read_text(call: Call, file_qury_no: str) -> str:
    filename, content = _stored(call, file_qury_no)
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = [n for n in archive.namelist() if not n.endswith("/")]
                if not names:
                    refuse(f"文件[{filename}]压缩包内没有文件")
                content = archive.read(names[0])
        except zipfile.BadZipFile:
            refuse(f"文件[{filename}]不是有效的zip压缩包")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        refuse(f"文件[{filename}]不是UTF-8编码的文本")


def rows(content: str, width: int, minimum: int) -> list[tuple[int, list[str]]]:
    """(line number, fields) per non-empty line; `null` becomes ""; a header line is skipped."""
    found = []
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        fields = [("" if f.strip() == NULL else f.strip()) for f in line.split("\t")]
        if number == 1 and fields[0] == "setl_id":
            continue  # tolerated: some HIS write the column names first
        if not minimum <= len(fields) <= width:
            refuse(f"对账文件第{number}行有{len(fields)}列，应为{minimum}至{width}列（TAB分隔）")
        found.append((number, fields + [""] * (width - len(fields))))
    return found


def store_result(call: Call, stem: str, lines: list[list[str]]) -> dict:
    """Zip the TAB-separated lines as one .txt, store it for 9102 and return a 3202-style fileinfo."""
    body = "".join("\t".join(v if v != "" else NULL for v in line) + "\n" for line in lines)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(f"{stem}.txt", date_time=call.now.timetuple()[:6]), body.encode("utf-8"))
    data, filename = buffer.getvalue(), f"{stem}.zip"
    store = call.state.sections.get("files")
    if store is None:
        try:
            from adapters.yb_sim.files_store import files  # the 9102 side's store, when installed
            store = files(call.state)
        except ImportError:
            store = call.state.section("files", dict)
    if not isinstance(store, dict):
        made = store.add_bytes(data, filename, call.request.msgid[:12], call.now, origin=call.request.infno)
        return {"file_qury_no": made.file_qury_no, "filename": made.filename,
                "dld_endtime": made.dld_endtime.strftime(TIME)}
    counters = call.state.section("recon", dict)
    counters["files"] = counters.get("files", 0) + 1
    file_qury_no = f"{call.admdvs}R{call.now:%Y%m%d%H%M%S}{counters['files'] % 10**6:06d}"  # 27 characters
    deadline = (call.now + timedelta(hours=DOWNLOAD_HOURS)).strftime(TIME)
    store[file_qury_no] = {"filename": filename, "content": data, "dld_endtime": deadline}
    return {"file_qury_no": file_qury_no, "filename": filename, "dld_endtime": deadline}


def result_lines(content: bytes) -> list[list[str]]:
    """A result file back as rows of fields ("" for null): for tests and tools."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        body = archive.read(archive.namelist()[0]).decode("utf-8")
    return [[("" if f == NULL else f) for f in line.split("\t")] for line in body.splitlines() if line]
