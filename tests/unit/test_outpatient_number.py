"""The 门诊号 the HIS makes up when the caller gives none."""
from __future__ import annotations

from datetime import datetime

from services.outpatient import _outpatient_number


def test_a_generated_outpatient_number_is_the_same_for_every_retry_of_one_request():
    first = _outpatient_number(datetime(2026, 3, 2, 9, 0), "req-1")
    assert first == _outpatient_number(datetime(2026, 3, 2, 9, 7), "req-1") and len(first) <= 30
    assert first != _outpatient_number(datetime(2026, 3, 2, 9, 0), "req-2")
    assert _outpatient_number(datetime(2026, 3, 2, 9, 0)) != _outpatient_number(datetime(2026, 3, 2, 9, 0))
