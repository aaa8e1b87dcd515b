"""Who may do what: permissions named per operation, and roles as sets of them.

Every RPC needs one permission (services/grpc/permissions.py maps each method to it); an operator's
role grants a set. The built-in roles follow the jobs of an outpatient department; configuration
(Settings.role_permissions) adds roles or redefines one. Resolved once at start-up into frozensets,
so a check on the request path is one set lookup.

Which transactions the generic PlatformService.Invoke may send is a second, finer grant
(Settings.roles: role -> catalogue groups, services/transactions.py): `platform.invoke` lets a role
call Invoke at all, its `roles` entry says what through.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

ALL = "*"

# name -> what it allows; the platform transaction a permission leads to, where there is one
PERMISSIONS: dict[str, str] = {
    "person.read": "read an insured person from the platform (1101)",
    "visit.read": "read and list visits",
    "visit.register": "register a visit (2201 / 2201A)",
    "visit.unregister": "cancel a visit's registration (2202)",
    "visit.diagnose": "upload a visit's diagnoses (2203)",
    "fees.upload": "upload fee rows (2204)",
    "fees.cancel": "cancel an unsettled fee batch (2205)",
    "visit.presettle": "preview a settlement (2206)",
    "visit.settle": "settle a fee batch (2207)",
    "settlement.cancel": "cancel a settlement (2208)",
    "journal.read": "read the platform journal (also GetVisit with include_journal)",
    "journal.resolve": "settle a doubtful journal entry (queries, 冲正 2601)",
    "catalogue.read": "list and describe the platform's transactions",
    "platform.invoke": "send any transaction through Invoke, within the role's catalogue grants (`roles`)",
    "audit.read": "read the audit trail",
    "diagnosis.read": "search the 医保 diagnosis catalogues (1307/1314/1315)",
    "encounter.register": "register a patient at a clinic, insured (2201A) or self-pay",
    "encounter.read": "read encounters, their path and a patient's encounter history",
    "encounter.charge": "add charges to an encounter",
    "encounter.pay": "take an encounter's payment (insured: 2204 / 2206 / 2207)",
    "encounter.refund": "refund a self-pay payment",
    "encounter.cancel": "cancel an encounter before the consultation (insured: 2202)",
    "encounter.transfer": "send a patient on to another clinic, or take that back (insured: 2203 / 2201A / 2202)",
    "encounter.diagnose": "record an encounter's diagnoses (insured: 2203)",
    "patient.read": "find, list and read patient records and their history (identity numbers, phones, addresses masked)",
    "patient.register": "register and update patients, read their insurance (1101)",
    "patient.merge": "merge duplicate patient records",
    "patient.identity.read": "see patients' identity numbers, phones and addresses in clear",
    "queue.read": "read and watch clinic queues (GetQueue, WatchQueue: doctor stations, queue screens)",
    "queue.operate": "call, recall, skip, start, finish and mark no-show in a clinic queue",
}

_OUTPATIENT = ("person.read", "visit.read", "visit.register", "visit.unregister", "visit.diagnose", "fees.upload",
               "fees.cancel", "visit.presettle", "visit.settle", "settlement.cancel")

# The least each job needs. clerk / admin / system are the roles configurations already name
# (clerk: the demo operator, a 挂号收费 window that does everything but read the audit trail).
BUILT_IN_ROLES: dict[str, tuple[str, ...]] = {
    "registrar": ("person.read", "visit.read", "visit.register", "visit.unregister", "diagnosis.read",
                  "patient.read", "patient.register", "patient.identity.read"),  # 挂号员
    "doctor": ("visit.read", "visit.diagnose", "fees.upload", "fees.cancel", "diagnosis.read",
               "patient.read"),  # 医生: diagnoses, orders; patients by name, identity masked
    "nurse": ("visit.read", "fees.upload", "diagnosis.read"),  # 护士: materials and procedures as fee rows
    "cashier": ("person.read", "visit.read", "fees.upload", "fees.cancel", "visit.presettle", "visit.settle",
                "settlement.cancel", "journal.read", "patient.read"),  # 收费员
    "insurance_office": ("person.read", "visit.read", "visit.unregister", "fees.cancel", "settlement.cancel",
                         "journal.read", "journal.resolve", "catalogue.read", "platform.invoke",
                         "audit.read", "patient.read", "patient.register", "patient.merge",
                         "patient.identity.read"),  # 医保办: doubtful calls, corrections, the platform's other services
    "auditor": ("visit.read", "journal.read", "catalogue.read", "platform.invoke", "audit.read"),  # 稽核
    "viewer": ("visit.read", "catalogue.read"),  # 查询
    "clerk": (*_OUTPATIENT, "journal.read", "journal.resolve", "catalogue.read", "platform.invoke",
              "diagnosis.read", "patient.read", "patient.register", "patient.merge", "patient.identity.read"),
    "admin": (ALL,),
    "system": (ALL,),  # the HIS itself (automatic 冲正)
}

# The encounters (RegistrationService): paying is allowed at every station that meets the patient,
# the kiosk (自助机) included; refunds and 退号 stay with the registration and cashier's windows.
_ENCOUNTER_GRANTS: dict[str, tuple[str, ...]] = {
    "registrar": ("encounter.register", "encounter.read", "encounter.pay", "encounter.refund", "encounter.cancel"),
    "cashier": ("encounter.read", "encounter.charge", "encounter.pay", "encounter.refund", "encounter.cancel"),
    "doctor": ("encounter.read", "encounter.charge", "encounter.pay", "encounter.transfer", "encounter.diagnose"),
    "nurse": ("encounter.read", "encounter.charge"),
    "insurance_office": ("encounter.read", "encounter.cancel"),
    "auditor": ("encounter.read",),
    "viewer": ("encounter.read",),
    "clerk": ("encounter.register", "encounter.read", "encounter.charge", "encounter.pay", "encounter.refund",
              "encounter.cancel", "encounter.transfer", "encounter.diagnose"),
    "kiosk": ("person.read", "encounter.register", "encounter.read", "encounter.pay"),  # 自助机
}
for _role, _granted in _ENCOUNTER_GRANTS.items():
    BUILT_IN_ROLES[_role] = (*BUILT_IN_ROLES.get(_role, ()), *_granted)
# Hospital master data (科室, 诊室, staff, prices): every job reads it, admin changes it, admin and the
# 医保办 upload departments to the platform (3401/3402/3403).
PERMISSIONS.update({
    "masterdata.read": "read the hospital master data (departments, clinics, staff, registration prices, charge items)",
    "masterdata.write": "create, change and retire master data (each change a new version)",
    "masterdata.upload": "upload departments to the platform (3401 / 3402 / 3403), map charge items (3301 / 3302)",
})
for _role in ("registrar", "doctor", "nurse", "cashier", "insurance_office", "auditor", "viewer", "clerk"):
    BUILT_IN_ROLES[_role] += ("masterdata.read",)
BUILT_IN_ROLES["insurance_office"] += ("masterdata.upload",)
# The clinic queues: who watches them (registration windows, queue screens as viewers), who calls.
for _role, _queue_grants in {"registrar": ("queue.read",), "viewer": ("queue.read",),
                             "doctor": ("queue.read", "queue.operate"), "nurse": ("queue.read", "queue.operate"),
                             "clerk": ("queue.read", "queue.operate")}.items():
    BUILT_IN_ROLES[_role] = (*BUILT_IN_ROLES[_role], *_queue_grants)
# Prescriptions: the doctor writes, signs, circulates (7101) and revokes (7104) them; the stations
# that meet the patient read them (a clerk does everything at the demo's one window).
PERMISSIONS.update({
    "prescription.read": "read prescriptions and the hospital's drug list",
    "prescription.write": "write, sign, circulate (7101) and revoke (7104) prescriptions",
})
for _role, _rx_grants in {"doctor": ("prescription.read", "prescription.write"), "nurse": ("prescription.read",),
                          "cashier": ("prescription.read",), "insurance_office": ("prescription.read",),
                          "auditor": ("prescription.read",), "viewer": ("prescription.read",),
                          "clerk": ("prescription.read", "prescription.write")}.items():
    BUILT_IN_ROLES[_role] = (*BUILT_IN_ROLES[_role], *_rx_grants)

# The doctor's orders: doctors request and cancel (charges follow), the examining departments (医技:
# radiology, ultrasound) book, perform and report, the windows and nurses read what was ordered.
PERMISSIONS.update({
    "order.read": "read exam requests and the exam-item tables",
    "order.write": "request exams and cancel their parts (charges follow; insured: 2204 / 2205)",
    "exam.operate": "schedule, perform and report the parts of exam requests (the examining department)",
    "order.print": "print an exam request form (it carries the patient's name, age and coverage)",
})
BUILT_IN_ROLES["technician"] = ("encounter.read", "patient.read", "masterdata.read", "order.read",
                                "exam.operate", "order.print")  # 医技
for _role, _order_grants in {"doctor": ("order.read", "order.write", "order.print"),
                             "nurse": ("order.read", "order.print"),
                             "registrar": ("order.read",), "cashier": ("order.read",),
                             "insurance_office": ("order.read",), "auditor": ("order.read",),
                             "viewer": ("order.read",),
                             "clerk": ("order.read", "order.write", "exam.operate", "order.print")}.items():
    BUILT_IN_ROLES[_role] = (*BUILT_IN_ROLES[_role], *_order_grants)


# Inpatient stays (一站式住院): the doctor issues the 住院证 and orders the discharge; the admission desk
# (入院处) and the ward nurse admit, place, take the deposit, discharge and settle, with no cashier step.
PERMISSIONS.update({
    "inpatient.read": "read admission orders, stays, their charges, deposits and balance, and the wards' beds",
    "inpatient.order": "issue, change and cancel admission orders (住院证); order the discharge",
    "inpatient.admit": "admit with an admission order, assign beds, transfer and cancel stays",
    "inpatient.charge": "record the ward's charges on a stay",
    "inpatient.deposit": "take, refund and waive the deposit (预交金)",
    "inpatient.discharge": "discharge a stay and settle it; take a discharged stay back in (出院召回)",
    "inpatient.unsettle": "cancel a stay's settlement (结算撤销)",
    "inpatient.attributes": "upload a stay's 就医特殊属性 (2406)",
})
BUILT_IN_ROLES["admission_clerk"] = ("patient.read", "encounter.read", "masterdata.read", "inpatient.read",
                                     "inpatient.admit", "inpatient.deposit", "inpatient.discharge",
                                     "inpatient.unsettle", "inpatient.attributes")  # 入院处
BUILT_IN_ROLES["ward_nurse"] = ("patient.read", "encounter.read", "masterdata.read", "inpatient.read",
                                "inpatient.admit", "inpatient.charge", "inpatient.deposit",
                                "inpatient.discharge", "inpatient.attributes")  # 病区护士站
for _role, _ipt_grants in {"doctor": ("inpatient.read", "inpatient.order", "inpatient.attributes"),
                           "insurance_office": ("inpatient.read", "inpatient.attributes"),
                           "auditor": ("inpatient.read",),
                           "clerk": ("inpatient.read", "inpatient.order", "inpatient.admit", "inpatient.charge",
                                     "inpatient.deposit", "inpatient.discharge", "inpatient.unsettle",
                                     "inpatient.attributes")}.items():
    BUILT_IN_ROLES[_role] = (*BUILT_IN_ROLES[_role], *_ipt_grants)

# Reconciliation with the platform (对账): the 医保办 runs it and works the 单边账 list; the 稽核 reads it.
PERMISSIONS.update({
    "reconciliation.read": "read reconciliation runs and the 单边账 worklist",
    "reconciliation.run": "reconcile days with the platform (3201 / 3202 / 5262 / 5267)",
    "reconciliation.resolve": "act on a 单边账: 冲正 (2601), record the platform's settlement, settle again (2207), confirm",
})
BUILT_IN_ROLES["insurance_office"] += ("reconciliation.read", "reconciliation.run", "reconciliation.resolve")
BUILT_IN_ROLES["clerk"] += ("reconciliation.read", "reconciliation.run", "reconciliation.resolve")  # the demo's one window
BUILT_IN_ROLES["auditor"] += ("reconciliation.read",)
# Settlement reports (医保结算报表): the 医保办 and the auditors read and export them.
PERMISSIONS.update({
    "report.read": "read settlement report summaries (counts and fund amounts by group)",
    "report.export": "export settlement reports (summaries and detail lists) as xlsx or CSV files",
})
for _role in ("insurance_office", "auditor"):
    BUILT_IN_ROLES[_role] = (*BUILT_IN_ROLES[_role], "report.read", "report.export")

# Clearing (清算申请): the 医保办 applies and revokes; the 稽核 reads and prints.
PERMISSIONS.update({
    "clearing.read": "preview a period's clearing figures, read and print clearing applications",
    "clearing.apply": "apply for clearing (3202a / 3203a / 1608) and revoke it (3204a / 3204b / 1618)",
})
BUILT_IN_ROLES["insurance_office"] += ("clearing.read", "clearing.apply")
BUILT_IN_ROLES["clerk"] += ("clearing.read", "clearing.apply")  # the demo's one window
BUILT_IN_ROLES["auditor"] += ("clearing.read",)

class UnknownRole(ValueError):
    pass


def expand(role: str, entries: Iterable[str]) -> frozenset[str]:
    """A role's entries -> the permissions they name: a permission, "*" (every one) or a family
    ("visit.*"). An entry that names nothing is refused: a typo must not silently deny."""
    granted: set[str] = set()
    for entry in entries:
        if entry == ALL:
            granted.update(PERMISSIONS)
        elif entry.endswith(".*") and (family := {p for p in PERMISSIONS if p.startswith(entry[:-1])}):
            granted |= family
        elif entry in PERMISSIONS:
            granted.add(entry)
        else:
            raise ValueError(f"role {role!r}: {entry!r} is not a permission; permissions are "
                             f"{', '.join(PERMISSIONS)} (or \"*\", or a family such as \"visit.*\")")
    return frozenset(granted)


class AccessPolicy:
    """Roles resolved to their permissions: the built-in ones, with `configured` (role -> entries,
    see `expand`) adding roles or replacing a built-in role's definition."""

    def __init__(self, configured: Mapping[str, Iterable[str]] | None = None):
        defined = {**BUILT_IN_ROLES, **(configured or {})}
        self._granted = {role: expand(role, entries) for role, entries in defined.items()}

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self._granted)

    def permissions(self, role: str) -> frozenset[str]:
        return self._granted.get(role, frozenset())

    def allows(self, role: str, permission: str) -> bool:
        return permission in self._granted.get(role, ())

    def roles_with(self, permission: str) -> frozenset[str]:
        """Every role granted `permission`: what a per-method check holds on to."""
        return frozenset(role for role, granted in self._granted.items() if permission in granted)

    def require_known(self, role: str, who: str) -> None:
        """UnknownRole unless `role` is defined; `who` names where it was found."""
        if role not in self._granted:
            raise UnknownRole(f"{who} has role {role!r}, which is not defined: the roles are "
                              f"{', '.join(sorted(self._granted))}; define others in role_permissions")


# 结算清单 (4101a): the 医保办 completes and uploads the lists; the auditor reads them.
PERMISSIONS.update({
    "settlement_list.read": "read settlement lists (结算清单), their gaps and the worklist by deadline",
    "settlement_list.write": "fill or correct a settlement list's fields; build the lists of a date range",
    "settlement_list.upload": "upload a settlement list (4101a); settle an upload in doubt",
})
for _role, _list_grants in {"insurance_office": ("settlement_list.read", "settlement_list.write",
                                                 "settlement_list.upload"),
                            "auditor": ("settlement_list.read",),
                            "clerk": ("settlement_list.read", "settlement_list.write", "settlement_list.upload")}.items():
    BUILT_IN_ROLES[_role] = (*BUILT_IN_ROLES[_role], *_list_grants)
