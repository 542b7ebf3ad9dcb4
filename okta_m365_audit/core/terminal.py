"""Text from tenant data, made safe to show on a terminal or to encode anywhere.

Everything a tenant's APIs return (names, labels, UPNs, System Log messages), and every
snapshot or baseline file read back, is untrusted (DESIGN.md, "Trust boundaries"). Printed
raw, a newline in a display name forges a line of the CI log (``::error::``, a fake PASSED
summary), an escape sequence recolours or clears the terminal, and a bidi override makes
text read differently from what it is. A lone UTF-16 surrogate (``"\\ud800"``, which JSON
allows and the APIs can return) cannot be encoded as UTF-8 at all, so writing it raw to a
terminal or a file raises.

So a value from tenant data is shown through :func:`printable`: one line, every control
character, bidi control and lone surrogate escaped *visibly* (``\\n``, ``\\x1b``,
``\\u202e``, ``\\ud800``) rather than dropped, so the reader still sees that it was there.

Imports nothing of the package: every stage may use it.
"""

from __future__ import annotations

#: C0 controls, DEL and C1 controls: none is shown raw, not even tab
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
#: characters that reorder or break text: bidi embeddings, overrides, isolates and marks,
#: and the Unicode line and paragraph separators (some terminals and log viewers break there)
_FORMATTING = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
               0x2028, 0x2029]  # fmt: skip
_SURROGATES = range(0xD800, 0xE000)

_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    if code in _NAMED:
        return _NAMED[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_SURROGATE_TABLE = {c: _escape(c) for c in _SURROGATES}
_PRINTABLE_TABLE = {c: _escape(c) for c in (*_CONTROLS, *_FORMATTING)} | _SURROGATE_TABLE


def printable(text: object) -> str:
    """``text`` (or ``str(value)``) as one safe terminal line: C0 and C1 controls, DEL, bidi
    controls, line separators and lone surrogates escaped visibly; everything else kept.

    >>> printable("Adele\\n::error::forged\\x1b[2J")
    'Adele\\\\n::error::forged\\\\x1b[2J'
    >>> printable("caf\\u00e9 \\u202eevil")
    'café \\\\u202eevil'
    """
    text = text if isinstance(text, str) else str(text)
    if text.isascii() and text.isprintable():  # the usual case, at C speed
        return text
    return text.translate(_PRINTABLE_TABLE)


def escape_surrogates(text: str) -> str:
    """``text`` with each lone surrogate written as ``\\udXXX`` (six characters), so that it
    can be encoded as UTF-8; other characters are kept. The form is also JSON's escape, so
    inside JSON string text it reads back as the same surrogate.

    >>> escape_surrogates("a\\ud800b")
    'a\\\\ud800b'
    """
    return text.translate(_SURROGATE_TABLE)
