"""The clearing use cases: preview a period's figures, apply (3202a / 3203a / 1608), revoke (3204a /
3204b / 1618), read, print the application form (with 3205a's print data when the platform gives it).

Applying follows the rules of the other writes: the figures are computed from our settlements and
refused unless the period is reconciled; the application is claimed (APPLYING, holding its days) in a
commit before the call leaves, so the same days are never applied for twice, by any server; refused
or proven never sent, it is REFUSED with the platform's words and its days are free again; in doubt it
stays claimed, marked, for an operator (`resolve`): none of the three has a query that proves it.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from domain.clearing import (FIGURE_LABELS, ClearingApplication, ClearingFigures, ClearingKind, ClearingPeriod,
                             ClearingState, figures_of, parse_period, select_rows, unreconciled)
from domain.errors import FieldViolation, IllegalTransition, NotFound, ValidationFailed
from domain.operator import Operator
from domain.text import excerpt
from ports.catalogue import Catalogue
from ports.clearing import ClearingStore
from ports.clock import Clock
from ports.documents import ClearingApplicationForm, ClearingFigureLine, DocumentRenderer
from services.errors import PlatformRejected, PlatformUnavailable
from services.platform_gateway import PlatformGateway
from services.translation import clearing as wire

log = logging.getLogger(__name__)

_GONE = ("not_sent", "reversed", "not_applied")  # PlatformUnavailable outcomes: it did not take effect
MAX_PAGE = 500
REASON_MAX = 500
_STATE_WORDS = {ClearingState.APPLYING: "申请中", ClearingState.APPLIED: "已申请", ClearingState.REFUSED: "未受理",
                ClearingState.REVOKED: "已撤销"}
_KIND_WORDS = {ClearingKind.SUMMARY: "本地清算申请（汇总，3202a）", ClearingKind.DETAIL: "本地清算申请（按明细，3203a）",
               ClearingKind.REMOTE: "异地清算申请（1608）"}


@dataclass(frozen=True)
class ClearingConfig:
    home_admdvs: str  # the hospital's region (mdtrtarea_admvs): its agency clears local persons and 异地 ones
    hospital_name: str
    fixmedins_code: str


@dataclass(frozen=True)
class ClearingPreview:
    kind: ClearingKind
    clr_type: str
    clr_way: str
    clr_optins: str
    period: ClearingPeriod
    figures: ClearingFigures
    blockers: tuple[str, ...]  # why it may not be applied for now (empty: it may)
    standing: tuple[str, ...]  # the applications already holding some of its days


def _kind(value: ClearingKind | str | None) -> ClearingKind:
    if isinstance(value, ClearingKind):
        return value
    try:
        return ClearingKind(str(value or "").strip().upper())
    except ValueError:
        fits = ", ".join(k.value for k in ClearingKind)
        raise ValidationFailed([FieldViolation("kind", f"{excerpt(str(value))} is not a kind; one of {fits}")]) \
            from None


class ClearingService:
    def __init__(self, store: ClearingStore, gateway: PlatformGateway, clock: Clock, catalogue: Catalogue,
                 renderer: DocumentRenderer, config: ClearingConfig):
        self.store, self.gateway, self.clock, self.catalogue = store, gateway, clock, catalogue
        self.renderer, self.config = renderer, config

    # ---- preview -------------------------------------------------------------------------------
    def preview(self, kind: ClearingKind | str, clr_type: str, month: str = "", first: date | None = None,
                last: date | None = None, clr_way: str = "", clr_optins: str = "") -> ClearingPreview:
        """The figures an application would declare and what stops it, if anything; nothing is sent."""
        kind = _kind(kind)
        problems = []
        if not clr_type.strip():
            problems.append(FieldViolation("clr_type", "is required: the 清算类别"))
        optins = clr_optins.strip() or self.config.home_admdvs
        if kind is ClearingKind.REMOTE and optins != self.config.home_admdvs:
            problems.append(FieldViolation("clr_optins", f"an 异地 application goes to the agency where the hospital "
                                                         f"is ({self.config.home_admdvs}), not {excerpt(optins)}"))
        try:
            period = parse_period(month, first, last, self.clock.now().date())
        except ValidationFailed as bad:
            problems += bad.violations
        if problems:
            raise ValidationFailed(problems)
        everything = self.store.ledger(period.first_day, period.last_day)
        rows = select_rows(everything, clr_type.strip(), kind is ClearingKind.REMOTE, optins,
                           self.config.home_admdvs)
        blockers = unreconciled(period, everything, self.store.reconciled(period.first_day, period.last_day),
                                self.store.open_entries(period.first_day, period.last_day))
        if not rows:
            blockers.append(f"no settlement of 清算类别 {clr_type.strip()} to clear in {period}")
        held = self.store.holding(kind.area, clr_type.strip(), optins, period.first_day, period.last_day)
        return ClearingPreview(kind, clr_type.strip(), clr_way.strip(), optins, period, figures_of(rows),
                               tuple(blockers), tuple(held))

    # ---- apply ---------------------------------------------------------------------------------
    def apply(self, op: Operator, kind: ClearingKind | str, clr_type: str, month: str = "",
              first: date | None = None, last: date | None = None, clr_way: str = "",
              clr_optins: str = "") -> ClearingApplication:
        """Apply once. The same application still standing is returned as it is (nothing sent again);
        another holding some of the days, unreconciled data or nothing to clear: FAILED_PRECONDITION."""
        p = self.preview(kind, clr_type, month, first, last, clr_way, clr_optins)
        same = self._standing_same(p)
        if same is not None:
            return same
        if p.standing:
            raise IllegalTransition(f"{p.period} is held by clearing application {', '.join(p.standing)}: "
                                    "revoke it before applying again")
        if p.blockers:
            raise IllegalTransition(f"{p.period} cannot be cleared yet: " + "; ".join(p.blockers))
        now = self.clock.now()
        app = ClearingApplication(
            id=f"C{now:%Y%m%d%H%M%S}{secrets.token_hex(4)}", kind=p.kind, clr_type=p.clr_type, clr_way=p.clr_way,
            clr_optins=p.clr_optins, first_day=p.period.first_day, last_day=p.period.last_day, figures=p.figures,
            operator_code=op.code, created_at=now)
        payload = wire.application(app)
        self.gateway.check(app.infno, payload)  # a request the platform must never see claims nothing
        holder = self.store.claim(app)
        if holder is not None:
            same = self._standing_same(p)
            if same is not None:
                return same
            raise IllegalTransition(f"{p.period} is held by clearing application {holder}: revoke it before "
                                    "applying again")
        try:
            output = self.gateway.call(op, app.infno, payload)
        except PlatformUnavailable as exc:
            if exc.outcome in _GONE:
                self._settle(app, lambda a: a.refused(f"not sent ({exc.outcome}): {excerpt(str(exc), 300)}"))
            else:
                self._settle(app, lambda a: a.doubt(
                    f"journal entry {exc.journal_id} ({exc.msgid}): the centre may have taken it; {app.infno} has no "
                    "query that shows it, so ask the 医保 centre and record its answer (his clearing resolve)"))
            raise
        except PlatformRejected as exc:
            self._settle(app, lambda a: a.refused(exc.err_msg or str(exc)))
            raise
        except ValidationFailed as exc:
            self._settle(app, lambda a: a.refused(excerpt(str(exc), 500)))
            raise
        evt_id = wire.event_id(output)
        return self._settle(app, lambda a: a.applied(evt_id, self.clock.now()))

    def _standing_same(self, p: ClearingPreview) -> ClearingApplication | None:
        for app_id in p.standing:
            app = self.store.get(app_id)
            if app is not None and app.standing and app.same_request(p.kind, p.clr_type, p.clr_optins, p.period):
                return app
        return None

    def _settle(self, app: ClearingApplication, change) -> ClearingApplication:
        change(app)
        self.store.save(app)
        return app

    # ---- revoke and resolve --------------------------------------------------------------------
    def revoke(self, op: Operator, application_id: str, reason: str) -> ClearingApplication:
        """3204a / 3204b / 1618, by the kind that applied; its days are free again."""
        _check_reason(reason)
        app = self.get(application_id)
        app.check_revocable()
        try:
            self.gateway.call(op, app.revoke_infno, wire.revocation(app))
        except PlatformRejected as exc:
            app.note = f"{app.revoke_infno} refused: {exc.err_msg}"[:2000]
            self.store.save(app)
            raise
        return self._settle(app, lambda a: a.revoked(self.clock.now(), op.code, reason.strip()))

    def resolve(self, op: Operator, application_id: str, applied: bool, clr_appy_evt_id: str = "",
                reason: str = "") -> ClearingApplication:
        """An operator's word on an application in doubt (asked of the 医保 centre): taken, with its
        清算申请事件ID, or not taken (REFUSED: its days are free again)."""
        _check_reason(reason)
        if applied and not clr_appy_evt_id.strip():
            raise ValidationFailed([FieldViolation("clr_appy_evt_id", "the centre's 清算申请事件ID is required")])
        app = self.get(application_id)
        if app.state is not ClearingState.APPLYING:
            raise IllegalTransition(f"clearing application {app.id} is {app.state.value}: nothing to resolve")
        note = f"settled by {op.code}: {excerpt(reason.strip(), 200)}"
        if applied:
            return self._settle(app, lambda a: (a.applied(clr_appy_evt_id.strip(), self.clock.now()),
                                                setattr(a, "note", note)))
        return self._settle(app, lambda a: a.refused(note))

    # ---- reads ---------------------------------------------------------------------------------
    def get(self, application_id: str) -> ClearingApplication:
        app = self.store.get(application_id) if application_id else None
        if app is None:
            raise NotFound(f"no clearing application {excerpt(application_id)}")
        return app

    def list(self, state: ClearingState | None = None, page_size: int = 50,
             before: tuple[datetime, str] | None = None) -> list[ClearingApplication]:
        if page_size < 0 or page_size > MAX_PAGE + 1:
            raise ValidationFailed([FieldViolation("page_size", f"must be between 1 and {MAX_PAGE}")])
        return self.store.list(state, page_size or 50, before)

    # ---- the printed form ----------------------------------------------------------------------
    def pdf(self, op: Operator, application_id: str) -> bytes:
        return self.renderer.clearing_application(self.form(op, application_id))

    def form(self, op: Operator, application_id: str) -> ClearingApplicationForm:
        """The application form: our figures, beside them 3205a's when the centre holds the application
        (a figure that differs is marked, neither is corrected); without its print data, a note says why."""
        app = self.get(application_id)
        printed, notes = {}, []
        if app.clr_appy_evt_id:
            try:
                printed = wire.print_data(self.gateway.call(op, wire.PRINT_INFNO, wire.print_request(app)))
            except (PlatformRejected, PlatformUnavailable, ValidationFailed) as exc:
                notes.append(f"医保平台申请单（{wire.PRINT_INFNO}）未取得：{excerpt(getattr(exc, 'err_msg', '') or str(exc), 300)}")
        theirs = wire.platform_figures(printed)
        ours = {**{n: format(v, "f") for n, v in app.figures.amounts().items()}, "psntime": str(app.figures.psntime)}
        lines = tuple(ClearingFigureLine(label, ours[n], theirs.get(n, ""), n in theirs and theirs[n] != ours[n])
                      for n, label in FIGURE_LABELS.items())
        if any(line.differs for line in lines):
            notes.append("医保平台数据与本院申报数据不符的项目已标注（均按原样打印，未作更正）")
        f = app.figures
        particulars = (
            ("定点医药机构", f"{self.config.hospital_name}（{self.config.fixmedins_code}）"),
            ("申请类型", _KIND_WORDS[app.kind]), ("清算类别", self._name("clr_type", app.clr_type)),
            ("清算方式", self._name("clr_way", app.clr_way) or "—"), ("清算机构", app.clr_optins),
            ("清算年月", app.period.month), ("清算期间", f"{app.first_day} 至 {app.last_day}"),
            ("结算笔数", f"{f.rows}（其中退费 {f.refunds}）"), ("清算人次", str(f.psntime)),
            ("状态", _STATE_WORDS[app.state] + ("（结果待确认）" if app.in_doubt else "")),
            ("清算申请事件ID", app.clr_appy_evt_id or "—"), ("申请编号", app.id),
            ("申请人", app.operator_code), ("申请时间", f"{app.created_at:%Y-%m-%d %H:%M:%S}"))
        if app.error:
            notes.append(f"医保平台答复：{app.error}")
        if app.in_doubt:
            notes.append(f"申请结果未知：{app.in_doubt}")
        if app.state is ClearingState.REVOKED:
            notes.append(f"已于 {app.revoked_at:%Y-%m-%d %H:%M} 由 {app.revoked_by} 撤销：{app.revoke_reason}")
        text = str(printed.get("print_content") or "")
        void = {ClearingState.REVOKED: "已撤销", ClearingState.REFUSED: "未受理"}.get(app.state, "")
        return ClearingApplicationForm(
            hospital_name=self.config.hospital_name, title="医疗保障基金清算申请单",
            form_no=app.clr_appy_evt_id or app.id, printed_at=self.clock.now(), particulars=particulars,
            figures=lines, platform_text=tuple(t for t in text.splitlines() if t.strip())[:60], notes=tuple(notes),
            void=void)

    def _name(self, dictionary: str, code: str) -> str:
        found = self.catalogue.dictionaries.get(dictionary)
        label = found.codes.get(code) if found is not None and code else None
        return f"{code} {label}" if label else code


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationFailed([FieldViolation("reason", "is required: say why")])
    if len(reason) > REASON_MAX:
        raise ValidationFailed([FieldViolation("reason", f"is longer than {REASON_MAX} characters")])
