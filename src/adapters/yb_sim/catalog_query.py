"""Paged queries over the simulated catalogues (1312/1312a, 1316-1319): input filters and the
platform's page envelope (pageNum, pageSize, size, startRow, endRow, recordCounts, pages,
firstPage, lastPage, data).

Filters compare the reply rows' own fields, so every query field names what it filters:
codes and flags exactly; names by any part; 五笔/拼音 by prefix; updt_time from that time on;
query_date: rows in force that day; begndate/enddate: rows in force at some time in that period;
区划 fields: rows of that 区划 or of one that contains it (420000 covers 420106).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from ports.platform import PlatformRefused

MAX_PAGE_SIZE = 1000  # the simulator's ceiling on page_size
CONTAINS = {"hilist_name", "medins_list_name"}
PREFIX = {"wubi", "pinyin"}
ADMDVS = {"insu_admdvs", "poolarea_no"}
SPECIAL = {"updt_time", "query_date", "begndate", "enddate", "page_num", "page_size"}


# Not handlers.common's: importing the handlers package from here would re-enter its collection.
def refuse(message: str):
    raise PlatformRefused(-1, message)


def text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _whole(data: dict, name: str) -> int:
    try:
        value = Decimal(text(data.get(name)))
    except InvalidOperation:
        refuse(f"{name}[{data.get(name)}]不是整数")
    if value != value.to_integral_value():
        refuse(f"{name}[{data.get(name)}]不是整数")
    return int(value)


def paging(data: dict) -> tuple[int, int]:
    page_num, page_size = _whole(data, "page_num"), _whole(data, "page_size")
    if page_num < 1:
        refuse(f"当前页数page_num[{page_num}]必须大于0")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        refuse(f"本页数据量page_size[{page_size}]应在1至{MAX_PAGE_SIZE}之间")
    return page_num, page_size


def page(rows: Iterable[dict], page_num: int, page_size: int) -> dict:
    """One page of rows (counted to the end: recordCounts is the whole result)."""
    first = (page_num - 1) * page_size
    total, kept = 0, []
    for row in rows:
        if first <= total < first + page_size:
            kept.append(row)
        total += 1
    pages = (total + page_size - 1) // page_size
    if total and page_num > pages:
        refuse(f"当前页数page_num[{page_num}]超出范围，共{pages}页（{total}条）")
    start = first + 1 if kept else 0
    return {"pageNum": page_num, "pageSize": page_size, "size": len(kept), "startRow": start,
            "endRow": start + len(kept) - 1 if kept else 0, "recordCounts": total, "pages": pages,
            "firstPage": 1 if pages else 0, "lastPage": pages, "data": kept}


def _covers(row_admdvs: str | None, asked: str) -> bool:
    if not row_admdvs:
        return True
    prefix = row_admdvs
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return asked.startswith(prefix)


def matcher(data: dict, names: Iterable[str]) -> Callable[[dict], bool]:
    """A predicate over reply rows for the query fields in `names` that the caller filled in."""
    asked = {n: text(data.get(n)) for n in names if text(data.get(n))}
    exact = {n: v for n, v in asked.items() if n not in CONTAINS | PREFIX | ADMDVS | SPECIAL}
    since, day = asked.get("updt_time", ""), asked.get("query_date", "")
    begin, end = asked.get("begndate", ""), asked.get("enddate", "")

    def match(row: dict) -> bool:
        if any(text(row.get(n)) != v for n, v in exact.items()):
            return False
        if any(asked[n] not in text(row.get(n)) for n in CONTAINS if n in asked):
            return False
        if any(not text(row.get(n)).upper().startswith(asked[n].upper()) for n in PREFIX if n in asked):
            return False
        if any(not _covers(text(row.get(n)), asked[n]) for n in ADMDVS if n in asked):
            return False
        if since and text(row.get("updt_time")) < since:
            return False
        row_begin, row_end = text(row.get("begndate")), text(row.get("enddate"))
        if day and (row_begin > day or (row_end and row_end < day)):
            return False
        if begin and row_end and row_end < begin:
            return False
        return not (end and row_begin > end)

    return match


def fields_of(tx, node: str = "", field: str = "data") -> list[str]:
    """The declared fields of the rows of an output list (data inside the "" node)."""
    holder = tx.output_node(node)
    spec = holder.field(field) if holder is not None else None
    return [f.name for f in spec.items] if spec is not None else []


def only(row: dict, names: list[str]) -> dict:
    return {n: row.get(n) for n in names}
