"""Configuration: defaults < TOML file (--config / HIS_CONFIG) < environment (HIS_*) < command line.

Every default runs a working demo: SQLite file, the simulator as the platform, one demo operator.
"""
from __future__ import annotations

import base64
import binascii
import os
import tomllib
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from domain.encounters import OldRegistration, TransferRules
from domain.institution import Institution
from domain.operator import Operator
from domain.prescriptions import DrugKind, RxCategory, RxLimits
from domain.queues import QueueRules
from services.access import AccessPolicy


class OperatorToken(BaseModel):
    """A bearer token and the operator it stands for (opter / opter_name / opter_type)."""

    token: str
    code: str
    name: str
    type: str = "1"
    role: str = "clerk"

    def operator(self) -> Operator:
        return Operator(code=self.code, name=self.name, type=self.type, role=self.role)


class PlatformSettings(BaseModel):
    kind: Literal["simulator", "http"] = "simulator"
    url: str = ""  # full endpoint URL when kind = http
    paasid: str = "his"
    token: str = "his-secret"
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    # How long after the HIS gave up waiting (read timeout, lost connection) its request may still
    # reach the platform and take effect. Before it ends, "the platform shows nothing" proves nothing.
    in_flight_margin: float = Field(60.0, ge=0)
    sim_policy: str = ""  # simulator policy TOML; empty = the packaged default
    # the simulator's answer to a 2601 whose original it has not seen: "refuse" (a late original still
    # commits) or "remember" (a late original is refused as 报文ID重复)
    sim_unknown_reversal: Literal["refuse", "remember"] = "refuse"
    # The region's settlement arithmetic: whether 个人账户共济支付 (acct_mulaid_pay) is counted inside
    # acct_pay. Only used to notice sums that do not hold (recorded, never acted on).
    acct_mulaid_in_acct_pay: bool = False


class ResolverSettings(BaseModel):
    """The background resolver of doubtful platform calls (one acting per database, by lease)."""

    enabled: bool = True
    interval: float = Field(5.0, gt=0)  # seconds between passes
    pending_grace: float = Field(600.0, gt=0)  # a PENDING entry older than this is settled whoever sent it
    lease_ttl: float = Field(30.0, gt=0)  # a process silent this long is dead; its lease passes on
    backoff: float = Field(5.0, gt=0)  # first wait between attempts at an entry still open, doubling
    max_backoff: float = Field(300.0, gt=0)


class MobilePaySettingsModel(BaseModel):
    """The local mobile-payment centre (6xxx). Empty url: with the simulator platform the 6xxx
    calls go to the simulator like the rest; with an HTTP platform they are refused unsent."""

    url: str = ""  # the centre's base URL; paths are appended per transaction
    app_id: str = ""
    app_secret: str = ""
    platform_public_key: str = ""  # Base64 SM2 public key of the centre
    private_key: str = ""  # Base64 SM2 private key of our channel
    connect_timeout: float = 5.0
    read_timeout: float = 30.0


class InstitutionSettings(BaseModel):
    fixmedins_code: str = "H42010600001"
    fixmedins_name: str = "武汉市示范医院"
    mdtrtarea_admvs: str = "420106"
    recer_sys_code: str = "YBXT"
    infver: str = "V1.0"  # issued by the local bureau; Huangshi's requests carry "1"
    # sent as they are while message_signing is off; when it is on, the signer sets both
    signtype: str = ""
    cainfo: str = ""

    def institution(self) -> Institution:
        return Institution(**self.model_dump())


class MessageSigningSettings(BaseModel):
    """The envelope's own signature (signtype + cainfo, SM3withSM2 in Base64) on every request
    to an HTTP platform, for deployments that check it (Huangshi sends signtype "SM2"). Off by
    default. What is signed is provisional, unconfirmed by public sources: `sorted_fields` (the
    top-level fields but cainfo and input, ASCII-sorted, key=value joined by "&"; a Hubei
    implementation's form) or `input` (the input JSON exactly as sent; another province's)."""

    enabled: bool = False
    private_key: str = ""  # Base64 of the 32-byte SM2 private key; required when enabled
    user_id: str = "1234567812345678"  # SM2 signer id (GM/T 0009 default)
    signing_string: Literal["sorted_fields", "input"] = "sorted_fields"
    signtype: str = "SM2"


class TlsSettings(BaseModel):
    """TLS for the gRPC server (PEM files). No cert_file: plaintext, for a closed network or behind a
    TLS-terminating proxy. Hospital systems that present client certificates: client_ca_file (the CA
    that signs them) with require_client_cert = true."""

    cert_file: str = ""  # the server's certificate (chain), PEM
    key_file: str = ""  # its private key, PEM, unencrypted
    client_ca_file: str = ""
    require_client_cert: bool = False


class TransferSettings(BaseModel):
    """门诊流转 of an insured encounter: which transfers need a new 医保 registration, and what becomes
    of the old one then (cancel: 2202; keep: it stays registered, linked to the new one)."""

    new_registration_on_med_type_change: bool = True
    new_registration_on_other_day: bool = True
    new_registration_for_separate_clinic: bool = True  # Clinic.registers_separately
    old_registration: Literal["cancel", "keep"] = "cancel"

    def rules(self) -> TransferRules:
        return TransferRules(self.new_registration_on_med_type_change, self.new_registration_on_other_day,
                             self.new_registration_for_separate_clinic,
                             OldRegistration.CANCELLED if self.old_registration == "cancel" else OldRegistration.KEPT)


class EncounterSettings(BaseModel):
    transfer: TransferSettings = Field(default_factory=TransferSettings)
    # an insured encounter's order lines go to the platform (2204) when the doctor signs ("SIGN"), so
    # the cashier and the doctor see the platform's classification early; or only when paid ("PAYMENT")
    upload_at: Literal["SIGN", "PAYMENT"] = "SIGN"


class PatientSettings(BaseModel):
    """The patient index. `data_key`: Base64 of 32 random bytes (`python -c "import os, base64;
    print(base64.b64encode(os.urandom(32)).decode())"`); identity numbers, phones and addresses are
    encrypted under it and looked up by keyed digests derived from it, so it must stay the same for
    the life of the database. Empty: the built-in development key, with a warning at start-up."""

    data_key: str = ""

    @field_validator("data_key")
    @classmethod
    def _thirty_two_bytes(cls, value: str) -> str:
        if value:
            try:
                raw = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError("patients.data_key is not Base64") from None
            if len(raw) < 32:
                raise ValueError(f"patients.data_key holds {len(raw)} bytes: it needs 32 (Base64 of 32 random bytes)")
        return value


# Role -> what it may send through the generic PlatformService.Invoke (services/transactions.py
# `grants`): "*", a catalogue group or its top level ("医保服务"), or a code prefix ("22"). Which RPCs a
# role may call at all is `role_permissions` (services/access.py). A configured `roles` table
# replaces this whole default.
DEFAULT_ROLES = {
    "clerk": ["基础信息", "医保服务", "其他"],
    "admin": ["*"],
    "system": ["*"],
    "insurance_office": ["*"],
    "auditor": ["信息查询"],  # the 5xxx queries: reads only
}

DEMO_OPERATORS = [OperatorToken(token="demo-token", code="1001", name="演示收费员", role="clerk")]


class HospitalSettings(BaseModel):
    """The hospital master data: its file at start, and how fresh each process's cache stays."""

    data_file: str = ""  # loaded at every start when set (changes become versions); empty: the demo set, once
    # the exam-item tables (检查项目价表, one per exam type) likewise: {"exam_tables": [...]}
    exam_tables_file: str = ""
    load_demo_when_empty: bool = True  # an empty database gets the demo hospital's departments, staff, prices
    # a change made by another server process is seen here within this many seconds (0: at every lookup)
    cache_check_every: float = Field(1.0, ge=0)
    poolarea_no: str = ""  # 统筹区 sent with 3401 for a department that names none; empty: from mdtrtarea_admvs


class QueueSettings(BaseModel):
    """The clinic queues' rules (HIS_QUEUES__...)."""

    # priority rules, first served first: emergency, elderly, returning_with_results (one left out: no priority)
    priority: list[str] = Field(default_factory=lambda: ["emergency", "elderly", "returning_with_results"])
    elderly_age: int = Field(80, ge=0, le=150)
    skip_places: int = Field(3, ge=0)  # a skipped patient goes back behind the next this many waiting
    no_show_after_skips: int = Field(2, ge=0)  # the skip that makes this many marks NO_SHOW (0: never)
    poll_interval: float = Field(0.5, gt=0, le=60)  # WatchQueue: seconds between reads for other processes' changes

    @model_validator(mode="after")
    def _known_rules(self) -> QueueSettings:
        self.rules()  # a misspelt rule is refused at start-up
        return self

    def rules(self) -> QueueRules:
        return QueueRules(tuple(self.priority), self.elderly_age, self.skip_places, self.no_show_after_skips)


class RisSettings(BaseModel):
    """The radiology / ultrasound department's system (RIS): exam requests go to it as HL7 ORM^O01 over
    MLLP, results come back as ORU^R01 (HIS_ORDERS__RIS__...). No host: no RIS, nothing is sent."""

    host: str = ""  # where the RIS takes orders; empty: disabled
    port: int = Field(2575, ge=1, le=65535)
    listen: str = ""  # "host:port" the results listener binds, e.g. "0.0.0.0:2576"; empty: none
    sending_app: str = "HIS"  # MSH-3
    receiving_app: str = "RIS"  # MSH-5
    timeout: float = Field(10.0, gt=0)  # seconds to connect, and to wait for each ACK
    backoff: float = Field(5.0, gt=0)  # first wait after a failed send, doubling
    max_backoff: float = Field(300.0, gt=0)
    interval: float = Field(2.0, gt=0)  # seconds between looks into the outbox
    max_frame: int = Field(1 << 20, ge=1024)  # bytes of one inbound MLLP frame

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def listen_address(self) -> tuple[str, int] | None:
        if not self.listen:
            return None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]") or "0.0.0.0", int(port)

    @field_validator("listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        if value:
            host, colon, port = value.rpartition(":")
            if not colon or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"orders.ris.listen is host:port, got {value!r}")
        return value


class OrdersSettings(BaseModel):
    ris: RisSettings = Field(default_factory=RisSettings)


class PrescriptionSettings(BaseModel):
    """Prescriptions and 处方流转. Limits: days' supply by category (ORDINARY 普通, EMERGENCY 急诊,
    PEDIATRIC 儿科, NARCOTIC 麻精), of a chronic-disease prescription, drugs per prescription by kind
    (WESTERN 西药中成药, HERBAL 中药饮片). `notify_address`: host:port of the endpoint the platform
    pushes 7102 / 7103 to (provisional transport; "" = not served), path `notify_path`."""

    formulary_file: str = ""  # the hospital's drug list (JSON); empty: the demo hospital's
    days: dict[str, int] = Field(default_factory=lambda: {"ORDINARY": 7, "EMERGENCY": 3, "PEDIATRIC": 7,
                                                          "NARCOTIC": 3})
    chronic_days: int = Field(30, ge=1, le=366)
    max_items: dict[str, int] = Field(default_factory=lambda: {"WESTERN": 5, "HERBAL": 30})
    valid_days: int = Field(3, ge=1, le=30)  # 处方有效天数 of a circulated prescription
    approved_codes: list[str] = Field(default_factory=lambda: ["1"])  # rx_chk_stas_codg read as 审核通过
    notify_address: str = ""
    notify_path: str = "/yb/notify"

    @model_validator(mode="after")
    def _known_limits(self) -> PrescriptionSettings:
        self.limits()  # a misspelt category or kind is refused at start-up
        return self

    def limits(self) -> RxLimits:
        defaults = RxLimits()
        try:
            days = {**defaults.days, **{RxCategory(k): int(v) for k, v in self.days.items()}}
            items = {**defaults.max_items, **{DrugKind(k): int(v) for k, v in self.max_items.items()}}
        except ValueError as exc:
            raise ValueError(f"prescriptions: {exc}") from None
        if min((*days.values(), *items.values())) < 1:
            raise ValueError("prescriptions: days and max_items must be at least 1")
        return RxLimits(days=days, chronic_days=self.chronic_days, max_items=items)


class InpatientSettings(BaseModel):
    """Inpatient stays (HIS_INPATIENT__...): the wards file, how long an unused 住院证 stays good, the
    医疗类别 of an insured order that names none, and the deposit waivers (预交金减免) the hospital allows."""

    wards_file: str = ""  # loaded at every start when set (new wards and beds added); empty: the demo wards, once
    order_valid_days: int = Field(7, ge=0, le=90)  # days past the planned date
    default_med_type: str = "21"  # 普通住院
    waiver_rules: list[str] = Field(default_factory=lambda: ["GREEN_CHANNEL", "INSURED_BELOW_THRESHOLD"])
    waiver_threshold: Decimal = Field(Decimal("1000.00"), ge=0)  # INSURED_BELOW_THRESHOLD: suggested deposit at most
    # an insured admission reads the insurance again (1101) before its 2401 when the last read is older than this
    insurance_read_max_age_hours: float = Field(24.0, ge=0)


class ReconciliationSettings(BaseModel):
    """Reconciliation with the platform (HIS_RECONCILIATION__...): the daily run after closing, the
    reversal window of a 单边账, when a claim left SETTLING joins the worklist, the HIS-MIS check."""

    schedule_at: str = ""  # "HH:MM" (hospital time): run each day once this has passed; empty: no schedule
    days_back: int = Field(0, ge=0, le=7)  # 0: reconcile the day itself (after closing); 1: the day before
    check_every: float = Field(60.0, gt=0)  # seconds between the scheduler's looks
    reversal_window_hours: float = Field(24.0, ge=0)  # 冲正 of a platform-only settlement allowed this long
    doubt_minutes: float = Field(10.0, ge=0)  # a claim SETTLING longer than this is on the worklist
    his_mis_check: bool = True  # compare with 5262 / 5267 besides 3201 / 3202

    @field_validator("schedule_at")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        if value:
            try:
                time.fromisoformat(value)
            except ValueError:
                raise ValueError(f"schedule_at {value!r} is not a time of day HH:MM") from None
        return value


class SettlementListSettings(BaseModel):
    """Settlement lists (结算清单, 4101a; HIS_SETTLEMENT_LISTS__...). deadline_days is PROVISIONAL: the
    spec data names no deadline; the region's rule is to be confirmed with the 医保 centre."""

    deadline_days: int = Field(7, ge=1, le=90)  # days after the settlement the list must be uploaded by
    bill_code: str = Field("", max_length=50)  # 票据代码 of the hospital's receipts; empty: filled per list
    hi_paymtd: str = Field("", max_length=3)  # 医保支付方式; empty: filled per list
    fill_dept: str = Field("", max_length=100)  # 医疗机构填报部门
    fill_psn: str = Field("", max_length=50)  # 医疗机构填报人
    follow_every: float = Field(60.0, ge=0)  # seconds between the resolver follower's builds


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HIS_", env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite:///var/his.db"
    grpc_address: str = "[::]:50051"
    grpc_workers: int = Field(16, ge=1, le=256)  # also sizes the database pool: each call holds a connection
    timezone: str = "Asia/Shanghai"  # the hospital's zone: every platform time and msgid is its wall time
    # signs list page tokens; several servers behind one address need the same (>= 16 characters).
    # Empty: a random key per process, so a token lapses when its server restarts.
    page_token_key: str = Field("", min_length=0)
    register_infno: Literal["2201", "2201A"] = "2201A"
    visit_info_infno: Literal["2203", "2203A"] = "2203"
    institution: InstitutionSettings = Field(default_factory=InstitutionSettings)
    platform: PlatformSettings = Field(default_factory=PlatformSettings)
    resolver: ResolverSettings = Field(default_factory=ResolverSettings)
    mobile_pay: MobilePaySettingsModel = Field(default_factory=MobilePaySettingsModel)
    message_signing: MessageSigningSettings = Field(default_factory=MessageSigningSettings)
    tls: TlsSettings = Field(default_factory=TlsSettings)
    encounters: EncounterSettings = Field(default_factory=EncounterSettings)  # HIS_ENCOUNTERS__TRANSFER__...
    patients: PatientSettings = Field(default_factory=PatientSettings)
    operators: list[OperatorToken] = Field(default_factory=lambda: list(DEMO_OPERATORS))
    system_operator: OperatorToken = Field(
        default_factory=lambda: OperatorToken(token="", code="SYS", name="系统自动冲正", type="1", role="system"))
    roles: dict[str, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_ROLES.items()})
    # role -> permissions ("visit.register", "visit.*", "*"), over the built-in roles (services/access.py):
    # a role named here is added, or replaces the built-in one of that name
    role_permissions: dict[str, list[str]] = Field(default_factory=dict)
    hospital: HospitalSettings = Field(default_factory=HospitalSettings)
    queues: QueueSettings = Field(default_factory=QueueSettings)
    orders: OrdersSettings = Field(default_factory=OrdersSettings)  # HIS_ORDERS__RIS__HOST ...
    prescriptions: PrescriptionSettings = Field(default_factory=PrescriptionSettings)
    inpatient: InpatientSettings = Field(default_factory=InpatientSettings)  # HIS_INPATIENT__WARDS_FILE ...
    reconciliation: ReconciliationSettings = Field(default_factory=ReconciliationSettings)
    settlement_lists: SettlementListSettings = Field(default_factory=SettlementListSettings)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings) -> tuple[PydanticBaseSettingsSource, ...]:
        # explicit arguments (the command line) win over the environment, which wins over the file
        return init_settings, env_settings, _TomlSource(settings_cls)

    @field_validator("page_token_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value.encode()) < 16:
            raise ValueError("page_token_key needs at least 16 bytes (or leave it empty for a per-process key)")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)") from None
        return value

    @model_validator(mode="after")
    def _known_roles(self) -> Settings:
        # a role nobody defined would deny every call of its operators: refused at start-up instead
        policy = self.access_policy()  # an entry that names no permission is refused here too
        for o in self.operators:
            policy.require_known(o.role, f"operator {o.code} ({o.name})")
        policy.require_known(self.system_operator.role, "system_operator")
        for role in self.roles:
            policy.require_known(role, "the roles table (Invoke grants)")
        return self

    def access_policy(self) -> AccessPolicy:
        return AccessPolicy(self.role_permissions)

    def tokens(self) -> dict[str, Operator]:
        return {o.token: o.operator() for o in self.operators}


class _TomlSource(PydanticBaseSettingsSource):
    def get_field_value(self, field, field_name):  # pragma: no cover - whole-file source
        return None, field_name, False

    def __call__(self) -> dict:
        path = os.environ.get("HIS_CONFIG", "")
        if not path:
            return {}
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
