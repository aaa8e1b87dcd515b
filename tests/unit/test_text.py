"""Rules for text from outside: forbidden characters and short excerpts in error messages."""
from domain.text import describe_forbidden, excerpt, forbidden_character


def test_plain_chinese_and_ascii_text_passes():
    assert forbidden_character("张三 H42010600001-门诊(1)") is None


def test_control_characters_are_found_by_position():
    for bad in ("\x00", "\x1b[31m", "\x7f", "\x85", "\u202e", "\u2066", "\ufeff", "\u200b"):
        text = "ab" + bad + "cd"
        assert forbidden_character(text) == 2, repr(bad)
        assert forbidden_character(text, multiline=True) == 2, repr(bad)


def test_line_breaks_and_tabs_only_in_free_text():
    assert forbidden_character("第一行\n第二行\t!") == 3
    assert forbidden_character("第一行\r\n第二行\t!", multiline=True) is None


def test_description_names_the_code_point_not_the_text():
    text = "x" * 500 + "\x00"
    assert describe_forbidden(text, 500) == "contains a control or formatting character (U+0000 at position 500)"


def test_excerpt_cuts_long_values_and_says_how_long_they_were():
    assert excerpt("short") == "'short'"
    cut = excerpt("9" * 100_000)
    assert cut == "'" + "9" * 40 + "'… (100000 characters)"
    assert len(excerpt("\u202e" * 1000)) < 300 and "\u202e" not in excerpt("\u202e" * 1000)
