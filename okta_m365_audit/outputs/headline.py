"""A tenant's run in a few words: findings by severity, the overall verdict, what is new.

The terminal's closing table (morning.py), the Markdown summary (summary_md.py) and the
fleet page say the same things of a run, so they say them through these functions. They
read results documents, which for the fleet page and the summaries of earlier runs are
files read back (untrusted): every value is checked for its type before it is counted,
and nothing here raises on a malformed one (an unreadable figure reads "?").

A *finding* is a check item whose verdict is failed or error (the verdicts that fail a
run); waived items are counted apart.
"""

from __future__ import annotations

from typing import Any

from ..catalog.checks import Severity
from .fleet.check import MAX_COUNT, is_complete, parse_time, run_kind
from .results import FAILING

#: severities, worst first
SEVERITIES = tuple(s.name for s in sorted(Severity, reverse=True))


def _count(value: Any) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT
    return value if ok else 0


def findings_by_severity(doc: dict[str, Any]) -> dict[str, int]:
    """Severity -> number of failing or erroring items, worst first, zeros left out."""
    by_severity = (doc.get("summary") or {}).get("bySeverity")
    by_severity = by_severity if isinstance(by_severity, dict) else {}
    out = {}
    for sev in SEVERITIES:
        counts = by_severity.get(sev)
        n = sum(_count(counts.get(v)) for v in FAILING) if isinstance(counts, dict) else 0
        if n:
            out[sev] = n
    return out


def severity_text(counts: dict[str, int]) -> str:
    """``1 critical, 2 high``, or ``none``."""
    return ", ".join(f"{n} {sev}" for sev, n in counts.items()) or "none"


def _verdicts(doc: dict[str, Any]) -> dict[str, int]:
    verdicts = (doc.get("summary") or {}).get("verdicts")
    return {k: _count(v) for k, v in verdicts.items()} if isinstance(verdicts, dict) else {}


def overall_verdict(doc: dict[str, Any]) -> str:
    """The run's verdict in one line: ``Phase 5 complete: 0 findings``, ``FAILED: 3
    findings, worst critical``, ``NOT AUDITED: the tenant could not be loaded or read``;
    a run that was not the tenant's full audit says so first."""
    run = doc.get("run") if isinstance(doc.get("run"), dict) else {}
    prefix = "" if is_complete(run) else f"{run_kind(run)}: "
    if doc.get("configError"):
        return prefix + "NOT AUDITED: the tenant could not be loaded or read"
    counts = findings_by_severity(doc)
    verdicts = _verdicts(doc)
    n = sum(counts.values())
    if n:
        label = "FAILED" if verdicts.get("failed") else "ERROR"
        worst = next(iter(counts))
        return prefix + f"{label}: {n} finding{'s' if n != 1 else ''}, worst {worst}"
    waived = f" ({verdicts['waived']} waived)" if verdicts.get("waived") else ""
    phase = doc.get("expectedPhase")
    if isinstance(phase, int) and not isinstance(phase, bool) and not prefix:
        return f"Phase {phase} complete: 0 findings{waived}"
    return prefix + f"PASSED: 0 findings{waived}"


def change_counts(doc: dict[str, Any]) -> dict[str, int] | None:
    """The counts of the document's ``changes`` (new, fixed, stillOpen...), or None when
    its run was not compared (or the file predates the comparison)."""
    changes = doc.get("changes")
    if not isinstance(changes, dict) or changes.get("notCompared") is not None:
        return None
    counts = changes.get("counts")
    return {k: _count(v) for k, v in counts.items()} if isinstance(counts, dict) else None


def new_text(doc: dict[str, Any]) -> str:
    """What the "new since last run" column says: ``2 new, 1 fixed``, ``none new``, or why
    nothing was compared, in a word or two."""
    counts = change_counts(doc)
    if counts is None:
        changes = doc.get("changes")
        if isinstance(changes, dict) and changes.get("previous") is None:
            return "first run" if "first" in str(changes.get("notCompared", "")) else "n/a"
        return "not compared"
    parts = [f"{counts.get('new', 0)} new" if counts.get("new") else "none new"]
    if counts.get("fixed"):
        parts.append(f"{counts['fixed']} fixed")
    return ", ".join(parts)


def when_text(value: Any) -> str:
    """A results file's timestamp as people read it (``2026-11-29 21:20 UTC``); the value
    as it is when it is not one."""
    try:
        return parse_time(value).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(value)
