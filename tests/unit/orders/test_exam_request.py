"""An exam request's parts each live their own life; cancelling one leaves the others' charges as the
table prices the parts that remain."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from test_exam_pricing import ct_table

from domain.errors import IllegalTransition, ValidationFailed
from domain.orders import (ContrastAnswers, ExamMethod, ExamRequest, PartState, RequestedPart, Urgency,
                           exam_table_from_dict)

T = datetime(2026, 12, 7, 10, 0, 0)
TABLE = exam_table_from_dict(ct_table())
CONSENTED = ContrastAnswers(allergy_history=False, consent_signed=True)


def request(*parts, contrast=CONSENTED) -> ExamRequest:
    return ExamRequest.create("EX1", "ENC1", TABLE, [RequestedPart(code, m) for code, m in parts],
                              clinical_summary="胸痛三天", purpose="排除肺栓塞", diagnosis_code="R07.4",
                              urgency=Urgency.URGENT, requested_by="DR001", requested_at=T, contrast=contrast)


def test_each_part_moves_on_its_own():
    r = request(("HEAD", ExamMethod.PLAIN), ("CHEST", ExamMethod.PLAIN_AND_CONTRAST))
    r.schedule(1, T)
    r.perform(1, T)
    r.report(1, "颅内未见异常", T)
    assert [(p.no, p.state) for p in r.parts] == [(1, PartState.REPORTED), (2, PartState.REQUESTED)]
    assert r.part(1).report_text == "颅内未见异常"


@pytest.mark.parametrize("moves, then, refused_state", [
    (["perform"], "cancel", "PERFORMED"),
    (["perform", "report"], "cancel", "REPORTED"),
    (["cancel"], "perform", "CANCELLED"),
    ([], "report", "REQUESTED"),
])
def test_moves_out_of_turn_are_refused_naming_the_state(moves, then, refused_state):
    r = request(("HEAD", ExamMethod.PLAIN))
    for move in moves:
        getattr(r, move)(1, *(("结果", T) if move == "report" else (T,) if move != "cancel" else ()))
    before = r.part(1).state
    with pytest.raises(IllegalTransition) as err:
        getattr(r, then)(1, *(("结果", T) if then == "report" else (T,) if then != "cancel" else ()))
    assert refused_state in str(err.value) and r.part(1).state is before


def test_cancelling_a_part_prices_the_rest_again_and_keeps_part_numbers():
    r = request(("HEAD", ExamMethod.CONTRAST), ("CHEST", ExamMethod.PLAIN), ("ABDOMEN", ExamMethod.CONTRAST))
    full = [(no, c.line.item_code, c.line.amount) for no, c in r.charges(TABLE)]
    assert full[0] == (1, "CT02", Decimal("300.00")) and (1, "DY01", Decimal("180.00")) in full
    r.cancel(1)
    assert [(no, c.line.item_code, c.line.amount) for no, c in r.charges(TABLE)] == [
        (2, "CT01", Decimal("200.00")), (3, "CT02", Decimal("150.00")), (3, "DY01", Decimal("180.00")),
        (None, "FL01", Decimal("15.00"))]
    r.cancel(2)
    r.cancel(3)
    assert r.charges(TABLE) == []


def test_an_enhanced_study_needs_its_contrast_questions_and_consent():
    with pytest.raises(ValidationFailed) as err:
        request(("HEAD", ExamMethod.CONTRAST), contrast=None)
    assert [v.field for v in err.value.violations] == ["contrast"]
    with pytest.raises(ValidationFailed) as err:
        request(("HEAD", ExamMethod.CONTRAST), contrast=ContrastAnswers(allergy_history=True))
    assert [v.field for v in err.value.violations] == ["contrast.consent_signed"]
    assert request(("HEAD", ExamMethod.PLAIN), contrast=None).contrast is None  # plain: no questions


def test_a_request_is_checked_whole_before_it_exists():
    with pytest.raises(ValidationFailed) as err:
        ExamRequest.create("EX2", "ENC1", TABLE, [RequestedPart("KNEE", ExamMethod.PLAIN)], clinical_summary=" ",
                           purpose="复查", diagnosis_code="", urgency=Urgency.ROUTINE, requested_by="DR001",
                           requested_at=T)
    assert [v.field for v in err.value.violations] == ["parts[0].part_code", "clinical_summary", "diagnosis_code"]
