"""FED (phase 5): nothing bypasses Okta for federated users (FED-11, Entra staged rollout).

Staged-rollout policies cannot be read with application permissions: List
featureRolloutPolicies has "Application: Not supported" (microsoft-graph-docs-contrib
api-reference/v1.0/api/featurerolloutpolicies-list.md; delegated Directory.ReadWrite.All
only), and the suite signs in as an application. So FED-11 makes no read and is always
skipped with that reason and what to check by hand: never a pass (README, What is not
known).
"""

import pytest

NOT_READABLE = (
    "staged-rollout policies cannot be read with application permissions (Microsoft Graph "
    "List featureRolloutPolicies: Application 'Not supported'); check by hand: Entra admin "
    "center > Entra Connect > Staged rollout (or Cloud Sync): no password hash sync, "
    "pass-through or certificate-based authentication rollout may include a group of users "
    "of a federated domain"
)


@pytest.mark.check("FED-11")
def test_fed_11_no_staged_rollout_bypasses_okta(tenant, evidence):
    evidence.update(
        observed="not read (no application permission exists for the read)",
        expected="no staged-rollout feature applies to users of a federated domain",
        domains=list(tenant.cfg.expect.domains_to_federate),
    )
    pytest.skip(NOT_READABLE)
