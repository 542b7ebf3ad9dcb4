"""What changed since the tenant's previous run: new findings, fixed findings, still open.

A finding is a check item (check ID and item: a domain, a user, an account, or the tenant
itself) whose verdict is failed or error. Each run compares its verdicts with the tenant's
previous *complete* run: the one named with ``--previous`` (a results file or a bundle
folder), else the latest complete run of the tenant whose results lie under the reports
folder (found and judged by the fleet page's loader, fleet/load.py).

The previous results file is untrusted input (DESIGN.md, "Trust boundaries"): it is read
by the loader's bounded reader, its fields are checked before use, and a file that cannot
be compared is said in one line (``notCompared``) instead of failing the run. It is not
compared when it is of another tenant (name, Okta org or M365 tenant), when it was not a
complete run (a ``-k`` subset, a replay, interrupted), when it was judged by another
catalog (catalog/version.py: an old pass and a new fail would mean different things), or
when it is not earlier than this run.

A partial or interrupted run compares only what it ran: a previous finding of a check this
run left out is neither fixed nor still open. A finding counts as *fixed* only when its
item passed this time; one that is now waived, not yet due, skipped or no longer audited
is listed apart (``closedWithoutPass``), never as fixed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..catalog.checks import Severity
from ..core.names import InvalidName, tenant_name
from ..session.tenants import AuditState
from .fleet.check import is_complete, parse_time, problem, run_kind, selection_text, shown_value
from .fleet.load import find_results, load_fleet, read_results_file
from .results import FAILING, FORMAT, VERDICTS

#: the lists of a comparison, in the order they are shown
KINDS = ("new", "fixed", "stillOpen", "closedWithoutPass")
#: at most this many results lines are read from a previous run (a real one has ~100-10,000)
MAX_RESULTS = 200_000
#: a previous message is kept up to this length (it is shown beside a fixed finding)
MAX_MESSAGE = 2_000
_CHECK_ID = re.compile(r"^[A-Z]+-\d{2}$")


def _quiet(_line: str) -> None:
    """Unreadable files under the reports folder are the fleet page's to report (once)."""


def item_of(test_id: str, tenant: str) -> str:
    """The item a test ID names, without its tenant: ``test_fed_04_x[demo-contoso.com]`` ->
    ``contoso.com``; a tenant-level check (``[demo]``) -> ``""``."""
    match = re.fullmatch(r"[^\[]*\[(.*)\]", test_id, flags=re.DOTALL)
    params = match[1] if match else ""
    if params == tenant:
        return ""
    return params.removeprefix(f"{tenant}-")


def is_finding(verdict: Any) -> bool:
    return verdict in FAILING


# --- the previous run ---------------------------------------------------------------------


def _read_given(state: AuditState, path: Path) -> tuple[dict[str, Any] | None, str]:
    """A --previous file (or the results.json of a bundle folder) and its path as recorded
    (:func:`_where`), or None and why it cannot be used, naming it."""
    if path.is_dir():
        path = path / "results.json"
    where = _where(state, str(path))
    try:
        doc = read_results_file(path)
    except ValueError as exc:
        return None, f"{where}: {exc}"
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        fmt = shown_value(doc.get("format")) if isinstance(doc, dict) else "not an object"
        return None, f"{where}: not a results file (format {fmt}, expected {FORMAT!r})"
    reason = problem(doc)
    return (None, f"{where}: {reason}") if reason else (doc, str(path))


def _previous_runs(state: AuditState) -> dict[str, Any]:
    """Read once per run: ``{"given": bool, "docs": {tenant: (path, doc)}, "problems":
    [what each --previous file is, or why it cannot be used]}``."""
    if state.previous_runs is not None:
        return state.previous_runs
    docs: dict[str, tuple[str, dict[str, Any]]] = {}
    problems: list[str] = []
    if state.previous:
        for given in state.previous:
            doc, where = _read_given(state, Path(given))
            if doc is None:
                problems.append(where)
            elif doc["tenant"] in docs:
                shown = _where(state, where)
                problems.append(f"{shown}: a second --previous of tenant {doc['tenant']}; ignored")
            else:
                docs[doc["tenant"]] = (where, doc)
                problems.append(f"{_where(state, where)}: a run of tenant {doc['tenant']}")
    elif state.reports_dir is not None and state.reports_dir.is_dir():
        for doc in load_fleet(find_results(state.reports_dir, _quiet), _quiet):
            if doc.get("run", {}).get("id") != state.run_id:
                docs[doc["tenant"]] = (doc["_fleet"]["source"], doc)
    state.previous_runs = {"given": bool(state.previous), "docs": docs, "problems": problems}
    return state.previous_runs


def _where(state: AuditState, path: str) -> str:
    """A path as results.json records it: relative to the reports folder (a bundle holds no
    runner path), or as given when there is no relative path to it."""
    if state.reports_dir is None:
        return path
    try:
        return Path(os.path.relpath(path, state.reports_dir)).as_posix()
    except ValueError:  # another drive
        return path


def _results_problem(doc: dict[str, Any]) -> str | None:
    """Why the previous run's results lines cannot be compared (None: they can)."""
    results = doc["results"]
    if len(results) > MAX_RESULTS:
        return f"results holds {len(results)} lines (at most {MAX_RESULTS})"
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            return f"results[{i}] is {shown_value(r)}, not an object"
        for key, ok in (
            ("testId", lambda v: isinstance(v, str) and 0 < len(v) <= 2_000),
            ("check", lambda v: isinstance(v, str) and _CHECK_ID.match(v)),
            ("verdict", lambda v: v in VERDICTS),
            ("severity", lambda v: v is None or v in Severity.__members__),
            ("message", lambda v: v is None or isinstance(v, str)),
        ):
            if not ok(r.get(key)):
                return f"results[{i}].{key} is {shown_value(r.get(key))}"
    return None


def _refusal(state: AuditState, doc: dict[str, Any], prev: dict[str, Any]) -> str | None:
    """Why this previous run is not comparable with this one (None: it is)."""
    run, prun = doc["run"], prev["run"]
    if prev["tenant"] != doc["tenant"]:
        return f"it is a run of tenant {prev['tenant']}, not {doc['tenant']}"
    for side, key, label in (("okta", "orgUrl", "Okta org"), ("m365", "tenantId", "M365 tenant")):
        theirs, ours = (prev.get(side) or {}).get(key), (doc.get(side) or {}).get(key)
        if theirs and ours and theirs != ours:
            return f"it is a run of {label} {shown_value(theirs)}, not {shown_value(ours)}"
    if not is_complete(prun):
        kind, chosen = run_kind(prun), selection_text(prun.get("selection"))
        article = "an" if kind.startswith("i") else "a"
        chosen = f" ({chosen})" if chosen else ""
        return f"it is {article} {kind}{chosen}, not the tenant's full audit"
    theirs = prun.get("catalogVersion")
    if theirs != run.get("catalogVersion"):
        if not isinstance(theirs, str):
            return (
                "it records no catalog version (written by okta-m365-audit "
                f"{shown_value(prun.get('suiteVersion'))}): its verdicts may mean other things"
            )
        return (
            f"its checks are catalog version {shown_value(theirs)}, this run's are "
            f"{run.get('catalogVersion')}: the same verdict may mean another thing"
        )
    try:
        if parse_time(prun["startedAt"]) >= parse_time(run["startedAt"]):
            return "it did not start before this run"
    except ValueError as exc:
        return str(exc)
    return _results_problem(prev)


def _previous_for(state: AuditState, doc: dict[str, Any]) -> tuple[str | None, Any]:
    """(path, previous document) or (path or None, the one-line reason there is none)."""
    name = doc["tenant"]
    runs = _previous_runs(state)
    if name in runs["docs"]:
        return runs["docs"][name]
    if runs["given"]:
        given = "; ".join(runs["problems"])
        return None, f"no --previous file is a results file of {name} (given: {given})"
    # the reports folder is not named: results.json holds no runner path
    return None, f"no earlier run of {name} under the reports folder (this is its first)"


# --- the comparison -----------------------------------------------------------------------


def _entry(tenant: str, line: dict[str, Any], **extra: Any) -> dict[str, Any]:
    message = line.get("message")
    if isinstance(message, str) and len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "..."
    return {
        "check": line["check"],
        "item": item_of(line["testId"], tenant),
        "severity": line.get("severity"),
        "title": line.get("title") if isinstance(line.get("title"), str) else None,
        "verdict": line["verdict"],
        "message": message,
        **extra,
    }


def _rank(entry: dict[str, Any]) -> tuple[int, str, str]:
    sev = entry.get("severity")
    return (-Severity[sev] if sev in Severity.__members__ else 1, entry["check"], entry["item"])


def compare(doc: dict[str, Any], prev: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The lists of KINDS between two results documents of the same tenant (see the module
    docstring for what counts as what). Each entry: check, item, severity, title, verdict
    (this run's; the previous one's for fixed and closed), message, and ``previously`` (the
    previous verdict, None when the item was not audited then) or ``now``."""
    tenant = doc["tenant"]
    current = {(r["check"], item_of(r["testId"], tenant)): r for r in doc["results"]}
    before = {(r["check"], item_of(r["testId"], tenant)): r for r in prev["results"]}
    ran = {r["check"] for r in doc["results"]}
    whole = is_complete(doc["run"])
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for key, line in current.items():
        if not is_finding(line["verdict"]):
            continue
        was = before.get(key)
        kind = "stillOpen" if was is not None and is_finding(was["verdict"]) else "new"
        out[kind].append(_entry(tenant, line, previously=was["verdict"] if was else None))
    for key, was in before.items():
        if not is_finding(was["verdict"]) or key[0] not in ran:
            continue  # a check this run left out is neither fixed nor still open
        now = current.get(key)
        if now is not None and now["verdict"] == "passed":
            out["fixed"].append(_entry(tenant, was, now="passed"))
        elif now is not None and not is_finding(now["verdict"]):
            out["closedWithoutPass"].append(_entry(tenant, was, now=now["verdict"]))
        elif now is None and whole:
            out["closedWithoutPass"].append(_entry(tenant, was, now=None))
    return {kind: sorted(entries, key=_rank) for kind, entries in out.items()}


def changes_for(state: AuditState, doc: dict[str, Any]) -> dict[str, Any]:
    """The ``changes`` object of a tenant's results document, computed once per run (the
    run-wide report, the bundle and the terminal all show the same):
    ``{"previous": {runId, startedAt, finishedAt, file, suiteVersion, catalogVersion} | null,
    "notCompared": why | absent, "scope": text, "counts": {kind: n}, kind: [entry]...}``."""
    name = doc["tenant"]
    if name not in state.changes:
        state.changes[name] = _changes(state, doc)
    return state.changes[name]


def _changes(state: AuditState, doc: dict[str, Any]) -> dict[str, Any]:
    path, prev = _previous_for(state, doc)
    if path is None:
        return {"previous": None, "notCompared": prev}
    prun = prev["run"]
    previous = {
        "runId": prun.get("id"),
        "startedAt": prun.get("startedAt"),
        "finishedAt": prun.get("finishedAt"),
        "file": _where(state, path),
        "suiteVersion": prun.get("suiteVersion"),
        "catalogVersion": prun.get("catalogVersion"),
    }
    try:
        tenant_name(prev.get("tenant"), "tenant")
        reason = _refusal(state, doc, prev)
    except (InvalidName, KeyError, TypeError) as exc:  # checked by fleet's problem(); belt
        reason = f"malformed ({exc})"
    if reason:
        return {"previous": previous, "notCompared": f"{previous['file']}: {reason}"}
    lists = compare(doc, prev)
    run = doc["run"]
    if not is_complete(run):
        scope = f"only what this {run_kind(run)} ran"
    else:
        scope = "every check"
    return {
        "previous": previous,
        "scope": scope,
        "counts": {kind: len(entries) for kind, entries in lists.items()},
        **lists,
    }
