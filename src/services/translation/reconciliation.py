"""3201 对总账, 3202 对明细账 with its files (9101 up, 9102 down), 5262 / 5267 settlements by time
range, 5203 one settlement, 2601 冲正: the payloads reconciliation sends and how their replies read.

The detail file (Hubei table 200) and the result file (table 201) are TAB-separated UTF-8 text in a
zip, one settlement per line, empty values written as the literal null; their columns are the
catalogue's (3202 upload_file / result_file). Result codes per line (stmt_rslt) are not published;
the simulator's, which this follows, are 1 中心有、医药机构无, 2 医药机构有、中心无, 3 金额不符.
"""
from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from domain.money import ZERO
from domain.platform_time import parse_datetime
from domain.reconciliation import Amounts, Finding, FindingKind, LedgerRow, Totals

REFUND_ROWS_INCLUDED = "1"  # 退费结算标志: 含退费 (originals, cancelled ones too, and negative settlements)
NULL = "null"
RESULT_CODES = {"1": FindingKind.PLATFORM_ONLY, "2": FindingKind.HIS_ONLY, "3": FindingKind.AMOUNTS_DIFFER}
SETTLEMENT_INFNOS = {"visit": "2207", "admission": "2304"}  # what a 冲正 names as the original


def _day(value: date) -> str:
    return value.isoformat()


def total_account(insutype: str, clr_type: str, setl_optins: str, first: date, last: date, totals: Totals) -> dict:
    a = totals.amounts
    return {"data": {"insutype": insutype, "clr_type": clr_type, "setl_optins": setl_optins,
                     "stmt_begndate": _day(first), "stmt_enddate": _day(last), "medfee_sumamt": a.medfee_sumamt,
                     "fund_pay_sumamt": a.fund_pay_sumamt, "acct_pay": a.acct_pay,
                     "fixmedins_setl_cnt": totals.count, "refd_setl_flag": REFUND_ROWS_INCLUDED}}


def total_result(output: dict) -> tuple[str, str]:
    info = output.get("stmtinfo") if isinstance(output.get("stmtinfo"), dict) else {}
    return str(info.get("stmt_rslt") or ""), str(info.get("stmt_rslt_dscr") or "")


def _cell(value: object) -> str:
    if value is None or value == "":
        return NULL
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def detail_file(rows: Iterable[LedgerRow], columns: Sequence[str], stem: str, when: datetime) -> tuple[str, bytes]:
    """Our detail file for 3202: (its name, the zip). Columns the file has and a row does not
    (exp_content) are written null."""
    lines = []
    for r in rows:
        values = {"setl_id": r.setl_id, "mdtrt_id": r.mdtrt_id, "psn_no": r.psn_no,
                  "medfee_sumamt": r.amounts.medfee_sumamt, "fund_pay_sumamt": r.amounts.fund_pay_sumamt,
                  "acct_pay": r.amounts.acct_pay, "refd_setl_flag": "1" if r.refund else "0"}
        lines.append("\t".join(_cell(values.get(c)) for c in columns))
    body = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(f"{stem}.txt", date_time=when.timetuple()[:6]), body)
    return f"{stem}.zip", buffer.getvalue()


def upload(filename: str, content: bytes, fixmedins_code: str) -> dict:
    return {"fsUploadIn": {"in": base64.b64encode(content).decode("ascii"), "filename": filename,
                           "fixmedins_code": fixmedins_code}}


def uploaded(output: dict) -> str:
    """The file_qury_no 9101 answered."""
    return str(output.get("file_qury_no") or "")


def detail_account(setl_optins: str, clr_type: str, file_qury_no: str, first: date, last: date,
                   totals: Totals) -> dict:
    a = totals.amounts
    return {"data": {"setl_optins": setl_optins, "file_qury_no": file_qury_no, "stmt_begndate": _day(first),
                     "stmt_enddate": _day(last), "medfee_sumamt": a.medfee_sumamt,
                     "fund_pay_sumamt": a.fund_pay_sumamt, "cash_payamt": a.psn_cash_pay,
                     "fixmedins_setl_cnt": totals.count, "clr_type": clr_type,
                     "refd_setl_flag": REFUND_ROWS_INCLUDED}}


def result_fileinfo(output: dict) -> tuple[str, str]:
    info = output.get("fileinfo") if isinstance(output.get("fileinfo"), dict) else {}
    return str(info.get("file_qury_no") or ""), str(info.get("filename") or "")


def download(file_qury_no: str, filename: str, fixmedins_code: str) -> dict:
    return {"fsDownloadIn": {"file_qury_no": file_qury_no, "filename": filename, "fixmedins_code": fixmedins_code}}


def downloaded(output: dict) -> bytes:
    body = output.get("file")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if body is not None and hasattr(body, "read"):
        with body:
            return body.read()
    raise ValueError("9102 answered no file")


def _text_of(content: bytes) -> str:
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            content = archive.read(names[0]) if names else b""
    return content.decode("utf-8-sig")


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value) if value else ZERO
    except InvalidOperation:
        return ZERO


def result_findings(content: bytes, columns: Sequence[str], ours: dict[str, LedgerRow],
                    theirs: dict[str, LedgerRow]) -> list[Finding]:
    """The differing settlements a 3202 result file lists. `ours` / `theirs` (by setl_id) describe a
    settlement better than the file's line does (its time, 险种); the file's amounts are the centre's."""
    found = []
    for line in _text_of(content).splitlines():
        if not line.strip():
            continue
        cells = [("" if c.strip() == NULL else c.strip()) for c in line.split("\t")]
        row = dict(zip(columns, cells + [""] * (len(columns) - len(cells))))
        kind = RESULT_CODES.get(row.get("stmt_rslt", ""))
        setl_id = row.get("setl_id", "")
        if kind is None or not setl_id:
            continue
        centre = Amounts(_amount(row.get("medfee_sumamt", "")), _amount(row.get("fund_pay_sumamt", "")),
                         _amount(row.get("acct_pay", "")))
        our = ours.get(setl_id)
        known = theirs.get(setl_id)
        if kind is FindingKind.HIS_ONLY:
            their = None
        elif known is not None:
            their = LedgerRow(**{**known.__dict__, "amounts": Amounts(centre.medfee_sumamt, centre.fund_pay_sumamt,
                                                                     centre.acct_pay, known.amounts.psn_cash_pay)})
        else:
            their = LedgerRow(setl_id=setl_id, mdtrt_id=row.get("mdtrt_id", ""), psn_no=row.get("psn_no", ""),
                              msgid=row.get("msgid", ""), setl_time=our.setl_time if our else None,
                              insutype=our.insutype if our else "", clr_type=our.clr_type if our else "",
                              clr_optins=our.clr_optins if our else "", amounts=centre,
                              refund=row.get("refd_setl_flag") == "1")
        if kind is not FindingKind.PLATFORM_ONLY and our is None:
            continue  # the centre names a row of ours we did not send: nothing to say about it
        found.append(Finding(kind, setl_id, our if kind is not FindingKind.PLATFORM_ONLY else None, their,
                             row.get("memo", ""), "3202"))
    return found


def settlements_between(first: date, last: date) -> dict:
    """5262 / 5267: every settlement of the days."""
    return {"data": {"begntime": datetime.combine(first, time()).strftime("%Y-%m-%d %H:%M:%S"),
                     "endtime": datetime.combine(last, time(23, 59, 59)).strftime("%Y-%m-%d %H:%M:%S")}}


def settlements_of_visit(mdtrt_id: str, psn_no: str, first: date, last: date) -> dict:
    payload = settlements_between(first, last)
    payload["data"].update(mdtrt_id=mdtrt_id, psn_no=psn_no)
    return payload


def _rows(value: object) -> list[dict]:
    if isinstance(value, list):
        return [r for r in value if isinstance(r, dict)]
    return [value] if isinstance(value, dict) and value else []


def listed_settlements(output: dict) -> list[LedgerRow]:
    """The rows a 5262 (setlinfo) or a 5267 (data.setlinfo) answered."""
    node = output.get("data") if isinstance(output.get("data"), dict) else output
    return [platform_row(r) for r in _rows(node.get("setlinfo")) if r.get("setl_id")]


def in_force(output: dict, mdtrt_id: str) -> list[str]:
    """The setl_ids of a visit's settlements still in force (退费结算标志 0) a 5262 / 5267 answered."""
    node = output.get("data") if isinstance(output.get("data"), dict) else output
    return [str(r["setl_id"]) for r in _rows(node.get("setlinfo"))
            if r.get("setl_id") and str(r.get("mdtrt_id") or "") == mdtrt_id and str(r.get("refd_setl_flag")) == "0"]


def _money(value: object) -> Decimal:
    if value is None or value == "":
        return ZERO
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return ZERO


def platform_row(r: dict) -> LedgerRow:
    amounts = Amounts(_money(r.get("medfee_sumamt")), _money(r.get("fund_pay_sumamt")), _money(r.get("acct_pay")),
                      _money(r.get("psn_cash_pay")))
    return LedgerRow(setl_id=str(r.get("setl_id")), mdtrt_id=str(r.get("mdtrt_id") or ""),
                     psn_no=str(r.get("psn_no") or ""), msgid=str(r.get("medins_setl_id") or ""),
                     setl_time=parse_datetime(str(r.get("setl_time") or "")), insutype=str(r.get("insutype") or ""),
                     clr_type=str(r.get("clr_type") or ""), clr_optins=str(r.get("clr_optins") or ""),
                     amounts=amounts, refund=str(r.get("refd_setl_flag") or "") == "1" and amounts.medfee_sumamt < 0)


def one_settlement(setl_id: str, mdtrt_id: str, psn_no: str) -> dict:
    """5203 结算信息查询: the settlement with its fund rows."""
    return {"data": {"psn_no": psn_no, "setl_id": setl_id, "mdtrt_id": mdtrt_id}}


def reversal(psn_no: str, omsgid: str, oinfno: str) -> dict:
    return {"data": {"psn_no": psn_no, "omsgid": omsgid, "oinfno": oinfno}}
