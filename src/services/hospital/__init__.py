"""Hospital master data: its public API. Other contexts, the gRPC layer and the composition root
import from here only."""
from __future__ import annotations

from domain.hospital import Clinic, Department, FeeLine, RegistrationType, StaffMember


class HospitalDirectory:
    """Read side of the master data, as of now (the current version of each record)."""

    def department(self, code: str) -> Department:  # NotFound
        raise NotImplementedError

    def clinic(self, code: str) -> Clinic:  # NotFound
        raise NotImplementedError

    def staff(self, code: str) -> StaffMember:  # NotFound
        raise NotImplementedError

    def registration_fee(self, reg_type: RegistrationType, clinic_code: str,
                         doctor_code: str = "") -> list[FeeLine]:
        """The lines a registration of this type costs at this clinic (and doctor, for 专家)."""
        raise NotImplementedError
