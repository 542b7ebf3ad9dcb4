"""ORG scenarios: the prerequisites (on-prem AD first, directory sync, custom domain, org
facts) broken one way at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from okta_m365_audit.snapshot import document as snap

from . import Scenario
from .helpers import AS_OF

AD = "corp.contoso.com"
CUSTOM = "login.contoso.com"


def ad_app(doc: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in doc["okta"]["adApps"]["data"] if a["label"] == AD)


def ad_pool(doc: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in doc["okta"]["agentPools"]["data"] if p["name"] == AD)


def _listed_custom_domain(doc: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in doc["okta"]["domains"]["data"]["domains"] if d["domain"] == CUSTOM)


def custom_domain(doc: dict[str, Any]) -> dict[str, Any]:
    """The stored custom domain the emulator serves both reads from: its single read
    (GET /api/v1/domains/{id}, with the certificate) where the snapshot has one, else its
    entry in the domain list (emulator/state.py overlays the one on the other)."""
    listed = _listed_custom_domain(doc)
    single = (doc["okta"].get("customDomains") or {}).get(listed["id"])
    return single["data"] if single else listed


def ad_integrated_late(doc: dict[str, Any]) -> None:
    """AD was added a month after the Office 365 app (created 2026-04-14)."""
    app = ad_app(doc)
    app["created"] = "2026-05-18T13:40:12.000Z"
    app["lastUpdated"] = "2026-05-18T13:44:30.000Z"


def ad_inactive(doc: dict[str, Any]) -> None:
    """The AD integration was deactivated (its agents still run)."""
    ad_app(doc)["status"] = "INACTIVE"


def ad_never_integrated(doc: dict[str, Any]) -> None:
    """The tenant file declares AD, but Okta has no AD integration nor agent pool."""
    doc["okta"]["adApps"]["data"] = []
    doc["okta"]["agentPools"]["data"] = []


def ad_agents_disrupted(doc: dict[str, Any]) -> None:
    """Both AD agents lost their connection to Okta three days ago."""
    pool = ad_pool(doc)
    pool["operationalStatus"] = "DISRUPTED"
    pool["disruptedAgents"] = len(pool["agents"])
    last = int((AS_OF - dt.timedelta(days=3)).timestamp() * 1000)
    for agent in pool["agents"]:
        agent.update(operationalStatus="DISRUPTED", lastConnection=last)


def agent(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in ad_pool(doc)["agents"] if a["name"] == name)


def one_agent_disrupted(doc: dict[str, Any]) -> None:
    """CORP-DC02 lost its connection to Okta three days ago; CORP-DC01 still works (ORG-01
    is content with one agent, ORG-09 is not)."""
    pool = ad_pool(doc)
    pool["disruptedAgents"] = 1
    agent(doc, "CORP-DC02").update(
        operationalStatus="DISRUPTED",
        lastConnection=int((AS_OF - dt.timedelta(days=3)).timestamp() * 1000),
    )


def one_agent_outdated(doc: dict[str, Any]) -> None:
    """CORP-DC01 was never updated: 3.19.0 while the latest GA is 3.22.0."""
    agent(doc, "CORP-DC01").update(
        version="3.19.0", isLatestGAedVersion=False, latestGAedVersion=False
    )


def agent_version_standing_unknown(doc: dict[str, Any]) -> None:
    """Okta's answer carries no isLatestGAedVersion for CORP-DC01 (the spec does not
    require it)."""
    del agent(doc, "CORP-DC01")["isLatestGAedVersion"]


def third_agent_disrupted(doc: dict[str, Any]) -> None:
    """A third agent on a decommissioned server is DISRUPTED and hidden, while the two on
    the domain controllers are OPERATIONAL and on the latest GA."""
    pool = ad_pool(doc)
    spare = {**agent(doc, "CORP-DC01"), "id": "a53SpareAgent0x7", "name": "CORP-OLD-FS01"}
    spare.update(operationalStatus="DISRUPTED", isHidden=True, lastConnection=1700000000000)
    pool["agents"].append(spare)
    pool["disruptedAgents"] = 1


def third_agent_disrupted_and_outdated(doc: dict[str, Any]) -> None:
    """That hidden, decommissioned agent also stayed on an old version."""
    third_agent_disrupted(doc)
    agent(doc, "CORP-OLD-FS01").update(version="3.14.0", isLatestGAedVersion=False)


def third_agent_outdated_working_hidden(doc: dict[str, Any]) -> None:
    """A third agent, hidden from the Admin Console but still OPERATIONAL, on an old
    version: it still serves the org."""
    third_agent_disrupted_and_outdated(doc)
    agent(doc, "CORP-OLD-FS01")["operationalStatus"] = "OPERATIONAL"
    ad_pool(doc)["disruptedAgents"] = 0


def directory_sync_on(doc: dict[str, Any]) -> None:
    """Entra Connect syncs the tenant from an on-premises AD."""
    org = doc["graph"]["organization"]["data"][0]
    org["onPremisesSyncEnabled"] = True
    org["onPremisesLastSyncDateTime"] = "2026-11-20T05:31:09Z"


def no_ad_declared(data: dict[str, Any]) -> None:
    del data["expect"]["on_prem_ad"]


def custom_domain_missing(doc: dict[str, Any]) -> None:
    listed = _listed_custom_domain(doc)
    doc["okta"]["domains"]["data"]["domains"].remove(listed)
    (doc["okta"].get("customDomains") or {}).pop(listed["id"], None)


def custom_domain_unverified(doc: dict[str, Any]) -> None:
    """The DNS records of the custom domain were never validated."""
    custom_domain(doc)["validationStatus"] = "IN_PROGRESS"


def custom_domain_dns_verified_only(doc: dict[str, Any]) -> None:
    """DNS verified, certificate not yet issued (validationStatus VERIFIED, api-facts
    Corrections), in the list and in the single read alike."""
    custom_domain(doc)["validationStatus"] = "VERIFIED"
    _listed_custom_domain(doc)["validationStatus"] = "VERIFIED"


def custom_certificate_expiring(doc: dict[str, Any]) -> None:
    """The custom domain's certificate expires in 10 days (the window is 30)."""
    cert = custom_domain(doc)["publicCertificate"]
    cert["expiration"] = snap.iso_z(AS_OF + dt.timedelta(days=10))


def custom_certificate_missing(doc: dict[str, Any]) -> None:
    """A manual-certificate domain whose certificate was never uploaded."""
    custom = custom_domain(doc)
    custom["certificateSourceType"] = "MANUAL"
    del custom["publicCertificate"]


def company_renamed(doc: dict[str, Any]) -> None:
    doc["okta"]["org"]["data"]["companyName"] = "Contoso Ltd"


def other_subdomain_declared(data: dict[str, Any]) -> None:
    """The tenant file names another Okta org's subdomain (copied from a sibling tenant)."""
    data["expect"]["org"]["subdomain"] = "fabrikam-demo"


ORG01_ACTIVE = "test_org_01_ad_integration_active[demo]"
ORG01_AGENT = "test_org_01_ad_agent_operational[demo]"
ORG01_ORDER = "test_org_01_ad_integrated_before_office365[demo]"
ORG09_COUNT = "test_org_09_enough_ad_agents[demo]"
ORG09_LATEST = "test_org_09_ad_agents_latest_ga[demo]"
ORG02 = "test_org_02_directory_sync_matches_declared_ad[demo]"
ORG03_EXISTS = "test_org_03_custom_domain_exists[demo]"
ORG03_VERIFIED = "test_org_03_custom_domain_verified[demo]"
ORG03_CERT = "test_org_03_custom_domain_certificate_valid[demo]"
ORG03_ISSUED = "test_org_03_custom_domain_certificate_issued[demo]"
#: the sign-in URIs on the custom domain no longer point at a host of this Okta org: FED-03
#: and FED-09 count a custom domain as Okta's host only once its DNS is verified
#: (views/instances.py okta_sign_in_hosts)
NOT_AN_OKTA_HOST = {
    f"test_{check}[demo-{domain}]": "failed"
    for check in ("fed_03_sign_in_uris_point_at_this_org", "fed_09_sign_in_routes_to_okta")
    for domain in ("contoso.com", "fabrikam.com")
}

SCENARIOS = [
    Scenario(
        "one of the two AD agents DISRUPTED",
        {ORG09_COUNT: "failed"},
        mutate=one_agent_disrupted,
        checks=("ORG-09",),
    ),
    Scenario(
        "an AD agent older than the latest GA",
        {ORG09_LATEST: "failed"},
        mutate=one_agent_outdated,
        checks=("ORG-09",),
    ),
    Scenario(
        "an AD agent without isLatestGAedVersion",
        {ORG09_LATEST: "error"},
        mutate=agent_version_standing_unknown,
        checks=("ORG-09",),
    ),
    Scenario(
        "a third, hidden AD agent DISRUPTED beside two working ones (stays green)",
        {},
        mutate=third_agent_disrupted,
        checks=("ORG-09",),
    ),
    Scenario(
        "a third, hidden AD agent DISRUPTED and on an old version (stays green)",
        {},
        mutate=third_agent_disrupted_and_outdated,
        checks=("ORG-09",),
    ),
    Scenario(
        "a third AD agent hidden but still OPERATIONAL, on an old version",
        {ORG09_LATEST: "failed"},
        mutate=third_agent_outdated_working_hidden,
        checks=("ORG-09",),
    ),
    Scenario(
        "the AD integrated after the Office 365 app",
        {ORG01_ORDER: "failed"},
        mutate=ad_integrated_late,
        checks=("ORG-01",),
    ),
    Scenario(
        "the AD integration INACTIVE",
        {ORG01_ACTIVE: "failed"},
        mutate=ad_inactive,
        checks=("ORG-01",),
    ),
    Scenario(
        "no AD agent OPERATIONAL",
        {ORG01_AGENT: "failed", ORG09_COUNT: "failed"},
        mutate=ad_agents_disrupted,
        checks=("ORG-01",),
    ),
    Scenario(
        "the declared AD never integrated with Okta",
        {
            ORG01_ACTIVE: "failed",
            ORG01_AGENT: "failed",
            # no AD integration to date: the order cannot be judged, so it ERRORs
            ORG01_ORDER: "error",
            # no agent at all: fewer than two (and none to be out of date)
            ORG09_COUNT: "failed",
        },
        mutate=ad_never_integrated,
        checks=("ORG-01",),
    ),
    Scenario(
        "directory sync on in Entra but no AD declared",
        {
            ORG02: "failed",
            # without a declared AD, ORG-01 does not apply
            ORG01_ACTIVE: "skipped",
            ORG01_AGENT: "skipped",
            ORG01_ORDER: "skipped",
            ORG09_COUNT: "skipped",
            ORG09_LATEST: "skipped",
            # synced half an hour before the run while the golden declares Okta the only
            # writer (provisioning.okta_sole_writer): Entra Connect still writes the users
            "test_prov_06_directory_sync_stopped[demo]": "failed",
        },
        mutate=directory_sync_on,
        patch=no_ad_declared,
        checks=("ORG-02",),
    ),
    Scenario(
        "the custom domain missing from Okta",
        {
            ORG03_EXISTS: "failed",
            # nothing to read the status and certificate of: these ERROR, never pass
            ORG03_VERIFIED: "error",
            ORG03_ISSUED: "error",
            ORG03_CERT: "error",
            # no custom domain is left to read in full (GET /api/v1/domains/{id})
            "test_access_02_okta_read_allowed[demo-customDomains]": "skipped",
            **NOT_AN_OKTA_HOST,
        },
        mutate=custom_domain_missing,
        checks=("ORG-03",),
    ),
    Scenario(
        "the custom domain unverified",
        # DNS not verified: no certificate can have been issued either
        {ORG03_VERIFIED: "failed", ORG03_ISSUED: "failed", **NOT_AN_OKTA_HOST},
        mutate=custom_domain_unverified,
        checks=("ORG-03",),
    ),
    Scenario(
        "the custom domain VERIFIED, its certificate not yet issued",
        # the federations point at it: no sign-in there can complete (FED-03, FED-09)
        {ORG03_ISSUED: "failed", **NOT_AN_OKTA_HOST},
        mutate=custom_domain_dns_verified_only,
        checks=("ORG-03", "FED-03", "FED-09"),
    ),
    Scenario(
        "the custom domain's certificate expiring in 10 days",
        {ORG03_CERT: "failed"},
        mutate=custom_certificate_expiring,
        checks=("ORG-03",),
    ),
    Scenario(
        "the custom domain without a certificate",
        {ORG03_CERT: "failed"},
        mutate=custom_certificate_missing,
        checks=("ORG-03",),
    ),
    Scenario(
        "the Okta org's company name differing from the tenant file",
        {"test_org_04_company_name[demo]": "failed"},
        mutate=company_renamed,
        checks=("ORG-04",),
    ),
    Scenario(
        "the tenant file naming another subdomain",
        {"test_org_04_subdomain[demo]": "failed"},
        patch=other_subdomain_declared,
        checks=("ORG-04",),
    ),
]
