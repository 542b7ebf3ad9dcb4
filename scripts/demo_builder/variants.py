"""Real-setup variants of the demo tenant: setups MSPs run, each a golden tenant of its own.

Each variant takes the golden snapshot and the demo tenant file (as data) and turns them
into another documented setup, deterministically (no clock, no random source), so that
every check passes on it for the reason it passes on a real tenant of that shape. The
project's tests (tests/test_real_setups.py) run each one end to end and break each one its
own way.

Sources for the setups (see api-facts.md "Corrections" for the citations):
- manual WS-Federation needs one Office 365 app instance per domain (support.okta.com "could
  not set up the domain federation"); its issuer is ``https://<key>`` (same article,
  inference); its ``wsFedConfigureType`` string is unconfirmed: any value but ``AUTO``;
- a child domain is never listed on the app: it inherits its root's federation
  (support.okta.com "How to federate multiple domains using the Okta UI"); what Graph
  returns as the child's own federationConfiguration is unconfirmed: the variant mirrors
  its root's, the shape Entra would need to route its users to the root's endpoint;
- an Okta custom domain can be the org URL the suite talks to, while Entra holds the org's
  own ``<subdomain>.okta.com`` endpoints (GetUserRealm examples show both host forms);
- Okta MFA satisfying Entra MFA is ``federatedIdpMfaBehavior`` enforceMfaByFederatedIdp
  (okta-help Use_Okta_MFA_Azure_AD_MFA);
- a cloud-only tenant has no AD: directory sync off, no AD integration in Okta, and Okta
  writes each user's immutable ID when it provisions (support.okta.com "handling immutable
  id issues");
- a service app that does not require DPoP (the box is per app: okta-developer-docs);
- Security Defaults instead of Conditional Access (Microsoft's baseline for tenants without
  Conditional Access: Learn "Security defaults in Microsoft Entra ID"; it blocks legacy
  authentication). Whether a tenant without Entra ID P1 answers the policy list with an
  empty list or a refusal is unconfirmed: the variant answers an empty list;
- Entra Connect retired without turning directory sync off (the flag stays true until an
  admin turns it off; the last sync time stops moving).
GCC High is the national-cloud move of tests/test_national_clouds.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from .facts import AS_OF, CUSTOM_DOMAIN, O365_APP_ID, OKTA_HOST, WSFED_KEY
from .ids import okta_id
from .sign_ins import not_licensed_read

Doc = dict[str, Any]
TenantData = dict[str, Any]
Variant = Callable[[Doc, TenantData], None]

#: The manual instance's ``wsFedConfigureType``: the real string is unconfirmed (only AUTO
#: is recorded), so the variant uses a value that is plainly not AUTO.
MANUAL_CONFIGURE_TYPE = "MANUAL"
SECOND_APP_ID = okta_id("0oa", "app office365 fabrikam.com manual")
SECOND_WSFED_KEY = okta_id("exk", "office365 ws-fed key fabrikam.com manual")
CHILD_DOMAIN = "eu.contoso.com"
#: contoso.com people moved to the child domain (two, so one of them is probed by FED-09)
CHILD_PEOPLE = ("amelia.clarke", "oliver.bennett")
PER_APP = ("appFeatures", "appConnection", "appGroups", "logs")


def _replaced(value: Any, old: str, new: str) -> Any:
    return json.loads(json.dumps(value).replace(old, new))


def _forget_realm(doc: Doc) -> None:
    """Drop the recorded home-realm answers: the emulator derives them from the variant's
    federation, as Microsoft would answer for it."""
    doc.get("realm", {}).pop("userRealm", None)


def _federation(doc: Doc, domain: str) -> dict[str, Any]:
    return doc["graph"]["federationConfiguration"][domain]["data"][0]


def manual_wsfed(doc: Doc, data: TenantData) -> None:
    """contoso.com and fabrikam.com federated by hand, each through its own instance, each
    instance with its own signing key and app key; fabrikam.com's people assigned to the
    fabrikam.com instance."""
    apps = doc["okta"]["office365Apps"]["data"]
    first = apps[0]
    second = _replaced(first, O365_APP_ID, SECOND_APP_ID)
    second["label"] = "Microsoft Office 365 (fabrikam.com)"
    for app, domain in ((first, "contoso.com"), (second, "fabrikam.com")):
        app["settings"]["app"].update(
            domain=domain, domains=[], wsFedConfigureType=MANUAL_CONFIGURE_TYPE
        )
    apps.append(second)

    keys = doc["okta"]["appKeys"][O365_APP_ID]
    older = keys["data"].pop()  # the demo's earlier key signs for the second instance
    second["credentials"]["signing"]["kid"] = older["kid"]
    doc["okta"]["appKeys"][SECOND_APP_ID] = _replaced(keys, O365_APP_ID, SECOND_APP_ID)
    doc["okta"]["appKeys"][SECOND_APP_ID]["data"] = [older]
    for name in PER_APP:
        doc["okta"][name][SECOND_APP_ID] = _replaced(
            doc["okta"][name][O365_APP_ID], O365_APP_ID, SECOND_APP_ID
        )
    users = doc["okta"]["appUsers"][O365_APP_ID]
    fabrikam = [u for u in users["data"] if _on(u, "fabrikam.com")]
    users["data"] = [u for u in users["data"] if not _on(u, "fabrikam.com")]
    doc["okta"]["appUsers"][SECOND_APP_ID] = _replaced(
        {**users, "data": fabrikam}, O365_APP_ID, SECOND_APP_ID
    )

    for domain, key in (("contoso.com", WSFED_KEY), ("fabrikam.com", SECOND_WSFED_KEY)):
        fed = _federation(doc, domain)
        for field in ("passiveSignInUri", "activeSignInUri", "signOutUri", "metadataExchangeUri"):
            if fed.get(field):
                fed[field] = fed[field].replace(WSFED_KEY, key)
        fed["issuerUri"] = f"https://{key}"
    _federation(doc, "fabrikam.com")["signingCertificate"] = older["x5c"][0]
    data["expect"]["office365_app"] = {"ws_fed": "manual"}
    _forget_realm(doc)


def _on(app_user: dict[str, Any], domain: str) -> bool:
    name = str((app_user.get("credentials") or {}).get("userName") or "")
    return name.lower().endswith("@" + domain)


def child_domain(doc: Doc, data: TenantData) -> None:
    """eu.contoso.com, a verified child of contoso.com (``isRoot`` false), federated with
    its root and declared; two contoso.com people moved onto it."""
    text = json.dumps(doc)
    for person in CHILD_PEOPLE:
        text = text.replace(f"{person}@contoso.com", f"{person}@{CHILD_DOMAIN}")
    doc.clear()
    doc.update(json.loads(text))
    domains = doc["graph"]["domains"]["data"]
    root = next(d for d in domains if d["id"] == "contoso.com")
    domains.insert(1, {**copy.deepcopy(root), "id": CHILD_DOMAIN, "isRoot": False})
    org = doc["graph"]["organization"]["data"][0]
    verified = next(d for d in org["verifiedDomains"] if d["name"] == "contoso.com")
    org["verifiedDomains"].insert(1, {**verified, "name": CHILD_DOMAIN})
    feds = doc["graph"]["federationConfiguration"]
    feds[CHILD_DOMAIN] = _replaced(
        feds["contoso.com"], "/domains/contoso.com/", f"/domains/{CHILD_DOMAIN}/"
    )
    data["expect"]["domains_to_federate"] = [*data["expect"]["domains_to_federate"], CHILD_DOMAIN]
    _forget_realm(doc)


def custom_domain_org_url(doc: Doc, data: TenantData) -> None:
    """The tenant file reaches Okta through its custom domain, while Entra federates to
    the org's own host."""
    data["okta"]["org_url"] = f"https://{CUSTOM_DOMAIN}"
    for read in doc["graph"]["federationConfiguration"].values():
        if read.get("data"):
            read["data"] = _replaced(
                read["data"], f"https://{CUSTOM_DOMAIN}/", f"https://{OKTA_HOST}/"
            )
    _forget_realm(doc)


def okta_mfa_enforced(doc: Doc, data: TenantData) -> None:
    """Okta's MFA satisfies Entra's: every federated domain enforces MFA by the IdP."""
    for read in doc["graph"]["federationConfiguration"].values():
        for fed in read.get("data") or []:
            fed["federatedIdpMfaBehavior"] = "enforceMfaByFederatedIdp"
    data["expect"]["mfa_behavior"] = "enforceMfaByFederatedIdp"


def cloud_only(doc: Doc, data: TenantData) -> None:
    """No on-premises AD: sync off in Entra, no AD integration or agents in Okta, every
    user cloud-only in Entra yet carrying the immutable ID Okta wrote when it provisioned."""
    data["expect"].pop("on_prem_ad", None)
    org = doc["graph"]["organization"]["data"][0]
    org["onPremisesSyncEnabled"] = None
    if "onPremisesLastSyncDateTime" in org:
        org["onPremisesLastSyncDateTime"] = None
    for user in doc["graph"]["users"]["data"]:
        for field in list(user):
            if field.startswith("onPremises") and field != "onPremisesImmutableId":
                user[field] = None
    doc["okta"]["adApps"]["data"] = []
    doc["okta"]["agentPools"]["data"] = []
    for name in ("users", "deprovisionedUsers"):
        for user in doc["okta"][name]["data"]:
            provider = (user.get("credentials") or {}).get("provider")
            if provider and provider.get("type") == "ACTIVE_DIRECTORY":
                user["credentials"]["provider"] = {"type": "OKTA", "name": "OKTA"}


def service_app_without_dpop(doc: Doc, data: TenantData) -> None:
    """The Okta API service app does not require DPoP-bound tokens (plain Bearer)."""
    data["okta"]["auth"]["dpop"] = False


def security_defaults(doc: Doc, data: TenantData) -> None:
    """Security Defaults on and no Conditional Access policy: legacy authentication is
    blocked by the defaults (FED-12), and no policy can lock a break-glass account out.
    Security Defaults are the baseline of tenants without Entra ID P1, so the sign-in log
    answers Graph's premium-licence 403 (FED-13 skipped, ACCESS-04 unaffected)."""
    graph = doc["graph"]
    graph["signIns"] = not_licensed_read(graph["signIns"]["request"])
    graph["securityDefaults"]["data"]["isEnabled"] = True
    graph["caPolicies"]["data"] = []
    graph["caExcludedGroupMembers"] = {}


def entra_connect_retired(doc: Doc, data: TenantData) -> None:
    """Okta provisions and Entra Connect's server was decommissioned 40 days before the run
    without turning directory sync off: the flag is still true on the organization and on
    the users it last synced (those with an AD immutable ID), their last sync 40 days old
    (PROV-06 passes on the stale window; Entra Connect syncs every 30 minutes by default,
    MicrosoftDocs/entra-docs how-to-connect-sync-feature-scheduler.md)."""
    last = (AS_OF - dt.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    org = doc["graph"]["organization"]["data"][0]
    org.update(onPremisesSyncEnabled=True, onPremisesLastSyncDateTime=last)
    for user in doc["graph"]["users"]["data"]:
        if str(user.get("onPremisesImmutableId") or "").endswith("=="):  # an AD objectGUID
            user.update(onPremisesSyncEnabled=True, onPremisesLastSyncDateTime=last)


VARIANTS: dict[str, Variant] = {
    "manual-wsfed": manual_wsfed,
    "child-domain": child_domain,
    "custom-domain-org-url": custom_domain_org_url,
    "okta-mfa-enforced": okta_mfa_enforced,
    "cloud-only": cloud_only,
    "no-dpop": service_app_without_dpop,
    "security-defaults": security_defaults,
    "entra-connect-retired": entra_connect_retired,
}
