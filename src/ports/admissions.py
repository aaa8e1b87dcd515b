"""Where the 医保 side of hospital stays (domain.admission.InsuredAdmission) is kept."""
from __future__ import annotations

import abc

from domain.admission import AdmissionState, InsuredAdmission


class AdmissionRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, admission: InsuredAdmission) -> None:
        """A new stay; its 住院号 (ipt_no) is unique: a second stay with it cannot be committed."""

    @abc.abstractmethod
    def attach(self, admission: InsuredAdmission) -> None:
        """Take back a stay loaded by an earlier unit of work, with what was changed on it since. Its
        version guards the commit: if it changed meanwhile, commit raises ConcurrencyConflict."""

    @abc.abstractmethod
    def get(self, admission_id: str) -> InsuredAdmission | None: ...

    @abc.abstractmethod
    def by_ipt_no(self, ipt_no: str) -> InsuredAdmission | None: ...

    @abc.abstractmethod
    def by_mdtrt_id(self, mdtrt_id: str) -> InsuredAdmission | None: ...

    @abc.abstractmethod
    def discard(self, admission: InsuredAdmission) -> None:
        """Remove a stay that never existed on the platform (its 2401 was refused or never took
        effect), freeing its 住院号. Only a REGISTERING stay may be discarded."""

    @abc.abstractmethod
    def in_state(self, state: AdmissionState, limit: int = 1000) -> list[InsuredAdmission]:
        """Stays in one state, oldest first (recovery looks for those left REGISTERING or SETTLING)."""
