"""医疗保障基金结算清单 (the settlement list): one per settlement of an insured inpatient stay, uploaded
to the platform with 4101a within a deadline after the settlement.

The list is built from what the HIS holds; what it does not hold (nationality, occupation, the
contact person, ...) the 医保办 fills in. Fields taken from the platform's own record of the stay and
its settlement (psn_no, mdtrt_id, setl_id, the dates, the settled diagnoses) are locked: the list
must describe the settlement the platform made, not another one.

    DRAFT ⇄ READY ──> UPLOADING ──> UPLOADED
      │       ^           │  (refused / never sent: READY again with the platform's words;
      │       └───────────┘   in doubt: stays UPLOADING, marked, for an operator)
      └───────┴─── VOID (the settlement was cancelled, 2305; the next settlement gets a new list)

A list is DRAFT while a required field is empty (its gaps, by field path and Chinese label) and
READY when none is; nothing is uploaded with a gap, so a refusal never has to tell what is missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from domain.errors import FieldViolation, IllegalTransition, ValidationFailed
from domain.text import excerpt


class ListState(str, Enum):
    DRAFT = "DRAFT"  # a required field is empty
    READY = "READY"  # complete: may be uploaded
    UPLOADING = "UPLOADING"  # claimed for one 4101a (in flight, or its outcome in doubt)
    UPLOADED = "UPLOADED"  # the platform took it (setl_list_id)
    VOID = "VOID"  # its settlement was cancelled: nothing more to do with this one


OPEN_STATES = frozenset({ListState.DRAFT, ListState.READY})
SETLINFO = "setlinfo"


@dataclass(frozen=True)
class FieldRule:
    """One field the platform takes (from the transaction catalogue): where, its label, required."""

    node: str  # setlinfo, diseinfo, oprninfo ...
    name: str
    label: str
    required: bool


@dataclass(frozen=True)
class NodeRule:
    name: str
    label: str
    is_array: bool
    fields: tuple[FieldRule, ...]

    def field(self, name: str) -> FieldRule | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Gap:
    """A required value the list lacks, said the way the 医保办 reads it."""

    path: str  # setlinfo.ntly, diseinfo[0].diag_code, diseinfo
    label: str  # 国籍


@dataclass(frozen=True)
class FieldChange:
    """One fill or correction by the 医保办: kept on the list, with who, when and the request."""

    path: str
    old: str
    new: str
    at: datetime
    by: str
    request_id: str = ""


@dataclass(frozen=True)
class FundLine:
    """What one fund paid in the settlement (setldetail). Shown with the list, not sent: 4101a leaves
    the fund lines to the centre, which takes them from the settlement itself."""

    fund_pay_type: str
    name: str
    amount: Decimal


_PATH = re.compile(r"([a-z_]+)(?:\[([0-9]{1,4})\])?(?:\.([a-z_0-9]+))?\Z")
MAX_ROWS = 50  # rows of one node the 医保办 may add (operations, ICU stays, transfusions ...)


@dataclass(frozen=True)
class FieldPath:
    node: str
    index: int | None  # the row, for a list node
    name: str  # "" when a whole row is meant (removing it)

    def __str__(self) -> str:
        row = f"[{self.index}]" if self.index is not None else ""
        return f"{self.node}{row}.{self.name}" if self.name else f"{self.node}{row}"


def parse_path(text: str, nodes: dict[str, NodeRule]) -> FieldPath:
    """`setlinfo.ntly`, `oprninfo[0].oprn_oprt_code`, or a whole row `oprninfo[1]` (to remove it)."""
    where = "path"
    found = _PATH.match(text or "")
    if found is None:
        raise ValidationFailed([FieldViolation(where, f"{excerpt(text)} is not a field path (setlinfo.<field> or "
                                                      "<node>[<row>].<field>)")])
    node_name, index, name = found.group(1), found.group(2), found.group(3) or ""
    node = nodes.get(node_name)
    if node is None:
        raise ValidationFailed([FieldViolation(where, f"{excerpt(node_name)} is not a part of the list "
                                                      f"({', '.join(nodes)})")])
    if node.is_array != (index is not None):
        shape = f"{node_name}[<row>]" if node.is_array else node_name
        raise ValidationFailed([FieldViolation(where, f"{node_name} is {'a list' if node.is_array else 'one object'}: "
                                                      f"write {shape}.<field>")])
    if name and node.field(name) is None:
        raise ValidationFailed([FieldViolation(where, f"{node.label or node_name} has no field {excerpt(name)}")])
    if not name and not node.is_array:
        raise ValidationFailed([FieldViolation(where, "name a field")])
    return FieldPath(node_name, int(index) if index is not None else None, name)


@dataclass
class SettlementList:
    id: str
    stay_id: str
    patient_id: str
    admission_id: str  # the platform's record of the stay (InsuredAdmission)
    ipt_no: str
    psn_no: str
    mdtrt_id: str
    setl_id: str
    settled_at: datetime
    deadline: date  # upload by the end of this day
    created_at: datetime
    setlinfo: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # diseinfo, oprninfo ...
    locked: list[str] = field(default_factory=list)  # paths taken from the platform's record: never filled
    fund_lines: list[FundLine] = field(default_factory=list)
    state: ListState = ListState.DRAFT
    gaps: list[Gap] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    setl_list_id: str = ""
    upload_started_at: datetime | None = None
    uploaded_at: datetime | None = None
    uploaded_by: str = ""
    last_error: str = ""  # the platform's refusal of the last upload, or what is in doubt about it
    in_doubt: bool = False  # the last 4101a may or may not have reached the platform
    void_reason: str = ""
    voided_at: datetime | None = None
    previous_id: str = ""  # the list of the stay's cancelled settlement this one replaces
    version: int = 0

    # ---- reading -------------------------------------------------------------------------
    def value(self, path: FieldPath) -> str:
        if path.index is None:
            return self.setlinfo.get(path.name, "")
        rows = self.rows.get(path.node, [])
        return rows[path.index].get(path.name, "") if path.index < len(rows) else ""

    def overdue(self, today: date) -> bool:
        return self.state in (ListState.DRAFT, ListState.READY, ListState.UPLOADING) and today > self.deadline

    # ---- gaps ------------------------------------------------------------------------------
    def refresh(self, nodes: dict[str, NodeRule]) -> None:
        """Recompute the gaps; an open list becomes READY when it has none, DRAFT when it has."""
        gaps: list[Gap] = []
        for node in nodes.values():
            if not node.is_array:
                values = self.setlinfo if node.name == SETLINFO else {}
                gaps += [Gap(f"{node.name}.{f.name}", f.label) for f in node.fields
                         if f.required and not values.get(f.name, "").strip()]
                continue
            rows = self.rows.get(node.name, [])
            for i, row in enumerate(rows):
                gaps += [Gap(f"{node.name}[{i}].{f.name}", f.label) for f in node.fields
                         if f.required and not row.get(f.name, "").strip()]
        diagnoses = self.rows.get("diseinfo", [])
        if not diagnoses:
            gaps.append(Gap("diseinfo", "诊断信息 (至少一条)"))
        elif sum(1 for r in diagnoses if r.get("maindiag_flag") == "1") != 1:
            gaps.append(Gap("diseinfo", "主诊断标志 (恰有一条主诊断)"))
        self.gaps = gaps
        if self.state in OPEN_STATES:
            self.state = ListState.DRAFT if gaps else ListState.READY

    # ---- the 医保办's changes ---------------------------------------------------------------
    def fill(self, path: FieldPath, value: str, nodes: dict[str, NodeRule], at: datetime, by: str,
             request_id: str = "") -> FieldChange | None:
        """Set (or, with "", clear) one field; a row index one past the last adds a row; a whole row
        path with "" removes the node's last row. Returns the change (None: nothing changed)."""
        if self.state not in OPEN_STATES:
            raise IllegalTransition(f"settlement list {self.id} is {self.state.value}: only a DRAFT or READY list "
                                    "is filled in")
        shown = str(path)
        if shown in self.locked or (path.index is None and f"{path.node}.{path.name}" in self.locked):
            raise ValidationFailed([FieldViolation(shown, "is taken from the platform's settlement and cannot be "
                                                          "changed here")])
        value = value.strip()
        if path.index is None:
            old = self.setlinfo.get(path.name, "")
            if old == value:
                return None
            if value:
                self.setlinfo[path.name] = value
            else:
                self.setlinfo.pop(path.name, None)
        else:
            old = self._fill_row(path, value, shown)
            if old is None:
                return None
        change = FieldChange(shown, old, value, at, by, request_id)
        self.changes.append(change)
        self.refresh(nodes)
        return change

    def _fill_row(self, path: FieldPath, value: str, shown: str) -> str | None:
        rows = self.rows.setdefault(path.node, [])
        if path.index > len(rows) or (path.index == len(rows) and (not path.name or not value)):
            raise ValidationFailed([FieldViolation(shown, f"{path.node} has {len(rows)} row(s): the next one is "
                                                          f"{path.node}[{len(rows)}]")])
        if not path.name:  # a whole row: removed when it is the last and holds nothing from the platform
            if value:
                raise ValidationFailed([FieldViolation(shown, "a whole row is only removed (an empty value)")])
            if path.index != len(rows) - 1:
                raise ValidationFailed([FieldViolation(shown, f"only the last row, {path.node}[{len(rows) - 1}], "
                                                              "is removed")])
            if any(p.startswith(f"{shown}.") for p in self.locked):
                raise ValidationFailed([FieldViolation(shown, "is taken from the platform's settlement")])
            removed = rows.pop()
            return ";".join(f"{k}={v}" for k, v in removed.items())
        if path.index == len(rows):
            if len(rows) >= MAX_ROWS:
                raise ValidationFailed([FieldViolation(shown, f"at most {MAX_ROWS} rows")])
            rows.append({})
        row = rows[path.index]
        old = row.get(path.name, "")
        if old == value:
            return None
        if value:
            row[path.name] = value
        else:
            row.pop(path.name, None)
        return old

    # ---- upload ----------------------------------------------------------------------------
    def begin_upload(self, at: datetime) -> None:
        """Claim the list for one 4101a; a second claim loses on the version."""
        if self.state is ListState.UPLOADED:
            raise IllegalTransition(f"settlement list {self.id} is uploaded already (清单流水号 {self.setl_list_id})")
        if self.state is ListState.UPLOADING:
            why = "its last upload is in doubt: " + self.last_error if self.in_doubt else "an upload is in flight"
            raise IllegalTransition(f"settlement list {self.id} is being uploaded ({why})")
        if self.state is ListState.VOID:
            raise IllegalTransition(f"settlement list {self.id} is void: {self.void_reason}")
        if self.gaps:
            shown = ", ".join(f"{g.path} {g.label}" for g in self.gaps[:10])
            raise IllegalTransition(f"settlement list {self.id} has {len(self.gaps)} empty required field(s): {shown}")
        self.state, self.upload_started_at, self.in_doubt = ListState.UPLOADING, at, False

    def complete_upload(self, setl_list_id: str, at: datetime, by: str) -> None:
        self._uploading("complete the upload")
        self.state, self.setl_list_id, self.uploaded_at, self.uploaded_by = ListState.UPLOADED, setl_list_id, at, by
        self.last_error, self.in_doubt = "", False

    def upload_refused(self, message: str) -> None:
        """Refused by the platform, or proven never sent: open again, with why."""
        self._uploading("record a refusal")
        self.state, self.last_error, self.in_doubt, self.upload_started_at = ListState.READY, message, False, None

    def upload_in_doubt(self, message: str) -> None:
        """It may have reached the platform: it stays claimed (never sent twice) until an operator settles it."""
        self._uploading("record a doubt")
        self.last_error, self.in_doubt = message, True

    def _uploading(self, doing: str) -> None:
        if self.state is not ListState.UPLOADING:
            raise IllegalTransition(f"cannot {doing}: settlement list {self.id} is {self.state.value}")

    # ---- its settlement cancelled -----------------------------------------------------------
    def void(self, reason: str, at: datetime) -> None:
        if self.state is ListState.VOID:
            return
        self.state, self.void_reason, self.voided_at = ListState.VOID, reason, at


__all__ = ["FieldChange", "FieldPath", "FieldRule", "FundLine", "Gap", "ListState", "NodeRule", "OPEN_STATES",
           "SETLINFO", "SettlementList", "parse_path"]
