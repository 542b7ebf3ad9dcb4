"""terminal.printable: a value from tenant data shown on one line can forge nothing (no
newline, no escape sequence, no bidi reordering, no lone surrogate), and stays readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okta_m365_audit.core.terminal import escape_surrogates, printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("adele.vance@contoso.com", "adele.vance@contoso.com"),
        ("Zoë Ünal 山田", "Zoë Ünal 山田"),  # ordinary Unicode is kept
        ("a\nPASSED b", "a\\nPASSED b"),
        ("x\r\n::error::forged", "x\\r\\n::error::forged"),
        ("tab\there", "tab\\there"),
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),
        ("nul\x00 del\x7f", "nul\\x00 del\\x7f"),
        ("c1 \x85 \x9b", "c1 \\x85 \\x9b"),  # NEL and CSI of the C1 set
        ("a\u202eevil\u202c", "a\\u202eevil\\u202c"),  # RLO ... PDF
        ("\u2066iso\u2069", "\\u2066iso\\u2069"),
        ("ls\u2028ps\u2029", "ls\\u2028ps\\u2029"),
        ("lone \ud800 \udfff", "lone \\ud800 \\udfff"),
        ("back\\slash", "back\\slash"),  # kept: it forges nothing
    ],
)
def test_printable_escapes_what_could_forge_a_line(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_takes_any_value() -> None:
    assert printable(None) == "None"
    assert printable(["a\nb"]) == "['a\\nb']"  # str() of a list: repr escapes


_any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)


@given(_any_text)
def test_printable_output_is_one_encodable_line_without_controls(text: str) -> None:
    out = printable(text)
    out.encode("utf-8")  # no lone surrogate left
    assert "\n" not in out and "\r" not in out
    for ch in out:
        code = ord(ch)
        assert code >= 0x20 and not 0x7F <= code < 0xA0, repr(out)
        assert not 0x202A <= code <= 0x202E and not 0x2066 <= code <= 0x2069, repr(out)


@given(_any_text)
def test_escape_surrogates_keeps_everything_else(text: str) -> None:
    out = escape_surrogates(text)
    out.encode("utf-8")
    if not any(0xD800 <= ord(c) < 0xE000 for c in text):
        assert out == text
