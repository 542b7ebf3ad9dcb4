"""The check catalog (CATALOG.md): ID, phase, severity, title and remediation of every check.

One validated table, so the report, the README and the test markers cannot drift apart:
the plugin refuses a test whose ``@pytest.mark.check`` names an ID that is not here.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .conditions import CONDITIONS


class Severity(enum.IntEnum):
    info = 0
    low = 1
    medium = 2
    high = 3
    critical = 4


PhaseKey = Literal["ACCESS", "ORG", "1", "2", "3", "4", "CRED", "5"]

#: phase key -> (pytest marker, label shown in reports)
PHASES: dict[str, tuple[str, str]] = {
    "ACCESS": ("access", "Suite credentials"),
    "ORG": ("org", "Before M365 is integrated"),
    "1": ("essentials", "Phase 1: service accounts"),
    "2": ("prep", "Phase 2: M365 prepared, Office 365 app configured"),
    "3": ("imports", "Phase 3: users imported and activated"),
    "4": ("provisioning", "Phase 4: provisioning to M365"),
    "CRED": ("credentials", "Provisioning API credentials"),
    "5": ("federation", "Phase 5: WS-Federation live"),
}


class Check(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^(ACCESS|ORG|ESS|PREP|IMP|PROV|CRED|FED)-\d{2}$")
    phase: PhaseKey
    severity: Severity
    title: str
    remediation: str

    @property
    def marker(self) -> str:
        return PHASES[self.phase][0]

    @property
    def phase_label(self) -> str:
        return PHASES[self.phase][1]

    @property
    def due_in_phase(self) -> int:
        """The runbook phase after which the check applies (0: always).

        ACCESS and ORG always apply; CRED belongs with provisioning (phase 4); FED-08
        guards the phases before go-live, so it always runs and judges the phase itself.
        """
        if self.phase in ("ACCESS", "ORG") or self.id == "FED-08":
            return 0
        if self.phase == "CRED":
            return 4
        return int(self.phase)


def _c(id: str, phase: str, sev: str, title: str, fix: str) -> Check:
    return Check(id=id, phase=phase, severity=Severity[sev], title=title, remediation=fix)


CHECKS: tuple[Check, ...] = (
    _c("ACCESS-01", "ACCESS", "critical", "Okta credentials obtain a token and the org is ACTIVE",
       "Fix the Okta service app (client ID, registered public key, granted scopes) or token."),
    _c("ACCESS-02", "ACCESS", "high", "Every Okta read the suite needs is allowed",
       "Grant the named okta.*.read scope to the service app and give it a read-only admin role."),
    _c("ACCESS-03", "ACCESS", "critical", "Graph credentials obtain a token for this tenant",
       "Fix the Entra app registration (client ID, certificate or secret) and the tenant ID."),
    _c("ACCESS-04", "ACCESS", "high", "Every Graph read the suite needs is allowed",
       "Add the named application permission to the app registration and grant admin consent."),
    _c("ORG-01", "ORG", "high", "On-prem AD is integrated with Okta before M365",
       "Runbook prerequisites: integrate AD (active agent) before adding the Office 365 app."),
    _c("ORG-02", "ORG", "high", "Directory sync in Entra matches the declared on-prem AD",
       "Declare on_prem_ad in the tenant file, or turn off Entra Connect sync."),
    _c("ORG-03", "ORG", "medium", "The custom Okta domain is verified, its cert issued and valid",
       "Runbook prerequisites: create and verify the custom domain before integrating M365."),
    _c("ORG-04", "ORG", "low", "Org facts match the tenant file",
       "Correct the tenant file or the Okta org settings."),
    _c("ORG-05", "ORG", "critical", "The Okta Admin Console requires MFA",
       "Security > Authentication Policies > Okta Admin Console: make every active rule that "
       "allows access require two factors (or deny); runbook: new-org setup."),
    _c("ORG-06", "ORG", "high", "Super administrators are few and personal",
       "Security > Administrators: keep 2..N Super Administrators, each a named person's "
       "active account; move service/shared accounts to narrower roles or an API service app."),
    _c("ORG-07", "ORG", "medium", "ThreatInsight is on",
       "Security > General > Okta ThreatInsight settings: Log and block (or Log, as declared)."),
    _c("ORG-08", "ORG", "medium", "API tokens are accounted for",
       "Security > API > Tokens: revoke tokens of deactivated owners and tokens unused for "
       "the declared window; prefer OAuth service apps."),
    _c("ORG-09", "ORG", "medium", "The AD integration is highly available",
       "Install a second AD agent on another server; update agents to the latest GA "
       "(Directory Integrations > Agents)."),
    _c("ESS-01", "1", "critical", "Service account: enabled, cloud-only, on onmicrosoft.com",
       "Runbook phase 1: create the service account on the initial onmicrosoft.com domain."),
    _c("ESS-02", "1", "high", "The service account holds an active Global Administrator role",
       "Runbook phase 1: assign Global Administrator to the service account."),
    _c("ESS-03", "1", "critical", "Excluded accounts stay out of Okta and off federated domains",
       "Runbook phase 1: remove the account from Okta and the app; keep it on onmicrosoft.com."),
    _c("ESS-04", "1", "high", "No undeclared service-like account is imported or assigned",
       "Declare the account as excluded, or remove it from Okta and the Office 365 app."),
    _c("ESS-05", "1", "critical", "Enough break-glass Global Administrators outside Okta",
       "Runbook phase 1: keep cloud-only Global Administrators on onmicrosoft.com."),
    _c("ESS-06", "1", "critical",
       "Break-glass accounts are excluded from Conditional Access lock-out",
       "Entra > Conditional Access: exclude every emergency-access account (directly or "
       "through a dedicated group) from every enabled policy that can block or require "
       "MFA/device/location; turn Security Defaults off when using Conditional Access."),
    _c("PREP-01", "2", "critical", "Exactly one ACTIVE Office 365 app for this tenant",
       "Runbook phase 2: add one Office 365 app for the tenant and activate it."),
    _c("PREP-02", "2", "critical", "The Office 365 app signs on with WS-Federation",
       "Runbook phase 2: set the app's sign-on to WS-Federation (automatic)."),
    _c("PREP-03", "2", "high", "Every domain to federate is verified and on the app",
       "Runbook phase 2: verify the domain in Entra and add it to the app."),
    _c("PREP-04", "2", "critical", "In-scope users have a unique immutable ID that Okta sends",
       "Runbook phase 2: set onPremisesImmutableId and align the app's immutableId mapping."),
    _c("PREP-05", "2", "high", "The app's username is the M365 UPN",
       "Runbook phase 2: set the username format so it yields the UPN."),
    _c("IMP-01", "3", "high", "Every in-scope M365 user has an Okta user",
       "Runbook phase 3: import the users from M365 and confirm the matches."),
    _c("IMP-02", "3", "high", "Every in-scope M365 user is assigned to the Office 365 app",
       "Runbook phase 3: assign the users (or their groups) to the app."),
    _c("IMP-03", "3", "high", "Those Okta users are ACTIVE",
       "Runbook phase 3: activate the imported users before go-live."),
    _c("IMP-04", "3", "medium", "No orphaned Office 365 assignment",
       "Runbook phase 3: remove assignments that have no M365 user."),
    _c("IMP-05", "3", "high", "No app user in sync ERROR",
       "Runbook phase 3: fix and retry the failed provisioning operations."),
    _c("PROV-01", "4", "high", "User provisioning is enabled on the Office 365 app",
       "Runbook phase 4: enable provisioning (API integration) on the app."),
    _c("PROV-02", "4", "high", "Create, update and deactivate match the tenant file",
       "Runbook phase 4: set the provisioning actions as the tenant file declares."),
    _c("PROV-03", "4", "medium", "The provisioning type matches the tenant file",
       "Runbook phase 4: choose the declared provisioning type."),
    _c("PROV-04", "4", "medium", "The assignment groups are assigned to the app",
       "Runbook phase 4: assign the declared groups to the app."),
    _c("PROV-05", "4", "high", "Licences Okta assigns land",
       "Fix the users' licence errors in Entra (usage location, seats, conflicting plans); "
       "buy or free seats for the declared SKUs."),
    _c("PROV-06", "4", "high", "One writer per user",
       "Retire Entra Connect (disable directory sync) before Okta provisions users, or keep "
       "Okta on profile/licence management only."),
    _c("CRED-01", "CRED", "critical", "The provisioning connection is ENABLED",
       "Re-authenticate the Office 365 app with Microsoft (Provisioning > Integration)."),
    _c("CRED-02", "CRED", "critical", "The provisioning connection uses OAuth 2.0 consent",
       "Re-authenticate with admin consent; legacy admin credentials are retired."),
    _c("CRED-03", "CRED", "high", "Okta's provisioning service principal is enabled and consented",
       "Grant admin consent to Okta's Microsoft Graph client in Entra."),
    _c("CRED-04", "CRED", "high", "No provisioning authentication failures in the System Log",
       "Re-authenticate the app with Microsoft and retry the failed operations."),
    _c("CRED-05", "CRED", "high", "No stale Okta credential in Entra",
       "Entra > Enterprise applications: remove the legacy 'Okta AAD Service Principal' "
       "objects and earlier Okta provisioning principals, or revoke their roles and "
       "consents."),
    _c("FED-01", "5", "critical", "The domain is Federated in Entra",
       "Runbook phase 5: federate the domain from the Office 365 app (WS-Federation)."),
    _c("FED-02", "5", "critical", "The domain's federation configuration prefers WS-Fed",
       "Runbook phase 5: re-run the WS-Fed configuration so Entra holds wsFed federation."),
    _c("FED-03", "5", "critical", "Sign-in URIs point at this Okta org's Office 365 app",
       "Runbook phase 5: re-federate the domain from this org's Office 365 app."),
    _c("FED-04", "5", "critical", "Entra's signing certificate is Okta's active app key",
       "Runbook phase 5: update federation with the app's current signing certificate."),
    _c("FED-05", "5", "high", "Federation certificates are not about to expire",
       "Rotate the app's signing key and update federation before expiry."),
    _c("FED-06", "5", "medium", "federatedIdpMfaBehavior is as declared",
       "Set federatedIdpMfaBehavior explicitly on each domain and declare expect.mfa_behavior."),
    _c("FED-07", "5", "high", "The issuer URI identifies this app and is unique per domain",
       "Runbook phase 5: re-federate so each domain has its own <domain>:<key> issuer."),
    _c("FED-08", "5", "critical", "No declared domain is federated before go-live",
       "Un-federate the domain, or set the tenant's phase to 5 if go-live happened."),
    _c("FED-09", "5", "high", "Home-realm discovery routes users as expected",
       "Runbook phase 5: check federation of the domain and the excluded accounts' domains."),
    _c("FED-10", "5", "high",
       "The Office 365 app's sign-on policy requires MFA and denies legacy clients",
       "Office 365 app > Sign On > User authentication policy: a rule denying Exchange "
       "ActiveSync/legacy clients, and web and modern-auth rules requiring two factors."),
    _c("FED-12", "5", "high", "Legacy authentication is blocked in Entra",
       "Entra > Conditional Access: enable a policy blocking Exchange ActiveSync and other "
       "clients for all users, excluding only the break-glass accounts (or enable Security "
       "Defaults if no Conditional Access is used)."),
    _c("FED-11", "5", "critical", "Nothing bypasses Okta for federated users",
       "Entra Connect > Staged rollout: remove federated-domain users' groups from password "
       "hash sync, pass-through and certificate-based authentication rollouts (checked by "
       "hand: the rollout policies cannot be read with application permissions)."),
    _c("FED-13", "5", "high", "After go-live, federated sign-ins work",
       "Investigate the listed AADSTS errors in Entra's sign-in log (immutable ID mismatch, "
       "issuer or certificate, realm) and fix the federation or the user's immutable ID."),
)  # fmt: skip

BY_ID: dict[str, Check] = {c.id: c for c in CHECKS}
assert set(CONDITIONS) == set(BY_ID), (
    "catalog.conditions.CONDITIONS must hold exactly the catalog's IDs: "
    f"{sorted(set(CONDITIONS) ^ set(BY_ID))}"
)


def implemented_check_ids(suite_dir: str | Path) -> set[str]:
    """Check IDs that some test in the suite folder carries as @pytest.mark.check(...)."""
    found: set[str] = set()
    for path in Path(suite_dir).glob("test_*.py"):
        found |= set(re.findall(r'mark\.check\("([A-Z]+-\d{2})"\)', path.read_text()))
    return found


def checks_markdown(implemented: set[str]) -> str:
    """The README's check table, generated so that it cannot drift from the catalog: each
    check with what it reads and the condition a pass requires (conditions.py)."""
    lines = [
        "| ID | Phase | Severity | Check | Reads | Passes when | Status |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in CHECKS:
        status = "implemented" if c.id in implemented else "planned"
        cond = CONDITIONS[c.id]
        reads, judges = (t.replace("|", "\\|") for t in (cond.reads, cond.judges))
        lines.append(
            f"| {c.id} | {c.phase_label} | {c.severity.name} | {c.title} | {reads} | {judges} "
            f"| {status} |"
        )
    return "\n".join(lines)
