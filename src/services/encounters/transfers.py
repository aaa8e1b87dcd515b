"""The doctor's diagnoses (2203 for an insured encounter) and 门诊流转: a visit sent on to another
clinic or doctor, and taken back while the receiving doctor has not started."""
from __future__ import annotations

import logging

from domain.encounters import Encounter, EncounterDiagnosis, Leg, LegState, OldRegistration, Transfer
from domain.errors import ConcurrencyConflict, FieldViolation, IllegalTransition, ValidationFailed
from domain.hospital import RegistrationType
from domain.operator import Operator
from domain.queues import PriorityFlags, QueueKey, QueueState
from domain.text import excerpt
from domain.visit import VisitState
from ports.unit_of_work import UnitOfWork
from services.encounters import insurance_translation as yb
from services.encounters.commands import DiagnosisInput, TransferEncounter
from services.encounters.core import UPLOAD_AT_SIGNING, link_visit, queue_label, recorded_batches
from services.encounters.fee_batches import FeeBatches

log = logging.getLogger(__name__)


class TransferUseCases(FeeBatches):
    # ---- diagnoses -------------------------------------------------------------------------
    def record_diagnoses(self, op: Operator, encounter_id: str, found: list[DiagnosisInput]) -> Encounter:
        """The doctor's diagnoses for the encounter as they stand (the list replaces the earlier one).
        Insured: uploaded with 2203 under the current department and doctor first."""
        encounter = self.get(encounter_id)
        leg = encounter.current_leg()
        now = self.clock.now()
        made = [EncounterDiagnosis(srt_no=0, kind=d.kind or "1", code=d.code, name=d.name, main=d.main,
                                   leg_seq=leg.seq, doctor_code=leg.doctor_code or op.code, at=now) for d in found]
        encounter.record_diagnoses(made)  # checked before anything is sent
        if encounter.insured:
            place = self._place_of(leg)
            self.outpatient.upload_diagnoses(op, encounter.visit_id, yb.diagnoses(made, place.dept, place.doctor))
        return self._apply(encounter_id, lambda e, _uow: e.record_diagnoses(made))

    # ---- 门诊流转 -----------------------------------------------------------------------------
    def transfer(self, op: Operator, cmd: TransferEncounter) -> Encounter:
        """Send the patient on to another clinic or doctor, the same encounter. The receiving queue gets
        the patient; the sending entry is closed as TRANSFERRED. Insured: the registration is kept when
        the rules allow (2203 sent again under the receiving department and doctor, same mdtrt_id);
        else a new 2201A is made for the receiving clinic and linked, and the old one cancelled (2202)
        or kept, as configured."""
        found = []
        if not cmd.to_clinic_code:
            found.append(FieldViolation("to_clinic_code", "is required"))
        if not cmd.reason.strip():
            found.append(FieldViolation("reason", "is required: why the patient is sent on"))
        if found:
            raise ValidationFailed(found)
        with self.uow() as uow:
            encounter = self._get(uow, cmd.encounter_id)
            encounter.require_open("transfer")
            sending = encounter.current_leg()
            self._require_open_leg(uow, sending)
        if (cmd.to_clinic_code, cmd.to_doctor_code) == (sending.clinic_code, sending.doctor_code):
            raise ValidationFailed([FieldViolation("to_clinic_code", "the patient is at this clinic and doctor "
                                                                     "already: a transfer needs another")])
        place = self._place(cmd.to_clinic_code, cmd.to_doctor_code, "to_clinic_code", "to_doctor_code",
                            needs_doctor=encounter.insured)
        now = self.clock.now()
        why_new = self.config.transfer.new_registration_reason(encounter, cmd.med_type, now.date(),
                                                               place.clinic.registers_separately)
        old_state = self.outpatient.get_visit(encounter.visit_id).state if encounter.insured else None
        if old_state is not None and old_state is not VisitState.REGISTERED and not why_new:
            why_new = f"the registration in force is {old_state.value}: its visit information cannot change"
        seq = len(encounter.legs) + 1
        leg = Leg(seq=seq, clinic_code=place.clinic.code, dept_code=place.dept.code, doctor_code=cmd.to_doctor_code,
                  queue_entry_id="", state=LegState.ACTIVE, started_at=now, visit_id=encounter.visit_id,
                  mdtrt_id=encounter.mdtrt_id)
        transfer = Transfer(seq=len(encounter.transfers) + 1, from_leg=sending.seq, to_leg=seq, sent_by=op.code,
                            sent_by_name=op.name, reason=cmd.reason.strip(), at=now)
        new_visit_id = ""
        if encounter.insured and not why_new:
            if encounter.diagnoses:  # the platform's visit now belongs to the receiving department and doctor
                self.outpatient.upload_diagnoses(op, encounter.visit_id,
                                                 yb.diagnoses(encounter.diagnoses, place.dept, place.doctor))
        elif encounter.insured:
            log.info("encounter %s: transfer needs a new registration (%s)", encounter.id, why_new)
            visit = self.outpatient.register(op, yb.registration(
                encounter, place.dept, place.doctor, yb.outpatient_number(f"{encounter.id}/{seq}"), now,
                cmd.med_type))
            new_visit_id = visit.id
            link_visit(encounter, leg, visit.id, visit.mdtrt_id)
            transfer.new_registration, transfer.old_visit_id = True, sending.visit_id
            # a settled registration stays whatever the rule says: its settlement is undone by 2208, not here
            transfer.old_registration = (self.config.transfer.old_registration if old_state is VisitState.REGISTERED
                                         else OldRegistration.KEPT)

        def move(e: Encounter, uow: UnitOfWork) -> None:
            current = e.current_leg()
            if current.seq != sending.seq:
                raise ConcurrencyConflict(f"encounter {e.id} moved meanwhile; read it again")
            # both clinics' queues change: their locks first, in the one order every transfer takes them
            self.queues.lock_clinics(uow, now.date(), current.clinic_code, leg.clinic_code)
            self._require_open_leg(uow, current)
            patient = self.patients.get(e.patient_id)
            flags = PriorityFlags(emergency=e.reg_type == RegistrationType.EMERGENCY.value,
                                  age=patient.age_on(now.date()), returning_with_results=cmd.returning_with_results)
            leg.queue_entry_id = self.queues.enqueue(uow, QueueKey(now.date(), leg.clinic_code, leg.doctor_code),
                                                     encounter_id=e.id, patient_id=patient.id,
                                                     patient_label=queue_label(patient), flags=flags).id
            self.queues.close_transferred(uow, current.queue_entry_id)
            e.move_to(leg, transfer)
            if cmd.med_type and transfer.new_registration:
                e.med_type = cmd.med_type

        try:
            encounter = self._apply(cmd.encounter_id, move)
        except Exception:
            if new_visit_id:  # the new registration serves nobody
                self._cancel_quietly(op, new_visit_id)
            raise
        if transfer.new_registration:
            self._move_unpaid_lines(op, encounter, transfer.old_visit_id)
        if transfer.old_registration is OldRegistration.CANCELLED:
            encounter = self._cancel_old(op, encounter, transfer.seq, transfer.old_visit_id)
        return encounter

    def _move_unpaid_lines(self, op: Operator, encounter: Encounter, old_visit_id: str) -> None:
        """The unpaid lines follow the encounter to its new registration: the old one's live batch is
        cancelled (2205; kept or not, a registration must not hold lines another will settle) and,
        uploading at signing, they are uploaded under the new one. The transfer stands either way;
        what fails here is mended by the next change or the payment, and logged."""
        try:
            if self.outpatient.get_visit(old_visit_id).state is VisitState.REGISTERED:
                self._release_batches(op, old_visit_id, recorded_batches(encounter))
            if self.config.upload_at == UPLOAD_AT_SIGNING and encounter.unpaid():
                self._upload_unpaid(op, encounter)
        except Exception as exc:  # noqa: BLE001 - the transfer is done; the caller hears of it, not of this
            log.error("encounter %s: its unpaid lines could not be moved to registration %s: %s", encounter.id,
                      encounter.visit_id, excerpt(exc, 200))

    def _cancel_old(self, op: Operator, encounter: Encounter, transfer_seq: int, old_visit_id: str) -> Encounter:
        try:
            self._cancel_registration(op, old_visit_id)
            return encounter
        except Exception as exc:  # the transfer stands; the old registration stays, and says so
            log.warning("encounter %s: the replaced registration %s could not be cancelled (%s); kept",
                        encounter.id, old_visit_id, excerpt(exc, 200))

            def kept(e: Encounter, _uow) -> None:
                next(t for t in e.transfers if t.seq == transfer_seq).old_registration = OldRegistration.KEPT
            return self._apply(encounter.id, kept, require_open=False)

    def undo_transfer(self, op: Operator, encounter_id: str) -> Encounter:
        """Take back the last transfer while the receiving doctor has not started: the receiving entry
        withdrawn, the sending one reopened. Insured: 2203 sent again under the sending department, or
        the receiving registration cancelled (2202) and the sending one restored (re-registered when
        it had been cancelled)."""
        with self.uow() as uow:
            encounter = self._get(uow, encounter_id)
            encounter.require_open("undo a transfer")
            transfer = encounter.last_transfer()
            if transfer is None:
                raise IllegalTransition(f"encounter {encounter.id} has no transfer to undo")
            receiving = encounter.leg(transfer.to_leg)
            entry = self.queues.entry(uow, receiving.queue_entry_id)
            if entry.state not in (QueueState.WAITING, QueueState.CALLED, QueueState.NO_SHOW):
                raise IllegalTransition(f"cannot undo the transfer of encounter {encounter.id}: the receiving "
                                        f"consultation is {entry.state.value}")
        sending = encounter.leg(transfer.from_leg)
        back = self._place_of(sending)
        restored = None
        if encounter.insured and transfer.new_registration:
            if transfer.old_registration is OldRegistration.CANCELLED:
                restored = self.outpatient.register(op, yb.registration(
                    encounter, back.dept, back.doctor,
                    yb.outpatient_number(f"{encounter.id}/{sending.seq}/undo{transfer.seq}"), self.clock.now()))
        elif encounter.insured and encounter.diagnoses:
            self.outpatient.upload_diagnoses(op, encounter.visit_id,
                                             yb.diagnoses(encounter.diagnoses, back.dept, back.doctor))

        def undo(e: Encounter, uow: UnitOfWork) -> None:
            t = e.last_transfer()
            if t is None or t.seq != transfer.seq:
                raise ConcurrencyConflict(f"encounter {e.id} moved meanwhile; read it again")
            self.queues.lock_clinics(uow, self.clock.now().date(), e.leg(t.from_leg).clinic_code,
                                     e.leg(t.to_leg).clinic_code)
            self.queues.withdraw(uow, e.leg(t.to_leg).queue_entry_id)  # refused once the consultation started
            self.queues.reopen(uow, e.leg(t.from_leg).queue_entry_id)
            _t, back_leg, _receiving = e.undo_transfer(self.clock.now(), op.code)
            if restored is not None:
                link_visit(e, back_leg, restored.id, restored.mdtrt_id)

        try:
            encounter = self._apply(encounter_id, undo)
        except Exception:
            if restored is not None:
                self._cancel_quietly(op, restored.id)
            raise
        if transfer.new_registration:
            self._cancel_quietly(op, receiving.visit_id)  # the receiving registration serves nobody now
        return encounter
