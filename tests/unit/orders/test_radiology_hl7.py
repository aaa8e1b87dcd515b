"""The exam request as the RIS gets it (ORM^O01, one ORC + OBR per part), read back with python-hl7;
results (ORU^R01) read into the parts they report on; ACKs."""
from __future__ import annotations

from datetime import date, datetime

import hl7
import pytest
from tests_fake_ris import oru_r01

from domain.errors import ValidationFailed
from domain.orders import ContrastAnswers, ExamMethod, ExamPart, ExamRequest, PartState, Urgency
from services.orders.radiology_hl7 import ExamOrderContext, ExamResult, ack, escape, orm_o01, parse_oru_r01, unescape

T = datetime(2026, 12, 7, 10, 0, 0)
AT = datetime(2026, 12, 7, 10, 5, 30)
CTX = ExamOrderContext(patient_id="P0001", patient_name="欧阳娜娜", sex="F", birth_date=date(1990, 5, 6),
                       encounter_id="ENC1", clinic_code="NK01", clinic_name="心内科门诊", doctor_code="DR001",
                       doctor_name="王医生", part_names={"HEAD": "头颅", "CHEST": "胸部", "ABD": "上腹部"},
                       exam_type_name="CT", hospital_code="H42010600001")


def request(summary: str = "胸痛三天", urgency: Urgency = Urgency.ROUTINE) -> ExamRequest:
    parts = [ExamPart(1, "HEAD", ExamMethod.PLAIN), ExamPart(2, "CHEST", ExamMethod.PLAIN_AND_CONTRAST),
             ExamPart(3, "ABD", ExamMethod.CONTRAST)]
    return ExamRequest("EX1", "ENC1", "CT", parts, summary, "排除肺栓塞", "R07.4", urgency, "DR001", T,
                       ContrastAnswers(allergy_history=True, previous_reaction=False, consent_signed=True))


def orm(req: ExamRequest | None = None, action: str = "NEW", parts=None, control_id: str = "C1") -> hl7.Message:
    text = orm_o01(req or request(), CTX, control_id, action, parts, at=AT, sending_app="HIS", receiving_app="RIS")
    assert "\n" not in text and text.endswith("\r")
    return hl7.parse(text)


def field(segment, n: int) -> str:
    return str(segment[n])


def test_a_new_request_is_one_orc_and_obr_per_part_that_name_the_request_and_part():
    m = orm()
    msh = m.segment("MSH")
    assert [field(msh, n) for n in (3, 5, 7, 9, 10, 12, 18)] == [
        "HIS", "RIS", "20261207100530", "ORM^O01^ORM_O01", "C1", "2.5", "UNICODE UTF-8"]
    assert [str(s[0]) for s in m] == ["MSH", "PID", "PV1"] + ["ORC", "OBR", "NTE", "NTE", "DG1"] * 3
    assert [field(o, 1) for o in m.segments("ORC")] == ["NW"] * 3
    obrs = m.segments("OBR")
    assert [field(o, 2) for o in obrs] == ["EX1-1", "EX1-2", "EX1-3"]
    assert [field(o, 2) for o in m.segments("ORC")] == ["EX1-1", "EX1-2", "EX1-3"]
    assert [field(o, 4) for o in obrs] == ["HEAD^头颅^PLAIN", "CHEST^胸部^PLAIN_AND_CONTRAST", "ABD^上腹部^CONTRAST"]
    assert m.unescape(field(obrs[0], 13)) == "胸痛三天"
    assert field(obrs[1], 31) == "R07.4" and field(m.segments("DG1")[0], 3) == "R07.4^^I10"
    assert [str(o[44][0][4]) for o in obrs] == ["平扫", "平扫+增强", "增强"]
    assert field(obrs[0], 5) == "R" and field(obrs[0], 6) == "20261207100000"


def test_chinese_names_arrive_intact():
    m = orm()
    pid = m.segment("PID")
    assert field(pid, 5) == "欧阳娜娜" and field(pid, 7) == "19900506" and field(pid, 8) == "F"
    assert str(pid[3][0][0]) == "P0001"
    pv1 = m.segment("PV1")
    assert str(pv1[3][0][8]) == "心内科门诊" and field(pv1, 7) == "DR001^王医生" and field(pv1, 19) == "ENC1"
    notes = [m.unescape(field(n, 3)) for n in m.segments("NTE")[:2]]
    assert notes == ["检查目的：排除肺栓塞", "对比剂：过敏史有；既往对比剂反应无；知情同意书已签"]


def test_delimiters_in_free_text_are_escaped_and_read_back_as_written():
    nasty = "疼痛|加重^两天~伴发热\\头晕&呕吐\n第二行"
    m = orm(request(summary=nasty))
    obr = m.segments("OBR")[0]
    assert len(obr) == 45  # the text split no field
    assert unescape(field(obr, 13)) == nasty
    assert escape("a|b") == "a\\F\\b" and escape("头|颅") == "头\\F\\颅"


def test_urgent_requests_go_as_stat():
    m = orm(request(urgency=Urgency.URGENT))
    assert {field(o, 5) for o in m.segments("OBR")} == {"S"}
    assert str(m.segments("ORC")[0][7][0][5]) == "S"


def test_a_cancel_names_only_the_parts_cancelled():
    req = request()
    req.cancel(2)
    m = orm(req, "CANCEL", [2], control_id="C2")
    assert [field(o, 1) for o in m.segments("ORC")] == ["CA"]
    assert [field(o, 2) for o in m.segments("OBR")] == ["EX1-2"]


def test_a_new_order_leaves_out_cancelled_parts_unless_named():
    req = request()
    req.cancel(1)
    assert [field(o, 2) for o in orm(req).segments("OBR")] == ["EX1-2", "EX1-3"]
    assert req.part(1).state is PartState.CANCELLED


@pytest.mark.parametrize("kwargs, path", [
    ({"parts": [4]}, "parts[0]"),
    ({"parts": [1, 1]}, "parts[1]"),
    ({"parts": []}, "parts"),
    ({"control_id": ""}, "control_id"),
    ({"control_id": "X" * 21}, "control_id"),
    ({"action": "DELETE"}, "action"),
])
def test_bad_arguments_are_refused_with_their_field(kwargs, path):
    with pytest.raises(ValidationFailed) as err:
        orm(**kwargs)
    assert path in [v.field for v in err.value.violations]


def test_a_part_without_a_name_is_refused():
    ctx = ExamOrderContext(**{**CTX.__dict__, "part_names": {"HEAD": "头颅"}})
    with pytest.raises(ValidationFailed) as err:
        orm_o01(request(), ctx, "C1", "NEW", at=AT, sending_app="HIS", receiving_app="RIS")
    assert {v.field for v in err.value.violations} == {"part_names[CHEST]", "part_names[ABD]"}


# ---- ORU^R01 ---------------------------------------------------------------------------------------
def test_a_result_names_its_request_part_text_time_and_status():
    text = oru_r01("EX1", [(1, "颅内未见异常\n脑室系统居中"), (3, "肝内低密度灶")], control_id="ORU1",
                   status="F", reported_at=datetime(2026, 12, 7, 15, 30, 5))
    assert parse_oru_r01(text) == [
        ExamResult("EX1", 1, "颅内未见异常\n脑室系统居中", datetime(2026, 12, 7, 15, 30, 5), "F", "ORU1"),
        ExamResult("EX1", 3, "肝内低密度灶", datetime(2026, 12, 7, 15, 30, 5), "F", "ORU1"),
    ]


def seg(name: str, **fields: str) -> str:
    """A segment from fields by number (f2="..."), the gaps left empty."""
    numbered = {int(k[1:]): v for k, v in fields.items()}
    return "|".join([name] + [numbered.get(n, "") for n in range(1, max(numbered) + 1)])


MSH_ORU = "MSH|^~\\&|RIS|H|HIS|H|20261207||ORU^R01|{}|P|2.5"


def test_a_request_id_with_dashes_and_escaped_text_read_back():
    text = "\r".join([MSH_ORU.format("U2"), seg("OBR", f1="1", f2="REQ-2026-7-2", f25="C"),
                      seg("OBX", f1="1", f2="FT", f5="右肺\\F\\结节 5\\S\\6mm\\.br\\建议复查~随访",
                          f14="20261207160000+0000")])
    [result] = parse_oru_r01(text)
    assert (result.request_id, result.part_no, result.result_status) == ("REQ-2026-7", 2, "C")
    assert result.report_text == "右肺|结节 5^6mm\n建议复查\n随访"
    assert result.reported_at == datetime(2026, 12, 8, 0, 0, 0)  # UTC 16:00 is 00:00 next day in China


OBX = seg("OBX", f1="1", f2="TX", f5="所见")


@pytest.mark.parametrize("segments, paths", [
    (["MSH|^~\\&|RIS|H|HIS|H|20261207||ADT^A01|U3|P|2.5", seg("OBR", f2="EX1-1")], {"MSH.9"}),
    ([MSH_ORU.format(""), seg("OBR", f2="EX1-1")], {"MSH.10"}),
    ([MSH_ORU.format("U4"), "PID|1"], {"OBR"}),
    ([MSH_ORU.format("U5"), seg("OBR", f2="EX1", f25="F"), OBX], {"OBR[1].2"}),
    ([MSH_ORU.format("U6"), seg("OBR", f2="EX1-0", f25="F"), OBX], {"OBR[1].2"}),
    ([MSH_ORU.format("U7"), seg("OBR", f2="EX1-1", f25="X"), OBX, seg("OBR", f2="EX1-2", f22="bad", f25="F")],
     {"OBR[1].25", "OBR[2].OBX", "OBR[2].22"}),
    (["garbage"], {"MSH"}),
])
def test_bad_results_are_refused_with_field_paths(segments, paths):
    with pytest.raises(ValidationFailed) as err:
        parse_oru_r01("\r".join(segments))
    assert {v.field for v in err.value.violations} == paths


# ---- ACK -------------------------------------------------------------------------------------------
def test_an_ack_answers_the_message_it_acknowledges():
    text = oru_r01("EX1", [(1, "正常")], control_id="ORU9")
    reply = hl7.parse(ack(text, "AE", "部位|不存在", at=AT))
    msh, msa = reply.segment("MSH"), reply.segment("MSA")
    assert [field(msh, n) for n in (3, 5, 7, 18)] == ["HIS", "RIS", "20261207100530", "UNICODE UTF-8"]
    assert str(msh[9][0][0]) == "ACK"
    assert (field(msa, 1), field(msa, 2), reply.unescape(field(msa, 3))) == ("AE", "ORU9", "部位|不存在")


def test_garbage_is_answered_too():
    reply = hl7.parse(ack("\x00\x01 not hl7", "AR", "unreadable", at=AT))
    assert field(reply.segment("MSA"), 1) == "AR" and field(reply.segment("MSA"), 3) == "unreadable"
