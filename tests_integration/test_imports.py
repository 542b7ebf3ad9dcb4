"""IMP (phase 3): the in-scope M365 users are imported into Okta, assigned to the Office 365
app and activated; no assignment is orphaned or in sync error.

In scope (scope.in_scope): every enabled member user whose UPN is on a domain to federate,
not excluded, licensed or not: every user of a federated domain authenticates through Okta
(api-facts.md, Corrections; support.okta.com "All Office 365 users are being authenticated
with Okta in a federated domain"). Licence state is evidence only.

Every IMP check records the same reconciliation as evidence: the counts (in scope,
unlicensed in scope, in Okta, assigned, activated, orphaned, sync errors) and the complete
lists of differences. Messages name the first ten offenders only.
"""

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.provisioning import ACTIVATED, listing


@pytest.fixture
def reconciliation(tenant, evidence):
    """The IMP reconciliation, recorded as evidence before the check judges."""
    table = tenant.reconciliation()
    evidence.update(reconciliation=table)
    return table


@pytest.mark.check("IMP-01")
def test_imp_01_users_in_okta(tenant, reconciliation):
    """An Okta user whose login is the UPN (case-insensitive) for every in-scope user, in any
    Okta state: deactivated (DEPROVISIONED) users count as present, since a plain
    GET /api/v1/users omits them and the collector reads them apart (api-facts.md,
    Corrections, "Users"); IMP-03 names them as not activated."""
    missing = tenant.missing_in_okta()
    total = len(tenant.in_scope_users)
    assert not missing, (
        f"{len(missing)} of {total} in-scope M365 user(s) have no Okta user with that login: "
        f"{listing(missing)}"
    )


@pytest.mark.check("IMP-02")
def test_imp_02_users_assigned(tenant, reconciliation):
    """An Office 365 assignment (externalId = Entra object id, or userName = UPN) for every
    in-scope user."""
    unassigned = tenant.unassigned()
    total = len(tenant.in_scope_users)
    assert not unassigned, (
        f"{len(unassigned)} of {total} in-scope M365 user(s) are not assigned to the Office "
        f"365 app: {listing(unassigned)}"
    )


@pytest.mark.check("IMP-03")
def test_imp_03_okta_users_activated(tenant, reconciliation):
    """Every in-scope user's Okta user is activated: ACTIVE, or PASSWORD_EXPIRED / RECOVERY
    (activated users mid password change). STAGED, PROVISIONED, SUSPENDED, LOCKED_OUT,
    DEPROVISIONED (deactivated: listed here with that status, never as missing) and any
    other status fail. Users without an Okta user are IMP-01's."""
    statuses = tenant.okta_statuses()
    inactive = tenant.not_activated()
    by_status: dict[str, list[str]] = {}
    for upn, status in inactive.items():
        by_status.setdefault(status, []).append(upn)
    assert not inactive, (
        f"{len(inactive)} of {len(statuses)} Okta user(s) are not activated (expected "
        f"{' or '.join(sorted(ACTIVATED))}): "
        + "; ".join(f"{s}: {listing(upns)}" for s, upns in sorted(by_status.items()))
    )
    unknown = [upn for upn, status in statuses.items() if status is None]
    if unknown:
        raise DataUnavailable(
            f"GET /api/v1/users returned no status for {len(unknown)} user(s): {listing(unknown)}"
        )


@pytest.mark.check("IMP-04")
def test_imp_04_no_orphaned_assignments(tenant, reconciliation):
    """No assignment whose externalId and userName both match no Entra user."""
    orphaned = tenant.orphaned_app_users()
    assert not orphaned, f"{len(orphaned)} Office 365 assignment(s) have no M365 user: " + listing(
        (a.get("credentials") or {}).get("userName") or a.get("externalId") or a.get("id")
        for a in orphaned
    )


@pytest.mark.check("IMP-05")
def test_imp_05_no_sync_errors(tenant, reconciliation):
    errors = tenant.sync_errors()
    assert not errors, (
        f"{len(errors)} Office 365 app user(s) in syncState ERROR (a background provisioning "
        f"operation failed): {listing(e['userName'] or e['id'] for e in errors)}"
    )
    # syncState is one of DISABLED, ERROR, OUT_OF_SYNC, SYNCHRONIZED, SYNCING (spec
    # AppUserSyncState, no null): a missing or null one could be ERROR
    unknown = [a.get("id") for a in tenant.app_users if a.get("syncState") is None]
    if unknown:
        raise DataUnavailable(
            f"GET /apps/{tenant.app_id}/users returned no syncState for {len(unknown)} app "
            f"user(s): {listing(unknown)}"
        )
