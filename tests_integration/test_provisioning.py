"""PROV (phase 4): Okta provisions users to M365: USER_PROVISIONING enabled on the Office 365
app with the declared capabilities, the declared provisioning type, and the declared
assignment groups assigned to the app."""

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.provisioning import listing

#: PROV-02: tenant-file key -> (path of the capability under USER_PROVISIONING, console name)
CAPABILITIES = {
    "create": (("create", "lifecycleCreate"), "Create Users"),
    "update_profile": (("update", "profile"), "Update User Attributes"),
    "deactivate": (("update", "lifecycleDeactivate"), "Deactivate Users"),
    "password_push": (("update", "password"), "Sync Password"),
}


@pytest.mark.check("PROV-01")
def test_prov_01_user_provisioning_enabled(tenant, evidence):
    """GET /apps/{id}/features lists USER_PROVISIONING with status ENABLED. Okta's 400
    E0000001 answer means provisioning is not enabled on the instance: a FAIL, not an
    ERROR."""
    feature = tenant.user_provisioning
    status = feature.get("status") if feature else None
    evidence.update(
        observed={"USER_PROVISIONING": status}
        | ({"features answer": tenant.features_refusal} if tenant.features_refusal else {}),
        expected={"USER_PROVISIONING": "ENABLED"},
    )
    assert feature is not None, "provisioning is not enabled on the Office 365 app: " + (
        tenant.features_refusal or "its features list no USER_PROVISIONING"
    )
    assert status == "ENABLED", f"USER_PROVISIONING is {status}; expected ENABLED"


@pytest.mark.check("PROV-02")
@pytest.mark.parametrize("capability", list(CAPABILITIES))
def test_prov_02_capability_as_declared(tenant, capability, evidence):
    """Each capability of USER_PROVISIONING is ENABLED or DISABLED as the tenant file's
    provisioning section declares (create, update_profile and deactivate on, password_push
    off by default). ERRORs when there is no USER_PROVISIONING to read (PROV-01 fails)."""
    path, console = CAPABILITIES[capability]
    wanted = "ENABLED" if getattr(tenant.cfg.expect.provisioning, capability) else "DISABLED"
    observed = tenant.capability_status(*path)
    field = f"capabilities.{'.'.join(path)}.status"
    evidence.update(observed={field: observed}, expected={field: wanted})
    assert observed == wanted, (
        f"{console} ({field}) is {observed}; the tenant file declares {capability}: "
        f"{wanted == 'ENABLED'} ({wanted})"
    )


@pytest.mark.check("PROV-03")
def test_prov_03_provisioning_type_as_declared(tenant, evidence):
    """settings.app.office365ProvisioningType equals the tenant file's
    provisioning.provisioning_type. The API strings of the provisioning types are
    unconfirmed (api-facts Corrections), so there is no default to judge against: where the
    tenant file declares none, the check is skipped showing the observed value, never
    passed on a guess."""
    expected = tenant.cfg.expect.provisioning.provisioning_type
    if expected is None:
        try:
            observed = repr(tenant.app_setting("office365ProvisioningType"))
        except DataUnavailable as exc:
            observed = f"unreadable ({exc})"
        pytest.skip(f"provisioning.provisioning_type not declared; observed {observed}")
    observed = tenant.app_setting("office365ProvisioningType")
    evidence.update(
        observed={"office365ProvisioningType": observed},
        expected={"office365ProvisioningType": expected},
        note="the API strings of the provisioning types are unconfirmed; compared exactly",
    )
    assert observed == expected, (
        f"the Office 365 app's provisioning type is {observed}; the tenant file declares {expected}"
    )


@pytest.mark.check("PROV-04")
def test_prov_04_assignment_groups_assigned(tenant, evidence):
    """Every group the tenant file names (Okta group profile.name, case-insensitive) is
    assigned to the app (GET /apps/{id}/groups). A name no Okta group has fails."""
    declared = tenant.cfg.expect.provisioning.assignment_groups
    if not declared:
        pytest.skip("the tenant file declares no provisioning.assignment_groups")
    assigned = tenant.app_group_ids
    observed = {}
    for name in declared:
        groups = tenant.groups_named(name)
        observed[name] = {
            "okta groups": [g.get("id") for g in groups],
            "assigned": [g.get("id") for g in groups if g.get("id") in assigned],
        }
    evidence.update(
        observed=observed,
        assigned_groups=sorted(f"{tenant.group_name(g) or '?'} ({g})" for g in assigned),
        expected={"assigned to the app": list(declared)},
    )
    unknown = [n for n, o in observed.items() if not o["okta groups"]]
    missing = [n for n, o in observed.items() if o["okta groups"] and not o["assigned"]]
    assert not unknown and not missing, "; ".join(
        part
        for part in (
            unknown and f"no Okta group named {listing(unknown)}",
            missing and f"not assigned to the Office 365 app: {listing(missing)}",
        )
        if part
    )
