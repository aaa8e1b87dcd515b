"""9101 文件上传 / 9102 文件下载.

9101 takes fsUploadIn.in as a Base64 string or as an array of byte values (JSON serialisers differ;
raw bytes are also accepted in memory) and answers {file_qury_no, filename, fixmedins_code, dld_endtime}.

9102 answers the file itself. The real platform sends it as an application/octet-stream body, not
an envelope; the in-memory Platform port has only a dict to give, so here the reply's output is
{"file": <bytes>, "filename": <stored name>}. An HTTP front must send output["file"] as the body
(or stream files_store.files(state).get(no, now).chunks() to avoid the copy).
"""
from __future__ import annotations

import base64
import binascii

from adapters.yb_sim.catalog_orgs import institution, requester
from adapters.yb_sim.files_store import PLATFORM_FILENAME, FileExpired, FileUnknown, files
from adapters.yb_sim.handlers.common import TIME, Call, refuse, shape, text

MAX_UPLOAD = 50 << 20  # the platform limits uploads; 50 MiB is the simulator's figure


def _bytes(value: object) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, list):
        if not all(isinstance(b, int) and not isinstance(b, bool) and -128 <= b <= 255 for b in value):
            refuse("文件数据[in]不是有效的字节数组")
        return bytes(b & 0xFF for b in value)  # Java serialisers send signed bytes (-128..127)
    if isinstance(value, str):
        try:
            return base64.b64decode("".join(value.split()), validate=True)
        except (binascii.Error, ValueError):
            refuse("文件数据[in]不是有效的Base64编码")
    refuse("文件数据[in]应为Base64字符串或字节数组")


def _institution(call: Call, code: str) -> None:
    if institution(code) is None:
        refuse(f"医药机构编号[{code}]不存在")
    sender = requester(call.request.msgid)
    if code != sender:
        refuse(f"医药机构编号[{code}]与报文发送机构[{sender}]不一致")


def upload(call: Call) -> dict:
    node = call.node("fsUploadIn")
    filename, code = text(node.get("filename")), text(node.get("fixmedins_code"))
    if not filename or any(c in filename for c in "/\\") or filename in (".", ".."):
        refuse(f"文件名[{filename}]不合法")
    _institution(call, code)
    data = _bytes(node.get("in"))
    if not data:
        refuse("文件数据[in]不能为空")
    if len(data) > MAX_UPLOAD:
        refuse(f"文件大小[{len(data)}字节]超过上限[{MAX_UPLOAD}字节]")
    stored = files(call.state).add_bytes(data, filename, code, call.now)
    return shape(call, "", {"file_qury_no": stored.file_qury_no, "filename": stored.filename,
                            "fixmedins_code": code, "dld_endtime": stored.dld_endtime.strftime(TIME)})


def download(call: Call) -> dict:
    node = call.node("fsDownloadIn")
    number, filename, code = (text(node.get(k)) for k in ("file_qury_no", "filename", "fixmedins_code"))
    _institution(call, code)
    try:
        stored = files(call.state).get(number, call.now)
    except FileExpired as gone:
        refuse(f"文件查询号[{number}]已超过下载截止时间[{gone.dld_endtime.strftime(TIME)}]")
    except FileUnknown:
        refuse(f"文件查询号[{number}]不存在")
    if stored.fixmedins_code != code:
        refuse(f"文件查询号[{number}]不属于医药机构[{code}]")
    if filename != stored.filename and not (stored.produced and filename == PLATFORM_FILENAME):
        refuse(f"文件名[{filename}]与文件查询号[{number}]不符")
    return {"file": stored.read(), "filename": stored.filename}


HANDLERS = {"9101": upload, "9102": download}
