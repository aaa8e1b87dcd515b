"""The doctor's orders (检查申请单多部位, and plain charge items: treatment, materials): the context's
public API. The gRPC layer, the composition root and other contexts import from here only.

Exam requests go to the examining department's system (RIS) as HL7 ORM^O01 through an outbox the
dispatcher sends over MLLP; its ORU^R01 results come back through ExamResultIntake."""
from __future__ import annotations

from services.orders.commands import PartInput, RequestExam
from services.orders.exam_dispatch import ExamDispatcher, ExamResultIntake
from services.orders.exam_forms import ExamForms
from services.orders.exam_requests import CANCEL, NEW, ExamRequestService
from services.orders.exam_tables import DEMO_FILE as DEMO_EXAM_TABLES
from services.orders.exam_tables import ExamTables, read_file as read_exam_tables
from services.orders.item_orders import ItemInput, ItemOrders
from services.orders.radiology import RadiologyOrders, RisConfig, report_applier
from services.orders.radiology_hl7 import ExamOrderContext, ExamResult, ack, orm_o01, parse_oru_r01

__all__ = ["CANCEL", "DEMO_EXAM_TABLES", "NEW", "ExamDispatcher", "ExamForms", "ExamOrderContext",
           "ExamRequestService", "ExamResult", "ExamResultIntake", "ExamTables", "ItemInput", "ItemOrders",
           "PartInput", "RadiologyOrders", "RequestExam", "RisConfig", "ack", "orm_o01", "parse_oru_r01",
           "read_exam_tables", "report_applier"]
