"""An exam request in HL7 v2.5 for the radiology / ultrasound department's system (RIS), and its results back.

Out: ORM^O01, one ORC + OBR per body part (ORC-1 NW new, CA cancel). OBR-2, the placer order number, is
"<request id>-<part no>", so a result names the part it reports on. In: ORU^R01, one OBR per reported
part, its OBX-5 lines the report text. Pure translation, no I/O.

Text is UTF-8 (MSH-18 "UNICODE UTF-8"): Chinese goes as it is. HL7 delimiters in free text are escaped
with python-hl7's escape, applied to the ASCII runs only: that function writes any non-ASCII character
as a \\X..\\ hex escape of its code point, which no receiver reads back as UTF-8.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import hl7

from domain.errors import FieldViolation, ValidationFailed
from domain.orders import ExamMethod, ExamRequest, PartState, Urgency
from domain.text import excerpt

VERSION = "2.5"
CHARSET = "UNICODE UTF-8"
SEPARATORS = "\r|~^&"
_CODEC = hl7.Message(separators=SEPARATORS)  # carries the delimiters python-hl7's escape/unescape use
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
_LINE_BREAKS = re.compile(r"\r\n|\n|\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # \r stays: it is the line break

METHOD_NAMES = {ExamMethod.PLAIN: "平扫", ExamMethod.CONTRAST: "增强", ExamMethod.PLAIN_AND_CONTRAST: "平扫+增强"}
PRIORITY = {Urgency.ROUTINE: "R", Urgency.URGENT: "S"}  # HL7 table 0027: R routine, S stat
RESULT_STATUSES = ("F", "P", "C")  # HL7 table 0123: final, preliminary, corrected
ORDER_CONTROL = {"NEW": "NW", "CANCEL": "CA"}
MAX_CONTROL_ID = 20  # MSH-10 is ST(20) in v2.5
ACK_TEXT = 200  # characters of MSA-3: enough for the field paths of what was wrong, not a whole report


@dataclass(frozen=True)
class ExamOrderContext:
    """What an ORM carries beside the exam request: the patient, the visit, who asks, the names of things."""

    patient_id: str
    patient_name: str
    sex: str  # "M" / "F" / "U" (HL7 table 0001)
    birth_date: date | None
    encounter_id: str
    clinic_code: str  # the ordering clinic / department
    clinic_name: str
    doctor_code: str
    doctor_name: str
    part_names: dict[str, str]  # part_code -> 部位名
    exam_type_name: str  # CT, 超声 ...
    hospital_code: str  # the facility (MSH-4 / MSH-6)


@dataclass(frozen=True)
class ExamResult:
    """One reported part, from an ORU^R01."""

    request_id: str
    part_no: int
    report_text: str  # the OBX-5 text lines, joined by "\n"
    reported_at: datetime | None  # OBR-22 or the first OBX-14, the hospital's wall time
    result_status: str  # OBR-25: F final, P preliminary, C corrected
    control_id: str  # the ORU's MSH-10


# ---- out: ORM^O01 ---------------------------------------------------------------------------------
def escape(text: str) -> str:
    """Free text as an HL7 field value: delimiters escaped, line breaks as \\.br\\, other control
    characters dropped, non-ASCII (Chinese) as it is."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\r", text).replace("\t", " "))
    return "".join(_CODEC.escape(run) if run[0] < "\x80" else run for run in _ASCII_RUNS.findall(text))


def unescape(value: str) -> str:
    return _LINE_BREAKS.sub("\n", _CODEC.unescape(value)) if value else ""


def hl7_time(at: datetime) -> str:
    return at.strftime("%Y%m%d%H%M%S")


def _components(*values: str) -> str:
    return "^".join(escape(v) for v in values).rstrip("^")


def _segment(name: str, fields: dict[int, str]) -> str:
    """A segment from already-encoded field values by field number (gaps left empty)."""
    last = max(fields, default=0)
    return "|".join([name] + [fields.get(n, "") for n in range(1, last + 1)])


def _msh(control_id: str, at: datetime, message_type: str, sending_app: str, receiving_app: str,
         facility: str) -> str:
    # MSH-1 is the field separator itself, so the fields after MSH-2 start at number 3
    fields = {3: escape(sending_app), 4: escape(facility), 5: escape(receiving_app), 6: escape(facility),
              7: hl7_time(at), 9: message_type, 10: escape(control_id), 11: "P", 12: VERSION, 15: "AL",
              16: "NE", 17: "CHN", 18: CHARSET}
    return "MSH|^~\\&|" + "|".join(fields.get(n, "") for n in range(3, 19))


def _check_control_id(control_id: str, field: str = "control_id") -> None:
    if not control_id.strip() or len(control_id) > MAX_CONTROL_ID or not control_id.isprintable():
        raise ValidationFailed([FieldViolation(field, f"needs 1 to {MAX_CONTROL_ID} printable characters, "
                                                      f"got {excerpt(control_id)}")])


def placer_order_number(request_id: str, part_no: int) -> str:
    return f"{request_id}-{part_no}"


def orm_o01(request: ExamRequest, ctx: ExamOrderContext, control_id: str, action: Literal["NEW", "CANCEL"],
            parts: Sequence[int] | None = None, *, at: datetime, sending_app: str, receiving_app: str) -> str:
    """The ORM^O01 for `parts` of the request (their numbers; None: every part, but for NEW the
    cancelled ones). Segments end with CR, as HL7 has them; no MLLP framing."""
    _check_control_id(control_id)
    violations: list[FieldViolation] = []
    if action not in ORDER_CONTROL:
        violations.append(FieldViolation("action", f"is NEW or CANCEL, not {excerpt(action)}"))
    if parts is None:
        chosen = [p for p in request.parts if action != "NEW" or p.state is not PartState.CANCELLED]
    else:
        known = {p.no: p for p in request.parts}
        chosen = []
        for i, no in enumerate(parts):
            if no not in known:
                violations.append(FieldViolation(f"parts[{i}]", f"exam request {request.id} has no part {no}"))
            elif known[no] in chosen:
                violations.append(FieldViolation(f"parts[{i}]", f"part {no} is named twice"))
            else:
                chosen.append(known[no])
    if not chosen and not violations:
        violations.append(FieldViolation("parts", "no part to send"))
    for p in chosen:
        if not ctx.part_names.get(p.part_code, "").strip():
            violations.append(FieldViolation(f"part_names[{p.part_code}]", "the body part has no name"))
    if ctx.sex not in ("M", "F", "U"):
        violations.append(FieldViolation("sex", f"is M, F or U, not {excerpt(ctx.sex)}"))
    if violations:
        raise ValidationFailed(violations)

    priority = PRIORITY[request.urgency]
    doctor = _components(ctx.doctor_code, ctx.doctor_name)
    clinic = _components(ctx.clinic_code, ctx.clinic_name)
    segments = [
        _msh(control_id, at, "ORM^O01^ORM_O01", sending_app, receiving_app, ctx.hospital_code),
        _segment("PID", {1: "1", 3: _components(ctx.patient_id, "", "", ctx.hospital_code, "PI"),
                         5: _components(ctx.patient_name),
                         7: ctx.birth_date.strftime("%Y%m%d") if ctx.birth_date else "", 8: ctx.sex}),
        # PV1-3 the ordering clinic (point of care, facility at .4), PV1-19 the visit number
        _segment("PV1", {1: "1", 2: "O", 3: _components(ctx.clinic_code, "", "", ctx.hospital_code,
                                                        "", "", "", "", ctx.clinic_name),
                         7: doctor, 19: escape(ctx.encounter_id)}),
    ]
    notes = _notes(request)
    for set_id, part in enumerate(chosen, start=1):
        placer = escape(placer_order_number(request.id, part.no))
        timing = f"^^^{hl7_time(request.requested_at)}^^{priority}"
        segments.append(_segment("ORC", {1: ORDER_CONTROL[action], 2: placer, 4: escape(request.id), 7: timing,
                                         9: hl7_time(at), 12: doctor, 17: clinic, 21: escape(ctx.hospital_code)}))
        segments.append(_segment("OBR", {
            1: str(set_id), 2: placer,
            4: _components(part.part_code, ctx.part_names[part.part_code], part.method.value),
            5: priority, 6: hl7_time(request.requested_at), 13: escape(request.clinical_summary), 16: doctor,
            18: escape(request.id), 19: str(part.no), 24: escape(request.exam_type), 27: timing,
            31: _components(request.diagnosis_code),
            44: _components(request.exam_type, ctx.exam_type_name, "", "", METHOD_NAMES[part.method])}))
        segments += [_segment("NTE", {1: str(i), 2: "P", 3: escape(text)}) for i, text in enumerate(notes, 1)]
        segments.append(_segment("DG1", {1: "1", 3: _components(request.diagnosis_code, "", "I10"), 6: "W"}))
    return "\r".join(segments) + "\r"


def _notes(request: ExamRequest) -> list[str]:
    """NTE lines under each OBR: what the scanner room reads before the exam."""
    notes = [f"检查目的：{request.purpose}"]
    c = request.contrast
    if c is not None:
        yes = {True: "有", False: "无"}
        notes.append(f"对比剂：过敏史{yes[c.allergy_history]}；既往对比剂反应{yes[c.previous_reaction]}；"
                     f"知情同意书{'已签' if c.consent_signed else '未签'}")
    return notes


# ---- in: ORU^R01 -----------------------------------------------------------------------------------
def parse_message(text: str) -> hl7.Message:
    """The message as python-hl7 reads it; ValidationFailed when it is no HL7 v2 message."""
    cleaned = _LINE_BREAKS.sub("\r", text.strip())  # files and some senders use LF between segments
    if not cleaned.startswith("MSH") or len(cleaned) < 8:
        raise ValidationFailed([FieldViolation("MSH", f"a message starts with MSH, got {excerpt(text[:40])}")],
                               "HL7 message")
    try:
        return hl7.parse(cleaned)
    except Exception as err:  # noqa: BLE001 - python-hl7 raises several kinds on malformed input
        raise ValidationFailed([FieldViolation("MSH", f"not an HL7 message: {err}")], "HL7 message") from err


def _field(segment, n: int) -> str:
    """Field n of a parsed segment as its raw (still escaped) text; "" when absent."""
    return str(segment[n]) if len(segment) > n else ""


def _component(segment, n: int, c: int = 1) -> str:
    value = _field(segment, n)
    parts = value.split("~")[0].split("^")
    return parts[c - 1] if len(parts) >= c else ""


def _msh_field(message, n: int) -> str:
    # python-hl7 numbers MSH like the standard (MSH-1 the separator), so field n is at index n
    return _field(message.segment("MSH"), n)


def parse_time(value: str, field: str, zone: ZoneInfo) -> datetime | None:
    """An HL7 TS (YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ]) as the hospital's wall time; None when empty."""
    value = value.split("^")[0].strip()
    if not value:
        return None
    try:
        parsed = hl7.parse_datetime(value)
    except (ValueError, TypeError) as err:
        raise ValidationFailed([FieldViolation(field, f"is no HL7 time: {excerpt(value)}")], "HL7 message") from err
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(zone).replace(tzinfo=None)
    return parsed


def parse_oru_r01(text: str, zone: str = "Asia/Shanghai") -> list[ExamResult]:
    """The reported parts of an ORU^R01, in message order. ValidationFailed with field paths
    ("OBR[1].2": the first OBR's field 2) when the message is not a usable result."""
    message = parse_message(text)
    tz = ZoneInfo(zone)
    problems: list[FieldViolation] = []
    kind = _msh_field(message, 9).split("^")
    if kind[:2] != ["ORU", "R01"]:
        problems.append(FieldViolation("MSH.9", f"expected ORU^R01, got {excerpt(_msh_field(message, 9))}"))
    control_id = unescape(_msh_field(message, 10))
    if not control_id.strip():
        problems.append(FieldViolation("MSH.10", "the message control id is required"))
    if problems:
        raise ValidationFailed(problems, "HL7 message")

    results: list[ExamResult] = []
    current: dict | None = None
    obr_no = 0
    for segment in message:
        name = str(segment[0])
        if name == "OBR":
            obr_no += 1
            current = {"obr": segment, "no": obr_no, "lines": [], "observed": None}
            results.append(current)
        elif name == "OBX" and current is not None:
            obx_path = f"OBR[{current['no']}].OBX[{len(current['lines']) + 1}]"
            # OBX-5 repeats for multi-line text (TX / FT); \.br\ inside a value is a line break too
            current["lines"] += [unescape(r) for r in _field(segment, 5).split("~")]
            if current["observed"] is None:
                current["observed"] = parse_time(_field(segment, 14), f"{obx_path}.14", tz)
    if not results:
        raise ValidationFailed([FieldViolation("OBR", "an ORU^R01 needs at least one OBR")], "HL7 message")
    found = [_result(r, control_id, tz, problems) for r in results]
    if problems:  # every OBR's problems at once
        raise ValidationFailed(problems, "HL7 message")
    return found


def _result(r: dict, control_id: str, tz: ZoneInfo, problems: list[FieldViolation]) -> ExamResult:
    """One OBR's result; what is wrong with it goes to `problems` (the result is then a placeholder)."""
    obr, path = r["obr"], f"OBR[{r['no']}]"
    placer = unescape(_component(obr, 2))
    request_id, dash, no = placer.rpartition("-")
    if not dash or not request_id or not no.isdigit() or int(no) < 1:
        problems.append(FieldViolation(f"{path}.2", f"the placer order number is <request id>-<part no>, "
                                                    f"got {excerpt(placer)}"))
    status = _field(obr, 25).strip()
    if status not in RESULT_STATUSES:
        problems.append(FieldViolation(f"{path}.25", f"the result status is F, P or C, got {excerpt(status)}"))
    report = "\n".join(r["lines"]).strip("\n")
    if not report.strip():
        problems.append(FieldViolation(f"{path}.OBX", "the part has no report text (OBX-5)"))
    try:
        reported = parse_time(_field(obr, 22), f"{path}.22", tz)
    except ValidationFailed as err:
        problems += err.violations
        reported = None
    return ExamResult(request_id=request_id, part_no=int(no) if no.isdigit() else 0, report_text=report,
                      reported_at=reported or r["observed"], result_status=status, control_id=control_id)


# ---- ACK ------------------------------------------------------------------------------------------
def ack(message_text: str, code: Literal["AA", "AE", "AR"], text: str = "", *, at: datetime,
        control_id: str | None = None) -> str:
    """The ACK answering an inbound message (original mode: MSA-1 the code, MSA-2 its MSH-10, MSA-3 the
    text), stamped `at` (the hospital's time). A message too broken to read is answered too, with what
    can be known (no MSA-2)."""
    try:
        source = parse_message(message_text)
        msh = source.segment("MSH")
        reply = source.create_ack(code, message_id=control_id or f"A{_msh_field(source, 10)}"[:MAX_CONTROL_ID])
    except (ValidationFailed, KeyError, IndexError):
        return "\r".join([_msh(control_id or "ACK", at, "ACK", "", "", ""),
                          _segment("MSA", {1: code, 3: escape(text[:ACK_TEXT])})]) + "\r"
    reply_msh = reply.segment("MSH")
    reply_msh.assign_field(hl7_time(at), 7)  # python-hl7 stamps UTC; the hospital's time is wanted
    reply_msh.assign_field(_field(msh, 18) or CHARSET, 18)
    reply.segment("MSA").assign_field(escape(text[:ACK_TEXT]), 3)
    return str(reply)
