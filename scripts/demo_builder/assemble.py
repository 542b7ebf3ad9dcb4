"""The snapshot: each builder's objects wrapped as successful Reads, in the collector's
request order, validated as one golden snapshot."""

from __future__ import annotations

from typing import Any

from cryptography import x509

import okta_m365_audit
from okta_m365_audit.collect.collector import realm_logins
from okta_m365_audit.config import load_tenant
from okta_m365_audit.snapshot import document as snap

from .change_log import entra_audit_events, okta_change_events
from .consent import consent_reads, legacy_principals
from .entra import (
    app_role_assignments,
    federation_configuration,
    graph_domains,
    graph_organization,
    graph_service_principal,
    graph_users,
    no_federation_error,
    okta_service_principals,
    permission_grants,
)
from .entra_guards import ca_policies, guard_reads
from .entra_roles import role_reads
from .facts import AS_OF, LOG_DAYS, O365_APP_ID, OKTA_ORG_URL, TENANT_ID, TENANTS
from .ids import guid, okta_time
from .licences import subscribed_skus
from .okta_apps import (
    active_directory_app,
    app_connection,
    app_features,
    app_groups,
    app_keys,
    app_user,
    office365_app,
)
from .okta_org import (
    CUSTOM_DOMAIN_CERT_EXPIRY,
    agent_pools,
    okta_custom_domains,
    okta_domain_list,
    okta_groups,
    okta_org,
    okta_user,
)
from .okta_policies import (
    ADMIN_CONSOLE_POLICY_ID,
    OFFICE365_POLICY_ID,
    admin_console_app,
    admin_console_rules,
    admin_roles,
    office365_rules,
    okta_admins,
)
from .okta_security import api_tokens, threat_insight
from .people import Person, people
from .realm import user_realm
from .sign_ins import sign_in_reads
from .system_log import system_log


def request_for(api: str, name: str, key: str | None = None) -> str:
    """The first request line the collector sends for a resource (and parent key)."""
    res = snap.resource(api, name)
    return snap.request_line(res, key, snap.request_params(res, key, AS_OF, LOG_DAYS))


def read(api: str, name: str, data: Any, key: str | None = None) -> dict[str, Any]:
    """A successful one-page Read."""
    return snap.make_read(request_for(api, name, key), 200, ok=True, pages=1, data=data)


def federation_read(domain: dict[str, Any], active_x5c: str) -> dict[str, Any]:
    name = domain["id"]
    if domain["authenticationType"] == "Federated":
        config = [federation_configuration(name, active_x5c)]
        return read("graph", "federationConfiguration", config, name)
    request = request_for("graph", "federationConfiguration", name)
    return snap.make_read(
        request, 404, ok=True, pages=0, requests=1, data=None, error=no_federation_error(name)
    )


def build_snapshot(
    signing_certs: list[x509.Certificate],
    everyone: list[Person] | None = None,
    extra_events: list[dict[str, Any]] = (),  # type: ignore[assignment]
    tenant: str = "demo",
) -> dict[str, Any]:
    """The golden snapshot; ``everyone`` and ``extra_events`` grow it into a synthetic
    tenant (scripts/build_synthetic_tenant.py) that stays golden: every check passes."""
    everyone = people() if everyone is None else everyone
    keys = app_keys(signing_certs)
    active = keys[0]  # newest first; the app signs with it
    doc = snap.new_snapshot(
        {
            "tenant": tenant,
            "suiteVersion": okta_m365_audit.__version__,
            "runId": guid("golden snapshot run"),
            "collectedAt": okta_time(AS_OF),
            "source": "file",
            "partial": False,
            "okta": {"orgUrl": OKTA_ORG_URL},
            "graph": {
                "tenantId": TENANT_ID,
                "cloud": "global",
                "baseUrl": "https://graph.microsoft.com/v1.0",
            },
        }
    )

    okta_users = sorted((okta_user(p) for p in everyone), key=lambda u: u["profile"]["login"])
    per_app = {  # keyed by the Office 365 app id
        "appKeys": keys,
        "appFeatures": app_features(),
        "appConnection": app_connection(),
        "appUsers": [app_user(p) for p in everyone],
        "appGroups": app_groups(),
        "logs": sorted(system_log(everyone) + list(extra_events), key=lambda e: e["published"]),
    }
    doc["okta"] = {
        "org": read("okta", "org", okta_org()),
        "office365Apps": read("okta", "office365Apps", [office365_app(active["kid"])]),
        "adApps": read("okta", "adApps", [active_directory_app()]),
        # a plain list omits DEPROVISIONED users; the suite reads them with a search (none)
        "users": read("okta", "users", [u for u in okta_users if u["status"] != "DEPROVISIONED"]),
        "deprovisionedUsers": read(
            "okta", "deprovisionedUsers", [u for u in okta_users if u["status"] == "DEPROVISIONED"]
        ),
        "groups": read("okta", "groups", okta_groups()),
        "domains": read("okta", "domains", okta_domain_list(CUSTOM_DOMAIN_CERT_EXPIRY)),
        "customDomains": {
            did: read("okta", "customDomains", domain, did)
            for did, domain in okta_custom_domains(CUSTOM_DOMAIN_CERT_EXPIRY).items()
        },
        "agentPools": read("okta", "agentPools", agent_pools()),
        "threatInsight": read("okta", "threatInsight", threat_insight()),
        "apiTokens": read("okta", "apiTokens", api_tokens(okta_users)),
        "office365Logs": read("okta", "office365Logs", []),  # no app.office365.* event (CRED-04)
        "changeLogs": read("okta", "changeLogs", okta_change_events(everyone)),  # drift actors
        "oktaAdmins": read("okta", "oktaAdmins", okta_admins(okta_users)),
        "oktaAdminRoles": {
            uid: read("okta", "oktaAdminRoles", roles, uid)
            for uid, roles in admin_roles(okta_users).items()
        },
        "adminConsoleApp": read("okta", "adminConsoleApp", [admin_console_app()]),
        "adminConsolePolicyRules": {
            ADMIN_CONSOLE_POLICY_ID: read(
                "okta", "adminConsolePolicyRules", admin_console_rules(), ADMIN_CONSOLE_POLICY_ID
            )
        },
        "office365PolicyRules": {
            OFFICE365_POLICY_ID: read(
                "okta", "office365PolicyRules", office365_rules(), OFFICE365_POLICY_ID
            )
        },
    }
    for name, data in per_app.items():
        doc["okta"][name] = {O365_APP_ID: read("okta", name, data, O365_APP_ID)}

    sps = sorted(okta_service_principals() + legacy_principals(), key=lambda sp: sp["displayName"])
    doc["graph"] = {
        "organization": read("graph", "organization", [graph_organization()]),
        "domains": read("graph", "domains", graph_domains()),
        "federationConfiguration": {
            d["id"]: federation_read(d, active["x5c"][0]) for d in graph_domains()
        },
        "users": read("graph", "users", graph_users(everyone)),
        # Global Administrator: direct, through a role-assignable group, PIM-eligible only
        **role_reads(read, graph_users(everyone)),
        "oktaServicePrincipals": read("graph", "oktaServicePrincipals", sps),
        "graphServicePrincipal": read("graph", "graphServicePrincipal", graph_service_principal()),
        "appRoleAssignments": {
            sp["id"]: read("graph", "appRoleAssignments", app_role_assignments(sp), sp["id"])
            for sp in sps
        },
        "oauth2PermissionGrants": {
            sp["id"]: read("graph", "oauth2PermissionGrants", permission_grants(sp), sp["id"])
            for sp in sps
        },
        **consent_reads(read, sps, per_app["appConnection"]),  # CRED-02, CRED-03
        **guard_reads(read, graph_users(everyone)),  # ESS-06, FED-12
        **sign_in_reads(read),  # FED-13
        "directoryAudits": read(  # drift's actors: the Entra audit log's Policy category
            "graph",
            "directoryAudits",
            entra_audit_events(graph_users(everyone), ca_policies(graph_users(everyone))),
        ),
        "subscribedSkus": read("graph", "subscribedSkus", subscribed_skus(graph_users(everyone))),
    }

    # Home-realm discovery of the logins the collector samples (its plan, not its code path)
    cfg = load_tenant(TENANTS / "demo.yaml")
    logins = realm_logins(cfg, doc["graph"]["users"]["data"])
    doc["realm"] = {
        "userRealm": {
            login: read("realm", "userRealm", user_realm(login), login) for login in logins
        }
    }

    # Put each section in RESOURCES order, and make sure none is missing.
    for api in snap.APIS:
        order = [r.name for r in snap.RESOURCES if r.api == api]
        missing = set(order) - set(doc[api])
        assert not missing, f"{api} resources without data: {sorted(missing)}"
        doc[api] = {name: doc[api][name] for name in order}
    return snap.validate(doc, "golden snapshot")
