"""What a results file must hold before the fleet page shows it, and what kind of run it is.

Results files are read back from folders that CI artifacts, colleagues and old runs fill, so
they are untrusted input (DESIGN.md, "Trust boundaries"). Every field the page reads is
checked here for its type and size before anything is rendered or compared: one malformed
file is then skipped with a note naming it, instead of crashing the page and the run that
refreshes it. The tenant name goes into the page and its links, so it must follow the one
rule of core/names.py.

A run is *complete* when it is the tenant's full audit: not a subset (``-k``, ``-m``), not an
offline replay (``run.partial``) and not interrupted (``run.interrupted``; files written
before that field existed lack it and count as not interrupted). Only a complete run may
stand for a tenant's state.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ...catalog.checks import PHASES
from ...core.names import InvalidName, tenant_name

#: longest text accepted in a field the page shows (configError may list many problems)
MAX_TEXT = 10_000
MAX_CONFIG_ERROR = 100_000
#: a timestamp, a state or a severity is short; anything longer is not one
MAX_SHORT = 64
#: verdict counts above this are not counts of checks
MAX_COUNT = 10**9
#: how much of one selection value the page shows
SELECTION_VALUE_SHOWN = 120


def parse_time(value: Any) -> dt.datetime:
    """An RFC 3339 timestamp as an aware UTC datetime (naive ones are taken as UTC).

    Normalized to UTC here, so that comparing and subtracting two of them cannot overflow
    (``0001-01-01T00:00+23:59`` is a valid string whose UTC time is not a datetime)."""
    if not isinstance(value, str) or len(value) > MAX_SHORT:
        raise ValueError(f"not a timestamp: {shown_value(value)}")
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"not a timestamp: {shown_value(value)}") from None


def shown_value(value: Any) -> str:
    """A value in a message: repr (escapes control characters and lone surrogates), cut."""
    text = repr(value) if isinstance(value, str | int | float | type(None)) else None
    if text is None:
        text = f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:60] + f"... ({len(text)} characters)"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: cannot be written into the page
        return False
    return True


def _text_problem(value: Any, field: str, limit: int, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        return f"{field} is {shown_value(value)}, not a text"
    if len(value) > limit:
        return f"{field} is {len(value)} characters long (at most {limit})"
    if not _encodable(value):
        return f"{field} holds a lone surrogate (not Unicode text)"
    return None


def _object_problem(value: Any, field: str, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    return None if isinstance(value, dict) else f"{field} is {shown_value(value)}, not an object"


def _run_problem(run: dict[str, Any]) -> str | None:
    try:
        parse_time(run.get("startedAt"))
    except ValueError as exc:
        return f"run.startedAt is not an RFC 3339 time ({exc})"
    for key, limit in (("finishedAt", MAX_SHORT), ("id", 200), ("suiteVersion", 200)):
        problem = _text_problem(run.get(key), f"run.{key}", limit)
        if problem:
            return problem
    for key in ("partial", "interrupted"):
        if run.get(key) is not None and not isinstance(run[key], bool):
            return f"run.{key} is {shown_value(run[key])}, not true or false"
    selection = run.get("selection")
    problem = _object_problem(selection, "run.selection")
    if problem is None and selection and any(not _encodable(k) for k in selection):
        problem = "run.selection has a key with a lone surrogate"
    return problem


def _summary_problem(summary: dict[str, Any]) -> str | None:
    phases = summary.get("phases")
    if not isinstance(phases, dict):
        return "no summary.phases object"
    for key in PHASES:
        problem = _text_problem(phases.get(key), f"summary.phases.{key}", MAX_SHORT)
        if problem:
            return problem
    verdicts = summary.get("verdicts")
    problem = _object_problem(verdicts, "summary.verdicts")
    if problem:
        return problem
    for key, count in (verdicts or {}).items():
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            return f"summary.verdicts.{shown_value(key)} is {shown_value(count)}, not a count"
    return _text_problem(summary.get("worstFailing"), "summary.worstFailing", MAX_SHORT)


def problem(doc: Any) -> str | None:
    """Why a document of the results format cannot be shown (None: every field the page
    reads has its type and a sane size). One line, values shown escaped and cut."""
    if not isinstance(doc, dict):
        return f"the document is {shown_value(doc)}, not a JSON object"
    try:
        tenant_name(doc.get("tenant"), "tenant")
    except InvalidName as exc:
        return str(exc)
    run = doc.get("run")
    if not isinstance(run, dict):
        return "no run object"
    summary = doc.get("summary")
    if not isinstance(summary, dict):
        return "no summary object"
    checks = (
        lambda: _run_problem(run),
        lambda: _summary_problem(summary),
        lambda: None if isinstance(doc.get("results"), list) else "results is not a list",
        lambda: _object_problem(doc.get("okta"), "okta"),
        lambda: _object_problem(doc.get("m365"), "m365"),
        lambda: _text_problem((doc.get("okta") or {}).get("orgUrl"), "okta.orgUrl", 2_000),
        lambda: _text_problem((doc.get("m365") or {}).get("tenantId"), "m365.tenantId", 200),
        lambda: _text_problem(doc.get("configError"), "configError", MAX_CONFIG_ERROR),
    )
    found = next((p for p in (check() for check in checks) if p), None)  # in order: the
    if found:  # objects are known to be objects before their fields are read
        return found
    phase = doc.get("expectedPhase")
    if phase is not None and (
        isinstance(phase, bool) or not isinstance(phase, int) or not 0 <= phase < 100
    ):
        return f"expectedPhase is {shown_value(phase)}, not a phase number"
    return None


# --- what kind of run ------------------------------------------------------------------------


def is_complete(run: dict[str, Any]) -> bool:
    """The tenant's full audit: neither a subset or replay (partial) nor interrupted."""
    return not run.get("partial") and not run.get("interrupted")


def run_kind(run: dict[str, Any]) -> str:
    """'interrupted partial run', 'interrupted run', 'partial run' or 'complete run'."""
    words = [
        w
        for w, on in (("interrupted", run.get("interrupted")), ("partial", run.get("partial")))
        if on
    ]
    return " ".join([*words, "run"]) if words else "complete run"


def _selection_value(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value)
    elif isinstance(value, bool | int | float) or value is None:
        text = json.dumps(value)
    else:  # an object or a mixed list: named, not shown
        text = f"(a {type(value).__name__})"
    if len(text) > SELECTION_VALUE_SHOWN:
        text = text[: SELECTION_VALUE_SHOWN - 3] + "..."
    return text


def selection_text(selection: Any) -> str:
    """The selection as the operator typed it, roughly: ``-k FED, -m critical, offline,
    from a snapshot, 12 of 101 checks selected``.
    Unknown keys are shown as ``key=value``; values are cut, never interpreted."""
    if not isinstance(selection, dict):
        return ""
    parts = []
    for key, value in list(selection.items())[:10]:
        shown = _selection_value(value)
        if key == "keyword":
            parts.append(f"-k {shown}")
        elif key == "markers":
            parts.append(f"-m {shown}")
        elif key == "offline":
            parts.append("offline" if value is True else f"offline={shown}")
        elif key == "fromSnapshot":
            parts.append("from a snapshot" if value is True else f"from snapshot {shown}")
        elif key == "checks":  # "12 of 101 checks selected"
            parts.append(shown)
        elif key == "tenants":
            parts.append(f"tenants {shown}")
        else:
            parts.append(f"{key[:40]}={shown}")
    if len(selection) > 10:
        parts.append(f"... ({len(selection)} keys)")
    return ", ".join(parts)
