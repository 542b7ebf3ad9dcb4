"""FED trust scenarios: the certificates Entra trusts and the MFA behaviour, broken one way
at a time, and the realistic variations that must stay green (certificates in another
encoding, a pending certificate that is an Okta key)."""

from __future__ import annotations

import base64
import textwrap
from typing import Any

from . import Scenario
from .helpers import federation, new_certificate, o365_app, per_app

C = "[demo-contoso.com]"
F = "[demo-fabrikam.com]"
FED04 = "test_fed_04_certificate_is_oktas_active_key"
FED05 = "test_fed_05_certificates_not_expiring"
FED06 = "test_fed_06_mfa_behavior_as_declared"


def _keys(doc: dict[str, Any]) -> tuple[str, str]:
    """(active, other): x5c[0] of the app's active signing key and of its older key."""
    kid = o365_app(doc)["credentials"]["signing"]["kid"]
    keys = per_app(doc, "appKeys")["data"]
    active = next(k["x5c"][0] for k in keys if k["kid"] == kid)
    other = next(k["x5c"][0] for k in keys if k["kid"] != kid)
    return active, other


def pem(b64: str) -> str:
    """A base64 DER certificate in PEM armour, 64 characters a line, CRLF (RFC 7468)."""
    lines = "\r\n".join(textwrap.wrap(b64, 64))
    return f"-----BEGIN CERTIFICATE-----\r\n{lines}\r\n-----END CERTIFICATE-----\r\n"


def encodings_and_pending_okta_key(doc: dict[str, Any]) -> None:
    """contoso.com's certificate in PEM armour, fabrikam.com's as base64 wrapped at 76
    characters (MIME), and fabrikam.com's pending nextSigningCertificate the app's other
    Okta key (a rollover prepared ahead): all of it must stay green. fabrikam.com's MFA
    behaviour is rejected in Entra: the one verdict that changes."""
    active, other = _keys(doc)
    federation(doc, "contoso.com")["signingCertificate"] = pem(active)
    fabrikam = federation(doc, "fabrikam.com")
    fabrikam["signingCertificate"] = "\n".join(textwrap.wrap(active, 76)) + "\n"
    fabrikam["nextSigningCertificate"] = pem(other)
    fabrikam["federatedIdpMfaBehavior"] = "rejectMfaByFederatedIdp"


def rollover_in_progress(doc: dict[str, Any]) -> None:
    """Okta signs with the key Entra holds as nextSigningCertificate, while Entra's
    signingCertificate is still the app's older key."""
    active, other = _keys(doc)
    fed = federation(doc, "contoso.com")
    fed["signingCertificate"] = other
    fed["nextSigningCertificate"] = active


def signing_certificate_garbage(doc: dict[str, Any]) -> None:
    """signingCertificate holds base64 that is no certificate (a truncated paste)."""
    active, _ = _keys(doc)
    raw = base64.b64decode(active)[: len(base64.b64decode(active)) // 2]
    federation(doc, "contoso.com")["signingCertificate"] = base64.b64encode(raw).decode()


def next_certificate_not_an_okta_key(doc: dict[str, Any]) -> None:
    """A pending nextSigningCertificate that none of the app's keys holds."""
    federation(doc, "contoso.com")["nextSigningCertificate"] = new_certificate()


def next_certificate_garbage(doc: dict[str, Any]) -> None:
    federation(doc, "contoso.com")["nextSigningCertificate"] = "not a certificate"


def mfa_behavior_unset(doc: dict[str, Any]) -> None:
    """Entra answers null for contoso.com and omits the property for fabrikam.com: both
    follow the legacy SupportsMfa flag that Graph v1.0 does not show."""
    federation(doc, "contoso.com")["federatedIdpMfaBehavior"] = None
    del federation(doc, "fabrikam.com")["federatedIdpMfaBehavior"]


def mfa_behavior_undeclared(data: dict[str, Any]) -> None:
    del data["expect"]["mfa_behavior"]


SCENARIOS = [
    Scenario(
        "Entra's certificates in PEM and wrapped base64, a pending Okta key, one MFA mismatch",
        {f"{FED06}{F}": "failed"},
        mutate=encodings_and_pending_okta_key,
        checks=("FED-04", "FED-05", "FED-06"),
    ),
    Scenario(
        "a certificate rollover in progress (Okta signs with Entra's next certificate)",
        {f"{FED04}{C}": "failed"},
        mutate=rollover_in_progress,
        checks=("FED-04",),
    ),
    Scenario(
        "a signingCertificate that is no certificate",
        # cannot be compared nor dated: both ERROR naming the field, never pass
        {f"{FED04}{C}": "error", f"{FED05}{C}": "error"},
        mutate=signing_certificate_garbage,
        checks=("FED-04", "FED-05"),
    ),
    Scenario(
        "a pending nextSigningCertificate that is no Okta key",
        {f"{FED05}{C}": "failed"},
        mutate=next_certificate_not_an_okta_key,
        checks=("FED-05",),
    ),
    Scenario(
        "a nextSigningCertificate that is no certificate",
        {f"{FED04}{C}": "error", f"{FED05}{C}": "error"},
        mutate=next_certificate_garbage,
        checks=("FED-04", "FED-05"),
    ),
    Scenario(
        "federatedIdpMfaBehavior unset in Entra (null or absent)",
        {f"{FED06}{C}": "error", f"{FED06}{F}": "error"},
        mutate=mfa_behavior_unset,
        checks=("FED-06",),
    ),
    Scenario(
        "the tenant file declaring no mfa_behavior",
        {f"{FED06}{C}": "error", f"{FED06}{F}": "error"},
        patch=mfa_behavior_undeclared,
        checks=("FED-06",),
    ),
]
