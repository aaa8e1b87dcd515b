"""9101 文件上传 / 9102 文件下载 on the simulator, and the streaming zip writer behind 13xx files."""
from __future__ import annotations

import base64
import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from simkit import FIXMEDINS, Driver, FixedClock

from adapters.yb_sim.files_store import write_rows_zip
from ports.catalogue import decode_output, load_catalogue

CONTENT = "结算明细\t1\tnull\n".encode("utf-8") + bytes(range(256))


def upload(his: Driver, data, filename: str = "3202_detail.zip", code: str = FIXMEDINS) -> dict:
    reply = his.call("9101", {"fsUploadIn": {"in": data, "filename": filename, "fixmedins_code": code}})
    output, problems = decode_output(load_catalogue().get("9101"), reply.raw["output"])
    assert problems == [] and output["file_qury_no"] and output["filename"] == filename
    assert output["dld_endtime"] == "2025-06-17 09:30:00"
    return output


def fetch(his: Driver, file_qury_no: str, filename: str, code: str = FIXMEDINS) -> dict:
    return his.call("9102", {"fsDownloadIn": {"file_qury_no": file_qury_no, "filename": filename,
                                              "fixmedins_code": code}}).output


def download_input(file_qury_no: str, filename: str, code: str = FIXMEDINS) -> dict:
    return {"fsDownloadIn": {"file_qury_no": file_qury_no, "filename": filename, "fixmedins_code": code}}


@pytest.mark.parametrize("encoding", ["base64", "values", "signed", "wrapped"])
def test_upload_then_download_round_trip(his: Driver, encoding: str):
    data = {"base64": base64.b64encode(CONTENT).decode(), "values": list(CONTENT),
            "signed": [b - 256 if b > 127 else b for b in CONTENT],  # as Java's byte[] serialises
            "wrapped": base64.encodebytes(CONTENT).decode()}[encoding]  # MIME line breaks every 76
    out = upload(his, data)
    got = fetch(his, out["file_qury_no"], out["filename"])
    assert got == {"file": CONTENT, "filename": out["filename"]}


def test_each_upload_gets_its_own_number(his: Driver):
    first, second = upload(his, list(b"a")), upload(his, list(b"b"))
    assert first["file_qury_no"] != second["file_qury_no"] and len(first["file_qury_no"]) <= 30
    assert fetch(his, second["file_qury_no"], "3202_detail.zip")["file"] == b"b"


def test_upload_refusals(his: Driver):
    def refused(data, contains, **kw):
        node = dict({"in": data, "filename": "a.zip", "fixmedins_code": FIXMEDINS}, **kw)
        his.refused("9101", {"fsUploadIn": node}, contains=contains)

    refused("not base64!", "Base64")
    refused([1, 2, 300], "byte values")  # refused by the catalogue's check, before the handler
    refused(12, "Base64 text or bytes")
    refused([], "不能为空")
    refused("AA==", "文件名", filename="../a.zip")
    refused("AA==", "不存在", fixmedins_code="H99999999999")
    refused("AA==", "报文发送机构", fixmedins_code="H42010600002")  # a known institution, not the sender
    his.refused("9101", {"fsUploadIn": {"filename": "a.zip", "fixmedins_code": FIXMEDINS}}, contains="入参校验失败")


def test_download_refusals(his: Driver, clock: FixedClock):
    out = upload(his, base64.b64encode(b"x").decode())
    number = out["file_qury_no"]
    his.refused("9102", download_input("F000", "a.zip"), contains="文件查询号[F000]不存在")
    his.refused("9102", download_input(number, "other.zip"), contains="文件名")
    his.refused("9102", download_input(number, "plc"), contains="文件名")  # plc names produced files only
    his.refused("9102", download_input(number, out["filename"], "H42010600002"), contains="报文发送机构")
    clock.current += timedelta(days=1, seconds=1)
    his.refused("9102", download_input(number, out["filename"]), contains="超过下载截止时间")
    his.refused("9102", download_input(number, out["filename"]), contains="超过下载截止时间")  # still, not "unknown"


def test_produced_file_expires_too(his: Driver, clock: FixedClock):
    out = his.call("1313", {"data": {"ver": "0"}}).output
    clock.current += timedelta(days=2)
    his.refused("9102", download_input(out["file_qury_no"], "plc"), contains="超过下载截止时间")


def test_zip_writer_streams_rows_with_null():
    def rows():
        for i in range(5000):
            yield {"a": i, "b": None if i % 2 else "x\ty", "c": Decimal("1.50"), "extra": "ignored"}

    sink = io.BytesIO()
    assert write_rows_zip(rows(), ["c", "a", "b"], "rows.txt", sink) == 5000
    archive = zipfile.ZipFile(io.BytesIO(sink.getvalue()))
    lines = archive.read("rows.txt").decode("utf-8").splitlines()
    assert lines[0] == "1.50\t0\tx y" and lines[1] == "1.50\t1\tnull" and len(lines) == 5000


def test_zip_writer_without_rows_or_columns():
    sink = io.BytesIO()
    assert write_rows_zip(iter(()), None, "empty.txt", sink) == 0
    assert zipfile.ZipFile(io.BytesIO(sink.getvalue())).read("empty.txt") == b""
