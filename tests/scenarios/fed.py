"""FED scenarios: the domains' federation in Entra broken one way at a time."""

from __future__ import annotations

from typing import Any

from . import Scenario
from .helpers import federation, graph_domain, new_certificate, not_found_read


def domain_left_managed(doc: dict[str, Any]) -> None:
    """contoso.com never federated: Managed in Entra, and no federation configuration."""
    graph_domain(doc, "contoso.com")["authenticationType"] = "Managed"
    doc["graph"]["federationConfiguration"]["contoso.com"] = not_found_read(doc, "contoso.com")


def foreign_certificate(doc: dict[str, Any]) -> None:
    """Entra trusts a certificate that is not the Okta app's active signing key."""
    federation(doc, "contoso.com")["signingCertificate"] = new_certificate()


C = "[demo-contoso.com]"

SCENARIOS = [
    Scenario(
        "a domain left Managed",
        {
            f"test_fed_01_domain_federated{C}": "failed",
            f"test_fed_02_federation_prefers_wsfed{C}": "failed",
            # no federation configuration to read: these ERROR with the reason, never pass
            f"test_fed_03_sign_in_uris_point_at_this_org{C}": "error",
            f"test_fed_04_certificate_is_oktas_active_key{C}": "error",
            f"test_fed_05_certificates_not_expiring{C}": "error",
            f"test_fed_06_mfa_behavior_as_declared{C}": "error",
            f"test_fed_07_issuer_identifies_app_and_is_unique{C}": "error",
        },
        mutate=domain_left_managed,
        checks=("FED-01", "FED-02"),
    ),
    Scenario(
        "a certificate that differs from Okta's key",
        {f"test_fed_04_certificate_is_oktas_active_key{C}": "failed"},
        mutate=foreign_certificate,
        checks=("FED-04",),
    ),
]
