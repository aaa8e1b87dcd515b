"""The demo data is valid by the platform's own rules, and replies conform to the catalogue."""
from __future__ import annotations

from decimal import Decimal

from simkit import P_WORKER, Driver

from adapters.yb_sim import demo_items, demo_persons
from adapters.yb_sim.demo_data import check_digit
from adapters.yb_sim.person_spec import person_from_spec
from ports.catalogue import decode_output, load_catalogue


def test_check_digit_known_value():
    # GB 11643 worked example: 11010519491231002 -> X
    assert check_digit("11010519491231002") == "X"


def test_demo_persons():
    persons = demo_persons()
    assert len(persons) >= 4
    for p in persons:
        assert len(p.certno) == 18 and p.certno[-1] == check_digit(p.certno[:17])
        assert p.certno[6:14] == p.brdy.strftime("%Y%m%d")
        assert int(p.certno[16]) % 2 == (1 if p.gend == "1" else 0)
        assert p.psn_cert_type == "01" and p.card_no and p.ec_token
    insutypes = {p.psn_no: [(a.insutype, a.balc) for a in p.accounts] for p in persons}
    assert ("310", Decimal("1500.00")) in sum(insutypes.values(), [])
    assert ("310", Decimal("20.00")) in sum(insutypes.values(), [])
    assert any(acc == [("390", Decimal("0.00"))] for acc in insutypes.values())
    assert any(len(acc) == 2 for acc in insutypes.values())
    assert len({p.psn_no for p in persons}) == len(persons)


def test_demo_items_use_dictionary_codes():
    catalogue = load_catalogue()
    items = demo_items()
    assert len(items) >= 20 and len({i.med_list_codg for i in items}) == len(items)
    levels, types = catalogue.dictionaries["chrgitm_lv"].codes, catalogue.dictionaries["med_chrgitm_type"].codes
    for item in items:
        assert item.chrgitm_lv in levels and item.med_chrgitm_type in types
        assert (item.selfpay_prop > 0) == (item.chrgitm_lv == "02")
    assert {i.chrgitm_lv for i in items} == {"01", "02", "03"}


def test_replies_conform_to_the_catalogue(his: Driver):
    catalogue = load_catalogue()
    replies = [("9001", his.call("9001", {"signIn": {"opter_no": "OP001", "ip": "1"}}, sign_no=""))]
    his.sign_no = replies[0][1].output["signinoutb"]["sign_no"]
    mdtrt_id = his.register(P_WORKER)
    replies.append(("2204", his.upload(mdtrt_id, P_WORKER, [("XJ01CAA040A001010104022", "1", "10.00")])))
    replies.append(("2206", his.settle(mdtrt_id, P_WORKER, "10.00", infno="2206")))
    replies.append(("2207", his.settle(mdtrt_id, P_WORKER, "10.00")))
    setl_id = replies[-1][1].output["setlinfo"]["setl_id"]
    replies.append(("2208", his.cancel(setl_id, mdtrt_id, P_WORKER)))
    for infno, reply in replies:
        output, problems = decode_output(catalogue.get(infno), reply.raw["output"])
        assert problems == [], (infno, problems)
        for node in catalogue.get(infno).output:
            rows = output[node.name] if node.is_array else [output[node.name]]
            for row in rows:
                missing = [f.name for f in node.fields if f.required and row.get(f.name) is None
                           and not (infno == "2206" and f.name == "setl_id")]
                assert missing == [], (infno, node.name, missing)


def test_an_enrolled_persons_drawn_certno_moves_past_one_taken(sim):
    drawn = person_from_spec({"psn_no": "P2"}, sim.admdvs, [])  # what P2 would get on an empty platform
    sim.enrol({"psn_no": "P1", "certno": drawn.certno})
    second = sim.enrol({"psn_no": "P2"})
    assert second.certno != drawn.certno and second.certno[6:14] == second.brdy.strftime("%Y%m%d")
    assert second.certno[-1] == check_digit(second.certno[:17])
    assert (second.brdy - drawn.brdy).days == 1
