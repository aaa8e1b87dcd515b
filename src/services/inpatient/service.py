"""Use cases of an inpatient stay on the hospital's side, for 一站式住院: the 住院证 from the doctor
station, admission in one call at the admission desk or the ward (no cashier step), beds and waiting
lists, transfers, the ward's charges, the deposit, discharge and the self-pay settlement.

The 医保 side of an insured stay goes through the StayInsurance seam (services.inpatient.insurance);
as elsewhere, no database transaction stays open while the platform is called.

Each family of use cases lives in its own module over what they share (core); this class is the one
service the composition root builds."""
from __future__ import annotations

from domain.errors import FieldViolation, NotFound, ValidationFailed
from domain.inpatient import Ward
from domain.text import excerpt
from services.inpatient.admission import AdmissionUseCases
from services.inpatient.billing import BillingUseCases
from services.inpatient.orders import OrderUseCases

__all__ = ["InpatientService"]


class InpatientService(OrderUseCases, AdmissionUseCases, BillingUseCases):
    """Every use case of a stay, over one set of collaborators (InpatientCore.__init__)."""

    def load_wards(self, wards: list[Ward]) -> int:
        """Master data: the wards as given (name, department) and their beds not there yet; beds there
        keep their state. Returns how many wards were written."""
        bad = []
        for i, ward in enumerate(wards):
            try:
                self.hospital.department(ward.dept_code)
            except NotFound:
                bad.append(FieldViolation(f"wards[{i}].dept_code", f"no department {excerpt(ward.dept_code)}"))
        if bad:
            raise ValidationFailed(bad, subject="wards data")
        with self.uow() as uow:
            for ward in wards:
                uow.wards.put(ward)
            uow.commit()
        return len(wards)

    def load_wards_if_empty(self, wards: list[Ward]) -> int:
        """The demo wards into a database that has none."""
        with self.uow() as uow:
            if uow.wards.all():
                return 0
        return self.load_wards(wards)
