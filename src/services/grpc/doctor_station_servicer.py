"""his.v1.DoctorStationService: the doctor station's reads (the permission is checked before)."""
from __future__ import annotations

from his.v1 import doctor_station_pb2 as pb
from his.v1 import doctor_station_pb2_grpc
from services.diagnoses import DiagnosisSearchService


class DoctorStationServicer(doctor_station_pb2_grpc.DoctorStationServiceServicer):
    def __init__(self, diagnoses: DiagnosisSearchService):
        self.diagnoses = diagnoses

    def SearchDiagnoses(self, request, context):
        hits = self.diagnoses.search(request.query, list(request.kinds), request.limit)
        return pb.SearchDiagnosesResponse(diagnoses=[pb.DiagnosisHit(code=h.code, name=h.name, kind=h.kind)
                                                     for h in hits])
