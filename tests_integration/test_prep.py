"""PREP (phase 2): M365 is prepared for Okta SSO and the Office 365 app is configured: one
active WS-Federation instance for the tenant, its domains verified and on the app, every
in-scope user anchored by a unique immutable ID that Okta sends, and usernames that are
the M365 UPNs."""

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.provisioning import app_summary, listing


@pytest.mark.check("PREP-01")
def test_prep_01_one_active_office365_app(tenant, evidence):
    """Exactly one ``office365`` app (never judged by label) whose msftTenant is this
    tenant's initial-domain prefix, and it is ACTIVE (and has the declared label, if any)."""
    mine = tenant.tenant_office365_apps
    label = tenant.cfg.expect.office365_app.label
    evidence.update(
        office365_apps=[app_summary(a) for a in tenant.office365_apps],
        observed=[app_summary(a) for a in mine],
        expected={"msftTenant": tenant.msft_tenant, "instances": 1, "status": "ACTIVE"}
        | ({"label": label} if label else {}),
    )
    where = f"for M365 tenant {tenant.msft_tenant!r}"
    found = listing(f"{a.get('id')} ({a.get('label')}, {a.get('status')})" for a in mine)
    assert len(mine) == 1, (
        f"{len(mine)} Office 365 app(s) {where}{': ' + found if mine else ''} "
        f"({len(tenant.office365_apps)} office365 app(s) in the org); expected exactly one"
    )
    app = mine[0]
    assert app.get("status") == "ACTIVE", (
        f"the Office 365 app {where} ({app.get('id')}, {app.get('label')}) is "
        f"{app.get('status')}; expected ACTIVE"
    )
    assert not label or app.get("label") == label, (
        f"the Office 365 app {where} is labelled {app.get('label')!r}; the tenant file "
        f"declares {label!r}"
    )


@pytest.mark.check("PREP-02")
def test_prep_02_sign_on_is_wsfed(tenant, evidence):
    """signOnMode SAML_1_1 is the Office 365 app's WS-Federation; BROWSER_PLUGIN is SWA."""
    mode = tenant.app_field("signOnMode")
    evidence.update(observed={"signOnMode": mode}, expected={"signOnMode": "SAML_1_1"})
    swa = " (SWA, password sign-on)" if mode == "BROWSER_PLUGIN" else ""
    assert mode == "SAML_1_1", (
        f"the Office 365 app signs on with {mode}{swa}; expected SAML_1_1 (WS-Federation)"
    )


@pytest.mark.check("PREP-02")
def test_prep_02_wsfed_configure_type_as_declared(tenant, evidence):
    expected = tenant.cfg.expect.office365_app.ws_fed_configure_type
    observed = tenant.app_setting("wsFedConfigureType")
    evidence.update(
        observed={"wsFedConfigureType": observed},
        expected={"wsFedConfigureType": expected},
        note="AUTO is the only API value confirmed; the manual mode's string is unconfirmed",
    )
    assert observed == expected, (
        f"the Office 365 app's WS-Fed configuration is {observed}; the tenant file "
        f"declares {expected}"
    )


@pytest.mark.check("PREP-03")
def test_prep_03_domain_verified_in_entra(tenant, domain, evidence):
    found = tenant.domains.get(domain.lower())
    evidence.update(
        observed=found and {"isVerified": found.get("isVerified")},
        expected={"isVerified": True},
    )
    assert found is not None, f"{domain} is not a domain of the M365 tenant (GET /domains)"
    if "isVerified" not in found:
        raise DataUnavailable(f"GET /domains did not return isVerified for {domain}")
    assert found["isVerified"] is True, f"{domain} is not verified in Entra"


@pytest.mark.check("PREP-03")
def test_prep_03_domain_on_app(tenant, domain, evidence):
    """The app lists the domain in settings.app.domains, or has it as settings.app.domain
    (case-insensitive)."""
    configured = tenant.app_domains
    evidence.update(observed=sorted(configured), expected=f"contains {domain}")
    assert domain.lower() in configured, (
        f"{domain} is not configured on the Office 365 app (settings.app.domain/domains: "
        f"{sorted(configured) or 'none'})"
    )
