"""The doctor's orders (检查申请单多部位 so far): the context's public API. The gRPC layer, the
composition root and other contexts import from here only."""
from __future__ import annotations

from services.orders.commands import PartInput, RequestExam
from services.orders.exam_requests import CANCEL, NEW, ExamRequestService, Notify
from services.orders.exam_tables import DEMO_FILE as DEMO_EXAM_TABLES
from services.orders.exam_tables import ExamTables, read_file as read_exam_tables

__all__ = ["CANCEL", "DEMO_EXAM_TABLES", "NEW", "ExamRequestService", "ExamTables", "Notify", "PartInput",
           "RequestExam", "read_exam_tables"]
