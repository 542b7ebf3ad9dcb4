"""Scenarios across checks: phase gating, waivers and the run's exit status."""

from __future__ import annotations

import re
from typing import Any

from okta_m365_audit.catalog.checks import BY_ID

from . import Scenario
from .fed import foreign_certificate
from .helpers import federation


def _check_id(test_id: str) -> str | None:
    m = re.match(r"^test_([a-z]+)_(\d{2})_", test_id)
    return f"{m.group(1).upper()}-{m.group(2)}" if m else None


def _phase(n: int):
    def patch(data: dict[str, Any]) -> None:
        data["expect"]["phase"] = n

    return patch


def _not_due(phase: int, extra: dict[str, str] | None = None):
    """Every check of a later phase than ``phase`` is skipped as not yet due."""

    def expected(golden: dict[str, str]) -> dict[str, str]:
        changes = {
            test_id: "skipped"
            for test_id, verdict in golden.items()
            if verdict != "skipped" and BY_ID[_check_id(test_id)].due_in_phase > phase
        }
        return changes | (extra or {})

    return expected


def _waive(check: str, expires: str, item: str | None = None):
    def patch(data: dict[str, Any]) -> None:
        data["waivers"] = [{
            "check": check, "reason": "certificate rollover scheduled with the customer",
            "approver": "J. Doe (MSP security lead)", "ticket": "CHG-1042", "expires": expires,
            **({"item": item} if item else {}),
        }]  # fmt: skip

    return patch


def mfa_enforced(doc: dict[str, Any]) -> None:
    federation(doc, "contoso.com")["federatedIdpMfaBehavior"] = "enforceMfaByFederatedIdp"


def mfa_enforced_everywhere(doc: dict[str, Any]) -> None:
    for domain in ("contoso.com", "fabrikam.com"):
        federation(doc, domain)["federatedIdpMfaBehavior"] = "enforceMfaByFederatedIdp"


FED04 = "test_fed_04_certificate_is_oktas_active_key[demo-contoso.com]"
FED06 = "test_fed_06_mfa_behavior_as_declared[demo-contoso.com]"
FED06_FABRIKAM = "test_fed_06_mfa_behavior_as_declared[demo-fabrikam.com]"

SCENARIOS = [
    Scenario(
        "phase 4 declared but the domains are already federated (premature go-live)",
        _not_due(4, {"test_fed_08_no_premature_federation[demo]": "failed"}),
        patch=_phase(4),
        checks=("FED-08",),
    ),
    Scenario(
        "phase 3 declared (provisioning and go-live not yet due)",
        _not_due(3, {"test_fed_08_no_premature_federation[demo]": "failed"}),
        patch=_phase(3),
    ),
    Scenario(
        "an active waiver of a failing check",
        {FED04: "waived"},
        mutate=foreign_certificate,
        patch=_waive("FED-04", "2099-12-31"),
        exit_code=0,
    ),
    Scenario(
        "a waiver of one domain while the check fails on two (the other still fails)",
        {FED06: "waived", FED06_FABRIKAM: "failed"},
        mutate=mfa_enforced_everywhere,
        patch=_waive("FED-06", "2099-12-31", item="Contoso.COM."),  # normalised as a domain
        exit_code=1,
    ),
    Scenario(
        "an expired waiver of a failing check",
        {FED04: "failed"},
        mutate=foreign_certificate,
        patch=_waive("FED-04", "2020-01-31"),
        exit_code=1,
    ),
    Scenario(
        "a medium failure under --fail-on high",
        {FED06: "failed"},
        mutate=mfa_enforced,
        args=("--fail-on", "high"),
        exit_code=0,
    ),
    Scenario(
        "the MFA behaviour differing from the tenant file",
        {FED06: "failed"},
        mutate=mfa_enforced,
        exit_code=1,
        checks=("FED-06",),
    ),
]

SCENARIOS += [
    Scenario(
        "an --offline run (no home-realm discovery)",
        lambda golden: {k: "skipped" for k in golden if k.startswith("test_fed_09_")},
        args=("--offline",),
    ),
]
