"""Managing the master data: create, update, retire (each a new version, with its time, author and
reason), read the history; load a whole data file; upload a department to the platform.

A change is checked whole before anything is written: the record's own rules (domain.hospital),
then its references (a clinic's department, a doctor's clinics, a price line's scope) against the
records in force; a refused change writes nothing. Concurrent changes of one record: the second
writer of version n+1 fails (ABORTED), and `expected_version` lets a client say which version it
edited.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from domain.errors import AlreadyExists, FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.hospital import (KINDS, ChargeItem, Department, Revision, Versioned, check_charge_item, check_clinic,
                             check_department, check_price_line, check_staff, from_data, kind_of, to_data)
from domain.operator import Operator
from domain.text import excerpt
from ports.clock import Clock
from ports.hospital import ChargeItemMapping, DepartmentUpload, MasterDataStore, StoredVersion
from services.hospital import dept_upload, item_mapping
from services.hospital.directory import CachedHospitalDirectory

REASON_MAX = 128
MAX_MAPPING_CODES = 1000  # items named in one UploadChargeItemMappings (none named: all that need it)
_CHECKS = {"department": check_department, "clinic": check_clinic, "staff": check_staff,
           "price_line": check_price_line, "charge_item": check_charge_item}
SECTIONS = {"department": "departments", "clinic": "clinics", "staff": "staff", "price_line": "price_lines",
            "charge_item": "charge_items"}
_NAMES = {"department": "department", "clinic": "clinic", "staff": "staff member", "price_line": "price line",
          "charge_item": "charge item"}


@dataclass(frozen=True)
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _versioned(v: StoredVersion) -> Versioned:
    return Versioned(from_data(v.kind, v.data), Revision(v.version, v.valid_from, v.changed_by, v.reason, v.retired))


class _InForce:
    """The records in force (not retired) by kind and code, with a load's own records over them."""

    def __init__(self, versions: list[StoredVersion]):
        self.latest = {(v.kind, v.code): v for v in versions}
        self.records = {k: {} for k in KINDS}
        for v in versions:
            if not v.retired:
                self.records[v.kind][v.code] = from_data(v.kind, v.data)

    def put(self, record) -> None:
        self.records[kind_of(record)][record.code] = record

    def references(self, record) -> list[FieldViolation]:
        kind, found = kind_of(record), []
        depts, clinics = self.records["department"], self.records["clinic"]
        if kind == "clinic" and record.dept_code and record.dept_code not in depts:
            found.append(FieldViolation("dept_code", f"no department {excerpt(record.dept_code)} in force"))
        # the national codes name one record each: 2201's dept_code, atddr_no
        unique = {"department": "yb_dept_code", "staff": "yb_code"}.get(kind)
        if unique:
            other = next((r.code for r in self.records[kind].values()
                          if r.code != record.code and getattr(r, unique) == getattr(record, unique)), None)
            if other is not None:
                found.append(FieldViolation(unique, f"{excerpt(getattr(record, unique))} belongs to {other} already"))
        if kind == "staff":
            for i, code in enumerate(record.clinic_codes):
                if code and code not in clinics:
                    found.append(FieldViolation(f"clinic_codes[{i}]", f"no clinic {excerpt(code)} in force"))
        if kind == "price_line":
            if record.clinic_code and record.clinic_code not in clinics:
                found.append(FieldViolation("clinic_code", f"no clinic {excerpt(record.clinic_code)} in force"))
            if record.dept_code and record.dept_code not in depts:
                found.append(FieldViolation("dept_code", f"no department {excerpt(record.dept_code)} in force"))
        return found

    def users_of(self, kind: str, code: str) -> list[str]:
        """What in force still names this record (it cannot be retired while they do)."""
        users = []
        if kind == "department":
            users += [f"clinic {c.code}" for c in self.records["clinic"].values() if c.dept_code == code]
            users += [f"price line {p.code}" for p in self.records["price_line"].values() if p.dept_code == code]
        if kind == "clinic":
            users += [f"staff {s.code}" for s in self.records["staff"].values() if code in s.clinic_codes]
            users += [f"price line {p.code}" for p in self.records["price_line"].values() if p.clinic_code == code]
        return users


def _prefixed(violations: list[FieldViolation], at: str) -> list[FieldViolation]:
    return [FieldViolation(at + v.field, v.description) for v in violations]


def _check_reason(reason: str) -> list[FieldViolation]:
    if not reason.strip():
        return [FieldViolation("reason", "is required: why the record changes (kept in its history)")]
    if len(reason) > REASON_MAX:
        return [FieldViolation("reason", f"is longer than {REASON_MAX} characters")]
    return []


class HospitalAdmin:
    def __init__(self, store: MasterDataStore, directory: CachedHospitalDirectory, clock: Clock, gateway=None,
                 poolarea_no: str = ""):
        """`gateway`: the PlatformGateway departments are uploaded through (3401/3402/3403);
        `poolarea_no`: the 统筹区 sent for a department that names none."""
        self.store, self.directory, self.clock, self.gateway = store, directory, clock, gateway
        self.poolarea_no = poolarea_no

    # ---- reads -------------------------------------------------------------------------------
    def list(self, kind: str, include_retired: bool = False) -> list[Versioned]:
        """Current versions of one kind, by code; retired ones only when asked."""
        _, versions = self.store.current()
        return [_versioned(v) for v in sorted(versions, key=lambda v: v.code)
                if v.kind == kind and (include_retired or not v.retired)]

    def get(self, kind: str, code: str) -> Versioned:
        found = self.store.latest(kind, code)
        if found is None:
            raise NotFound(f"no {_NAMES[kind]} {excerpt(code)}")
        return _versioned(found)

    def history(self, kind: str, code: str) -> list[Versioned]:
        """Every version, oldest first; NotFound when the record never existed."""
        found = self.store.history(kind, code)
        if not found:
            raise NotFound(f"no {_NAMES[kind]} {excerpt(code)}")
        return [_versioned(v) for v in found]

    # ---- changes -----------------------------------------------------------------------------
    def create(self, record, operator: Operator, reason: str) -> Versioned:
        """Version 1 of a new record; a retired record's code starts a new version in force.
        AlreadyExists when a record with the code is in force."""
        kind = kind_of(record)
        _, versions = self.store.current()
        world = _InForce(versions)
        self._refuse_bad(record, world, reason)
        latest = world.latest.get((kind, record.code))
        if latest is not None and not latest.retired:
            raise AlreadyExists(f"{_NAMES[kind]} {record.code} exists (version {latest.version}); update it",
                                resource=kind, name=record.code)
        return self._append(kind, record, (latest.version if latest else 0) + 1, operator, reason, False)

    def update(self, record, operator: Operator, reason: str, expected_version: int = 0) -> Versioned:
        """A new version of a record in force; `expected_version` (0: any) must be its current one."""
        kind = kind_of(record)
        _, versions = self.store.current()
        world = _InForce(versions)
        latest = world.latest.get((kind, record.code))
        if latest is None:
            raise NotFound(f"no {_NAMES[kind]} {excerpt(record.code)}")
        self._refuse_bad(record, world, reason, expected_version)
        self._in_force(latest, expected_version)
        return self._append(kind, record, latest.version + 1, operator, reason, False)

    def retire(self, kind: str, code: str, operator: Operator, reason: str, expected_version: int = 0) -> Versioned:
        """A last version marked retired (its data kept): the directory no longer answers it.
        Refused while records in force still name it (a department's clinics, a clinic's staff)."""
        _, versions = self.store.current()
        world = _InForce(versions)
        latest = world.latest.get((kind, code))
        if latest is None:
            raise NotFound(f"no {_NAMES[kind]} {excerpt(code)}")
        bad = _check_reason(reason) + ([FieldViolation("expected_version", "may not be negative")]
                                       if expected_version < 0 else [])
        if bad:
            raise ValidationFailed(bad)
        self._in_force(latest, expected_version)
        users = world.users_of(kind, code)
        if users:
            error = IllegalTransition(f"{_NAMES[kind]} {code} is still named by {', '.join(users[:5])}"
                                      f"{' …' if len(users) > 5 else ''}: retire or move those first")
            error.subject = f"{kind}/{code}"
            raise error
        return self._append(kind, from_data(kind, latest.data), latest.version + 1, operator, reason, True)

    def load(self, records: list, operator: Operator, reason: str) -> LoadResult:
        """A data file's records as the state wanted: new ones created, changed ones get a new
        version, identical ones untouched; records the file does not name stay as they are. All or
        nothing: ValidationFailed names every bad record by its place in `records` order
        (`departments[2].caty`: the section of the data file and the record's index in it)."""
        _, versions = self.store.current()
        world = _InForce(versions)
        bad = _check_reason(reason)
        for record in records:
            world.put(record)
        seen: set[tuple[str, str]] = set()
        index = {k: 0 for k in KINDS}
        for record in records:
            kind = kind_of(record)
            at, index[kind] = f"{SECTIONS[kind]}[{index[kind]}].", index[kind] + 1
            if (kind, record.code) in seen:
                bad.append(FieldViolation(at + "code", "appears twice"))
            seen.add((kind, record.code))
            bad += _prefixed(_CHECKS[kind](record) + world.references(record), at)
        if bad:
            raise ValidationFailed(bad, subject="hospital data")
        now, created, updated, new = self.clock.now(), 0, 0, []
        for record in records:
            kind = kind_of(record)
            latest = world.latest.get((kind, record.code))
            data = to_data(record)
            if latest is not None and not latest.retired and latest.data == data:
                continue
            created, updated = (created + 1, updated) if latest is None or latest.retired else (created, updated + 1)
            new.append(StoredVersion(kind, record.code, (latest.version if latest else 0) + 1, now, operator.code,
                                     reason, False, data))
        if new:
            self.store.append(new)
            self.directory.invalidate()
        return LoadResult(created, updated, len(records) - len(new))

    def _refuse_bad(self, record, world: _InForce, reason: str, expected_version: int = 0) -> None:
        kind = kind_of(record)
        bad = _CHECKS[kind](record)
        if not bad:
            bad = world.references(record)
        bad = bad + _check_reason(reason)
        if expected_version < 0:
            bad.append(FieldViolation("expected_version", "may not be negative"))
        if bad:
            raise ValidationFailed(bad)

    @staticmethod
    def _in_force(latest: StoredVersion, expected_version: int) -> None:
        if latest.retired:
            error = IllegalTransition(f"{_NAMES[latest.kind]} {latest.code} is retired; create it again")
            error.subject = f"{latest.kind}/{latest.code}"
            raise error
        if expected_version and expected_version != latest.version:
            from domain.errors import ConcurrencyConflict
            raise ConcurrencyConflict(f"{_NAMES[latest.kind]} {latest.code} is at version {latest.version}, "
                                      f"not {expected_version}: read it again")

    def _append(self, kind: str, record, version: int, operator: Operator, reason: str, retired: bool) -> Versioned:
        stored = StoredVersion(kind, record.code, version, self.clock.now(), operator.code, reason.strip(), retired,
                               to_data(record))
        self.store.append([stored])
        self.directory.invalidate()
        return _versioned(stored)

    # ---- the platform ------------------------------------------------------------------------
    def upload_department(self, operator: Operator, code: str, action: str = "AUTO") -> DepartmentUpload:
        """Send the department to the platform: 3401 (新增), 3402 (变更) or 3403 (撤销); AUTO picks
        3401 for a department never uploaded (or revoked), else 3402. What it did is kept."""
        if action not in dept_upload.ACTIONS:
            raise ValidationFailed([FieldViolation("action", f"must be one of {', '.join(dept_upload.ACTIONS)}")])
        latest = self.store.latest("department", code)
        if latest is None:
            raise NotFound(f"no department {excerpt(code)}")
        dept: Department = from_data("department", latest.data)
        state = self.store.department_upload(code)
        uploaded = state is not None and state.state == dept_upload.UPLOADED
        infno = action if action != "AUTO" else ("3402" if uploaded else "3401")
        if infno in ("3402", "3403") and not uploaded:
            raise self._upload_state(code, f"{infno} needs a department uploaded (3401) and not revoked")
        if infno == "3401" and uploaded:
            raise self._upload_state(code, "is uploaded already: change it with 3402")
        if infno != "3403" and latest.retired:
            raise self._upload_state(code, "is retired: revoke it (3403) instead")
        if infno == "3403":
            payload = dept_upload.revoke_payload(state)
            begntime = state.begntime
        else:
            doctors, nurses = self._head_counts(code)
            dept = replace(dept, poolarea_no=dept.poolarea_no or self.poolarea_no)
            payload = dept_upload.upload_payload(dept, doctors, nurses)
            begntime = payload["deptinfo"].get("begntime", "")
        try:
            self.gateway.check(infno, payload)
        except ValidationFailed as exc:
            raise ValidationFailed([FieldViolation("code", f"department {code}: {v.field.split('.')[-1]} "
                                                           f"{v.description} (set it with UpdateDepartment)")
                                    for v in exc.violations]) from exc
        receipt = self.gateway.send(operator, infno, payload)
        done = DepartmentUpload(dept_code=code, state=dept_upload.REVOKED if infno == "3403" else dept_upload.UPLOADED,
                                infno=infno, begntime=begntime, yb_dept_code=dept.yb_dept_code, name=dept.name,
                                msgid=receipt.msgid, at=self.clock.now(), by=operator.code)
        self.store.record_department_upload(done)
        return done

    def department_upload(self, code: str) -> DepartmentUpload | None:
        return self.store.department_upload(code)

    def _head_counts(self, dept_code: str) -> tuple[int, int]:
        snap = self.directory.snapshot()
        clinics = {c.code for c in snap.clinics.values() if c.dept_code == dept_code}
        working = [s for s in snap.staff.values() if clinics.intersection(s.clinic_codes)]
        return (sum(1 for s in working if s.kind.value == "DOCTOR"), sum(1 for s in working if s.kind.value == "NURSE"))

    # ---- 目录对照 (3301 / 3302) ----------------------------------------------------------------
    def charge_item_mappings(self, codes: list[str] | None = None) -> dict[str, ChargeItemMapping]:
        """Where the items' mappings stand on the platform (items never sent are absent); None: all."""
        return self.store.charge_item_mappings(codes)

    def upload_charge_item_mappings(self, operator: Operator, codes: list[str] | tuple = ()
                                    ) -> list[item_mapping.MappingUpload]:
        """Map the named charge items to their national codes on the platform (3301), or, none
        named, every item in force whose mapping is not current. An item mapped under another
        national code or list type is revoked first (3302, as it was uploaded), then uploaded again.
        Everything is checked before anything is sent: an unknown code is NotFound, a retired item
        IllegalTransition; a named item already mapped as it is comes back with nothing sent (none
        named: only the items sent come back). Rows go in batches of 100; each batch's outcome is
        kept as soon as the platform accepts it."""
        codes = list(codes)
        self._check_codes(codes)
        _, versions = self.store.current()
        stored = {v.code: v for v in versions if v.kind == "charge_item"}
        if codes:
            unknown = [c for c in codes if c not in stored]
            if unknown:
                raise NotFound(f"no charge item {', '.join(excerpt(c) for c in unknown[:5])}"
                               f"{' …' if len(unknown) > 5 else ''}")
            retired = next((c for c in codes if stored[c].retired), None)
            if retired is not None:
                raise self._upload_state(retired, "is retired: its mapping can only be revoked (3302)", "charge_item")
            items = [from_data("charge_item", stored[c].data) for c in codes]
            mappings = self.store.charge_item_mappings(codes)
        else:
            mappings = self.store.charge_item_mappings()
            items = [item for item in (from_data("charge_item", v.data) for _, v in sorted(stored.items())
                                       if not v.retired)
                     if not item_mapping.is_current(item, mappings.get(item.code))]
        stale = [mappings[i.code] for i in items if item_mapping.needs_revoking(i, mappings.get(i.code))]
        fresh = [i for i in items if not item_mapping.is_current(i, mappings.get(i.code))]
        fixmedins_code, today = self.gateway.institution.fixmedins_code, self.clock.now().date()
        revokes = item_mapping.batches([item_mapping.revoke_row(m, fixmedins_code) for m in stale])
        uploads = item_mapping.batches([item_mapping.upload_row(i, today) for i in fresh])
        for infno, payloads in (("3302", revokes), ("3301", uploads)):
            for payload in payloads:
                self._check_payload(infno, payload)
        sent: dict[str, list[str]] = {i.code: [] for i in items}
        for payload in revokes:
            done = self._send_mappings(operator, "3302", payload, {m.code: m for m in stale})
            for m in done:
                mappings[m.code] = m
                sent[m.code].append("3302")
        by_code = {i.code: i for i in fresh}
        for payload in uploads:
            for m in self._send_mappings(operator, "3301", payload, by_code):
                mappings[m.code] = m
                sent[m.code].append("3301")
        return [item_mapping.MappingUpload(i.code, tuple(sent[i.code]), mappings.get(i.code)) for i in items]

    def revoke_charge_item_mapping(self, operator: Operator, code: str) -> ChargeItemMapping:
        """3302 for the item's mapping as it was uploaded (a retired item's too). NotFound for an
        unknown item; IllegalTransition, nothing sent, when it is not mapped on the platform."""
        if self.store.latest("charge_item", code) is None:
            raise NotFound(f"no charge item {excerpt(code)}")
        mapping = self.store.charge_item_mappings([code]).get(code)
        if mapping is None or mapping.state != item_mapping.UPLOADED:
            raise self._upload_state(code, "is not mapped on the platform (never uploaded, or revoked already)",
                                     "charge_item")
        payload = {"data": [item_mapping.revoke_row(mapping, self.gateway.institution.fixmedins_code)]}
        self._check_payload("3302", payload)
        return self._send_mappings(operator, "3302", payload, {code: mapping})[0]

    @staticmethod
    def _check_codes(codes: list[str]) -> None:
        if len(codes) > MAX_MAPPING_CODES:
            raise ValidationFailed([FieldViolation("codes", f"at most {MAX_MAPPING_CODES} codes a call "
                                                            f"({len(codes)}); name none for all that need it")])
        bad, seen = [], set()
        for i, code in enumerate(codes):
            if not code:
                bad.append(FieldViolation(f"codes[{i}]", "is empty"))
            elif code in seen:
                bad.append(FieldViolation(f"codes[{i}]", f"{excerpt(code)} is listed twice"))
            seen.add(code)
        if bad:
            raise ValidationFailed(bad)

    def _check_payload(self, infno: str, payload: dict) -> None:
        """The catalogue's refusal of a row named by the item it came from (the item's rules keep
        within 3301's, so this is a last guard)."""
        try:
            self.gateway.check(infno, payload)
        except ValidationFailed as exc:
            rows = payload["data"]

            def item(field: str) -> str:
                at = field.split("]")[0].rpartition("[")[2]
                return rows[int(at)]["fixmedins_hilist_id"] if at.isdigit() and int(at) < len(rows) else "?"
            raise ValidationFailed([FieldViolation("codes", f"charge item {item(v.field)}: {v.field.split('.')[-1]} "
                                                            f"{v.description} (set it with UpdateChargeItem)")
                                    for v in exc.violations]) from exc

    def _send_mappings(self, operator: Operator, infno: str, payload: dict, sources: dict) -> list[ChargeItemMapping]:
        """Send one batch; keep each row's new state (`sources`: the items, or the mappings revoked, by code)."""
        receipt = self.gateway.send(operator, infno, payload)
        now, done = self.clock.now(), []
        for row in payload["data"]:
            source = sources[row["fixmedins_hilist_id"]]
            if infno == "3302":
                done.append(replace(source, state=item_mapping.REVOKED, msgid=receipt.msgid, at=now, by=operator.code))
            else:
                item: ChargeItem = source
                done.append(ChargeItemMapping(item.code, item_mapping.UPLOADED, item.national_code, item.list_type,
                                              item.name, row["begndate"], receipt.msgid, now, operator.code))
        self.store.record_charge_item_mappings(done)
        return done

    @staticmethod
    def _upload_state(code: str, why: str, kind: str = "department") -> IllegalTransition:
        error = IllegalTransition(f"{_NAMES[kind]} {code}: {why}")
        error.subject = f"{kind}/{code}"
        return error
