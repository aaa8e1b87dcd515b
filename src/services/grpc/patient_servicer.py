"""his.v1.PatientService: the patient index over gRPC (the method's permission is checked before).

Replies show identity numbers, phones and addresses masked (Patient.masked) unless the request sets
reveal_identity; the access interceptor lets only a role holding IDENTITY_PERMISSION set it
(permissions.FIELD_PERMISSIONS), and the audit trail records who did. The role is checked here
again, so the servicer never reveals on its own whatever interceptors are installed."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.patients import Identifier, IdentifierKind, Patient, PatientRevision
from his.v1 import patients_pb2 as pb
from his.v1 import patients_pb2_grpc
from services.access import AccessPolicy
from services.grpc import mappers
from services.grpc.auth import current_operator
from services.grpc.page_tokens import PageTokens
from services.patients import IDENTITY_PERMISSION, PatientDetails, PatientQuery, PatientRegistry

_KINDS = {pb.ID_CARD: IdentifierKind.ID_CARD, pb.YB_ECERT: IdentifierKind.YB_ECERT,
          pb.SOCIAL_SECURITY_CARD: IdentifierKind.SOCIAL_SECURITY_CARD, pb.VISIT_CARD: IdentifierKind.VISIT_CARD}
_KIND_NUMBERS = {kind: number for number, kind in _KINDS.items()}
_INPUT_FIELDS = ("name", "gender", "birth_date", "phone", "address", "identifiers")


def _in(prefix: str) -> dict[str, str]:
    """The use case names a PatientInput's fields bare; the request has them under `prefix`."""
    return {f: f"{prefix}.{f}" for f in _INPUT_FIELDS}


def _date(text: str, field: str, problems: list[FieldViolation]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad_date(field, problems)
    except ValueError:
        return _bad_date(field, problems)


def _bad_date(field: str, problems: list[FieldViolation]) -> None:
    problems.append(FieldViolation(field, "is not a date (yyyy-MM-dd)"))
    return None


def _identifier(message, field: str, problems: list[FieldViolation]) -> Identifier | None:
    kind = _KINDS.get(message.kind)
    if kind is None:
        problems.append(FieldViolation(f"{field}.kind", "is required: ID_CARD, YB_ECERT, SOCIAL_SECURITY_CARD or "
                                                        "VISIT_CARD"))
        return None
    return Identifier(kind, message.value)


def _details(message, prefix: str) -> PatientDetails:
    problems: list[FieldViolation] = []
    birth = _date(message.birth_date, f"{prefix}.birth_date", problems)
    identifiers = [_identifier(m, f"{prefix}.identifiers[{n}]", problems) for n, m in enumerate(message.identifiers)]
    if problems:
        raise ValidationFailed(problems)
    return PatientDetails(name=message.name, gender=message.gender, birth_date=birth, phone=message.phone,
                          address=message.address, identifiers=tuple(identifiers))


class PatientServicer(patients_pb2_grpc.PatientServiceServicer):
    def __init__(self, registry: PatientRegistry, access: AccessPolicy, zone: ZoneInfo,
                 page_tokens: PageTokens | None = None):
        self.registry, self.access, self.zone = registry, access, zone
        self.page_tokens = page_tokens or PageTokens()

    # ---- replies ------------------------------------------------------------------------------
    def _reveals(self, request) -> bool:
        return request.reveal_identity and self.access.allows(current_operator().role, IDENTITY_PERMISSION)

    def _patient(self, p: Patient, reveal: bool) -> pb.Patient:
        shown = p if reveal else p.masked()
        out = pb.Patient(id=shown.id, name=shown.name, gender=shown.gender,
                         birth_date=shown.birth_date.isoformat() if shown.birth_date else "", phone=shown.phone,
                         address=shown.address, self_pay=shown.self_pay, merged_into=shown.merged_into or "",
                         version=shown.version, identity_masked=not reveal,
                         identifiers=[pb.PatientIdentifier(kind=_KIND_NUMBERS[i.kind], value=i.value)
                                      for i in shown.identifiers])
        if shown.insurance is not None:
            ins = shown.insurance
            out.insurance.CopyFrom(pb.InsuranceSnapshot(psn_no=ins.psn_no, insutypes=list(ins.insutypes),
                                                        insuplc_admdvs=ins.insuplc_admdvs,
                                                        read_at=mappers.to_timestamp(ins.read_at, self.zone)))
        return out

    def _reply(self, request, p: Patient) -> pb.PatientReply:
        return pb.PatientReply(patient=self._patient(p, self._reveals(request)))

    def _revision(self, r: PatientRevision, reveal: bool) -> pb.PatientRevision:
        return pb.PatientRevision(version=r.version, at=mappers.to_timestamp(r.at, self.zone),
                                  operator_code=r.operator_code, action=r.action, detail=r.detail,
                                  changed=list(r.changed), patient=self._patient(r.patient, reveal))

    # ---- calls --------------------------------------------------------------------------------
    def RegisterPatient(self, request, context):
        with mappers.request_paths(_in("patient")):
            details = _details(request.patient, "patient")
            patient = self.registry.register(current_operator(), details, request_key=request.request_id)
        return self._reply(request, patient)

    def UpdatePatient(self, request, context):
        mappers.required(request, "patient_id")
        with mappers.request_paths(_in("patient")):
            details = _details(request.patient, "patient")
            patient = self.registry.update(current_operator(), request.patient_id, details,
                                           list(request.update_mask.paths), request.expected_version)
        return self._reply(request, patient)

    def GetPatient(self, request, context):
        mappers.required(request, "patient_id")
        return self._reply(request, self.registry.get(request.patient_id))

    def FindPatients(self, request, context):
        reveal = self._reveals(request)
        if request.HasField("identifier"):
            problems: list[FieldViolation] = []
            identifier = _identifier(request.identifier, "identifier", problems)
            if problems:
                raise ValidationFailed(problems)
            try:
                found = [self.registry.find_by_identifier(identifier, "identifier")]
            except NotFound:
                found = []
            return pb.FindPatientsResponse(patients=[self._patient(p, reveal) for p in found])
        problems = []
        birth = _date(request.birth_date, "birth_date", problems)
        if problems:
            raise ValidationFailed(problems)
        if request.phone:
            found = self.registry.find_by_demographics(request.name, birth, request.phone)
            return pb.FindPatientsResponse(patients=[self._patient(p, reveal) for p in found])
        filters = f"{request.name.strip()}\n{request.birth_date}"
        after = self.page_tokens.read(request.page_token, filters)
        page = self.registry.search(PatientQuery(name_prefix=request.name.strip(), birth_date=birth),
                                    tuple(after) if after else None, request.page_size)
        token = self.page_tokens.issue(filters, page.next_after) if page.next_after else ""
        return pb.FindPatientsResponse(patients=[self._patient(p, reveal) for p in page.patients],
                                       next_page_token=token)

    def MergePatients(self, request, context):
        return self._reply(request, self.registry.merge(current_operator(), request.survivor_id, request.merged_id,
                                               request.reason))

    def ReadInsurance(self, request, context):
        mappers.required(request, "mdtrt_cert_type", "mdtrt_cert_no")
        return self._reply(request, self.registry.read_insurance(current_operator(), request.mdtrt_cert_type,
                                                        request.mdtrt_cert_no, request.card_sn, request.psn_name,
                                                        request.patient_id))

    def GetPatientHistory(self, request, context):
        mappers.required(request, "patient_id")
        reveal = self._reveals(request)
        return pb.GetPatientHistoryResponse(revisions=[self._revision(r, reveal)
                                                       for r in self.registry.history(request.patient_id)])
