"""Use cases of an outpatient encounter for every patient: registration (挂号), charges and their
payment at any station, the doctor's history, and 门诊流转 (transfers between clinics).

For an insured encounter the 医保 side runs through the existing OutpatientService (2201A, 2203,
2204/2206/2207, 2202), called through its public methods only; the payloads come from
insurance_translation. As there, no database transaction stays open while a request is on the
wire: checks are made first on a fresh read, the platform is called, then the encounter and the
queues are written in one unit of work that checks again (a concurrent change: ConcurrencyConflict,
and what the platform did for the lost change is undone where it can be).

Each family of use cases lives in its own module (registration, payments, transfers, reads) over
what they share (core); this class is the one service the composition root builds."""
from __future__ import annotations

from services.encounters.core import EncounterConfig
from services.encounters.order_charges import OrderChargeUseCases
from services.encounters.payments import PaymentUseCases
from services.encounters.reads import EncounterReads
from services.encounters.registration import RegistrationUseCases
from services.encounters.transfers import TransferUseCases

__all__ = ["EncounterConfig", "EncounterService"]


class EncounterService(RegistrationUseCases, PaymentUseCases, OrderChargeUseCases, TransferUseCases, EncounterReads):
    """Every use case of an encounter, over one set of collaborators (EncounterCore.__init__)."""
