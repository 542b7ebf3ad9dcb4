"""ORG baseline scenarios: ThreatInsight and the Okta API tokens (ORG-07, ORG-08), broken
one way at a time, and realistic variations that must stay green."""

from __future__ import annotations

import datetime as dt
from typing import Any

from okta_m365_audit.snapshot import document as snap

from . import Scenario
from .helpers import AS_OF

ORG07 = "test_org_07_threat_insight_on[demo]"
ORG08_OWNER = "test_org_08_api_token_owners_active[demo]"
ORG08_USE = "test_org_08_api_tokens_in_use[demo]"


def threat_insight(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["okta"]["threatInsight"]["data"]


def threat_insight_audit(doc: dict[str, Any]) -> None:
    """ThreatInsight set to "Log" only (audit): suspicious IPs are not blocked."""
    threat_insight(doc)["action"] = "audit"


def threat_insight_off(doc: dict[str, Any]) -> None:
    threat_insight(doc)["action"] = "none"


def threat_insight_unknown_action(doc: dict[str, Any]) -> None:
    """An action this suite does not know (a future mode): cannot judge, never a pass."""
    threat_insight(doc)["action"] = "challenge"


def audit_declared(data: dict[str, Any]) -> None:
    data["expect"]["threat_insight"] = "audit"


def office_zone_excluded(doc: dict[str, Any]) -> None:
    """The office's network zone is excluded from ThreatInsight (trusted IPs)."""
    threat_insight(doc)["excludeZones"] = ["nzo1q7jEOsoCnoKcj0g4"]


def token(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["okta"]["apiTokens"]["data"][0]


def token_owner_deactivated(doc: dict[str, Any]) -> None:
    """The token's owner left and was deactivated, yet the token is still listed."""
    owner_id = token(doc)["userId"]
    users = doc["okta"]["users"]["data"]
    owner = next(u for u in users if u["id"] == owner_id)
    users.remove(owner)
    owner["status"] = "DEPROVISIONED"
    doc["okta"]["deprovisionedUsers"]["data"].append(owner)


def token_owner_unknown(doc: dict[str, Any]) -> None:
    """The token names an owner that neither Okta user read returns."""
    token(doc)["userId"] = "00uGoneUser00000x7"


def token_long_window(doc: dict[str, Any]) -> None:
    """A token allowed to sit unused for 180 days (tokenWindow P180D), used yesterday."""
    t = token(doc)
    t["tokenWindow"] = "P180D"
    t["expiresAt"] = snap.iso_z(AS_OF + dt.timedelta(days=179))


def token_unused(doc: dict[str, Any]) -> None:
    """A token last used 119 days ago, with a 120-day window (expires tomorrow)."""
    t = token(doc)
    t["tokenWindow"] = "P120D"
    t["expiresAt"] = snap.iso_z(AS_OF + dt.timedelta(days=1))


def token_window_in_months(doc: dict[str, Any]) -> None:
    """A tokenWindow in months (P1M): its length depends on the calendar; cannot tell."""
    token(doc)["tokenWindow"] = "P1M"


def token_zone_bound(doc: dict[str, Any]) -> None:
    """The token is bound to a network zone and used an hour ago."""
    t = token(doc)
    t["network"] = {"connection": "ZONE", "include": ["nzo1q7jEOsoCnoKcj0g4"]}
    t["expiresAt"] = snap.iso_z(AS_OF + dt.timedelta(days=30, hours=-1))


def no_tokens(doc: dict[str, Any]) -> None:
    """The org uses OAuth service apps only: no API token at all."""
    doc["okta"]["apiTokens"]["data"] = []


SCENARIOS = [
    Scenario(
        "ThreatInsight only logging (audit) where block is declared",
        {ORG07: "failed"},
        mutate=threat_insight_audit,
        checks=("ORG-07",),
    ),
    Scenario("ThreatInsight off", {ORG07: "failed"}, mutate=threat_insight_off, checks=("ORG-07",)),
    Scenario(
        "ThreatInsight with an unknown action",
        {ORG07: "error"},
        mutate=threat_insight_unknown_action,
        checks=("ORG-07",),
    ),
    Scenario(
        "audit declared, block set, the office zone excluded (stays green)",
        {},
        mutate=office_zone_excluded,
        patch=audit_declared,
        checks=("ORG-07",),
    ),
    Scenario(
        "an API token of a deactivated owner",
        # the owner is also an M365 user in scope, whose Okta account is now deactivated, and
        # a Super Administrator (ORG-06: a deactivated holder)
        {
            ORG08_OWNER: "failed",
            "test_imp_03_okta_users_activated[demo]": "failed",
            "test_org_06_super_admins_active[demo]": "failed",
        },
        mutate=token_owner_deactivated,
        checks=("ORG-08",),
    ),
    Scenario(
        "an API token of an owner Okta does not list",
        {ORG08_OWNER: "failed"},
        mutate=token_owner_unknown,
        checks=("ORG-08",),
    ),
    Scenario(
        "an API token allowed to sit unused for 180 days",
        {ORG08_USE: "failed"},
        mutate=token_long_window,
        checks=("ORG-08",),
    ),
    Scenario(
        "an API token unused for 119 days",
        {ORG08_USE: "failed"},
        mutate=token_unused,
        checks=("ORG-08",),
    ),
    Scenario(
        "an API token whose window is in months",
        {ORG08_USE: "error"},
        mutate=token_window_in_months,
        checks=("ORG-08",),
    ),
    Scenario(
        "an API token bound to a network zone, used an hour ago (stays green)",
        {},
        mutate=token_zone_bound,
        checks=("ORG-08",),
    ),
    Scenario(
        "no API token: OAuth service apps only (stays green)",
        {},
        mutate=no_tokens,
        checks=("ORG-08",),
    ),
]
