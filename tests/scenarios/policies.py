"""Okta authentication policy scenarios: the Admin Console's (ORG-05) and the Office 365
app's (FED-10), broken one way at a time, and realistic variations that must stay green."""

from __future__ import annotations

import copy
from typing import Any

from . import Scenario

ORG05 = "test_org_05_admin_console_requires_mfa[demo]"
#: no policy link (or no app): the rules are never read, so ACCESS-02 has no read to judge
NO_RULES_READ = {
    ORG05: "error",
    "test_access_02_okta_read_allowed[demo-adminConsolePolicyRules]": "skipped",
}
DOMAINS = ("contoso.com", "fabrikam.com")
FED10_MFA = tuple(f"test_fed_10_sign_on_requires_mfa[demo-{d}]" for d in DOMAINS)
FED10_DENY = tuple(f"test_fed_10_sign_on_denies_legacy_clients[demo-{d}]" for d in DOMAINS)

ONE_FACTOR = {
    "access": "ALLOW",
    "verificationMethod": {"factorMode": "1FA", "type": "ASSURANCE", "reauthenticateIn": "PT12H",
                           "constraints": []},
}  # fmt: skip


def _rules(doc: dict[str, Any], name: str) -> list[dict[str, Any]]:
    (read,) = doc["okta"][name].values()
    return read["data"]


def admin_rules(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return _rules(doc, "adminConsolePolicyRules")


def o365_rules(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return _rules(doc, "office365PolicyRules")


def _named(rules: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in rules if r["name"] == name)


def _added(rules: list[dict[str, Any]], like: str, name: str, priority: int) -> dict[str, Any]:
    rule = copy.deepcopy(_named(rules, like))
    rule.update(id=f"rulAdded{priority}{len(rules)}x7", name=name, priority=priority)
    rules.append(rule)
    return rule


def _sign_on(rule: dict[str, Any], value: dict[str, Any]) -> None:
    rule["actions"]["appSignOn"] = copy.deepcopy(value)


# --- ORG-05 ---


def admin_one_factor(doc: dict[str, Any]) -> None:
    """The admins' rule lowered to one factor (password only)."""
    _named(admin_rules(doc), "Admins: two factors")["actions"]["appSignOn"]["verificationMethod"][
        "factorMode"
    ] = "1FA"


def helpdesk_network_one_factor(doc: dict[str, Any]) -> None:
    """A rule above the 2FA rule lets admins on the helpdesk network in with one factor."""
    rule = _added(admin_rules(doc), "Admins: two factors", "Helpdesk network", 0)
    rule["conditions"]["network"] = {"connection": "ZONE", "include": ["nzo1q7jEOsoCnoKcj0g4"]}
    _sign_on(rule, ONE_FACTOR)
    _named(admin_rules(doc), "Admins: two factors")["priority"] = 1


def admin_chain(doc: dict[str, Any]) -> None:
    """The admins' rule uses an authenticator chain: its strength is not read here."""
    chain = [{"authenticationMethods": [{"key": "okta_verify"}]}]
    rule = _named(admin_rules(doc), "Admins: two factors")
    rule["actions"]["appSignOn"]["verificationMethod"] = {
        "type": "AUTH_METHOD_CHAIN",
        "chains": chain,
    }


def classic_engine(doc: dict[str, Any]) -> None:
    """The Admin Console app carries no authentication policy link (Classic Engine)."""
    del doc["okta"]["adminConsoleApp"]["data"][0]["_links"]["accessPolicy"]
    doc["okta"]["adminConsolePolicyRules"] = {}


def no_admin_console(doc: dict[str, Any]) -> None:
    """The saasure filter lists no app."""
    doc["okta"]["adminConsoleApp"]["data"] = []
    doc["okta"]["adminConsolePolicyRules"] = {}


def admin_one_factor_catch_all(doc: dict[str, Any]) -> None:
    """Okta's default shape: the catch-all allows one factor, below the 2FA rule for all."""
    _sign_on(_named(admin_rules(doc), "Catch-all Rule"), ONE_FACTOR)


def admin_deny_zone_and_inactive(doc: dict[str, Any]) -> None:
    """A rule denying a blocked zone above the 2FA rule, and an INACTIVE one-factor rule."""
    rules = admin_rules(doc)
    deny = _added(rules, "Admins: two factors", "Blocked countries", 0)
    deny["conditions"]["network"] = {"connection": "ZONE", "include": ["nzoBlocked01x7"]}
    _sign_on(deny, {"access": "DENY"})
    old = _added(rules, "Admins: two factors", "Old password-only rule", 1)
    old["status"] = "INACTIVE"
    _sign_on(old, ONE_FACTOR)
    _named(rules, "Admins: two factors")["priority"] = 2


# --- FED-10 ---


def eas_allowed(doc: dict[str, Any]) -> None:
    """The legacy-client rule allows Exchange ActiveSync with one factor."""
    _sign_on(_named(o365_rules(doc), "Deny legacy clients"), ONE_FACTOR)


def eas_rule_deleted_catch_all_open(doc: dict[str, Any]) -> None:
    """No legacy-client rule, and the catch-all allows one factor: ActiveSync reaches it."""
    rules = o365_rules(doc)
    rules.remove(_named(rules, "Deny legacy clients"))
    _sign_on(_named(rules, "Catch-all Rule"), ONE_FACTOR)


def web_one_factor(doc: dict[str, Any]) -> None:
    _named(o365_rules(doc), "Web and modern auth: two factors")["actions"]["appSignOn"][
        "verificationMethod"
    ]["factorMode"] = "1FA"


def unknown_client(doc: dict[str, Any]) -> None:
    """A client type this suite does not know on the web rule."""
    _named(o365_rules(doc), "Web and modern auth: two factors")["conditions"]["office365Client"][
        "include"
    ].append("SOMETHING_NEW")


def web_for_a_group_only(doc: dict[str, Any]) -> None:
    """The web rule applies to one group and no rule below catches the others."""
    rules = o365_rules(doc)
    _named(rules, "Web and modern auth: two factors")["conditions"]["people"] = {
        "groups": {"include": ["00gStaff0000000x7"]}
    }
    rules.remove(_named(rules, "Catch-all Rule"))


def split_web_and_modern(doc: dict[str, Any]) -> None:
    """Web and modern authentication in two rules, a 1FA catch-all below them all."""
    rules = o365_rules(doc)
    web = _named(rules, "Web and modern auth: two factors")
    web["conditions"]["office365Client"]["include"] = ["WEB"]
    modern = _added(rules, "Web and modern auth: two factors", "Modern auth: two factors", 2)
    modern["conditions"]["office365Client"]["include"] = ["MODERN_AUTH"]
    aad = _added(rules, "Deny legacy clients", "Device join", 3)
    aad["conditions"]["office365Client"]["include"] = ["AAD_JOIN"]
    _sign_on(aad, ONE_FACTOR)
    _sign_on(_named(rules, "Catch-all Rule"), ONE_FACTOR)


def trusted_zone_two_factors(doc: dict[str, Any]) -> None:
    """An office-network rule above the rest, requiring two factors of web and modern
    clients (ActiveSync still meets the deny rule)."""
    rule = _added(o365_rules(doc), "Web and modern auth: two factors", "Office network", -1)
    rule["priority"] = 0
    rule["conditions"]["network"] = {"connection": "ZONE", "include": ["nzo1q7jEOsoCnoKcj0g4"]}
    for r in o365_rules(doc):
        if r is not rule and not r["system"]:
            r["priority"] += 1


def aad_join_denied(data: dict[str, Any]) -> None:
    data["expect"]["office365_sign_on"] = {"aad_join": "deny"}


SCENARIOS = [
    Scenario("the Admin Console's admin rule on one factor", {ORG05: "failed"},
             mutate=admin_one_factor, checks=("ORG-05",)),
    Scenario("a helpdesk-network rule lets admins in with one factor", {ORG05: "failed"},
             mutate=helpdesk_network_one_factor, checks=("ORG-05",)),
    Scenario("the Admin Console's admin rule is an authenticator chain", {ORG05: "error"},
             mutate=admin_chain, checks=("ORG-05",)),
    Scenario("the Admin Console app has no authentication policy (Classic Engine)",
             NO_RULES_READ, mutate=classic_engine, checks=("ORG-05",)),
    Scenario("no Admin Console app listed", NO_RULES_READ, mutate=no_admin_console,
             checks=("ORG-05",)),
    Scenario("a one-factor catch-all below the admins' 2FA rule (stays green)", {},
             mutate=admin_one_factor_catch_all, checks=("ORG-05",)),
    Scenario("a blocked-zone DENY above the 2FA rule and an INACTIVE 1FA rule (stays green)",
             {}, mutate=admin_deny_zone_and_inactive, checks=("ORG-05",)),
    Scenario("Exchange ActiveSync allowed with one factor",
             dict.fromkeys(FED10_DENY, "failed"), mutate=eas_allowed, checks=("FED-10",)),
    Scenario("no legacy-client rule and a one-factor catch-all",
             dict.fromkeys(FED10_DENY, "failed"), mutate=eas_rule_deleted_catch_all_open,
             checks=("FED-10",)),
    Scenario("web and modern authentication on one factor",
             dict.fromkeys(FED10_MFA, "failed"), mutate=web_one_factor, checks=("FED-10",)),
    Scenario("an Office 365 client type the suite does not know",
             dict.fromkeys(FED10_MFA, "error"), mutate=unknown_client, checks=("FED-10",)),
    Scenario("no Office 365 rule catches every web sign-in",
             dict.fromkeys(FED10_MFA, "error"), mutate=web_for_a_group_only, checks=("FED-10",)),
    Scenario("web and modern authentication in separate rules, device join open, a 1FA "
             "catch-all below (stays green)", {}, mutate=split_web_and_modern,
             checks=("FED-10",)),
    Scenario("an office-network rule requiring two factors above the rest (stays green)", {},
             mutate=trusted_zone_two_factors, checks=("FED-10",)),
    Scenario("device join declared denied: the catch-all denies it (stays green)", {},
             patch=aad_join_denied, checks=("FED-10",)),
]  # fmt: skip
