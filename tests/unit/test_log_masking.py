"""The personal values in play (services.personal_data) and the log filter that masks with them."""
from __future__ import annotations

import io
import logging
import threading

from services import personal_data
from services.log_masking import FORMAT, mask_handlers


def test_values_belong_to_their_scope():
    personal_data.declare("欧阳慕容")  # no scope: nothing is kept
    assert personal_data.in_play() == ()
    with personal_data.scope():
        personal_data.declare("欧阳慕容", "", "x", None, " 420106199001011234 ")
        assert personal_data.in_play() == ("欧阳慕容", "420106199001011234")
        with personal_data.scope():
            assert personal_data.in_play() == ()
        assert personal_data.in_play() == ("欧阳慕容", "420106199001011234")
    assert personal_data.in_play() == ()


def test_another_thread_does_not_see_them():
    seen = []
    with personal_data.scope():
        personal_data.declare("欧阳慕容")
        other = threading.Thread(target=lambda: seen.append(personal_data.in_play()))
        other.start()
        other.join()
    assert seen == [()]


def test_personal_fields_of_a_body_are_declared_at_any_depth():
    with personal_data.scope():
        personal_data.declare_fields({"data": {"psn_no": "42010620000000000001", "mdtrt_cert_no": "K420106901"},
                                      "rows": [{"psn_name": "司马青衫", "dr_name": "王医生"}]})
        assert set(personal_data.in_play()) == {"K420106901", "司马青衫"}


def test_a_scope_keeps_the_latest_values_only():
    with personal_data.scope():
        personal_data.declare(*(f"name{n:04d}" for n in range(personal_data.MAX_VALUES + 10)))
        held = personal_data.in_play()
    assert len(held) == personal_data.MAX_VALUES and held[-1] == f"name{personal_data.MAX_VALUES + 9:04d}"


def test_the_filter_masks_message_arguments_and_traceback():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter(FORMAT))
    mask_handlers(handler, handler)
    logger = logging.getLogger("tests.log_masking")
    logger.addHandler(handler)
    logger.propagate, logger.level = False, logging.DEBUG
    try:
        with personal_data.scope():
            personal_data.declare("欧阳慕容")
            logger.info("refused: %s (%s)", "就诊凭证[02:420106199001011234]", "欧阳慕容的账户已冻结")
            try:
                raise ValueError("certno 42010619900101123X of 欧阳慕容")
            except ValueError:
                logger.exception("failed for %s", "欧阳慕容")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "refused: 就诊凭证[02:420106**********34] (欧***的账户已冻结)" in text
    assert "ValueError: certno 420106**********3X of 欧***" in text and "failed for 欧***" in text
    assert "欧阳慕容" not in text and "420106199001011234" not in text
    assert len(handler.filters) == 1
