"""Domain objects <-> his.v1 messages.

Money crosses the API as decimal strings: Decimal -> str is exact, and str -> Decimal refuses
anything that is not a plain decimal number, naming the offending field so the client sees
"fees[1].pric" rather than a bare "invalid decimal". Times: the domain keeps naive local wall
time (the platform's formats carry no zone); the API carries instants, so each conversion takes
the hospital's zone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

from domain.errors import FieldViolation, ValidationFailed
from domain.journal import JournalEntry
from domain.money import money, quantize, to_decimal
from domain.person import Insurance, InsuredPerson
from domain.platform_time import parse_datetime
from domain.settlement import AMOUNT_FIELDS, FundPayment, Settlement
from domain.text import excerpt
from domain.visit import Diagnosis, FeeItem, Visit
from his.v1 import common_pb2 as pb
from ports.jsoncodec import encode_json

DEFAULT_ZONE = "Asia/Shanghai"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Plain decimals only: exponents ("1e2"), "NaN", "Infinity" and thousands separators are refused.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # ASCII digits only, like every client sends
_MAX_INTEGER_DIGITS = 16  # the platform's 数值型(16, n)
CNT_SCALE, PRIC_SCALE, RATIO_SCALE = 4, 6, 4  # 数值型(16,4) quantity, (16,6) unit price, (5,4) ratio


def zone_of(zone: str | ZoneInfo) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


# ---- scalars -----------------------------------------------------------------------------------
def money_to_str(value: Decimal | None) -> str:
    """Exactly two places ("12.50"); None -> "" (the platform gave nothing)."""
    if value is None:
        return ""
    amount = money(value)
    return format(abs(amount) if amount == 0 else amount, "f")  # never "-0.00"


def decimal_to_str(value: Decimal | None, scale: int | None = None) -> str:
    """Non-money decimals without exponent; with `scale`, in the field's one canonical form (its
    platform scale: cnt 4, pric 6, ratios 4, age 1), whichever method returns it."""
    if value is None:
        return ""
    number = to_decimal(value)
    return format(number if scale is None else quantize(number, scale), "f")


def parse_decimal(text: str, field: str, scale: int = 2) -> Decimal:
    """A plain decimal string with at most `scale` places; ValidationFailed names `field`."""
    found = decimal_violation(text, field, scale)
    if found:
        raise ValidationFailed([found])
    return Decimal(text.strip())


def parse_money(text: str, field: str) -> Decimal:
    return money(parse_decimal(text, field, 2))


def decimal_violation(text: str, field: str, scale: int) -> FieldViolation | None:
    value = text.strip()
    if not value:
        return FieldViolation(field, "is required (a decimal string such as \"12.50\")")
    if not _PLAIN_DECIMAL.fullmatch(value):
        return FieldViolation(field, f"{excerpt(text)} is not a plain decimal number (e.g. \"12.50\")")
    whole, _, fraction = value.lstrip("-").partition(".")
    if len(fraction) > scale:
        return FieldViolation(field, f"{excerpt(text)} has more than {scale} decimal places")
    if len(whole.lstrip("0")) > _MAX_INTEGER_DIGITS - scale:
        return FieldViolation(field, f"{excerpt(text)} is too large")
    return None


def to_timestamp(value: datetime | str | None, zone: ZoneInfo) -> Timestamp | None:
    """Naive local wall time (or an aware datetime) -> instant; None and "" stay None.

    A string in the platform's "yyyy-MM-dd HH:mm:ss" is accepted too: decoded platform output
    (e.g. setlinfo.setl_time) may reach a domain object still in that form."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not yyyy-MM-dd HH:mm:ss")
        value = parsed
    aware = value if value.tzinfo is not None else value.replace(tzinfo=zone)
    # exact integer arithmetic, and several times cheaper than Timestamp.FromDatetime
    since = aware - _EPOCH
    return Timestamp(seconds=since.days * 86400 + since.seconds, nanos=since.microseconds * 1000)


def from_timestamp(ts: Timestamp | None, zone: ZoneInfo) -> datetime | None:
    """Instant -> naive local wall time in `zone`; None -> None."""
    if ts is None:
        return None
    instant = _EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)
    return instant.astimezone(zone).replace(tzinfo=None)


def optional_time(message, name: str, zone: ZoneInfo, field: str | None = None) -> datetime | None:
    """The field's local time, or None when the client left it unset (the use case picks now)."""
    if not message.HasField(name):
        return None
    try:
        return from_timestamp(getattr(message, name), zone)
    except (ValueError, OverflowError):  # a Timestamp outside the years datetime can hold
        raise ValidationFailed([FieldViolation(field or name, "is not a representable time")]) from None


def _set_time(message, name: str, value: datetime | None, zone: ZoneInfo) -> None:
    ts = to_timestamp(value, zone)
    if ts is not None:
        getattr(message, name).CopyFrom(ts)


def _enum(enum_type, prefix: str, value) -> int:
    """Domain enum -> proto enum by name; an unknown state becomes UNSPECIFIED, not a crash."""
    key = (enum_type.DESCRIPTOR.full_name, value)
    number = _ENUM_NUMBERS.get(key)
    if number is None:
        try:
            number = enum_type.Value(f"{prefix}_{value.value}")
        except ValueError:
            number = 0
        _ENUM_NUMBERS[key] = number  # a handful of states: looked up by name once each
    return number


_ENUM_NUMBERS: dict = {}


# ---- domain -> proto ---------------------------------------------------------------------------
def person_to_proto(person: InsuredPerson) -> pb.InsuredPerson:
    return pb.InsuredPerson(
        psn_no=person.psn_no, psn_name=person.psn_name, psn_cert_type=person.psn_cert_type, certno=person.certno,
        gend=person.gend, brdy=person.brdy.isoformat() if person.brdy else "", age=decimal_to_str(person.age, 1),
        naty=person.naty, insurances=[insurance_to_proto(i) for i in person.insurances])


def insurance_to_proto(ins: Insurance) -> pb.Insurance:
    return pb.Insurance(insutype=ins.insutype, balc=money_to_str(ins.balc), psn_type=ins.psn_type,
                        insuplc_admdvs=ins.insuplc_admdvs, psn_insu_stas=ins.psn_insu_stas,
                        cvlserv_flag=ins.cvlserv_flag, emp_name=ins.emp_name)


def visit_to_proto(visit: Visit, zone: ZoneInfo) -> pb.Visit:
    msg = pb.Visit(
        id=visit.id, mdtrt_id=visit.mdtrt_id, psn_no=visit.psn_no, psn_name=visit.psn_name, insutype=visit.insutype,
        med_type=visit.med_type, mdtrt_cert_type=visit.mdtrt_cert_type, mdtrt_cert_no=visit.mdtrt_cert_no,
        ipt_otp_no=visit.ipt_otp_no, dept_code=visit.dept_code, dept_name=visit.dept_name, caty=visit.caty,
        atddr_no=visit.atddr_no, dr_name=visit.dr_name, insuplc_admdvs=visit.insuplc_admdvs,
        state=_enum(pb.VisitState, "VISIT_STATE", visit.state), settling_batch=visit.settling_batch,
        diagnoses=[diagnosis_to_proto(d, zone) for d in visit.diagnoses],
        fees=[fee_to_proto(f, zone) for f in visit.fees],
        settlements=[settlement_to_proto(s, zone) for s in visit.settlements], version=visit.version)
    _set_time(msg, "begntime", visit.begntime, zone)
    return msg


def diagnosis_to_proto(d: Diagnosis, zone: ZoneInfo) -> pb.Diagnosis:
    msg = pb.Diagnosis(diag_type=d.diag_type, diag_srt_no=d.diag_srt_no, diag_code=d.diag_code,
                       diag_name=d.diag_name, diag_dept=d.diag_dept, dise_dor_no=d.dise_dor_no,
                       dise_dor_name=d.dise_dor_name, vali_flag=d.vali_flag, maindiag_flag=d.maindiag_flag)
    _set_time(msg, "diag_time", d.diag_time, zone)
    return msg


def fee_to_proto(f: FeeItem, zone: ZoneInfo) -> pb.FeeItem:
    msg = pb.FeeItem(
        feedetl_sn=f.feedetl_sn, chrg_bchno=f.chrg_bchno, med_list_codg=f.med_list_codg,
        medins_list_codg=f.medins_list_codg, medins_list_name=f.medins_list_name,
        det_item_fee_sumamt=money_to_str(f.det_item_fee_sumamt), cnt=decimal_to_str(f.cnt, CNT_SCALE),
        pric=decimal_to_str(f.pric, PRIC_SCALE), bilg_dept_codg=f.bilg_dept_codg, bilg_dept_name=f.bilg_dept_name,
        bilg_dr_codg=f.bilg_dr_codg, bilg_dr_name=f.bilg_dr_name, rx_circ_flag=f.rx_circ_flag,
        hosp_appr_flag=f.hosp_appr_flag, state=_enum(pb.FeeState, "FEE_STATE", f.state), chrgitm_lv=f.chrgitm_lv,
        med_chrgitm_type=f.med_chrgitm_type, fulamt_ownpay_amt=money_to_str(f.fulamt_ownpay_amt),
        overlmt_amt=money_to_str(f.overlmt_amt), preselfpay_amt=money_to_str(f.preselfpay_amt),
        inscp_scp_amt=money_to_str(f.inscp_scp_amt))
    _set_time(msg, "fee_ocur_time", f.fee_ocur_time, zone)
    return msg


def settlement_to_proto(s: Settlement, zone: ZoneInfo, preview: bool = False) -> pb.Settlement:
    """`preview`: a 2206 result, never recorded, so it has no state."""
    msg = pb.Settlement(
        setl_id=s.setl_id, medins_setl_id=s.medins_setl_id, mdtrt_id=s.mdtrt_id, psn_no=s.psn_no,
        chrg_bchno=s.chrg_bchno, insutype=s.insutype, med_type=s.med_type,
        state=0 if preview else _enum(pb.SettlementState, "SETTLEMENT_STATE", s.state),
        cancel_setl_id=s.cancel_setl_id, clr_type=s.clr_type, clr_way=s.clr_way, clr_optins=s.clr_optins,
        pool_prop_selfpay=decimal_to_str(s.pool_prop_selfpay, RATIO_SCALE),
        fund_payments=[fund_payment_to_proto(d) for d in s.details], discrepancies=s.discrepancies,
        **{name: money_to_str(getattr(s, name)) for name in AMOUNT_FIELDS})
    _set_time(msg, "setl_time", s.setl_time, zone)
    return msg


def fund_payment_to_proto(d: FundPayment) -> pb.FundPayment:
    return pb.FundPayment(fund_pay_type=d.fund_pay_type, fund_pay_type_name=d.fund_pay_type_name,
                          fund_payamt=money_to_str(d.fund_payamt), inscp_scp_amt=money_to_str(d.inscp_scp_amt),
                          crt_payb_lmt_amt=money_to_str(d.crt_payb_lmt_amt), setl_proc_info=d.setl_proc_info)


def journal_entry_to_proto(e: JournalEntry, zone: ZoneInfo) -> pb.JournalEntry:
    msg = pb.JournalEntry(
        id=e.id or 0, msgid=e.msgid, infno=e.infno, state=_enum(pb.JournalState, "JOURNAL_STATE", e.state),
        err_msg=e.err_msg, operator_code=e.operator_code, psn_no=e.psn_no, mdtrt_id=e.mdtrt_id,
        visit_id=e.visit_id, resolution=e.resolution, reversal_msgid=e.reversal_msgid,
        request_json=encode_json(e.request) if e.request is not None else "",
        reply_json=encode_json(e.reply) if e.reply is not None else "", inf_refmsgid=e.inf_refmsgid,
        discrepancy=e.discrepancy, owner=e.owner, attempts=e.attempts,
        next_step=e.next_step(datetime.now(zone).replace(tzinfo=None)))
    if e.infcode is not None:
        msg.infcode = int(e.infcode)
    _set_time(msg, "created_at", e.created_at, zone)
    _set_time(msg, "finished_at", e.finished_at, zone)
    if not e.state.resolved:
        _set_time(msg, "in_flight_until", e.in_flight_until, zone)
        _set_time(msg, "retry_at", e.retry_at, zone)
    return msg


# ---- proto -> domain ---------------------------------------------------------------------------
class _Reader:
    """Collects every violation of a request, so one reply lists all bad fields."""

    def __init__(self) -> None:
        self.violations: list[FieldViolation] = []

    def decimal(self, text: str, field: str, scale: int) -> Decimal:
        found = decimal_violation(text, field, scale)
        if found:
            self.violations.append(found)
            return Decimal(0)
        return Decimal(text.strip())

    def time(self, message, name: str, field: str, zone: ZoneInfo) -> datetime | None:
        if not message.HasField(name):
            self.violations.append(FieldViolation(field, "is required"))
            return None
        try:
            return optional_time(message, name, zone, field)
        except ValidationFailed as exc:
            self.violations.extend(exc.violations)
            return None

    def done(self) -> None:
        if self.violations:
            raise ValidationFailed(self.violations)


def fees_from_proto(rows: Iterable, zone: ZoneInfo, field: str = "fees") -> list[FeeItem]:
    """FeeItemInput rows -> FeeItems; all bad decimals and missing times reported at once."""
    read, items = _Reader(), []
    for i, row in enumerate(rows):
        at = f"{field}[{i}]"
        items.append(FeeItem(
            feedetl_sn=row.feedetl_sn, chrg_bchno=row.chrg_bchno, med_list_codg=row.med_list_codg,
            medins_list_codg=row.medins_list_codg, medins_list_name=row.medins_list_name,
            det_item_fee_sumamt=money(read.decimal(row.det_item_fee_sumamt, f"{at}.det_item_fee_sumamt", 2)),
            cnt=read.decimal(row.cnt, f"{at}.cnt", CNT_SCALE), pric=read.decimal(row.pric, f"{at}.pric", PRIC_SCALE),
            fee_ocur_time=read.time(row, "fee_ocur_time", f"{at}.fee_ocur_time", zone),
            bilg_dept_codg=row.bilg_dept_codg, bilg_dept_name=row.bilg_dept_name, bilg_dr_codg=row.bilg_dr_codg,
            bilg_dr_name=row.bilg_dr_name, rx_circ_flag=row.rx_circ_flag or "0",
            hosp_appr_flag=row.hosp_appr_flag or "1"))
    read.done()
    return items


def diagnoses_from_proto(rows: Iterable, zone: ZoneInfo, field: str = "diagnoses") -> list[Diagnosis]:
    read, found = _Reader(), []
    for i, row in enumerate(rows):
        found.append(Diagnosis(
            diag_type=row.diag_type, diag_srt_no=row.diag_srt_no, diag_code=row.diag_code, diag_name=row.diag_name,
            diag_dept=row.diag_dept, dise_dor_no=row.dise_dor_no, dise_dor_name=row.dise_dor_name,
            diag_time=read.time(row, "diag_time", f"{field}[{i}].diag_time", zone),
            vali_flag=row.vali_flag or "1", maindiag_flag=row.maindiag_flag or "0"))
    read.done()
    return found


def renamed(exc: ValidationFailed, paths: dict[str, str]) -> ValidationFailed:
    """The use cases name what they refuse by the platform's paths ("feedetail[2].cnt",
    "data.mdtrt_cert_no"); clients know the request's own field paths ("fees[2].cnt",
    "mdtrt_cert_no"). `paths` maps a platform path, or a prefix of one (a node or array name), to
    the request's: the longest match wins, row indexes and leaf names carry over; "" drops the
    prefix ("data" → "" turns "data.psn_no" into "psn_no")."""
    ordered = sorted(paths.items(), key=lambda kv: len(kv[0]), reverse=True)

    def rename(path: str) -> str:
        for old, new in ordered:
            if path == old:
                return new or path
            if path.startswith((old + "[", old + ".")):
                rest = path[len(old):]
                return (new + rest) if new else rest.lstrip(".")
        return path
    violations = [FieldViolation(rename(v.field), v.description) for v in exc.violations]
    return ValidationFailed(violations, subject=exc.subject)


@contextmanager
def request_paths(paths: dict[str, str]):
    """Within the block, a ValidationFailed comes out named by the request's paths (see `renamed`)."""
    try:
        yield
    except ValidationFailed as exc:
        raise renamed(exc, paths) from exc


def required(request, *names: str) -> None:
    """INVALID_ARGUMENT naming each of `names` the request left empty (before any lookup, so an empty
    id is the client's mistake, not a NOT_FOUND)."""
    missing = [FieldViolation(name, "is required") for name in names if not getattr(request, name)]
    if missing:
        raise ValidationFailed(missing)


def optional_date(text: str, field: str, problems: list[FieldViolation]) -> date | None:
    """"YYYY-MM-DD" -> date; "" -> None; anything else noted in `problems` (None)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.append(FieldViolation(field, f"{excerpt(text)} is not a date YYYY-MM-DD"))
        return None
