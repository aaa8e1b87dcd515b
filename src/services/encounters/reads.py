"""Reading encounters: one, its path (the legs in order), a patient's history for the doctor."""
from __future__ import annotations

from datetime import datetime

from domain.encounters import Encounter, EncounterState
from domain.errors import FieldViolation, NotFound, ValidationFailed
from ports.encounters import EncounterCursor
from services.encounters.commands import EncounterHistory, EncounterRecord, PathStep
from services.encounters.core import EncounterCore

class EncounterReads(EncounterCore):
    # ---- reads -----------------------------------------------------------------------------
    def get(self, encounter_id: str) -> Encounter:
        with self.uow() as uow:
            encounter = self._get(uow, encounter_id)
        if encounter.state is EncounterState.REGISTERING:
            return self.settle_registration(encounter_id)
        return encounter

    def path(self, encounter_id: str) -> list[PathStep]:
        """The visit's flow: each clinic in the order the patient went, and how they came there."""
        encounter = self.get(encounter_id)
        by_leg = {t.to_leg: t for t in encounter.transfers}
        return [PathStep(leg, self._clinic_name(leg.clinic_code), self._staff_name(leg.doctor_code),
                         by_leg.get(leg.seq)) for leg in encounter.legs]

    def history(self, patient_id: str, limit: int = 20,
                after: tuple[datetime, str] | None = None) -> EncounterHistory:
        """A patient's encounters, newest first (those of records merged into theirs too), each with
        its clinics, doctors, diagnoses, charges, payments and 医保 settlements: the doctor's one call."""
        if limit < 1:
            raise ValidationFailed([FieldViolation("page_size", "must be at least 1")])
        patient = self.patients.get(patient_id)
        ids = list(dict.fromkeys([patient.id, patient_id]))
        with self.uow() as uow:
            page = uow.encounters.for_patient(ids, limit=limit,
                                              after=EncounterCursor(*after) if after is not None else None)
        records = []
        for encounter in page.encounters:
            record = EncounterRecord(encounter)
            for leg in encounter.legs:
                record.clinic_names[leg.clinic_code] = self._clinic_name(leg.clinic_code)
                if leg.doctor_code:
                    record.doctor_names[leg.doctor_code] = self._staff_name(leg.doctor_code)
            registrations = [leg.visit_id for leg in encounter.legs] + [p.visit_id for p in encounter.payments]
            for visit_id in dict.fromkeys(v for v in registrations if v):
                try:
                    record.settlements += self.outpatient.get_visit(visit_id).settlements
                except NotFound:
                    pass
            records.append(record)
        nxt = (page.next.registered_at, page.next.id) if page.next is not None else None
        return EncounterHistory(records, nxt)
