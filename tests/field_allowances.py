"""What the field-deletion sweep (tests/test_field_sweep.py) allows a reader: to stay green
without a field (``Optional_``), and the reasons the tables share (field_allowances_graph.py,
field_allowances_okta.py, field_allowances_okta_apps.py: one per group of reads)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Optional_:
    """Readers of a field that may stay passing without it, and why."""

    reason: str
    checks: tuple[str, ...] = ()  #: the readers that may stay green; () = every reader
    #: a check that must fail or ERROR for the same mutation instead (it judges the field)
    judged_by: str | None = None

    def allows(self, check: str) -> bool:
        return not self.checks or check in self.checks


_NO_EVENT = "the golden's System Log holds no failure event: nothing for the field to decide"
_ALT = "an alternative field identifies the same object (either is enough)"
_EVIDENCE = "evidence only: shown, never judged"
_OTHER_TEST = "one test of the check reads it for evidence; its sibling test judges it"
_ELIGIBLE = "PIM eligibility is listed, never counted (views/roles.py): no verdict rests on it"
_CONSENT_NAMES = (
    "CRED-02 needs some consented permission (an app role assignment exists); which ones, by "
    "name, is CRED-03's claim, and it fails without the names"
)
_INITIAL_UNKNOWN = (
    "without the initial domain the instance-wide checks judge the org's only office365 app "
    "(several: ERROR, views.federation.office365_app); whether it is this tenant's is "
    "PREP-01's, which ERRORs with ESS-01"
)

_POLICY_RULES = {"adminConsolePolicyRules": "ORG-05", "office365PolicyRules": "FED-10"}
_NO_CONDITIONS = (
    "a rule without conditions is walked past (only the system catch-all matches every "
    "sign-in without them), so every rule is still judged"
)
_ANY_NETWORK = "an empty network condition is every network (as connection ANYWHERE)"
_BY_PRIORITY = (
    "order falls back on priority (the catch-all has 99); the catch-all is then walked past, "
    "never taken for a rule matching every sign-in"
)
