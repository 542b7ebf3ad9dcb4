"""ORG baseline: what an MSP sets up in a new Okta org before any integration. The Admin
Console takes two factors (views/policies.py walks its rules as Okta does); a few named,
active persons are Super Administrators; ThreatInsight
logs (and blocks) requests from suspicious IPs; every SSWS API token belongs to an active
person and is in use; the AD integration survives the loss of one agent and runs supported
agent versions."""

import fnmatch

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.policies import (
    active_in_order,
    narrowing,
    reached,
    rule_text,
    sign_on,
    strength,
)

#: ThreatInsight actions by strength (spec ThreatInsightConfiguration x-enumDescriptions:
#: none = disabled; audit = logs suspicious requests; block = logs and blocks them)
THREAT_INSIGHT_STRENGTH = {"none": 0, "audit": 1, "block": 2}


@pytest.mark.check("ORG-07")
def test_org_07_threat_insight_on(tenant, evidence):
    config = tenant.threat_insight
    action = config.get("action")
    declared = tenant.cfg.expect.threat_insight
    evidence.update(
        observed={k: config.get(k) for k in ("action", "excludeZones", "lastUpdated")},
        expected=f"action {declared} or stronger (none < audit < block)",
    )
    if action not in THREAT_INSIGHT_STRENGTH:
        raise DataUnavailable(
            f"ThreatInsight action {action!r} is none of none/audit/block: cannot judge it"
        )
    assert THREAT_INSIGHT_STRENGTH[action] >= THREAT_INSIGHT_STRENGTH[declared], (
        f"ThreatInsight action is {action}; expected {declared}"
        + (" (ThreatInsight is off)" if action == "none" else " (audit only logs)")
    )


def _tokens(tenant, evidence):
    tokens = tenant.api_token_standing
    evidence.update(
        observed=tokens,
        window_days=tenant.cfg.expect.windows.api_token_unused_days,
        reading="last use is inferred as expiresAt minus tokenWindow: Okta extends a token's "
        "expiry by its window at each use, and the API has no last-used field",
    )
    return tokens


@pytest.mark.check("ORG-08")
def test_org_08_api_token_owners_active(tenant, evidence):
    tokens = _tokens(tenant, evidence)
    evidence.update(expected="every token's owner an ACTIVE Okta user")
    bad = [t for t in tokens if t["ownerStatus"] != "ACTIVE"]
    assert not bad, "API tokens of owners who are not ACTIVE: " + "; ".join(
        f"{t['name']!r} ({t['id']}) owned by "
        + (
            f"{t['owner'] or t['userId']}, status {t['ownerStatus']}"
            if t["ownerStatus"]
            else f"userId {t['userId']!r}, not an Okta user with a status"
        )
        for t in bad
    )


@pytest.mark.check("ORG-08")
def test_org_08_api_tokens_in_use(tenant, evidence):
    tokens = _tokens(tenant, evidence)
    days = tenant.cfg.expect.windows.api_token_unused_days
    evidence.update(
        expected=f"every token used within {days} days, with a window of at most {days} days"
    )
    unreadable = [t for t in tokens if t["lastUsed"] is None]
    if unreadable:
        raise DataUnavailable(
            "cannot tell when these API tokens were last used (expiresAt or tokenWindow "
            "missing or not understood): "
            + ", ".join(
                f"{t['name']!r} ({t['expiresAt']!r}, {t['tokenWindow']!r})" for t in unreadable
            )
        )
    bad = [t for t in tokens if t["unusedDays"] > days or t["windowDays"] > days]
    assert not bad, (
        f"API tokens unused, or allowed to sit unused, beyond {days} days: "
        + "; ".join(
            f"{t['name']!r} ({t['id']}) last used {t['lastUsed']} ({t['unusedDays']} days ago), "
            f"tokenWindow {t['tokenWindow']}"
            for t in bad
        )
    )


def _declared_ad_agents(tenant, evidence):
    ad = tenant.cfg.expect.on_prem_ad
    if ad is None:
        pytest.skip("the tenant file declares no on-premises AD (expect.on_prem_ad)")
    pools = tenant.agent_pools_for(ad.domain)
    agents = tenant.ad_agents_for(ad.domain)
    evidence.update(observed={"pools": [p.get("name") for p in pools], "agents": agents})
    return ad, agents


@pytest.mark.check("ORG-09")
def test_org_09_enough_ad_agents(tenant, evidence):
    ad, agents = _declared_ad_agents(tenant, evidence)
    evidence.update(expected=f"at least {ad.min_agents} OPERATIONAL agents for {ad.domain}")
    working = [a for a in agents if a["operationalStatus"] == "OPERATIONAL"]
    assert len(working) >= ad.min_agents, (
        f"{len(working)} OPERATIONAL AD agent(s) for {ad.domain}; expected at least "
        f"{ad.min_agents} (found: "
        + (
            ", ".join(f"{a['agent']} operationalStatus {a['operationalStatus']}" for a in agents)
            or "no agents listed in its pool"
        )
        + ")"
    )


@pytest.mark.check("ORG-09")
def test_org_09_ad_agents_latest_ga(tenant, evidence):
    ad, all_agents = _declared_ad_agents(tenant, evidence)
    # an agent hidden from the Admin Console (spec Agent.isHidden) that no longer works is a
    # decommissioned one: its version is shown, not judged; a hidden agent that still works
    # serves the org and is judged like the rest
    retired = [a for a in all_agents
               if a["isHidden"] is True and a["operationalStatus"] != "OPERATIONAL"]  # fmt: skip
    agents = [a for a in all_agents if a not in retired]
    evidence.update(
        expected="every agent isLatestGAedVersion true, bar hidden ones that no longer work",
        not_judged=[
            f"{a['agent']} {a['version']} (hidden, {a['operationalStatus']})" for a in retired
        ],
    )
    unknown = [a for a in agents if not isinstance(a["isLatestGAedVersion"], bool)]
    if unknown:
        raise DataUnavailable(
            "cannot tell the version standing of AD agent(s) without isLatestGAedVersion: "
            + ", ".join(f"{a['agent']} {a['version']}" for a in unknown)
        )
    old = [a for a in agents if a["isLatestGAedVersion"] is False]
    assert not old, f"AD agents of {ad.domain} older than the latest GA version: " + ", ".join(
        f"{a['agent']} {a['version']}" for a in old
    )


@pytest.mark.check("ORG-05")
def test_org_05_admin_console_requires_mfa(tenant, evidence):
    """Every ACTIVE rule of the Admin Console's authentication policy that an admin's
    sign-in can reach (none above it matches every sign-in) denies or requires two factors.
    A reached rule judged by an authenticator chain or identity proofing ERRORs: its
    strength is not read here."""
    app = tenant.admin_console_app
    policy, rules = tenant.policy_rules(app, "adminConsolePolicyRules")
    walk, _ = reached(rules)
    evidence.update(
        app={k: app.get(k) for k in ("id", "label", "status")},
        policy=policy,
        observed=[sign_on(r) | {"narrowedBy": narrowing(r)} for r in active_in_order(rules)],
        inactive=[r.get("name") for r in rules if r.get("status") != "ACTIVE"],
        expected="every reachable ACTIVE rule: DENY, or ALLOW with ASSURANCE factorMode 2FA",
    )
    unknown = [sign_on(r) for r in walk if strength(r) == "unknown"]
    if unknown:
        raise DataUnavailable(
            "cannot tell how many factors these reachable Admin Console rules require "
            "(only ASSURANCE with factorMode 1FA/2FA, or DENY, is judged): "
            + "; ".join(rule_text(s) for s in unknown)
        )
    one_factor = [sign_on(r) for r in walk if strength(r) == "1FA"]
    assert not one_factor, (
        "the Admin Console lets admins in with one factor through: "
        + "; ".join(rule_text(s) for s in one_factor)
        + "; expected two factors (2FA) or DENY"
    )


def _super_admins(tenant, evidence):
    admins = tenant.super_admins
    expect = tenant.cfg.expect.okta_admins
    evidence.update(
        observed=admins,
        reading="holders of an ACTIVE SUPER_ADMIN role (USER or GROUP assignment) among the "
        "users GET /api/v1/iam/assignees/users lists; whether that list includes users who "
        "hold a role only through a group is not known, so the count is at least this",
    )
    return admins, expect


def _require_logins(admins, what):
    unknown = [a for a in admins if not isinstance(a["login"], str)]
    if unknown:
        raise DataUnavailable(
            f"cannot tell whether these Super Administrators {what}: no profile.login for "
            "their Okta user id: " + ", ".join(a["id"] for a in unknown)
        )


def _who(a):
    return f"{a['login'] or a['id']} (status {a['status']}, {'/'.join(a['assignmentType'])})"


@pytest.mark.check("ORG-06")
def test_org_06_super_admin_count(tenant, evidence):
    admins, expect = _super_admins(tenant, evidence)
    low, high = expect.min_super_admins, expect.max_super_admins
    evidence.update(expected=f"between {low} and {high} Super Administrators")
    assert low <= len(admins) <= high, (
        f"{len(admins)} Super Administrator(s); expected between {low} and {high}"
        + (f": {', '.join(_who(a) for a in admins)}" if admins else "")
    )


@pytest.mark.check("ORG-06")
def test_org_06_super_admins_active(tenant, evidence):
    admins, _ = _super_admins(tenant, evidence)
    evidence.update(expected="every Super Administrator an ACTIVE Okta user")
    bad = [a for a in admins if a["status"] != "ACTIVE"]
    assert not bad, "Super Administrators who are not ACTIVE Okta users: " + "; ".join(
        _who(a) if a["status"] else f"{a['id']} (no Okta user with this id: status unknown)"
        for a in bad
    )


@pytest.mark.check("ORG-06")
def test_org_06_super_admins_are_persons(tenant, evidence):
    admins, expect = _super_admins(tenant, evidence)
    patterns = tuple(expect.shared_account_patterns) + tuple(
        tenant.cfg.expect.service_account_patterns
    )
    evidence.update(expected=f"no login's local part matching {', '.join(patterns)}")
    _require_logins(admins, "are persons")
    bad = [
        (a, p)
        for a in admins
        for p in patterns
        if fnmatch.fnmatchcase(a["login"].split("@")[0].lower(), p.lower())
    ]
    assert not bad, "Super Administrators that look like shared or service accounts: " + "; ".join(
        f"{_who(a)} matches {p!r}" for a, p in bad
    )


@pytest.mark.check("ORG-06")
def test_org_06_no_excluded_account_is_super_admin(tenant, evidence):
    admins, _ = _super_admins(tenant, evidence)
    excluded = set(tenant.cfg.expect.excluded_accounts) | {tenant.cfg.expect.service_account}
    evidence.update(expected="no excluded M365 account (service, break-glass) among them")
    _require_logins(admins, "are excluded accounts")
    bad = [a for a in admins if a["login"].lower() in excluded]
    assert not bad, "excluded M365 accounts hold Okta Super Administrator: " + "; ".join(
        _who(a) for a in bad
    )
