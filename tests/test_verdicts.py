"""The verdict matrix: the golden tenant passes every check, and each scenario of the library
changes exactly the verdicts it lists, through the plugin, the real SDKs and the emulator."""

from __future__ import annotations

import re

import pytest

from okta_m365_audit.catalog.checks import BY_ID

from .conftest import golden_verdicts, run_suite, write_tenant
from .scenarios import all_scenarios

SCENARIOS = {s.name: s for s in all_scenarios()}

#: Checks that the golden tenant does not pass, and why.
GOLDEN_NOT_PASSED = {
    "test_fed_08_no_premature_federation[demo]": "skipped",  # not applicable at phase 5
    # no application permission can read staged-rollout policies: always skipped, never passed
    "test_fed_11_no_staged_rollout_bypasses_okta[demo]": "skipped",
}

#: Checks no scenario can make fail, and why (each is proven where named instead).
NEVER_FAILS = {
    # makes no request; tests/test_staged_rollout.py proves it skips with the reason
    "FED-11": "staged-rollout policies cannot be read with application permissions",
}


def test_golden_tenant_passes_every_check(pytester):
    """When the tenant is the golden demo: every check passes."""
    verdicts = golden_verdicts(pytester)
    not_passed = {k: v for k, v in verdicts.items() if v != "passed"}
    assert not_passed == GOLDEN_NOT_PASSED


def check_of(test_id: str) -> str | None:
    """FED-04 for test_fed_04_certificate_is_oktas_active_key[demo-contoso.com]."""
    m = re.match(r"^test_([a-z]+)_(\d{2})_", test_id)
    return f"{m.group(1).upper()}-{m.group(2)}" if m else None


def test_every_check_is_proven_by_a_scenario(pytester):
    """Every check the suite runs has a scenario in which one of its tests fails."""
    implemented = {check_of(t) for t in golden_verdicts(pytester)}
    golden = golden_verdicts(pytester)
    failing = {
        check_of(test_id)
        for s in SCENARIOS.values()
        for test_id, verdict in s.expected_changes(golden).items()
        if verdict == "failed"
    }
    assert implemented <= set(BY_ID)
    assert sorted(implemented - failing - set(NEVER_FAILS)) == [], "checks no scenario fails"


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_changes_exactly_its_verdicts(pytester, golden, name):
    """When the golden tenant is broken one way: exactly the listed verdicts change."""
    scenario = SCENARIOS[name]
    if scenario.mutate:
        scenario.mutate(golden)
    files = write_tenant(pytester.path / "tenants", golden, scenario.patch)
    run = run_suite(pytester, files.dir, *scenario.args)
    baseline = golden_verdicts(pytester)
    changed = {k: v for k, v in run.verdicts.items() if baseline.get(k) != v}
    assert changed == scenario.expected_changes(baseline)
    assert set(run.verdicts) == set(baseline)
    if scenario.exit_code is not None:
        assert run.ret == scenario.exit_code
