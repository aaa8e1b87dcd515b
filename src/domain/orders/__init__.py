"""Orders of the doctor station (检查申请, later prescriptions and plain charge items): the public model.

First slice: pricing one exam request over several body parts (检查申请单多部位) from an exam-item table.
"""
from __future__ import annotations

from domain.orders.exam_pricing import (AdditionalPartRule, ExamCharge, ExamMethod, ExamPartPrice, ExamTable,
                                        PricedItem, RequestedPart, exam_table_from_dict, price_exam)

__all__ = ["AdditionalPartRule", "ExamCharge", "ExamMethod", "ExamPartPrice", "ExamTable", "PricedItem",
           "RequestedPart", "exam_table_from_dict", "price_exam"]
