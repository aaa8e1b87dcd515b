"""The composition root: the one place where adapters are chosen and wired to ports.

Tests call `bootstrap()` with their own settings, or override single providers
(`container.platform.override(...)`) to put a platform of their choice behind the same wiring.
"""
from __future__ import annotations

import base64
import hashlib
import logging
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import time, timedelta

from dependency_injector import containers, providers

from adapters.db.audit_trail import SqlAuditTrail
from adapters.db.diagnosis_index import SqlDiagnosisIndex
from adapters.db.catalog_store import SqlCatalogStore
from adapters.db.connections import Connections
from adapters.db.engine import make_engine, make_session_factory
from adapters.db.hospital_store import SqlMasterDataStore
from adapters.db.instances import SqlInstanceRegistry
from adapters.db.journal_store import SqlJournalStore, SqlMsgIdAllocator
from adapters.db.order_store import SqlExamTableStore
from adapters.db.patient_store import SqlPatientStore
from adapters.db.prescription_store import SqlPrescriptionStore
from adapters.db.reconciliation_store import SqlReconciliationStore
from adapters.db.clearing_store import SqlClearingStore
from adapters.field_cipher import AesGcmFieldCipher
from adapters.hl7.mllp import MllpClient, MllpServer
from adapters.pdf import ReportLabDocumentRenderer
from adapters.db.queue_repository import SqlQueueEvents
from adapters.db.report_store import SqlSettlementFigures
from adapters.report_files import SpreadsheetReportFiles
from adapters.db.request_ledger import SqlRequestLedger
from adapters.db.unit_of_work import SqlUnitOfWork
from adapters.pinyin import PinyinKeys
from adapters.platform_router import GatewayRouter
from adapters.yb_http.client import HttpPlatform, HttpSettings
from adapters.yb_http.sm2_signer import Sm2MessageSigner
from adapters.yb_mobile import MobilePayPlatform, MobilePaySettings
from adapters.yb_sim.platform import SimulatorPlatform
from adapters.yb_sim.policy import Policy
from domain.errors import ConcurrencyConflict
from domain.inpatient import OrderRules
from domain.settlement import SettlementRules
from ports.audit import AuditTrail
from ports.catalogue import load_catalogue
from ports.clock import Clock, SystemClock
from ports.queues import QueueSignal
from ports.request_ledger import RequestLedger
from ports.unit_of_work import RequestScope
from services.catalog_sync import CatalogSyncService, JournalWithoutBodies
from services.code_check import NationalCodeCheck, formulary_drugs, price_list
from services.diagnoses import DiagnosisSearchService
from services.encounters import EncounterConfig, EncounterService
from services.hospital import CachedHospitalDirectory, HospitalAdmin, LoadResult, demo_file, read_data_file
from services.inpatient import (InpatientConfig, InpatientService, PlatformStayInsurance, demo_wards_file,
                                read_wards)
from services.journal import JournalService
from services.orders import (ExamDispatcher, ExamForms, ExamRequestService, ExamResultIntake, ExamTables,
                             ItemOrders, RadiologyOrders, RisConfig, parse_oru_r01, read_exam_tables,
                             report_applier)
from services.outpatient import OutpatientConfig, OutpatientService
from services.inpatient_insurance import InpatientInsuranceConfig, InpatientInsuranceService
from services.patients import PatientRegistry
from services.platform_gateway import PlatformGateway
from services.prescriptions import (NOTICE_INFNOS, FormularyLoad, PrescriptionConfig, PrescriptionService,
                                    load_formulary)
from services.queues import ClinicQueues, QueueHub, QueueService
from services.reconciliation import (EntryActions, ReconciliationConfig, ReconciliationRuns, ReconciliationSchedule,
                                     ReconciliationService, summarised)
from services.reports import ReportService
from services.resolver import Resolver, ResolverConfig, new_instance_id
from services.settings import Settings
from services.settlement_lists import SettlementListConfig, SettlementListService
from services.settlement_slips import SettlementSlips
from services.clearing import ClearingConfig, ClearingService
from services.transactions import TransactionService

log = logging.getLogger(__name__)


def _message_signer(settings: Settings) -> Sm2MessageSigner | None:
    m = settings.message_signing
    if not m.enabled:
        return None
    try:
        return Sm2MessageSigner.from_base64(m.private_key, signing_string=m.signing_string, user_id=m.user_id,
                                            signtype=m.signtype)
    except ValueError as exc:
        raise ValueError(f"message_signing is enabled but its private_key cannot be used: {exc} "
                         "(Base64 of the 32-byte SM2 private key; HIS_MESSAGE_SIGNING__PRIVATE_KEY)") from None


# Only for a demo or a test database: anyone with the source can open what it sealed.
DEV_DATA_KEY = hashlib.sha256(b"his development data key: not for patient data").digest()


def _field_cipher(settings: Settings) -> AesGcmFieldCipher:
    if not settings.patients.data_key:
        log.warning("patients.data_key is not set: identity numbers, phones and addresses are encrypted with the "
                    "built-in DEVELOPMENT key; set HIS_PATIENTS__DATA_KEY (Base64 of 32 random bytes) before "
                    "storing real patients, and keep it for the life of the database")
        return AesGcmFieldCipher(DEV_DATA_KEY)
    return AesGcmFieldCipher(base64.b64decode(settings.patients.data_key))


def _http_platform(settings: Settings, institution, catalogue, signer) -> HttpPlatform:
    p = settings.platform
    if not p.url:
        raise ValueError("platform.kind = http needs platform.url (HIS_PLATFORM__URL or --platform URL)")
    return HttpPlatform(HttpSettings(url=p.url, paasid=p.paasid, token=p.token, connect_timeout=p.connect_timeout,
                                     read_timeout=p.read_timeout), institution, catalogue, signer=signer)


def _simulator(settings: Settings, clock) -> SimulatorPlatform:
    policy = Policy.load(settings.platform.sim_policy or None)
    return SimulatorPlatform(policy=policy, admdvs=settings.institution.mdtrtarea_admvs, clock=clock,
                             unknown_reversal=settings.platform.sim_unknown_reversal)


def _mobile_pay(settings: Settings, catalogue, clock) -> MobilePayPlatform | None:
    m = settings.mobile_pay
    if not m.url:
        return None
    return MobilePayPlatform(MobilePaySettings(
        base_url=m.url, app_id=m.app_id, app_secret=m.app_secret, platform_public_key=m.platform_public_key,
        private_key=m.private_key, connect_timeout=m.connect_timeout, read_timeout=m.read_timeout), catalogue,
        now=clock.now)


def _router(settings: Settings, catalogue, platform, mobile_pay) -> GatewayRouter:
    """6xxx go to the mobile-payment centre when one is configured; the simulator takes them
    itself; a real FSI platform never gets them."""
    if mobile_pay is not None:
        return GatewayRouter(catalogue, platform, {"mobile": mobile_pay})
    if isinstance(platform, SimulatorPlatform):
        return GatewayRouter(catalogue, platform, {})
    return GatewayRouter(catalogue, platform, {"mobile": None})


def _streaming_downloads(platform):
    """The catalogue sync's platform: over HTTP, a 9102 body above 1 MiB comes as a temporary file
    (the same connection pool; an explicit limit is kept)."""
    if isinstance(platform, HttpPlatform) and platform.settings.download_in_memory is None:
        return HttpPlatform(replace(platform.settings, download_in_memory=1 << 20), platform.institution,
                            platform.catalogue, transport=platform.transport, signer=platform.signer)
    return platform


def _exam_link(settings: Settings) -> MllpClient | None:
    ris = settings.orders.ris
    return MllpClient(ris.host, ris.port, ris.timeout) if ris.enabled else None


def _exam_dispatcher(settings: Settings, uow, link, clock) -> ExamDispatcher | None:
    ris = settings.orders.ris
    if link is None:
        return None
    return ExamDispatcher(uow, link, clock, timedelta(seconds=ris.backoff), timedelta(seconds=ris.max_backoff),
                          interval=timedelta(seconds=ris.interval))


def _radiology(settings: Settings, encounters, patients, hospital, tables, clock, dispatcher) -> RadiologyOrders | None:
    if dispatcher is None:
        return None
    ris = settings.orders.ris
    return RadiologyOrders(encounters, patients, hospital, tables, clock,
                           RisConfig(ris.sending_app, ris.receiving_app, settings.institution.fixmedins_code),
                           wake=dispatcher.wake)


def _reconciliation(settings: Settings, store, gateway, reads, uow, journal_store, clock, catalogue, outpatient,
                    rules) -> ReconciliationService:
    r = settings.reconciliation
    config = ReconciliationConfig(settings.institution.fixmedins_code, timedelta(hours=r.reversal_window_hours),
                                  timedelta(minutes=r.doubt_minutes), r.his_mis_check)
    runs = ReconciliationRuns(store, reads, clock, catalogue, config)
    actions = EntryActions(store, gateway, uow, journal_store, clock, config, outpatient.settle, rules)
    return ReconciliationService(store, runs, actions, clock)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    # the hospital's wall time, whatever zone the host is on
    clock = providers.Singleton(lambda s: SystemClock(s.timezone), settings)
    catalogue = providers.Singleton(load_catalogue)
    institution = providers.Singleton(lambda s: s.institution.institution(), settings)

    # a gRPC call holds a connection while it runs: one per worker, a few for the msgid counter and
    # recovery, and some overflow (a journal write inside an open unit of work takes a second one)
    engine = providers.Singleton(lambda s: make_engine(s.database_url, pool_size=s.grpc_workers + 2,
                                                       max_overflow=max(4, s.grpc_workers // 2)), settings)
    session_factory = providers.Singleton(make_session_factory, engine)
    # one per process: within a request scope, the unit of work and the journal share a connection
    connections = providers.Singleton(Connections, session_factory)
    # commits that wrote queue events wake this process's WatchQueue streams
    queue_signal = providers.Singleton(QueueSignal)
    uow = providers.Factory(SqlUnitOfWork, connections, clock, queue_signal=queue_signal)
    journal_store = providers.Singleton(SqlJournalStore, connections)
    msgids = providers.Singleton(SqlMsgIdAllocator, engine, clock=clock)
    ledger = providers.Singleton(SqlRequestLedger, connections)
    audit_trail = providers.Singleton(SqlAuditTrail, connections)

    message_signer = providers.Singleton(_message_signer, settings)
    platform = providers.Selector(
        providers.Callable(lambda s: s.platform.kind, settings),
        simulator=providers.Singleton(_simulator, settings, clock),
        http=providers.Singleton(_http_platform, settings, institution, catalogue, message_signer),
    )
    mobile_pay = providers.Singleton(_mobile_pay, settings, catalogue, clock)
    routed = providers.Singleton(_router, settings, catalogue, platform, mobile_pay)
    # this process, in the journal (owner of each entry) and among the replicas (heartbeat, lease)
    instance_id = providers.Singleton(new_instance_id)
    instances = providers.Singleton(SqlInstanceRegistry, engine)
    in_flight_margin = providers.Callable(lambda s: timedelta(seconds=s.platform.in_flight_margin), settings)
    gateway = providers.Singleton(PlatformGateway, routed, journal_store, msgids, clock, catalogue, institution,
                                  instance_id, in_flight_margin)
    settlement_rules = providers.Singleton(
        lambda s: SettlementRules(mulaid_in_acct_pay=s.platform.acct_mulaid_in_acct_pay), settings)
    outpatient = providers.Singleton(
        OutpatientService, uow.provider, gateway, clock,
        providers.Callable(lambda s, rules: OutpatientConfig(s.register_infno, s.visit_info_infno, rules),
                           settings, settlement_rules))
    inpatient_insurance = providers.Singleton(
        InpatientInsuranceService, uow.provider, gateway, clock,
        providers.Callable(lambda rules: InpatientInsuranceConfig(rules), settlement_rules))
    journal = providers.Singleton(
        JournalService, journal_store, gateway, uow.provider, clock,
        providers.Callable(lambda s: s.system_operator.operator(), settings),
        pending_grace=providers.Callable(lambda s: timedelta(seconds=s.resolver.pending_grace), settings),
        settlement_rules=settlement_rules,
        backoff=providers.Callable(lambda s: timedelta(seconds=s.resolver.backoff), settings),
        max_backoff=providers.Callable(lambda s: timedelta(seconds=s.resolver.max_backoff), settings))
    resolver = providers.Singleton(
        Resolver, journal, instances, clock, instance_id,
        providers.Callable(lambda s: ResolverConfig(interval=timedelta(seconds=s.resolver.interval),
                                                    lease_ttl=timedelta(seconds=s.resolver.lease_ttl)), settings))
    transactions = providers.Singleton(
        TransactionService, catalogue, gateway, providers.Callable(lambda s: s.roles, settings))
    # the catalogue sync has a gateway of its own: same platform (sending only 9001/13xx/9102/9002, it
    # needs no 6xxx routing), journal and msgids; but 9102 bodies are not journaled, so over HTTP
    # they may come as temporary files instead of bytes
    catalog_journal = providers.Singleton(JournalWithoutBodies, journal_store)
    catalog_platform = providers.Singleton(_streaming_downloads, platform)
    catalog_gateway = providers.Singleton(PlatformGateway, catalog_platform, catalog_journal, msgids, clock,
                                          catalogue, institution, instance_id, in_flight_margin)
    catalog_store = providers.Singleton(SqlCatalogStore, engine, clock)
    diagnosis_index = providers.Singleton(SqlDiagnosisIndex, engine, providers.Singleton(PinyinKeys))
    diagnoses = providers.Singleton(DiagnosisSearchService, diagnosis_index)
    field_cipher = providers.Singleton(_field_cipher, settings)
    patient_store = providers.Singleton(SqlPatientStore, connections, field_cipher)
    patients = providers.Singleton(PatientRegistry, patient_store, clock,
                                   providers.Callable(lambda o: o.read_person, outpatient))
    clinic_queues = providers.Singleton(ClinicQueues, providers.Callable(lambda s: s.queues.rules(), settings), clock)
    queue_events = providers.Singleton(SqlQueueEvents, connections)
    queue_hub = providers.Singleton(QueueHub, queue_events, queue_signal,
                                    providers.Callable(lambda s: s.queues.poll_interval, settings),
                                    scope=providers.Callable(lambda c: c.scope, connections))
    queues = providers.Singleton(QueueService, uow.provider, clinic_queues, clock, queue_events, queue_hub)
    catalog_sync = providers.Singleton(
        CatalogSyncService, catalog_gateway, catalog_store, clock, catalogue,
        providers.Callable(lambda s: s.institution.fixmedins_code, settings),
        providers.Callable(lambda s: s.system_operator.operator(), settings), diagnoses=diagnosis_index)
    # hospital master data: versions in the database, the current ones cached per process
    hospital_store = providers.Singleton(SqlMasterDataStore, engine)
    hospital_directory = providers.Singleton(
        CachedHospitalDirectory, hospital_store, providers.Callable(lambda s: s.hospital.cache_check_every, settings))
    hospital_admin = providers.Singleton(
        HospitalAdmin, hospital_store, hospital_directory, clock, gateway,
        providers.Callable(lambda s: s.hospital.poolarea_no or s.institution.mdtrtarea_admvs[:4] + "00", settings))
    # encounters: registration, charges, payments, 门诊流转, over the other contexts' public APIs
    encounters = providers.Singleton(
        EncounterService, uow.provider, outpatient, hospital_directory, patients, clinic_queues, clock,
        providers.Callable(lambda s: EncounterConfig(transfer=s.encounters.transfer.rules(),
                                                     upload_at=s.encounters.upload_at), settings))
    # orders: exam requests (检查申请单多部位) priced by the versioned exam-item tables, charged on the encounter
    exam_table_store = providers.Singleton(SqlExamTableStore, engine)
    exam_tables = providers.Singleton(ExamTables, exam_table_store, clock,
                                      providers.Callable(lambda d: d.charge_item, hospital_directory))
    # the examining departments' system (RIS), when one is configured: ORM^O01 through the outbox, sent
    # by the dispatcher over MLLP; ORU^R01 results back through the listener (App.start_exam_link)
    exam_link = providers.Singleton(_exam_link, settings)
    exam_dispatcher = providers.Singleton(_exam_dispatcher, settings, uow.provider, exam_link, clock)
    radiology = providers.Singleton(_radiology, settings, encounters, patients, hospital_directory, exam_tables,
                                    clock, exam_dispatcher)
    exam_requests = providers.Singleton(ExamRequestService, uow.provider, encounters, exam_tables, clock, radiology)
    item_orders = providers.Singleton(ItemOrders, encounters,
                                      providers.Callable(lambda d: d.charge_item, hospital_directory))
    documents = providers.Singleton(ReportLabDocumentRenderer)  # the embedded font is read once, at first print
    exam_forms = providers.Singleton(
        ExamForms, providers.Callable(lambda r: r.get, exam_requests), encounters, patients, hospital_directory,
        exam_tables, documents, clock, providers.Callable(lambda s: s.institution.fixmedins_name, settings))
    # prescriptions and 处方流转: the formulary read once per process (App.load_formulary), the
    # prescriptions in their table, charges through the encounters' public API
    formulary = providers.Singleton(lambda s, catalog: load_formulary(s.prescriptions.formulary_file, catalog),
                                    settings, catalog_store)
    prescription_store = providers.Singleton(SqlPrescriptionStore, connections)
    prescriptions = providers.Singleton(
        PrescriptionService, prescription_store, providers.Callable(lambda f: lambda: f.formulary, formulary),
        encounters, patients, hospital_directory, gateway, clock,
        providers.Callable(lambda s: PrescriptionConfig(
            limits=s.prescriptions.limits(), valid_days=s.prescriptions.valid_days,
            approved_codes=frozenset(s.prescriptions.approved_codes)), settings))
    # inpatient stays (一站式住院): 住院证, admission with no cashier step, beds, charges, deposit, settlement;
    # the 医保 side of an insured stay (2401-2405, 2301-2305) plugged into the inpatient use cases
    stay_insurance = providers.Singleton(
        PlatformStayInsurance, inpatient_insurance, encounters, hospital_directory, clock, patients,
        providers.Callable(lambda s: timedelta(hours=s.inpatient.insurance_read_max_age_hours), settings))
    inpatient = providers.Singleton(
        InpatientService, uow.provider, encounters, hospital_directory, patients, clock,
        providers.Callable(lambda s: InpatientConfig(
            orders=OrderRules(valid_days=s.inpatient.order_valid_days), default_med_type=s.inpatient.default_med_type,
            waiver_rules=tuple(s.inpatient.waiver_rules), waiver_threshold=s.inpatient.waiver_threshold,
            hospital_name=s.institution.fixmedins_name), settings),
        stay_insurance)
    # 结算单 of outpatient settlements and of stays, printed by the hospital (YH03's fields are not published)
    settlement_slips = providers.Singleton(
        SettlementSlips, outpatient, inpatient, inpatient_insurance, hospital_directory, documents, clock,
        providers.Callable(lambda s: s.institution.fixmedins_name, settings), catalogue)
    # 结算清单 (4101a) of settled insured stays: built by the resolver's follower, completed by the 医保办
    settlement_lists = providers.Singleton(
        SettlementListService, uow.provider, gateway, clock, catalogue, patients, hospital_directory, journal_store,
        providers.Callable(lambda s: SettlementListConfig(
            deadline_days=s.settlement_lists.deadline_days, bill_code=s.settlement_lists.bill_code,
            hi_paymtd=s.settlement_lists.hi_paymtd, fill_dept=s.settlement_lists.fill_dept,
            fill_psn=s.settlement_lists.fill_psn,
            follow_every=timedelta(seconds=s.settlement_lists.follow_every)), settings))
    # settlement reports for the 医保办: figures aggregated in the database, files written in streaming mode
    settlement_figures = providers.Singleton(
        lambda engine, s: SqlSettlementFigures(engine, s.institution.mdtrtarea_admvs), engine, settings)
    reports = providers.Singleton(
        ReportService, settlement_figures, providers.Singleton(SpreadsheetReportFiles), clock,
        providers.Callable(lambda s: s.institution.fixmedins_name, settings))
    # the price list's and the formulary's national codes against the platform's 医保目录 (1312)
    code_check = providers.Singleton(
        lambda g, c, admin, rx: NationalCodeCheck(g, c, price_list(admin), formulary_drugs(lambda: rx.formulary)),
        gateway, clock, hospital_admin, prescriptions)

    # reconciliation with the platform (对账): runs, the 单边账 worklist and its actions
    reconciliation_store = providers.Singleton(SqlReconciliationStore, connections)
    # its runs read through a gateway of their own: a day's listing (5262 / 5267) and result file (9102)
    # are journaled by their size (reconciliation.summarised); its actions go through the main gateway
    reconciliation_gateway = providers.Singleton(
        PlatformGateway, routed, providers.Singleton(JournalWithoutBodies, journal_store, summarised), msgids, clock,
        catalogue, institution, instance_id, in_flight_margin)
    reconciliation = providers.Singleton(_reconciliation, settings, reconciliation_store, gateway,
                                         reconciliation_gateway, uow.provider, journal_store, clock, catalogue,
                                         outpatient, settlement_rules)

    # clearing (清算申请) of reconciled periods, and its printed application form
    clearing = providers.Singleton(
        ClearingService, providers.Singleton(SqlClearingStore, connections), gateway, clock, catalogue, documents,
        providers.Callable(lambda s: ClearingConfig(s.institution.mdtrtarea_admvs, s.institution.fixmedins_name,
                                                    s.institution.fixmedins_code), settings))


@dataclass
class App:
    container: Container
    settings: Settings
    running: list = field(default_factory=list)  # background workers to stop on close()

    @property
    def outpatient(self) -> OutpatientService:
        return self.container.outpatient()

    @property
    def journal(self) -> JournalService:
        return self.container.journal()

    @property
    def inpatient_insurance(self) -> InpatientInsuranceService:
        return self.container.inpatient_insurance()

    @property
    def resolver(self) -> Resolver:
        return self.container.resolver()

    @property
    def transactions(self) -> TransactionService:
        return self.container.transactions()

    @property
    def gateway(self) -> PlatformGateway:
        return self.container.gateway()

    @property
    def catalog_sync(self) -> CatalogSyncService:
        return self.container.catalog_sync()

    @property
    def diagnoses(self) -> DiagnosisSearchService:
        return self.container.diagnoses()

    @property
    def hospital_directory(self) -> CachedHospitalDirectory:
        return self.container.hospital_directory()

    @property
    def hospital_admin(self) -> HospitalAdmin:
        return self.container.hospital_admin()

    def load_hospital_data(self, path: str = "") -> LoadResult | None:
        """The master data file at start: `path`, else the setting hospital.data_file (loaded each
        start: new and changed records become versions, the rest stays), else the demo hospital's
        file when no master data exists yet. None when nothing was to be loaded. The exam-item tables
        follow (load_exam_tables), their items being the price list's."""
        path = path or self.settings.hospital.data_file
        if not path:
            if not self.settings.hospital.load_demo_when_empty or self.container.hospital_store().current()[1]:
                self.load_exam_tables()
                return None
            path = str(demo_file())
        system, records = self.settings.system_operator.operator(), read_data_file(path)
        reason = f"loaded from {path.rsplit('/', 1)[-1]}"
        try:
            result = self.hospital_admin.load(records, system, reason)
        except ConcurrencyConflict:  # another server starting on the same database loaded it first
            result = self.hospital_admin.load(records, system, reason)
        self.load_exam_tables()  # after the price list its items come from
        return result

    def load_exam_tables(self, path: str = "") -> list:
        """The exam-item tables at start, as the hospital's data: `path`, else hospital.exam_tables_file,
        else the demo tables into a database that has none. Returns the versions written."""
        path = path or self.settings.hospital.exam_tables_file
        system, tables = self.settings.system_operator.operator(), self.container.exam_tables()
        for attempt in range(2):
            try:
                if path:
                    return tables.load(read_exam_tables(path), system, f"loaded from {path.rsplit('/', 1)[-1]}")
                if self.settings.hospital.load_demo_when_empty:
                    return tables.load_demo_if_empty(system)
                return []
            except ConcurrencyConflict:  # another server starting on the same database loaded it first
                if attempt:
                    raise
        return []

    @property
    def patients(self) -> PatientRegistry:
        return self.container.patients()

    @property
    def queues(self) -> QueueService:
        return self.container.queues()

    @property
    def clinic_queues(self) -> ClinicQueues:
        return self.container.clinic_queues()

    @property
    def encounters(self) -> EncounterService:
        return self.container.encounters()

    @property
    def prescriptions(self) -> PrescriptionService:
        return self.container.prescriptions()

    @property
    def inpatient(self) -> InpatientService:
        return self.container.inpatient()

    def load_wards(self, path: str = "") -> int:
        """The wards and beds at start, as the hospital's data (after the departments they belong to):
        `path`, else inpatient.wards_file, else the demo wards into a database that has none. Returns how
        many wards were written."""
        path = path or self.settings.inpatient.wards_file
        for attempt in range(2):
            try:
                if path:
                    return self.inpatient.load_wards(read_wards(path))
                if self.settings.hospital.load_demo_when_empty:
                    return self.inpatient.load_wards_if_empty(read_wards(demo_wards_file()))
                return 0
            except ConcurrencyConflict:  # another server starting on the same database loaded them first
                if attempt:
                    raise
        return 0

    def load_formulary(self) -> FormularyLoad:
        """The drug list, read at start (prescriptions.formulary_file, else the demo hospital's); drugs
        the synced national catalogue does not know are in its `problems` (and logged)."""
        return self.container.formulary()

    def start_notice_endpoint(self, address: str = ""):
        """Serve the endpoint the platform pushes 7102 / 7103 to (provisional transport) at `address`
        or prescriptions.notify_address ("host:port"; port 0 picks one), until close(). None when
        neither names one."""
        from adapters.yb_notify import NoticeEndpoint

        address = address or self.settings.prescriptions.notify_address
        if not address:
            return None
        host, _, port = address.rpartition(":")
        rx = self.prescriptions
        endpoint = NoticeEndpoint(dict(zip(NOTICE_INFNOS, (rx.record_review, rx.record_purchase))),
                                  self.container.catalogue(), self.clock.now, host=host or "127.0.0.1",
                                  port=int(port), path=self.settings.prescriptions.notify_path).start()
        self.running.append(endpoint)
        return endpoint

    @property
    def settlement_lists(self) -> SettlementListService:
        return self.container.settlement_lists()

    @property
    def exam_requests(self) -> ExamRequestService:
        return self.container.exam_requests()

    @property
    def reports(self) -> ReportService:
        return self.container.reports()

    @property
    def ledger(self) -> RequestLedger:
        return self.container.ledger()

    @property
    def audit_trail(self) -> AuditTrail:
        return self.container.audit_trail()

    @property
    def clock(self) -> Clock:
        return self.container.clock()

    @property
    def request_scope(self) -> RequestScope:
        return self.container.connections().scope

    def server(self, address: str | None = None, max_workers: int | None = None):
        """The gRPC server (not started) and its port, wired as `his serve` runs it: every service,
        the request scope, request_ids, roles and the audit trail, the hospital's zone and clock, TLS when
        configured. Raises AddressUnavailable, or TlsConfigurationError for TLS files that cannot be used."""
        from services.grpc.server import build_server  # the gRPC layer only where a server is wanted
        from services.grpc.tls import server_credentials

        s = self.settings
        credentials = server_credentials(s.tls.cert_file, s.tls.key_file, s.tls.client_ca_file,
                                         s.tls.require_client_cert)
        return build_server(self.outpatient, self.journal, s.tokens(), address=address or s.grpc_address,
                            max_workers=max_workers or s.grpc_workers, zone=s.timezone, platform=self.transactions,
                            request_scope=self.request_scope, ledger=self.ledger, clock=self.clock,
                            page_token_key=s.page_token_key.encode() or None, credentials=credentials,
                            access=s.access_policy(), audit=self.audit_trail, diagnoses=self.diagnoses,
                            hospital=(self.hospital_admin, self.hospital_directory, self.container.code_check()),
                            patients=self.patients,
                            queues=self.queues, encounters=self.encounters,
                            orders=(self.exam_requests, self.container.exam_tables(), self.container.exam_forms(),
                                    self.container.item_orders()),
                            prescriptions=self.prescriptions, inpatient=self.inpatient,
                            slips=self.container.settlement_slips(), settlement_lists=self.settlement_lists,
                            reconciliation=self.reconciliation, reports=self.reports, clearing=self.clearing)

    def start_resolver(self, resolve: bool = True) -> Resolver:
        """Register this process and beat (and with `resolve`, run the resolver) in the background
        until close()."""
        resolver = self.resolver
        if resolver not in self.running:
            resolver.followers = (self.inpatient.settle_admitting, self.settlement_lists.follow)
            resolver.kind = "serve" if resolve else "cli"
            resolver.start(resolve=resolve)
            self.running.append(resolver)
        return resolver

    @property
    def reconciliation(self) -> ReconciliationService:
        return self.container.reconciliation()

    @property
    def clearing(self) -> ClearingService:
        return self.container.clearing()

    def start_reconciliation_schedule(self) -> ReconciliationSchedule | None:
        """The daily reconciliation (reconciliation.schedule_at), checked in the background until
        close(); None when no time is configured. Every server may run it: the day is claimed."""
        r = self.settings.reconciliation
        if not r.schedule_at or any(isinstance(w, ReconciliationSchedule) for w in self.running):
            return None
        schedule = ReconciliationSchedule(self.reconciliation, self.clock, self.settings.system_operator.operator(),
                                          time.fromisoformat(r.schedule_at), r.days_back,
                                          timedelta(seconds=r.check_every))
        schedule.start()
        self.running.append(schedule)
        return schedule

    def start_exam_link(self) -> None:
        """With a RIS configured: the dispatcher sending the outbox, and the listener of its results
        (orders.ris.listen), in the background until close()."""
        dispatcher = self.container.exam_dispatcher()
        if dispatcher is None or any(getattr(w, "worker", None) is dispatcher for w in self.running):
            return
        dispatcher.start()
        self.running.append(_Closing(dispatcher, self.container.exam_link().close))
        address = self.settings.orders.ris.listen_address()
        if address is not None:
            intake = ExamResultIntake(parse_oru_r01, report_applier(self.exam_requests.record_report),
                                      self.container.uow, self.clock)
            listener = MllpServer(*address, intake, max_frame=self.settings.orders.ris.max_frame)
            listener.start()
            self.running.append(listener)

    def close(self) -> None:
        """Stop the resolver, sign every operator out (9002), store what is still held in memory
        (request_id replies, audit events), release the platform and the database; each step even if
        one before failed."""
        c = self.container
        with ExitStack() as later:  # run last first
            for step in (c.engine().dispose, c.routed().close, c.audit_trail().close, c.ledger().close):
                later.callback(step)
            later.callback(c.queue_hub().close)  # WatchQueue streams end before the database goes
            while self.running:
                self.running.pop().stop()
            operators = {o.code: o.operator() for o in self.settings.operators}
            later.callback(c.reconciliation_gateway().sign_out_all, operators)  # what reconciliation signed in
            self.gateway.sign_out_all(operators)


@dataclass
class _Closing:
    """A background worker and what to release once it stopped."""

    worker: object
    release: object

    def stop(self) -> None:
        try:
            self.worker.stop()
        finally:
            self.release()


def bootstrap(settings: Settings, platform=None) -> App:
    """Wire the application. `platform` replaces the configured one (tests, the benchmark)."""
    container = Container(settings=settings)
    container.message_signer()  # a missing or malformed key stops start-up, not the first call
    if platform is not None:
        container.platform.override(providers.Object(platform))
    return App(container=container, settings=settings)
