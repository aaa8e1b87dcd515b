"""Orders of the doctor station (检查申请, later prescriptions and plain charge items): the public model.

So far: one exam request over several body parts (检查申请单多部位), its parts' states, and its charges
from an exam-item table.
"""
from __future__ import annotations

from domain.orders.exam_pricing import (AdditionalPartRule, ExamCharge, ExamMethod, ExamPartPrice, ExamTable,
                                        PricedItem, RequestedPart, exam_table_from_dict, price_exam)
from domain.orders.exam_request import ContrastAnswers, ExamPart, ExamRequest, PartState, Urgency

__all__ = ["AdditionalPartRule", "ContrastAnswers", "ExamCharge", "ExamMethod", "ExamPart", "ExamPartPrice",
           "ExamRequest", "ExamTable", "PartState", "PricedItem", "RequestedPart", "Urgency", "exam_table_from_dict",
           "price_exam"]
