"""The Entra (Microsoft Graph) side: organization, domains, federation configuration,
users (Global Administrator: entra_roles.py), Okta's service principals with their Graph
application permissions and delegated grants."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from okta_m365_audit.snapshot import document as snap

from .facts import (
    AS_OF,
    BREAK_GLASS,
    CUSTOM_DOMAIN,
    E3_PLANS,
    E3_SKU_ID,
    FEDERATION,
    GRAPH_APP_ROLES,
    GROUP_ASSIGNED,
    INITIAL_DOMAIN,
    KEY_ROTATED,
    OKTA_SP_PERMISSIONS,
    OKTA_TENANT_ID,
    SERVICE_ACCOUNT,
    TENANT_CREATED,
    TENANT_ID,
    WSFED_KEY,
)
from .ids import at, b64url, digest, graph_time, graph_time_7, guid, jitter, number
from .licences import licence_states
from .people import Person


def graph_domains() -> list[dict[str, Any]]:
    def domain(name: str, *, federated: bool, default: bool, initial: bool,
               services: list[str]) -> dict[str, Any]:  # fmt: skip
        return {
            "authenticationType": "Federated" if federated else "Managed",
            "availabilityStatus": None,
            "id": name,
            "isAdminManaged": True,
            "isDefault": default,
            "isInitial": initial,
            "isRoot": True,
            "isVerified": True,
            "passwordNotificationWindowInDays": None if federated else 14,
            "passwordValidityPeriodInDays": None if federated else 2147483647,
            "supportedServices": services,
            "state": None,
        }

    mail = ["Email", "OfficeCommunicationsOnline"]
    # Entra refuses to federate the default domain (support.okta.com "how to set default
    # domain in o365"), so the default stays the managed initial domain
    # (tests/test_golden_invariants.py)
    return [
        domain("contoso.com", federated=True, default=False, initial=False,
               services=[*mail, "OrgIdAuthentication", "Intune"]),
        domain("fabrikam.com", federated=True, default=False, initial=False,
               services=[*mail, "OrgIdAuthentication"]),
        domain(INITIAL_DOMAIN, federated=False, default=True, initial=True, services=mail),
    ]  # fmt: skip


def graph_organization() -> dict[str, Any]:
    verified = [
        {
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": d["isDefault"],
            "isInitial": d["isInitial"],
            "name": d["id"],
            "type": d["authenticationType"],
        }
        for d in graph_domains()
    ]
    plans_at = at("2021-06-08T15:40:02")
    return {
        "id": TENANT_ID,
        "deletedDateTime": None,
        "businessPhones": ["+44 20 7946 0100"],
        "city": "London",
        "country": None,
        "countryLetterCode": "GB",
        "createdDateTime": graph_time(TENANT_CREATED),
        "defaultUsageLocation": None,
        "displayName": "Contoso Demo",
        "marketingNotificationEmails": [],
        "onPremisesLastSyncDateTime": None,
        "onPremisesSyncEnabled": None,
        "postalCode": "EC2A 1AA",
        "preferredLanguage": "en",
        "securityComplianceNotificationMails": [],
        "securityComplianceNotificationPhones": [],
        "state": None,
        "street": "1 Contoso Way",
        "technicalNotificationMails": ["it-admin@contoso.com"],
        "tenantType": "AAD",
        "privacyProfile": None,
        "assignedPlans": [
            {
                "assignedDateTime": graph_time(plans_at),
                "capabilityStatus": "Enabled",
                "service": service,
                "servicePlanId": plan,
            }
            for service, plan in E3_PLANS
        ],
        "provisionedPlans": [
            {"capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": service}
            for service, _plan in E3_PLANS
        ],
        "verifiedDomains": verified,
    }


def graph_user(
    upn: str,
    display_name: str,
    given: str | None,
    surname: str | None,
    mail: str | None,
    *,
    created: dt.datetime,
    enabled: bool = True,
    user_type: str = "Member",
    immutable_id: str | None = None,
    licensed: bool = False,
    object_id: str | None = None,
) -> dict[str, Any]:
    """A user with exactly the $select-ed fields (snapshot.GRAPH_USER_FIELDS)."""
    values = {
        "id": object_id or guid(f"entra user {upn}"),
        "userPrincipalName": upn,
        "displayName": display_name,
        "givenName": given,
        "surname": surname,
        "mail": mail,
        "accountEnabled": enabled,
        "userType": user_type,
        "onPremisesImmutableId": immutable_id,
        "onPremisesSyncEnabled": None,
        "assignedLicenses": [{"disabledPlans": [], "skuId": E3_SKU_ID}] if licensed else [],
        "createdDateTime": graph_time(created),
        # PROV-05/06 (licences.py): where a licence is, it landed; nobody is synced
        "usageLocation": "GB" if licensed else None,
        "licenseAssignmentStates": licence_states(created) if licensed else [],
        "onPremisesLastSyncDateTime": None,
    }
    assert tuple(values) == snap.GRAPH_USER_FIELDS
    return values


def graph_users(everyone: list[Person]) -> list[dict[str, Any]]:
    users = [
        graph_user(p.upn, p.display_name, p.first, p.last, p.upn, created=p.graph_created,
                   immutable_id=p.immutable_id, licensed=p.licensed, object_id=p.graph_id)
        for p in everyone
    ]  # fmt: skip
    cloud_only = at("2021-06-08T15:31:12")
    users += [
        graph_user(SERVICE_ACCOUNT, "Okta Service Account", "Okta", "Service", None,
                   created=at("2026-04-10T16:22:05")),
        graph_user(BREAK_GLASS[0], "Break Glass 1", None, None, None, created=cloud_only),
        graph_user(BREAK_GLASS[1], "Break Glass 2", None, None, None,
                   created=cloud_only + dt.timedelta(minutes=3, seconds=41)),
        graph_user("shared.reception@contoso.com", "Reception", None, None,
                   "shared.reception@contoso.com", created=at("2022-01-11T10:48:30"),
                   enabled=False),
        graph_user(f"vendor_partner.example#EXT#@{INITIAL_DOMAIN}", "Vendor Contact", None, None,
                   "vendor@partner.example", created=at("2025-03-04T14:05:59"),
                   user_type="Guest"),
    ]  # fmt: skip
    return sorted(users, key=lambda u: u["userPrincipalName"])


GRAPH_SP_ID = guid("service principal Microsoft Graph")


def okta_service_principals() -> list[dict[str, Any]]:
    out = []
    for name in sorted(OKTA_SP_PERMISSIONS):
        values = {
            "id": guid(f"service principal {name}"),
            "appId": guid(f"okta multi-tenant app {name}"),
            "displayName": name,
            "appOwnerOrganizationId": OKTA_TENANT_ID,
            "accountEnabled": True,
            "servicePrincipalType": "Application",
        }
        assert tuple(values) == snap.GRAPH_SP_FIELDS
        out.append(values)
    return out


def graph_service_principal() -> list[dict[str, Any]]:
    return [
        {
            "id": GRAPH_SP_ID,
            "appId": snap.MICROSOFT_GRAPH_APP_ID,
            "displayName": "Microsoft Graph",
            "appRoles": [
                {
                    "allowedMemberTypes": ["Application"],
                    "description": description,
                    "displayName": display,
                    "id": role_id,
                    "isEnabled": True,
                    "origin": "Application",
                    "value": value,
                }
                for value, (role_id, display, description) in sorted(GRAPH_APP_ROLES.items())
            ],
        }
    ]


def app_role_assignments(sp: dict[str, Any]) -> list[dict[str, Any]]:
    consented = FEDERATION - dt.timedelta(days=49) if "Federation" in sp["displayName"] else (
        GROUP_ASSIGNED - dt.timedelta(days=2)
    )  # fmt: skip
    principal = uuid.UUID(sp["id"])
    out = []
    for value in OKTA_SP_PERMISSIONS.get(sp["displayName"], ()):  # a legacy one: none
        label = f"{sp['displayName']} {value}"
        out.append(
            {
                "id": b64url(principal.bytes_le + digest(f"assignment {label}")[:16]),
                "appRoleId": GRAPH_APP_ROLES[value][0],
                "createdDateTime": graph_time_7(jitter(consented, label, 5), label),
                "deletedDateTime": None,
                "principalDisplayName": sp["displayName"],
                "principalId": sp["id"],
                "principalType": "ServicePrincipal",
                "resourceDisplayName": "Microsoft Graph",
                "resourceId": GRAPH_SP_ID,
            }
        )
    return out


def federation_configuration(domain: str, active_x5c: str) -> dict[str, Any]:
    """The internalDomainFederation Okta writes in AUTO mode (api-facts.md §11)."""
    base = f"https://{CUSTOM_DOMAIN}/app/office365/{WSFED_KEY}/sso/wsfed"
    return {
        "@odata.type": "#microsoft.graph.internalDomainFederation",
        "id": guid(f"federation {domain}"),
        "displayName": domain,
        "issuerUri": f"{domain}:{WSFED_KEY}",
        "metadataExchangeUri": f"{base}/mex",
        "signingCertificate": active_x5c,
        "passiveSignInUri": f"{base}/passive",
        "preferredAuthenticationProtocol": "wsFed",
        "activeSignInUri": f"{base}/active",
        "signOutUri": f"https://{CUSTOM_DOMAIN}/login/signout",
        "promptLoginBehavior": "nativeSupport",
        "isSignedAuthenticationRequestRequired": False,
        "nextSigningCertificate": None,
        "signingCertificateUpdateStatus": {
            "certificateUpdateResult": "Success",
            "lastRunDateTime": graph_time_7(
                KEY_ROTATED + dt.timedelta(minutes=2, seconds=number(domain, 50)), domain
            ),
        },
        "federatedIdpMfaBehavior": "acceptIfMfaDoneByFederatedIdp",
        "passwordResetUri": None,
    }


def no_federation_error(domain: str) -> dict[str, Any]:
    """Graph's 404 for a managed domain's federationConfiguration (a definitive answer)."""
    message = (
        f"Resource '{domain}' does not exist or one of its queried reference-property "
        "objects are not present."
    )
    when = AS_OF - dt.timedelta(seconds=2)
    return {
        "status": 404,
        "code": "Request_ResourceNotFound",
        "message": message,
        "needs": snap.resource("graph", "federationConfiguration").needs,
        "body": {
            "error": {
                "code": "Request_ResourceNotFound",
                "message": message,
                "innerError": {
                    "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
                    "request-id": guid(f"request federationConfiguration {domain}"),
                    "client-request-id": guid(f"client request federationConfiguration {domain}"),
                },
            }
        },
    }


def permission_grants(sp: dict[str, Any]) -> list[dict[str, Any]]:
    """Delegated grants: the federation client's sign-in consent (User.Read, tenant-wide)."""
    if "Federation" not in sp["displayName"]:
        return []
    return [
        {
            "clientId": sp["id"],
            "consentType": "AllPrincipals",
            "id": b64url(digest(f"grant {sp['id']}"))[:43],
            "principalId": None,
            "resourceId": GRAPH_SP_ID,
            "scope": "User.Read",
        }
    ]
