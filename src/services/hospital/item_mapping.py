"""院内收费项目 to the platform's words: the rows of 3301 目录对照上传 and 3302 目录对照撤销, and what an
item's mapping needs next.

The one place where a ChargeItem becomes a platform payload. A mapping is (fixmedins_hilist_id,
list_type) → med_list_codg on the platform; one whose national code or list type no longer is the
item's must be revoked (3302, naming it exactly as uploaded) before the item is uploaded again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.hospital import ChargeItem
from ports.hospital import ChargeItemMapping

UPLOADED, REVOKED = "UPLOADED", "REVOKED"
MAX_ROWS = 100  # 3301 rows per call (Hubei V1.2.02); 3302 sent in the same batches


@dataclass(frozen=True)
class MappingUpload:
    """What UploadChargeItemMappings did for one item: `infnos` sent in order (("3301",), ("3302",
    "3301") for a changed national code or list type, () when its mapping was current), and where
    its mapping now stands."""

    code: str
    infnos: tuple[str, ...]
    mapping: ChargeItemMapping | None


def is_current(item: ChargeItem, mapping: ChargeItemMapping | None) -> bool:
    """The platform maps the item as it now is: nothing to send."""
    return (mapping is not None and mapping.state == UPLOADED and mapping.national_code == item.national_code
            and mapping.list_type == item.list_type)


def needs_revoking(item: ChargeItem, mapping: ChargeItemMapping | None) -> bool:
    """Uploaded under another national code or list type: 3302 first."""
    return mapping is not None and mapping.state == UPLOADED and not is_current(item, mapping)


def upload_row(item: ChargeItem, today: date) -> dict:
    """One row of 3301's data; empty optional fields left out."""
    row = {"fixmedins_hilist_id": item.code, "fixmedins_hilist_name": item.name, "list_type": item.list_type,
           "med_list_codg": item.national_code, "begndate": (item.begndate or today).isoformat(),
           "prcunt": item.prcunt, "spec": item.spec}
    return {k: v for k, v in row.items() if v}


def revoke_row(mapping: ChargeItemMapping, fixmedins_code: str) -> dict:
    """One row of 3302's data: the mapping as it was uploaded."""
    return {"fixmedins_code": fixmedins_code, "fixmedins_hilist_id": mapping.code, "list_type": mapping.list_type,
            "med_list_codg": mapping.national_code}


def batches(rows: list[dict]) -> list[dict]:
    """The payloads carrying `rows`, at most MAX_ROWS each."""
    return [{"data": rows[i:i + MAX_ROWS]} for i in range(0, len(rows), MAX_ROWS)]
