"""Finding results files, reading them defensively, and choosing which run stands for a tenant.

The fleet page is rebuilt at the end of every audit run from whatever lies under the
reports folder, so nothing here may raise on what it finds there: a file that is not JSON,
not of the results format, too large, not a regular file (a FIFO or a symlink planted to
``/dev/zero``), or malformed in any field the page reads (check.py) is reported
through ``warn`` (one line naming it) and left out.

Per tenant the latest *complete* run is shown (check.is_complete); partial or
interrupted runs after it are listed beside it, never in its place, and a tenant with only
incomplete runs shows its latest one, marked as such.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ...catalog.checks import Severity
from ...core.terminal import printable
from ..results import FORMAT, SCHEMA_VERSION
from .check import is_complete, parse_time, problem, shown_value

#: a sink for the warning and note lines (default: stderr)
Warn = Callable[[str], None]

#: private key under which load_fleet records where a document came from
FLEET_KEY = "_fleet"

#: a results file larger than this is not read (a real one is a few MB at most)
MAX_RESULTS_BYTES = 128 * 1024 * 1024


def stderr_warn(line: str) -> None:
    """Print a warning line; file names and values in it cannot forge log lines
    (terminal.printable escapes control characters and lone surrogates)."""
    print(printable(f"okta-m365-audit fleet: {line}"), file=sys.stderr)


def _is_results_name(name: str) -> bool:
    return name == "results.json" or name.endswith(".results.json")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a folder without search permission
        return False


def read_results_file(path: Path) -> Any:
    """The parsed JSON of a regular file of at most MAX_RESULTS_BYTES. Raises ValueError
    with the reason (symlink, not a regular file, too large, unreadable, not JSON)."""
    try:
        # O_NOFOLLOW: a planted symlink is not followed; O_NONBLOCK: a FIFO does not hang
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        reason = "a symbolic link" if os.path.islink(path) else exc.strerror
        raise ValueError(f"cannot be read ({reason})") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > MAX_RESULTS_BYTES:
            raise ValueError(f"{info.st_size} bytes, larger than {MAX_RESULTS_BYTES}")
        try:
            data = fh.read(MAX_RESULTS_BYTES + 1)
        except OSError as exc:
            raise ValueError(f"cannot be read ({exc.strerror})") from None
    if len(data) > MAX_RESULTS_BYTES:
        raise ValueError(f"grew beyond {MAX_RESULTS_BYTES} bytes while read")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: bad JSON, or an integer of more than 4300 digits
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise ValueError(f"not a readable JSON file ({reason})") from None


def find_results(root: Path, warn: Warn | None = None) -> list[Path]:
    """Every ``results.json`` and ``*.results.json`` under root (sorted; symlinked folders
    are not entered) whose format is okta-m365-audit/results. Other formats and unreadable
    or malformed JSON are reported through warn (one line each) and left out."""
    warn = warn or stderr_warn
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not _is_results_name(name):
                continue
            path = Path(folder, name)
            try:
                doc = read_results_file(path)
            except ValueError as exc:
                warn(f"skipped {path}: {exc}")
                continue
            if not isinstance(doc, dict):
                warn(f"skipped {path}: the document is {shown_value(doc)}, not a JSON object")
                continue
            if doc.get("format") != FORMAT:
                fmt = shown_value(doc.get("format"))
                warn(f"ignored {path}: its format is {fmt}, not {FORMAT!r}")
                continue
            found.append(path)
    return found


def _run_key(doc: dict[str, Any], path: Path) -> tuple[Any, ...]:
    """Later runs sort higher: startedAt, then finishedAt, then a copy with a report."""
    run = doc["run"]
    try:
        finished = parse_time(run.get("finishedAt"))
    except ValueError:
        finished = dt.datetime.min.replace(tzinfo=dt.UTC)
    has_report = _is_file(path.parent / "report.html")
    return (parse_time(run["startedAt"]), finished, has_report, str(path))


def _load_one(path: Path, warn: Warn) -> dict[str, Any] | None:
    """The document at path when the page can show it; otherwise None, after a warning."""
    try:
        doc = read_results_file(path)
    except ValueError as exc:
        warn(f"skipped {path}: {exc}")
        return None
    reason = problem(doc)
    if reason is None and doc.get("format") != FORMAT:
        reason = f"its format is {shown_value(doc.get('format'))}, not {FORMAT!r}"
    if reason:
        warn(f"skipped {path}: {reason}")
        return None
    version = doc.get("schemaVersion")
    if version != SCHEMA_VERSION:
        warn(
            f"{path}: schemaVersion {shown_value(version)}, this page understands "
            f"{SCHEMA_VERSION}; shown as far as it is understood"
        )
    return doc


def _run_entry(path: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """What the page says of a run that is not the one shown for its tenant."""
    run, summary = doc["run"], doc["summary"]
    return {
        "source": str(path),
        "runId": run.get("id"),
        "startedAt": run["startedAt"],
        "partial": bool(run.get("partial")),
        "interrupted": bool(run.get("interrupted")),
        "selection": run.get("selection") or {},
        "verdicts": summary.get("verdicts") or {},
        "worstFailing": summary.get("worstFailing"),
    }


def _choose(runs: list[tuple[tuple[Any, ...], Path, dict[str, Any]]]) -> dict[str, Any]:
    """The document to show from one tenant's runs, with its ``_fleet`` entry filled."""
    runs = sorted(runs, key=lambda r: r[0], reverse=True)
    distinct: list[tuple[Path, dict[str, Any]]] = []
    copies: dict[str, list[str]] = {}  # run id -> other paths of the same run
    for _, path, doc in runs:
        run_id = doc["run"].get("id")
        if run_id is not None and run_id in copies:
            copies[run_id].append(str(path))
            continue
        if run_id is not None:
            copies[run_id] = []
        distinct.append((path, doc))
    at = next((i for i, (_, d) in enumerate(distinct) if is_complete(d["run"])), 0)
    path, shown = distinct[at]
    run_id = shown["run"].get("id")
    shown[FLEET_KEY] = {
        "source": str(path),
        "complete": is_complete(shown["run"]),
        "laterRuns": [_run_entry(p, d) for p, d in distinct[:at]],
        "olderRuns": [
            {"source": str(p), "runId": d["run"].get("id"), "startedAt": d["run"]["startedAt"]}
            for p, d in distinct[at + 1 :]
        ],
        "duplicates": copies.get(run_id, []) if run_id is not None else [],
    }
    return shown


def load_fleet(paths: Iterable[Path], warn: Warn | None = None) -> list[dict[str, Any]]:
    """The run that stands for each tenant, worst tenants first (see fleet_order): the runs
    of separate CI jobs merge, and a folder that keeps history shows the newest complete run.

    Each returned document is the results file as written, plus a private ``_fleet`` entry:
    ``{"source": path, "complete": bool, "laterRuns": [{"source", "runId", "startedAt",
    "partial", "interrupted", "selection", "verdicts", "worstFailing"}], "olderRuns":
    [{"source", "runId", "startedAt"}], "duplicates": [path]}``: incomplete runs newer than
    the one shown (newest first), older runs that were ignored, and other copies of the
    very same run (e.g. an unpacked bundle beside its copy). Files that cannot be read or
    are malformed are reported through warn and skipped; another schema version is shown
    as far as it is understood, with a warning.
    """
    warn = warn or stderr_warn
    by_tenant: dict[str, list[tuple[tuple[Any, ...], Path, dict[str, Any]]]] = {}
    for path in paths:
        path = Path(path)
        doc = _load_one(path, warn)
        if doc is not None:
            by_tenant.setdefault(doc["tenant"], []).append((_run_key(doc, path), path, doc))
    return sorted((_choose(runs) for runs in by_tenant.values()), key=fleet_order)


# --- ordering --------------------------------------------------------------------------------


def _severity(name: Any) -> Severity | None:
    return Severity[name] if isinstance(name, str) and name in Severity.__members__ else None


def severity_rank(doc: dict[str, Any]) -> int:
    """How bad a tenant is: its worst failing severity (critical 5 ... info 1, none 0). A
    tenant with a configError could not be audited at all and ranks as critical (in a real
    run every check of such a tenant is an error anyway)."""
    worst = _severity((doc.get("summary") or {}).get("worstFailing"))
    rank = worst + 1 if worst is not None else 0
    if doc.get("configError"):
        rank = max(rank, Severity.critical + 1)
    return rank


def is_shown_complete(doc: dict[str, Any]) -> bool:
    """Whether the run shown for a tenant is a complete one (documents that did not come
    from load_fleet are judged by their own run object)."""
    meta = doc.get(FLEET_KEY) or {}
    return bool(meta.get("complete", is_complete(doc.get("run") or {})))


def fleet_order(doc: dict[str, Any]) -> tuple[int, int, str, str]:
    """Worst first; at the same severity a tenant with no complete run before one with (its
    state is not known); then by tenant name."""
    name = str(doc.get("tenant", ""))
    return (-severity_rank(doc), 0 if not is_shown_complete(doc) else 1, name.casefold(), name)
