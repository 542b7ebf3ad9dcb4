"""ACCESS scenarios: the suite's own credentials short of what it needs."""

from __future__ import annotations

from typing import Any

from . import Scenario


def dpop_required_but_not_declared(monkeypatch: Any, pytester: Any, golden: dict) -> Any:
    """The service app requires DPoP (every app the emulator registers does), the tenant file
    says ``dpop: false``: the tenant's files (tests.conftest.write_tenant)."""
    from okta_m365_audit import emulator as emulator_pkg

    from ..conftest import write_tenant

    real = emulator_pkg.registrations_for

    def app_requires_dpop(cfg: Any) -> Any:
        reg = real(cfg)
        for app in reg.okta_apps.values():
            app.requires_dpop = True
        return reg

    monkeypatch.setattr(emulator_pkg, "registrations_for", app_requires_dpop)
    return write_tenant(
        pytester.path / "tenants", golden, lambda d: d["okta"]["auth"].update(dpop=False)
    )


def no_logs_scope(data: dict[str, Any]) -> None:
    """The service app's token lacks okta.logs.read (the tenant file requests fewer scopes)."""
    data["okta"]["auth"]["scopes"] = [
        "okta.orgs.read", "okta.apps.read", "okta.users.read", "okta.groups.read",
        "okta.domains.read", "okta.agentPools.read", "okta.threatInsights.read",
        "okta.apiTokens.read", "okta.policies.read", "okta.roles.read",
    ]  # fmt: skip


SCENARIOS = [
    Scenario(
        "a token without okta.logs.read",
        {
            "test_access_02_okta_read_allowed[demo-logs]": "failed",
            "test_access_02_okta_read_allowed[demo-office365Logs]": "failed",
            # drift's actors (the org's change events) are a System Log read too; drift
            # then says "actor unknown" and no check ERRORs for it
            "test_access_02_okta_read_allowed[demo-changeLogs]": "failed",
            "test_cred_04_no_credential_failures[demo]": "error",
            "test_cred_04_no_general_failures[demo]": "error",
            "test_cred_04_recent_provisioning_activity[demo]": "error",
        },
        patch=no_logs_scope,
        checks=("ACCESS-02",),
    ),
]


def org_inactive(doc: dict[str, Any]) -> None:
    doc["okta"]["org"]["data"]["status"] = "INACTIVE"


def other_tenant_answers(doc: dict[str, Any]) -> None:
    """Graph answers for a tenant other than the one the tenant file names."""
    doc["graph"]["organization"]["data"][0]["id"] = "00000000-1111-2222-3333-444444444444"


def no_directory_read(data: dict[str, Any]) -> None:
    """Admin consent never granted Directory.Read.All (oauth2PermissionGrants needs it)."""
    data["emulator"]["granted_graph_permissions"] = [
        "Organization.Read.All", "Domain.Read.All", "User.Read.All",
        "RoleManagement.Read.Directory", "GroupMember.Read.All", "Application.Read.All",
        "Policy.Read.All", "AuditLog.Read.All",
    ]  # fmt: skip


SCENARIOS += [
    Scenario(
        "the Okta org INACTIVE",
        {"test_access_01_okta_token_and_active_org[demo]": "failed"},
        mutate=org_inactive,
    ),
    Scenario(
        "Graph answering for another tenant",
        {"test_access_03_graph_token_for_this_tenant[demo]": "failed"},
        mutate=other_tenant_answers,
    ),
    Scenario(
        "Directory.Read.All never consented",
        {
            "test_access_04_graph_read_allowed[demo-oauth2PermissionGrants]": "failed",
            "test_cred_03_okta_service_principal_consented[demo]": "error",
            "test_cred_05_no_stale_okta_principal[demo]": "error",
        },
        patch=no_directory_read,
    ),
]
