"""Request inputs the catalogue tests start from, each valid as written."""
from __future__ import annotations

from decimal import Decimal


def settle_input(**changes) -> dict:
    """A 2207 input (numbers written in the several forms senders use), with `changes` applied."""
    data = {"psn_no": "P1", "mdtrt_cert_type": "02", "mdtrt_cert_no": "420106199001011234", "med_type": "11",
            "medfee_sumamt": Decimal("12.50"), "psn_setlway": "01", "mdtrt_id": "M1", "chrg_bchno": "B1",
            "acct_used_flag": "1", "insutype": "310", "fulamt_ownpay_amt": Decimal("0"),
            "overlmt_selfpay": Decimal("0"), "preselfpay_amt": "0.00", "inscp_scp_amt": 12}
    data.update(changes)
    return {"data": data}
