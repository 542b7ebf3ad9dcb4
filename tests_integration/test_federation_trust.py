"""FED (phase 5), the trust: Entra trusts the Office 365 app's signing certificate, neither
certificate is about to expire, and Okta MFA counts in Entra as the tenant file declares."""

import datetime as dt

import pytest

from okta_m365_audit.views import Certificate
from okta_m365_audit.views.federation import cert_summary


@pytest.mark.check("FED-04")
def test_fed_04_certificate_is_oktas_active_key(
    tenant, federation, active_certificate, domain, evidence
):
    entra = federation.get("signingCertificate")
    evidence.update(
        observed={"Entra signingCertificate": cert_summary(entra)},
        expected={
            "Okta active key": tenant.active_key.get("kid"),
            **cert_summary(active_certificate.b64),
        },
    )
    assert entra, f"{domain} has no signingCertificate in Entra"
    assert Certificate(entra).same_as(active_certificate), (
        f"{domain}: Entra's signing certificate ({cert_summary(entra)['sha1']}) is not the "
        f"Office 365 app's active key {tenant.active_key.get('kid')} "
        f"({active_certificate.sha1}); sign-ins will fail"
    )


@pytest.mark.check("FED-05")
def test_fed_05_certificates_not_expiring(tenant, federation, active_certificate, domain, evidence):
    days = tenant.cfg.expect.windows.certificate_expiry_days
    limit = tenant.as_of + dt.timedelta(days=days)
    certs = {"Okta active key": active_certificate}
    if federation.get("signingCertificate"):
        certs["Entra signingCertificate"] = Certificate(federation["signingCertificate"])
    expiring = {n: c.not_after.isoformat() for n, c in certs.items() if c.not_after <= limit}
    pending = federation.get("nextSigningCertificate")
    pending_ok = pending is None or any(
        Certificate(pending).same_as(c) for c in tenant.okta_certificates()
    )
    evidence.update(
        observed={n: c.not_after.isoformat() for n, c in certs.items()}
        | {"nextSigningCertificate": cert_summary(pending) if pending else None},
        expected=f"valid after {limit.date()} ({days} days); a pending certificate is an Okta key",
    )
    assert not expiring, f"{domain}: expiring within {days} days: {expiring}"
    assert pending_ok, f"{domain}: nextSigningCertificate matches none of the app's Okta keys"


@pytest.mark.check("FED-06")
def test_fed_06_mfa_behavior_as_declared(tenant, federation, domain, evidence):
    expected = tenant.cfg.expect.mfa_behavior
    observed = federation.get("federatedIdpMfaBehavior")
    # Entra's documented default when neither this nor the legacy SupportsMfa is set
    effective = observed or "acceptIfMfaDoneByFederatedIdp"
    evidence.update(observed=observed, effective=effective, expected=expected)
    assert effective == expected, (
        f"{domain}: federatedIdpMfaBehavior is {observed}; expected {expected}"
    )
