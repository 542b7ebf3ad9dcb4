"""FED (phase 5), the trust: Entra trusts the Office 365 app's signing certificate, neither
certificate is about to expire, and Okta MFA counts in Entra as the tenant file declares.

Certificates compare as certificates (views/certificates.py): Okta's ``x5c[0]`` and Entra's
``signingCertificate`` / ``nextSigningCertificate`` ("a Base64 encoded string of the public
portion of the federated IdP's token signing certificate", Learn, internalDomainFederation
resource type) are equal when their DER bytes are, with or without line breaks or PEM
armour; a value that is no certificate ERRORs naming its field."""

import datetime as dt

import pytest

from okta_m365_audit.views import Certificate, DataUnavailable, cert_summary

#: the values Graph v1.0 documents for federatedIdpMfaBehavior (Learn, internalDomainFederation
#: resource type; the tenant file's expect.mfa_behavior takes the same ones)
MFA_BEHAVIORS = "acceptIfMfaDoneByFederatedIdp, enforceMfaByFederatedIdp or rejectMfaByFederatedIdp"


def _entra_certificate(federation, domain, name):
    """Entra's ``name`` certificate of the domain, or None when it holds none."""
    value = federation.get(name)
    return None if value in (None, "") else Certificate(value, f"{domain} {name}")


@pytest.mark.check("FED-04")
def test_fed_04_certificate_is_oktas_active_key(
    tenant, federation, active_certificate, domain, evidence
):
    """Entra accepts the tokens the app signs with its active key (credentials.signing.kid)
    only while its signingCertificate is that key. When Okta already signs with Entra's
    nextSigningCertificate (Entra's fallback, Learn: internalDomainFederation), a rollover is
    in progress: a finding naming both certificates, never a silent pass."""
    entra = _entra_certificate(federation, domain, "signingCertificate")
    pending = _entra_certificate(federation, domain, "nextSigningCertificate")
    kid = tenant.active_key_for(domain).get("kid")
    evidence.update(
        observed={
            "Entra signingCertificate": cert_summary(entra),
            "Entra nextSigningCertificate": cert_summary(pending) or None,
        },
        expected={"Okta active key": kid, **active_certificate.summary()},
    )
    assert entra is not None, f"{domain} has no signingCertificate in Entra"
    if pending is not None and pending.same_as(active_certificate):
        problem = (
            f"{domain}: rollover in progress: Okta signs with Entra's nextSigningCertificate "
            f"({pending.sha1}, the app's active key {kid}), while Entra's signingCertificate "
            f"is still {entra.sha1} (expires {entra.not_after.date()}); update federation so "
            "signingCertificate is the active key"
        )
    else:
        problem = (
            f"{domain}: Entra's signing certificate ({entra.sha1}) is not the Office 365 "
            f"app's active key {kid} ({active_certificate.sha1}); sign-ins will fail"
        )
    assert entra.same_as(active_certificate), problem


@pytest.mark.check("FED-05")
def test_fed_05_certificates_not_expiring(tenant, federation, active_certificate, domain, evidence):
    """Neither the app's active key nor a certificate Entra holds for the domain expires
    within the warning window (windows.certificate_expiry_days, default 30), and a pending
    nextSigningCertificate is one of the app's Okta keys (otherwise Entra would accept a
    key Okta does not hold)."""
    days = tenant.cfg.expect.windows.certificate_expiry_days
    limit = tenant.as_of + dt.timedelta(days=days)
    certs = {"Okta active key": active_certificate}
    for name in ("signingCertificate", "nextSigningCertificate"):
        cert = _entra_certificate(federation, domain, name)
        if cert is not None:
            certs[f"Entra {name}"] = cert
    pending = certs.get("Entra nextSigningCertificate")
    okta_keys = tenant.okta_certificates_for(domain) if pending is not None else []
    unknown_pending = pending is not None and not any(pending.same_as(k) for k in okta_keys)
    expiring = {n: c.not_after.isoformat() for n, c in certs.items() if c.not_after <= limit}
    evidence.update(
        observed={n: c.summary() for n, c in certs.items()},
        expected=f"valid after {limit.date()} ({days} days); a pending certificate is an Okta key",
    )
    problems = [f"expiring within {days} days: {expiring}"] if expiring else []
    if unknown_pending:
        problems.append(
            f"nextSigningCertificate ({pending.sha1}) matches none of the app's "
            f"{len(okta_keys)} Okta key(s)"
        )
    assert not problems, f"{domain}: " + "; ".join(problems)


@pytest.mark.check("FED-06")
def test_fed_06_mfa_behavior_as_declared(tenant, federation, domain, evidence):
    """federatedIdpMfaBehavior equals the tenant file's expect.mfa_behavior. There is no
    default on either side: an undeclared expectation ERRORs, and an unset value means Entra
    follows the legacy SupportsMfa flag, which Graph v1.0 does not show (api-facts
    Corrections; Learn, internalDomainFederation), so the check cannot tell and ERRORs."""
    expected = tenant.cfg.expect.mfa_behavior
    observed = federation.get("federatedIdpMfaBehavior")
    evidence.update(
        observed={"federatedIdpMfaBehavior": observed},
        expected={"federatedIdpMfaBehavior": expected or "not declared"},
    )
    if expected is None:
        raise DataUnavailable(
            f"the tenant file does not declare the MFA behaviour: declare expect.mfa_behavior "
            f"({MFA_BEHAVIORS})"
        )
    if observed is None:
        raise DataUnavailable(
            f"{domain}: federatedIdpMfaBehavior is unset, so Entra follows the legacy "
            "SupportsMfa flag that Graph v1.0 does not show: cannot tell; set "
            f"federatedIdpMfaBehavior explicitly (to {expected})"
        )
    assert observed == expected, (
        f"{domain}: federatedIdpMfaBehavior is {observed}; the tenant file declares {expected}"
    )
