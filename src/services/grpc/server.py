"""Assembling the gRPC server: servicers, health, reflection, interceptors; graceful shutdown."""
from __future__ import annotations

import logging
import signal
import threading
import weakref
from collections.abc import Callable, Mapping
from concurrent import futures
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from domain.operator import Operator
from his.v1 import (audit_pb2, audit_pb2_grpc, doctor_station_pb2, doctor_station_pb2_grpc, journal_pb2,
                    journal_pb2_grpc, outpatient_pb2, outpatient_pb2_grpc, platform_pb2, platform_pb2_grpc)
from his.v1 import registration_pb2, registration_pb2_grpc
from his.v1 import patients_pb2, patients_pb2_grpc
from his.v1 import queues_pb2, queues_pb2_grpc
from his.v1 import orders_pb2, orders_pb2_grpc
from his.v1 import prescriptions_pb2, prescriptions_pb2_grpc
from his.v1 import inpatient_pb2, inpatient_pb2_grpc
from his.v1 import reconciliation_pb2, reconciliation_pb2_grpc
from his.v1 import settlement_lists_pb2, settlement_lists_pb2_grpc
from his.v1 import reports_pb2, reports_pb2_grpc
from his.v1 import clearing_pb2, clearing_pb2_grpc
from ports.audit import AuditTrail
from ports.catalogue import load_catalogue
from ports.clock import Clock, SystemClock
from ports.request_ledger import RequestLedger
from ports.unit_of_work import RequestScope
from services.access import AccessPolicy
from services.diagnoses import DiagnosisSearchService
from services.patients import PatientRegistry
from services.queues import QueueService
from services.grpc import mappers
from services.grpc.access import AccessInterceptor
from services.grpc.audit_servicer import AuditServicer
from services.grpc.doctor_station_servicer import DoctorStationServicer
from services.grpc.admin_servicer import AdminServicer
from his.v1 import admin_pb2, admin_pb2_grpc
from services.grpc.interceptors import AuthInterceptor, ErrorInterceptor, GuardInterceptor, ScopeInterceptor
from services.grpc.idempotency import IdempotencyInterceptor
from services.grpc.journal_servicer import JournalServicer
from services.grpc.order_servicer import OrderServicer
from services.grpc.outpatient_servicer import OutpatientServicer
from services.grpc.patient_servicer import PatientServicer
from services.grpc.page_tokens import PageTokens
from services.grpc.platform_servicer import PlatformServicer
from services.grpc.registration_servicer import RegistrationServicer
from services.grpc.prescription_servicer import PrescriptionServicer
from services.grpc.inpatient_servicer import InpatientServicer
from services.grpc.reconciliation_servicer import ReconciliationServicer
from services.grpc.settlement_list_servicer import SettlementListServicer
from services.grpc.report_servicer import ReportServicer
from services.grpc.clearing_servicer import ClearingServicer
from services.grpc.queue_servicer import QueueServicer
from services.grpc.request_guard import RequestGuard

log = logging.getLogger(__name__)

SERVICE_NAMES = (
    outpatient_pb2.DESCRIPTOR.services_by_name["OutpatientService"].full_name,
    journal_pb2.DESCRIPTOR.services_by_name["JournalService"].full_name,
)
PLATFORM_SERVICE_NAME = platform_pb2.DESCRIPTOR.services_by_name["PlatformService"].full_name
AUDIT_SERVICE_NAME = audit_pb2.DESCRIPTOR.services_by_name["AuditService"].full_name
DOCTOR_STATION_SERVICE_NAME = doctor_station_pb2.DESCRIPTOR.services_by_name["DoctorStationService"].full_name
REGISTRATION_SERVICE_NAME = registration_pb2.DESCRIPTOR.services_by_name["RegistrationService"].full_name
ADMIN_SERVICE_NAME = admin_pb2.DESCRIPTOR.services_by_name["AdminService"].full_name
PATIENT_SERVICE_NAME = patients_pb2.DESCRIPTOR.services_by_name["PatientService"].full_name
QUEUE_SERVICE_NAME = queues_pb2.DESCRIPTOR.services_by_name["QueueService"].full_name
ORDER_SERVICE_NAME = orders_pb2.DESCRIPTOR.services_by_name["OrderService"].full_name
PRESCRIPTION_SERVICE_NAME = prescriptions_pb2.DESCRIPTOR.services_by_name["PrescriptionService"].full_name
INPATIENT_SERVICE_NAME = inpatient_pb2.DESCRIPTOR.services_by_name["InpatientService"].full_name
RECONCILIATION_SERVICE_NAME = reconciliation_pb2.DESCRIPTOR.services_by_name["ReconciliationService"].full_name
SETTLEMENT_LIST_SERVICE_NAME = settlement_lists_pb2.DESCRIPTOR.services_by_name["SettlementListService"].full_name
REPORT_SERVICE_NAME = reports_pb2.DESCRIPTOR.services_by_name["ReportService"].full_name
CLEARING_SERVICE_NAME = clearing_pb2.DESCRIPTOR.services_by_name["ClearingService"].full_name
# gRPC turns SO_REUSEPORT on by default: a second server could then bind the port a first one holds
# and silently take half of its calls. Off, the second one fails to bind, and says so.
SERVER_OPTIONS = (("grpc.so_reuseport", 0),)


class AddressUnavailable(RuntimeError):
    """The server could not listen on its address: most often another server holds the port."""


@dataclass(frozen=True)
class _Served:
    health: health.HealthServicer  # so shutdown can report NOT_SERVING before it stops accepting
    address: str                   # the bound address, for the log
    on_shutdown: tuple = ()        # run before the server stops: streams end cleanly instead of being cut


_SERVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def build_server(outpatient, journal, tokens: Mapping[str, Operator], address: str = "[::]:50051",
                 max_workers: int = 16, zone: str | ZoneInfo = mappers.DEFAULT_ZONE,
                 credentials: grpc.ServerCredentials | None = None, platform=None,
                 request_scope: RequestScope | None = None, ledger: RequestLedger | None = None,
                 clock: Clock | None = None, page_token_key: bytes | None = None,
                 access: AccessPolicy | None = None, audit: AuditTrail | None = None,
                 diagnoses: DiagnosisSearchService | None = None,
                 encounters=None, hospital=None, patients: PatientRegistry | None = None,
                 queues: QueueService | None = None, orders=None,
                 prescriptions=None, inpatient=None, slips=None,
                 settlement_lists=None, reconciliation=None, reports=None,
                 clearing=None) -> tuple[grpc.Server, int]:
    """A configured, not yet started server and the port it bound ("...:0" picks a free one).

    `outpatient` / `journal`: the OutpatientService / JournalService use cases; `tokens`: bearer
    token -> Operator; `zone`: the hospital's zone, for Timestamp <-> local wall time;
    `credentials`: TLS for production (bearer tokens should not cross the network in clear);
    `platform`: a TransactionService, served as his.v1.PlatformService when given; `request_scope`:
    brackets each call (storage reuses one connection within it); `ledger`: keeps request_ids, so a
    retried mutating call acts once (without one, request_id is ignored); `clock`: the hospital's.
    `page_token_key`: signs list page tokens; servers behind one address need the same key (default: a
    random key for this process). `access`: roles and their permissions, checked on every call
    (default: the built-in roles); `audit`: the audit trail every call is recorded in, also served
    as his.v1.AuditService (without one, nothing is recorded); `diagnoses`: the diagnosis search,
    served as his.v1.DoctorStationService when given; `encounters`: an EncounterService, served as
    his.v1.RegistrationService when given; `hospital`: (HospitalAdmin, HospitalDirectory[, NationalCodeCheck]),
    served as his.v1.AdminService when given; `patients`: the patient index, served as
    his.v1.PatientService when given; `queues`: the clinic queues, served as
    his.v1.QueueService (each WatchQueue stream holds a worker thread while open: size max_workers
    for the screens and stations); `orders`: (ExamRequestService, ExamTables, ExamForms, ItemOrders), served with `encounters`
    as his.v1.OrderService; `prescriptions`: a PrescriptionService, served as
    his.v1.PrescriptionService when given; `inpatient`: an InpatientService, served as
    his.v1.InpatientService when given; `slips`: SettlementSlips, printing 结算单 for the outpatient and
    inpatient services; `settlement_lists`: a SettlementListService, served as
    his.v1.SettlementListService when given; `reconciliation`: a ReconciliationService, served as
    his.v1.ReconciliationService when given; `reports`: a ReportService, served as
    his.v1.ReportService when given; `clearing`: a ClearingService, served as
    his.v1.ClearingService when given. Raises AddressUnavailable when the
    address cannot be bound, e.g. while another server holds the port; UnknownRole when an
    operator's role is not defined."""
    zone = mappers.zone_of(zone)
    access = access or AccessPolicy()
    for op in tokens.values():
        access.require_known(op.role, f"operator {op.code} ({op.name})")
    clock = clock or SystemClock(zone)
    page_tokens = PageTokens(page_token_key)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc"),
        options=SERVER_OPTIONS,
        # Auth runs first (outermost), so an unauthenticated call never reaches a servicer; access
        # next, so a call the role does not allow touches nothing (and its refusal is audited as sent);
        # the scope is innermost, so its exit (returning the connection) happens before errors are mapped.
        # The guard refuses bad input before a connection is taken; the ledger shares the call's connection.
        interceptors=[AuthInterceptor(tokens), AccessInterceptor(access, audit, clock), ErrorInterceptor(),
                      GuardInterceptor(RequestGuard(load_catalogue())),
                      *([ScopeInterceptor(request_scope)] if request_scope is not None else []),
                      *([IdempotencyInterceptor(ledger, clock)] if ledger is not None else [])])
    outpatient_pb2_grpc.add_OutpatientServiceServicer_to_server(
        OutpatientServicer(outpatient, journal, zone, page_tokens=page_tokens, slips=slips), server)
    journal_pb2_grpc.add_JournalServiceServicer_to_server(JournalServicer(journal, zone), server)
    names = SERVICE_NAMES
    if platform is not None:
        platform_pb2_grpc.add_PlatformServiceServicer_to_server(PlatformServicer(platform, access), server)
        names = (*names, PLATFORM_SERVICE_NAME)
    if audit is not None:
        audit_pb2_grpc.add_AuditServiceServicer_to_server(AuditServicer(audit, zone, page_tokens), server)
        names = (*names, AUDIT_SERVICE_NAME)
    if diagnoses is not None:
        doctor_station_pb2_grpc.add_DoctorStationServiceServicer_to_server(DoctorStationServicer(diagnoses), server)
        names = (*names, DOCTOR_STATION_SERVICE_NAME)
    if encounters is not None:
        registration_pb2_grpc.add_RegistrationServiceServicer_to_server(
            RegistrationServicer(encounters, zone, page_tokens,
                                 inpatient.stays_of_encounters if inpatient is not None else None), server)
        names = (*names, REGISTRATION_SERVICE_NAME)
    if hospital is not None:
        admin_pb2_grpc.add_AdminServiceServicer_to_server(
            AdminServicer(hospital[0], hospital[1], zone, *hospital[2:]), server)
        names = (*names, ADMIN_SERVICE_NAME)
    if patients is not None:
        patients_pb2_grpc.add_PatientServiceServicer_to_server(
            PatientServicer(patients, access, zone, page_tokens), server)
        names = (*names, PATIENT_SERVICE_NAME)
    if queues is not None:
        queues_pb2_grpc.add_QueueServiceServicer_to_server(QueueServicer(queues), server)
        names = (*names, QUEUE_SERVICE_NAME)
    if orders is not None and encounters is not None:
        orders_pb2_grpc.add_OrderServiceServicer_to_server(OrderServicer(*orders, encounters, zone), server)
        names = (*names, ORDER_SERVICE_NAME)
    if prescriptions is not None:
        prescriptions_pb2_grpc.add_PrescriptionServiceServicer_to_server(
            PrescriptionServicer(prescriptions, zone), server)
        names = (*names, PRESCRIPTION_SERVICE_NAME)
    if inpatient is not None:
        inpatient_pb2_grpc.add_InpatientServiceServicer_to_server(InpatientServicer(inpatient, zone, slips), server)
        names = (*names, INPATIENT_SERVICE_NAME)
    if reconciliation is not None:
        reconciliation_pb2_grpc.add_ReconciliationServiceServicer_to_server(
            ReconciliationServicer(reconciliation, zone, page_tokens), server)
        names = (*names, RECONCILIATION_SERVICE_NAME)
    if settlement_lists is not None:
        settlement_lists_pb2_grpc.add_SettlementListServiceServicer_to_server(
            SettlementListServicer(settlement_lists, zone), server)
        names = (*names, SETTLEMENT_LIST_SERVICE_NAME)
    if reports is not None:
        reports_pb2_grpc.add_ReportServiceServicer_to_server(ReportServicer(reports, zone), server)
        names = (*names, REPORT_SERVICE_NAME)
    if clearing is not None:
        clearing_pb2_grpc.add_ClearingServiceServicer_to_server(ClearingServicer(clearing, zone, page_tokens), server)
        names = (*names, CLEARING_SERVICE_NAME)

    checker = health.HealthServicer()
    for name in ("", *names):
        checker.set(name, health_pb2.HealthCheckResponse.SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(checker, server)

    reflection.enable_server_reflection((*names, health.SERVICE_NAME, reflection.SERVICE_NAME), server)

    try:
        port = server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address)
    except RuntimeError:  # "Failed to bind to address ..."; older grpcio returned 0 instead
        port = 0
    if port == 0:
        raise AddressUnavailable(f"cannot listen on {address}: the port is in use (another server?) "
                                 "or the address is not available here")
    host, _, requested = address.rpartition(":")
    _SERVED[server] = _Served(checker, f"{host}:{port}" if requested == "0" else address,
                              (queues.close,) if queues is not None else ())
    return server, port


def serve_until_signalled(server: grpc.Server, on_stop: Callable[[], None] | None = None,
                          grace: float = 5.0) -> None:
    """Start `server` (if not started) and block until SIGTERM or SIGINT; then report NOT_SERVING,
    stop gracefully (in-flight calls get `grace` seconds) and call `on_stop`. Main thread only."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda signum, _frame: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            server.start()
        except ValueError:
            pass  # already started by the caller
        served = _SERVED.get(server)
        where = f" on {served.address}" if served else ""
        log.info("gRPC server serving%s", where)
        while not stop.wait(1.0):
            pass
        log.info("signal received: stopping gRPC server%s (grace %ss)", where, grace)
        if served is not None:
            served.health.enter_graceful_shutdown()
            for step in served.on_shutdown:
                step()
        server.stop(grace).wait()
        log.info("gRPC server%s stopped", where)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if on_stop is not None:
        on_stop()
