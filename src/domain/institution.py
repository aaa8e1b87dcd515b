from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Institution:
    """The hospital as the platform knows it; fills the envelope's fixed fields."""

    fixmedins_code: str = "H42010600001"
    fixmedins_name: str = "武汉市示范医院"
    mdtrtarea_admvs: str = "420106"
    recer_sys_code: str = "YBXT"
    infver: str = "V1.0"  # issued by the local bureau: "V1.0" in most deployments, "1" in Huangshi
    dev_no: str = ""
    dev_safe_info: str = ""
    # sent as they are when messages are not signed; a message signer replaces both
    signtype: str = ""
    cainfo: str = ""
