"""PREP (phase 2): M365 is prepared for Okta SSO and the Office 365 app is configured: one
active WS-Federation instance for the tenant, its domains verified and on the app, every
in-scope user anchored by a unique immutable ID that Okta sends, and usernames that are
the M365 UPNs."""

import pytest

from okta_m365_audit.core.normalize import parents
from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.provisioning import app_summary, listing


def _instance(app):
    return f"{app.get('id')} ({app.get('label')}, {app.get('status')})"


@pytest.mark.check("PREP-01")
def test_prep_01_office365_instances_active(tenant, evidence):
    """At least one ``office365`` app (never judged by label) names this tenant in
    msftTenant, every such instance is ACTIVE, and the declared label, if any, is there."""
    mine = tenant.tenant_office365_apps
    label = tenant.cfg.expect.office365_app.label
    evidence.update(
        office365_apps=[app_summary(a) for a in tenant.office365_apps],
        observed=[app_summary(a) for a in mine],
        expected={"msftTenant": tenant.msft_tenant, "status": "ACTIVE"}
        | ({"label": label} if label else {}),
    )
    where = f"for M365 tenant {tenant.msft_tenant!r}"
    assert mine, (
        f"no Office 365 app {where} ({len(tenant.office365_apps)} office365 app(s) in the org)"
    )
    inactive = [a for a in mine if a.get("status") != "ACTIVE"]
    assert not inactive, (
        f"Office 365 app(s) {where} not ACTIVE: {listing(map(_instance, inactive))}"
    )
    assert not label or any(a.get("label") == label for a in mine), (
        f"no Office 365 app {where} is labelled {label!r} (the tenant file's label); found "
        f"{listing(repr(a.get('label')) for a in mine)}"
    )


@pytest.mark.check("PREP-01")
def test_prep_01_domain_served_by_one_instance(tenant, domain, evidence):
    """Exactly one ACTIVE instance lists the domain, or its root for a child domain, in its
    domain settings: none leaves it unserved, two make Okta's answer depend on which one
    signs (views.instances)."""
    claim = tenant.claimants(domain)
    evidence.update(
        observed={a.get("id"): sorted(tenant.instance_domains(a)) for a in claim},
        instances={
            a.get("id"): sorted(tenant.instance_domains(a)) for a in tenant.active_instances
        },
        expected=f"exactly one ACTIVE instance lists {domain} or its root",
    )
    assert claim, (
        f"no ACTIVE Office 365 app instance lists {domain} (or its root) in its domain settings"
    )
    assert len(claim) == 1, (
        f"{domain} is claimed by {len(claim)} ACTIVE instances: {listing(map(_instance, claim))}; "
        "one instance serves a domain"
    )


@pytest.mark.check("PREP-01")
def test_prep_01_automatic_mode_uses_one_instance(tenant, evidence):
    """In automatic WS-Fed one instance federates every domain (manual needs one per
    domain, so there several are right)."""
    mode = tenant.cfg.expect.office365_app.mode
    if mode != "auto":
        pytest.skip("the tenant file declares manual WS-Federation (office365_app.ws_fed)")
    serving = tenant.serving_instances
    evidence.update(
        observed={d: a.get("id") for d, a in serving.items()}, expected="one instance", mode=mode
    )
    ids = {a.get("id") for a in serving.values()}
    assert len(ids) <= 1, (
        f"automatic WS-Federation, yet {len(ids)} instances serve the declared domains: "
        + listing(f"{d} by {a.get('id')}" for d, a in serving.items())
    )


@pytest.mark.check("PREP-02")
def test_prep_02_sign_on_is_wsfed(tenant, evidence):
    """signOnMode SAML_1_1 is the Office 365 app's WS-Federation; BROWSER_PLUGIN is SWA.
    Every instance that serves a declared domain is judged."""
    modes = {
        a.get("id"): tenant.instance_field(a, "signOnMode")
        for a in tenant.serving_instances.values()
    }
    evidence.update(observed={"signOnMode": modes}, expected={"signOnMode": "SAML_1_1"})
    if not modes:
        raise DataUnavailable(
            "no ACTIVE Office 365 app instance serves a declared domain; see PREP-01"
        )
    wrong = {i: m for i, m in modes.items() if m != "SAML_1_1"}
    assert not wrong, "Office 365 app instance(s) not on WS-Federation: " + listing(
        f"{i} signs on with {m}{' (SWA, password sign-on)' if m == 'BROWSER_PLUGIN' else ''}"
        for i, m in wrong.items()
    )


@pytest.mark.check("PREP-02")
def test_prep_02_wsfed_configure_type_as_declared(tenant, evidence):
    """Automatic mode is ``wsFedConfigureType`` AUTO (the one value confirmed from a real
    response). Manual mode is anything but AUTO: its own string is unconfirmed, so it is
    compared only with a string the tenant file declares, and shown otherwise."""
    declared = tenant.cfg.expect.office365_app
    observed = {
        a.get("id"): tenant.instance_setting(a, "wsFedConfigureType")
        for a in tenant.serving_instances.values()
    }
    if declared.mode == "auto":
        expected = "AUTO"
    else:
        expected = declared.ws_fed_configure_type or "anything but AUTO (manual)"
    evidence.update(
        observed={"wsFedConfigureType": observed},
        expected={"wsFedConfigureType": expected},
        mode=declared.mode,
        note="AUTO is the only API value confirmed; the manual mode's string is unconfirmed",
    )
    if not observed:
        raise DataUnavailable(
            "no ACTIVE Office 365 app instance serves a declared domain; see PREP-01"
        )
    if declared.mode == "auto":
        wrong = {i: v for i, v in observed.items() if v != "AUTO"}
    elif declared.ws_fed_configure_type:
        wrong = {i: v for i, v in observed.items() if v != declared.ws_fed_configure_type}
    else:
        wrong = {i: v for i, v in observed.items() if v == "AUTO"}
    assert not wrong, (
        f"the tenant file declares {declared.mode} WS-Federation ({expected}); "
        + listing(f"instance {i} has wsFedConfigureType {v}" for i, v in wrong.items())
    )


@pytest.mark.check("PREP-03")
def test_prep_03_domain_verified_in_entra(tenant, domain, evidence):
    found = tenant.domains.get(domain)
    evidence.update(
        observed=found and {"isVerified": found.get("isVerified")},
        expected={"isVerified": True},
    )
    assert found is not None, f"{domain} is not a domain of the M365 tenant (GET /domains)"
    if "isVerified" not in found:
        raise DataUnavailable(f"GET /domains did not return isVerified for {domain}")
    assert found["isVerified"] is True, f"{domain} is not verified in Entra"


@pytest.mark.check("PREP-03")
def test_prep_03_domain_is_not_the_default(tenant, domain, evidence):
    """Entra refuses to federate the tenant's default domain (support.okta.com "how to set
    default domain in o365"; Okta's event ...set.domain.federation.failure.domain.default).
    isDefault is "Not nullable" (Graph domain resource): null, like a missing field, cannot
    tell, and never reads as "not the default"."""
    found = tenant.domain(domain)
    if found.get("isDefault") is None:
        raise DataUnavailable(f"GET /domains did not return isDefault for {domain}")
    evidence.update(observed={"isDefault": found["isDefault"]}, expected={"isDefault": False})
    assert found["isDefault"] is not True, (
        f"{domain} is the tenant's default domain, which Entra cannot federate; make another "
        "domain (e.g. the initial onmicrosoft domain) the default first"
    )


@pytest.mark.check("PREP-03")
def test_prep_03_domain_on_app(tenant, domain, evidence):
    """The domain, or for a child domain (``isRoot`` false) its root, is in the domain
    settings of the instance that serves it: Okta lists root domains only, and a child
    inherits its root's federation (support.okta.com "How to federate multiple domains
    using the Okta UI")."""
    is_root = tenant.domain(domain).get("isRoot")
    app = tenant.instance_for(domain)
    configured = tenant.instance_domains(app)
    wanted = [domain] if is_root is not False else parents(domain)
    evidence.update(
        instance=app.get("id"),
        observed=sorted(configured),
        expected=f"contains {' or '.join(wanted)}",
        isRoot=is_root,
    )
    assert configured & set(wanted), (
        f"{domain} is not configured on the Office 365 app instance {app.get('id')} "
        f"(settings.app.domain/domains: {sorted(configured) or 'none'})"
        + ("" if is_root is not False else "; a child domain needs its root there")
    )
