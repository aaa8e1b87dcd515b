"""Personal data in text that leaves the HIS for a log or another caller, masked by one rule.

What can be found by its shape is masked wherever it stands: 居民身份证 numbers (18 digits, the last
possibly X, or the old 15), a 就诊凭证 written as type:number ("02:4201..."), mobile and land-line
phone numbers, a Chinese name in brackets after 人员/姓名/患者 ("与人员[张三]不符"), and the value of
every field that holds a person's data in a body written out as JSON or a Python repr
("psn_name": "..."). A name anywhere else in free text has no shape: it is masked because the call
declared it (`personal`). Values in `keep` (what the reader sent themselves) stay as they are.

Masked values stay recognisable, not readable: 420106**********34 (first 6 and last 2), 138****5678,
张* (first character).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# a number stands alone: not part of a longer code (a msgid, a psn_no), nor of a value masked before
_NOT_AFTER = r"(?<![0-9A-Za-z*])"
_NOT_BEFORE = r"(?![0-9A-Za-z*])"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # MMDD
# region(6) + birth date + sequence(3) + check; the 15-digit form has a two-digit year and no check
_ID_NUMBER = rf"\d{{6}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[0-9Xx]|\d{{8}}{_DATE}\d{{3}}"
_MOBILE = r"1[3-9]\d{9}"
_LANDLINE = r"0\d{2,3}-\d{7,8}"
# 就诊凭证 type 01 (电子凭证), 02 (身份证), 03 (社保卡) with its number, as refusals quote them; six
# characters at least, so that a time (10:02:03) is not taken for one
_CERTIFICATE = r"(?<![0-9A-Za-z:])0[1-3]:(?P<cert>[0-9A-Za-z|]{6,})(?![0-9A-Za-z|*])"
# a Chinese name in brackets after a word that says it is a person's: 与人员[张三]不符, 姓名【李四】
_LABELLED_NAME = r"(?:人员|姓名|患者|参保人|病人)[\[【](?P<name>[\u3400-\u9fff·]{2,12})[\]】]"
_SHAPES = re.compile(rf"{_CERTIFICATE}|{_LABELLED_NAME}|{_NOT_AFTER}(?P<id>{_ID_NUMBER}){_NOT_BEFORE}"
                     rf"|{_NOT_AFTER}(?:\+?86[- ]?)?(?P<phone>{_MOBILE}|{_LANDLINE}){_NOT_BEFORE}")
# key, then : or =, then a quoted value (JSON, a dict's or a dataclass's repr)
_FIELDS = re.compile(r"""(?<![A-Za-z0-9_])(?P<key>[A-Za-z_][A-Za-z0-9_]*)["']?\s*[:=]\s*"""
                     r"""(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)')""")

# Field names (lower case, underscores dropped) that hold a person's data: names, identity and
# certificate numbers, tokens that stand for a person, phone numbers, addresses. Staff names
# (dr_name, opter_name) are their professional record and stay.
_PERSONAL_FIELDS = frozenset({
    "psnname", "patnname", "patientname", "name", "username", "agntername", "conername", "illhissttename",
    "mdtrtcertno", "psncertno", "cardsn", "idno", "ectoken", "paytoken", "revstoken", "epctoken",
    "tel", "mob", "mobile", "phone", "psntel", "conertel", "agntertel",
    "addr", "curraddr", "coneraddr", "agnteraddr", "delvaddr", "empraddr",
})
_PERSONAL_SUFFIXES = ("certno",)  # certno, agnter_certno, phar_certno, delver_certno ...
_PERSONAL_PREFIXES = ("resdaddr",)  # 户口地址 and its parts
MIN_ASCII = 4  # a declared value shorter than this (a code, "01") would mask half the log
MIN_OTHER = 2  # two-character names are common


@lru_cache(maxsize=4096)  # a few hundred field names, asked about on every call
def is_personal_field(name: str) -> bool:
    """Whether a request/reply field of this name holds a person's data."""
    key = name.replace("_", "").lower()
    return key in _PERSONAL_FIELDS or key.endswith(_PERSONAL_SUFFIXES) or key.startswith(_PERSONAL_PREFIXES)


def mask_value(value: str) -> str:
    """The masked form of one value: long numbers keep their first 6 and last 2 characters, phone
    numbers their first 3 and last 4, anything shorter its first character."""
    if len(value) >= 12:
        return value[:6] + "*" * (len(value) - 8) + value[-2:]
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    return value[:1] + "*" * (len(value) - 1)


def worth_masking(value: str) -> bool:
    """Whether a declared value is long enough to be looked for in text."""
    return len(value) >= (MIN_ASCII if value.isascii() else MIN_OTHER)


def mask(text: str, personal: Iterable[str] = (), keep: Iterable[str] = ()) -> str:
    """`text` with personal data masked: everything of a known shape, every personal field's value,
    and each of the `personal` values wherever it occurs; values in `keep` stay."""
    kept = {k.upper() for k in keep if k}

    def masked(value: str) -> str:
        return value if not value or value.upper() in kept or "*" in value else mask_value(value)

    def field(m: re.Match) -> str:
        if not is_personal_field(m.group("key")):
            return m.group(0)
        value = m.group("dq") if m.group("dq") is not None else m.group("sq")
        start = m.start("dq") if m.group("dq") is not None else m.start("sq")
        offset = start - m.start()
        return m.group(0)[:offset] + masked(value) + m.group(0)[offset + len(value):]

    def shape(m: re.Match) -> str:
        name = m.lastgroup
        offset = m.start(name) - m.start()
        value = m.group(name)
        return m.group(0)[:offset] + masked(value) + m.group(0)[offset + len(value):]

    text = _FIELDS.sub(field, text)
    text = _SHAPES.sub(shape, text)
    wanted = {p for p in personal if p and worth_masking(p) and p.upper() not in kept}
    # a number or code is a whole token ("1234" is not masked inside "212345"); a name has no edges to
    # look for in Chinese text, and may come \u-escaped (a body written by JSON's ensure_ascii)
    patterns = {p: f"{_NOT_AFTER}{re.escape(p)}{_NOT_BEFORE}" for p in wanted if p.isascii()}
    for p in wanted - patterns.keys():
        patterns[p] = re.escape(p)
        escaped = p.encode("ascii", "backslashreplace").decode("ascii")
        patterns[escaped] = re.escape(escaped)
    if patterns:
        alternatives = [patterns[p] for p in sorted(patterns, key=len, reverse=True)]
        text = re.compile("|".join(alternatives), re.IGNORECASE).sub(lambda m: mask_value(m.group(0)), text)
    return text

