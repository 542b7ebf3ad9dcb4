"""ORG: what must hold before M365 is integrated. An on-premises AD, where the customer has
one, is integrated with Okta (an ACTIVE integration with a working agent) before the Office
365 app; Entra's directory sync agrees with that declaration; a planned custom Okta domain
exists, is verified, has its certificate issued and valid; the org facts match the tenant
file."""

import datetime as dt

import pytest

from okta_m365_audit.views import DataUnavailable

#: validationStatus: VERIFIED = DNS verified; COMPLETED = certificate issued and in place
#: (api-facts Corrections: okta-management-openapi.yaml DomainValidationStatus,
#: okta-recorded/domains/list-two-custom-domains.json shows a working custom domain COMPLETED)
DNS_VERIFIED = ("VERIFIED", "COMPLETED")
CERTIFICATE_ISSUED = "COMPLETED"


def _declared_ad(tenant):
    ad = tenant.cfg.expect.on_prem_ad
    if ad is None:
        pytest.skip("the tenant file declares no on-premises AD (expect.on_prem_ad)")
    return ad.domain


def _ad_summary(app):
    return {
        "id": app.get("id"),
        "label": app.get("label"),
        "namingContext": ((app.get("settings") or {}).get("app") or {}).get("namingContext"),
        "status": app.get("status"),
        "created": app.get("created"),
    }


@pytest.mark.check("ORG-01")
def test_org_01_ad_integration_active(tenant, evidence):
    domain = _declared_ad(tenant)
    apps = tenant.ad_apps_for(domain)
    evidence.update(
        observed=[_ad_summary(a) for a in apps],
        other_ad_integrations=[_ad_summary(a) for a in tenant.ad_apps if a not in apps],
        expected={"an active_directory app for": domain, "status": "ACTIVE"},
    )
    found = ", ".join(f"{a.get('id')} {a.get('status')}" for a in apps)
    assert any(a.get("status") == "ACTIVE" for a in apps), (
        f"no ACTIVE Active Directory integration for {domain} in Okta: "
        + (
            f"found {found}"
            if apps
            else "none has that label or settings.app.namingContext "
            f"(AD integrations: {sorted(str(a.get('label')) for a in tenant.ad_apps) or 'none'})"
        )
    )


@pytest.mark.check("ORG-01")
def test_org_01_ad_agent_operational(tenant, evidence):
    domain = _declared_ad(tenant)
    pools = tenant.agent_pools_for(domain)
    agents = tenant.ad_agents_for(domain)
    evidence.update(
        observed={"pools": [p.get("name") for p in pools], "agents": agents},
        expected=f"at least one OPERATIONAL agent in the AD agent pool of {domain}",
    )
    assert any(a["operationalStatus"] == "OPERATIONAL" for a in agents), (
        f"no OPERATIONAL AD agent for {domain}: "
        + (
            ", ".join(f"{a['agent']} {a['operationalStatus']}" for a in agents)
            if agents
            else f"its agent pool {pools[0].get('name')} has no agents"
            if pools
            else "Okta has no AD agent pool for it (GET /api/v1/agentPools?poolType=AD)"
        )
    )


@pytest.mark.check("ORG-01")
def test_org_01_ad_integrated_before_office365(tenant, evidence):
    domain = _declared_ad(tenant)
    apps = tenant.ad_apps_for(domain)
    if not apps:
        raise DataUnavailable(
            f"no Active Directory integration for {domain} to date; "
            "see test_org_01_ad_integration_active"
        )
    ad_app = apps[0]  # the oldest: AD counts as integrated from its first integration
    o365_app = tenant.office365_app
    evidence.update(
        observed={
            "AD app created": ad_app.get("created"),
            "Office 365 app created": o365_app.get("created"),
        },
        expected="the AD integration is created before the Office 365 app",
    )
    ad_created = tenant.created_of(ad_app, "the AD app")
    o365_created = tenant.created_of(o365_app, "the Office 365 app")
    assert ad_created < o365_created, (
        f"the AD integration {ad_app.get('label')} was created {ad_app.get('created')}, after "
        f"the Office 365 app ({o365_app.get('created')}); AD must be integrated first"
    )


@pytest.mark.check("ORG-02")
def test_org_02_directory_sync_matches_declared_ad(tenant, evidence):
    synced = tenant.directory_sync_enabled
    ad = tenant.cfg.expect.on_prem_ad
    evidence.update(
        observed={"organization.onPremisesSyncEnabled": synced},
        declared_on_prem_ad=ad.domain if ad else None,
        reading="null (never synced) and false (sync turned off) both mean not syncing",
    )
    assert ad is not None or synced is not True, (
        "Entra directory sync is on (organization.onPremisesSyncEnabled true), but the tenant "
        "file declares no on-premises AD: declare expect.on_prem_ad, or the AD integration "
        "with Okta is missing"
    )


def _declared_custom_domain(tenant):
    name = tenant.cfg.expect.custom_domain
    if not name:
        pytest.skip("the tenant file declares no custom Okta domain (expect.custom_domain)")
    return name


def _custom_domain(tenant, name):
    custom = tenant.okta_custom_domain(name)
    if custom is None:
        raise DataUnavailable(f"{name} is not in Okta; see test_org_03_custom_domain_exists")
    return custom


@pytest.mark.check("ORG-03")
def test_org_03_custom_domain_exists(tenant, evidence):
    name = _declared_custom_domain(tenant)
    evidence.update(observed=sorted(tenant.okta_custom_domains), expected=name)
    assert tenant.okta_custom_domain(name) is not None, (
        f"the custom domain {name} is not in Okta (GET /api/v1/domains lists "
        f"{sorted(tenant.okta_custom_domains) or 'no custom domain'})"
    )


@pytest.mark.check("ORG-03")
def test_org_03_custom_domain_verified(tenant, evidence):
    name = _declared_custom_domain(tenant)
    """Its DNS records are validated: validationStatus VERIFIED (DNS verified) or COMPLETED
    (certificate issued too); NOT_STARTED, IN_PROGRESS or FAILED_TO_VERIFY fail."""
    status = _custom_domain(tenant, name).get("validationStatus")
    evidence.update(observed=status, expected=" or ".join(DNS_VERIFIED))
    assert status in DNS_VERIFIED, (
        f"the custom domain {name} is {status}; expected VERIFIED or COMPLETED (finish its "
        "DNS validation)"
    )


@pytest.mark.check("ORG-03")
def test_org_03_custom_domain_certificate_issued(tenant, evidence):
    """Its certificate is issued and in place: validationStatus COMPLETED. VERIFIED alone
    means DNS is verified but the certificate may not be in place yet (api-facts
    Corrections), so sign-ins on the custom domain may not work."""
    name = _declared_custom_domain(tenant)
    status = _custom_domain(tenant, name).get("validationStatus")
    evidence.update(observed=status, expected=CERTIFICATE_ISSUED)
    if status == "VERIFIED":
        problem = f"the custom domain {name} is VERIFIED: DNS verified, certificate not yet issued"
    else:
        problem = f"the custom domain {name} is {status}: DNS not verified, no certificate issued"
    assert status == CERTIFICATE_ISSUED, problem


@pytest.mark.check("ORG-03")
def test_org_03_custom_domain_certificate_valid(tenant, evidence):
    name = _declared_custom_domain(tenant)
    # the list never carries publicCertificate: read the domain itself (GET /domains/{id})
    custom = tenant.okta_custom_domain_details(_custom_domain(tenant, name))
    days = tenant.cfg.expect.windows.custom_domain_certificate_days
    limit = tenant.as_of + dt.timedelta(days=days)
    expires = tenant.certificate_expiration(custom)
    evidence.update(
        request=f"GET /api/v1/domains/{custom.get('id')}",
        observed={
            "publicCertificate": custom.get("publicCertificate"),
            "certificateSourceType": custom.get("certificateSourceType"),
        },
        expected=f"a certificate valid after {limit.isoformat()} ({days} days)",
    )
    assert expires is not None, f"the custom domain {name} has no public certificate in Okta"
    assert expires > limit, (
        f"the custom domain {name}'s certificate expires {expires.isoformat()}, within "
        f"{days} days of {tenant.as_of.date()}"
    )


def _declared_fact(tenant, fact):
    value = getattr(tenant.cfg.expect.org, fact)
    if value is None:
        pytest.skip(f"the tenant file declares no expect.org.{fact}")
    return value


@pytest.mark.check("ORG-04")
def test_org_04_company_name(tenant, evidence):
    expected = _declared_fact(tenant, "company_name")
    observed = tenant.okta_org.get("companyName")
    evidence.update(observed=observed, expected=expected)
    assert observed == expected, f"Okta's companyName is {observed!r}; expected {expected!r}"


@pytest.mark.check("ORG-04")
def test_org_04_subdomain(tenant, evidence):
    expected = _declared_fact(tenant, "subdomain")
    observed = tenant.okta_org.get("subdomain")
    evidence.update(observed=observed, expected=expected)
    assert (observed or "").lower() == expected.lower(), (
        f"Okta's subdomain is {observed!r}; expected {expected!r}"
    )
