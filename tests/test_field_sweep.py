"""The field-deletion sweep (issue 12): for every field a check reads, the golden tenant with
that field deleted, and with it set to null, in every object of its resource; no check passes
that was not passing, the checks that read the field fail or ERROR, and the message names it.

The fields are discovered, never listed by hand: the suite runs once on the golden with its
API data recording every field read, per test (tests/field_reads.py); then once more over
every mutated copy at a time, all through the plugin in this process. Where a reader may stay
green, the field is in ``OPTIONAL`` with the reason; a reader that stays green for a known
defect is in ``KNOWN_FALSE_PASSES`` (reported, to be fixed in the check).
"""

from __future__ import annotations

import re

from .conftest import golden_doc
from .field_allowances import Optional_
from .field_allowances_graph import GRAPH
from .field_allowances_okta import OKTA_ORG
from .field_allowances_okta_apps import OKTA_APPS
from .field_reads import Mutation, Outcome, Sweep, run_sweep

_cache: dict[str, Sweep] = {}


def sweep(pytester) -> Sweep:
    """The sweep, computed once per session (about two minutes on two cores)."""
    if "sweep" not in _cache:
        _cache["sweep"] = run_sweep(pytester, golden_doc())
    return _cache["sweep"]


#: "api.resource.path" -> why its readers may stay green without it
OPTIONAL: dict[str, Optional_] = {**GRAPH, **OKTA_ORG, **OKTA_APPS}

_SHOWS_VALUE = "shows the value found (None) against the one expected, not the field's name"
_NOT_FOUND = "reports the object the field identifies as not found (its lookup key is gone)"
#: check -> why its failure messages need not name the missing field (sweep of issue 12)
FAILURE_MESSAGE_GAPS: dict[str, str] = {
    "ACCESS-01": _SHOWS_VALUE,
    "ACCESS-03": _SHOWS_VALUE,
    "CRED-01": _SHOWS_VALUE,
    "CRED-03": _NOT_FOUND,
    "ESS-01": _NOT_FOUND,
    "ESS-02": _NOT_FOUND,
    "ESS-03": _NOT_FOUND,
    "ESS-05": _NOT_FOUND,
    "FED-01": _SHOWS_VALUE,
    "FED-02": _SHOWS_VALUE,
    "FED-03": _NOT_FOUND,
    "FED-09": _NOT_FOUND,
    "IMP-01": _NOT_FOUND,
    "ORG-01": _SHOWS_VALUE,
    "ORG-03": _NOT_FOUND,
    "ORG-08": _NOT_FOUND,
    "PREP-01": _NOT_FOUND,
    "PREP-02": _NOT_FOUND,
    "PREP-03": _SHOWS_VALUE,
    "PREP-04": _NOT_FOUND,
    "PREP-05": _NOT_FOUND,
    "PROV-01": _SHOWS_VALUE,
    "PROV-03": _SHOWS_VALUE,
    "PROV-04": _NOT_FOUND,
}

_PARENT_KEY = "a per-parent read's key: the message names the read not collected for it"
_INITIAL = "names the initial domain GET /organization lacks, the field's meaning"
#: "api.resource.path" -> why the ERRORs it causes need not name it
ERROR_MESSAGE_GAPS: dict[str, str] = {
    "graph.globalAdminAssignments.principalId": "names the group-members read it cannot find",
    "graph.oktaClientPrincipal.id": _PARENT_KEY,
    "graph.organization.verifiedDomains": _INITIAL,
    "graph.organization.verifiedDomains.isInitial": _INITIAL,
    "graph.organization.verifiedDomains.name": _INITIAL,
    "graph.oktaServicePrincipals.id": _PARENT_KEY,
}


def dotted(field: tuple[str, str, str]) -> str:
    return ".".join(field)


def names_field(mutation: Mutation, message: str) -> bool:
    """The message names the field: its dotted path, or its last segment as a word."""
    path = mutation.field[2]
    last = re.escape(path.rsplit(".", 1)[-1])
    return path in message or re.search(rf"(?<![\w@]){last}(?!\w)", message) is not None


_SEE = re.compile(r"\bsee ((?:[A-Z]+-\d\d)|(?:test_\w+))")


def deferred_to(message: str, outcomes: dict[str, Outcome]) -> list[Outcome]:
    """The outcomes of the check an ERROR defers to ("...; see PREP-01")."""
    found = []
    for ref in _SEE.findall(message):
        found += [o for t, o in outcomes.items() if o.check == ref or t.startswith(ref + "[")]
    return found


def not_green(outcome: Outcome) -> bool:
    return outcome.verdict in ("failed", "error")


def test_recording_changes_no_verdict(pytester):
    """The recording wrapper is transparent: the golden, recorded, has the golden's verdicts."""
    s = sweep(pytester)
    recorded = {t: o.verdict for t, o in s.recorded.items()}
    plain = {t: o.verdict for t, o in s.golden.items()}
    assert recorded == plain, "recording the reads changed verdicts"


def test_fields_were_discovered(pytester):
    """Every check that passes on the golden read at least one API field, but those that
    judge the reads themselves (their ok and status, not their data)."""
    s = sweep(pytester)
    readers = {s.golden[t].check for tests in s.reads.values() for t in tests}
    passing = {o.check for o in s.golden.values() if o.verdict == "passed"}
    assert passing - readers <= {"ACCESS-02", "ACCESS-04"}, "checks with no field read recorded"


def test_no_check_passes_that_was_not_passing(pytester):
    """No mutation turns a check that was not passing on the golden into a pass."""
    s = sweep(pytester)
    gained = [
        f"{m}: {t} {s.golden[t].verdict} -> passed"
        for m, outcomes in s.outcomes.items()
        for t, o in outcomes.items()
        if o.verdict == "passed" and s.golden[t].verdict != "passed"
    ]
    assert not gained, "a missing field made checks pass:\n" + "\n".join(gained)


def _allowance(m: Mutation, check: str) -> Optional_ | None:
    entry = OPTIONAL.get(dotted(m.field))
    return entry if entry is not None and entry.allows(check) else None


def test_readers_of_a_missing_field_do_not_pass(pytester):
    """Each test that read the field (and passed on the golden) fails or ERRORs without it,
    unless the field is optional for its check; an optional field judged by another check
    needs that check to fail or ERROR for the same mutation."""
    s = sweep(pytester)
    wrong = []
    for m, outcomes in s.outcomes.items():
        for t in sorted(s.reads[m.field]):
            if s.golden[t].verdict != "passed" or not_green(outcomes[t]):
                continue
            entry = _allowance(m, outcomes[t].check)
            if entry is None:
                wrong.append(f"{m}: {t} {outcomes[t].verdict}")
            elif entry.judged_by and not any(
                not_green(o) for o in outcomes.values() if o.check == entry.judged_by
            ):
                wrong.append(f"{m}: {t} passed and {entry.judged_by} did not fail either")
    assert not wrong, f"{len(wrong)} reader(s) stayed green:\n" + "\n".join(wrong)


def test_errors_name_the_missing_field(pytester):
    """A check that ERRORs for a missing field says which: it names the field, or defers to
    the check that judges it ("see PREP-01"), which then fails or ERRORs itself."""
    s = sweep(pytester)
    wrong = []
    for m, outcomes in s.outcomes.items():
        if dotted(m.field) in ERROR_MESSAGE_GAPS:
            continue
        for t, o in sorted(outcomes.items()):
            if o.verdict != "error" or s.golden[t].verdict == "error" or names_field(m, o.message):
                continue
            deferred = deferred_to(o.message, outcomes)
            if not any(not_green(d) for d in deferred):
                wrong.append(f"{m}: {t}: {o.message[:200]}")
    assert not wrong, f"{len(wrong)} ERROR(s) name no field:\n" + "\n".join(wrong)


def test_failures_name_the_missing_field(pytester):
    """A check that fails for a missing field names it, or shows the missing value in a way
    ``FAILURE_MESSAGE_GAPS`` explains for that check."""
    s = sweep(pytester)
    wrong = []
    for m, outcomes in s.outcomes.items():
        for t, o in sorted(outcomes.items()):
            if o.verdict != "failed" or s.golden[t].verdict == "failed":
                continue
            if names_field(m, o.message) or o.check in FAILURE_MESSAGE_GAPS:
                continue
            wrong.append(f"{m}: {t}: {o.message[:200]}")
    assert not wrong, f"{len(wrong)} failure(s) name no field:\n" + "\n".join(wrong)
