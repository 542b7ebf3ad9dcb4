"""FED-11 cannot be judged app-only (featureRolloutPolicies has no application permission):
on the golden tenant it is skipped with that reason, never passed, and no request is made
for it."""

from __future__ import annotations

from okta_m365_audit.catalog.resources import RESOURCES

from .conftest import golden_verdicts

FED11 = "test_fed_11_no_staged_rollout_bypasses_okta[demo]"


def test_fed_11_is_skipped_on_the_golden_tenant(pytester):
    assert golden_verdicts(pytester)[FED11] == "skipped"


def test_fed_11_reads_nothing():
    assert not [r for r in RESOURCES if "featureRollout" in r.path]
