"""A ``-m`` expression naming no registered marker is a usage error (exit 4), not a run.

pytest evaluates ``-m`` against each test's markers: a misspelt phase or marker selects
nothing, and the run ends "no tests ran" or, worse, with a subset that looks complete. The
check runs at session start, once every plugin has registered its markers (pytest's own
included), and before anything is collected or written.
"""

from __future__ import annotations

import re

import pytest

_WORDS = {"and", "or", "not"}
#: what pytest registers itself, in plugins that may configure after this one
_BUILTIN = {
    "skip",
    "skipif",
    "xfail",
    "parametrize",
    "usefixtures",
    "filterwarnings",
    "tryfirst",
    "trylast",
}


def marker_names(expression: str) -> set[str]:
    """The marker names of a ``-m`` expression (its keyword arguments left out)."""

    def drop_arguments(m: re.Match[str]) -> str:  # check(check_id="FED-01") -> check
        return m.group(0) if m.group(1) in _WORDS else m.group(1)

    bare = re.sub(r"([A-Za-z_][\w.\-]*)\s*\([^()]*\)", drop_arguments, expression)
    return {w for w in re.findall(r"[A-Za-z_][\w.\-]*", bare) if w not in _WORDS}


class MarkerCheck:
    """Registered for an audit run only (plugin/options.py)."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        config = session.config
        expression = config.option.markexpr or ""
        if not expression.strip():
            return
        known = _BUILTIN | {
            re.split(r"[(:]", line, maxsplit=1)[0].strip() for line in config.getini("markers")
        }
        unknown = sorted(marker_names(expression) - known)
        if unknown:
            phases = sorted(m for m in known if m not in _BUILTIN)
            raise pytest.UsageError(
                f"-m {expression!r}: unknown marker {', '.join(unknown)} "
                f"(markers: {', '.join(phases)})"
            )
