from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class Insurance:
    """One 险种 the person is enrolled in (1101 insuinfo row)."""

    insutype: str
    balc: Decimal
    psn_type: str
    insuplc_admdvs: str
    psn_insu_stas: str = ""
    cvlserv_flag: str = "0"
    emp_name: str = ""


@dataclass
class InsuredPerson:
    psn_no: str
    psn_name: str
    psn_cert_type: str
    certno: str
    gend: str
    brdy: date | None = None
    age: Decimal | None = None
    naty: str = ""
    insurances: list[Insurance] = field(default_factory=list)

    def insurance(self, insutype: str) -> Insurance | None:
        return next((i for i in self.insurances if i.insutype == insutype), None)
