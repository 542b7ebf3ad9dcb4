"""The Okta apps: the Office 365 app (WS-Federation AUTO, provisioning on) and the AD app,
and the Office 365 app's per-app resources: signing keys, provisioning features, API
connection, assigned group and app users."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509

from .facts import (
    AD_APP_CREATED,
    AD_APP_ID,
    AD_DOMAIN,
    AS_OF,
    ASSIGNMENT_GROUP_ID,
    ENROLLMENT_POLICY_ID,
    FEDERATED_DOMAINS,
    GROUP_ASSIGNED,
    INITIAL_DOMAIN,
    KEY_ROTATED,
    MSFT_TENANT,
    O365_APP_CREATED,
    O365_APP_ID,
    OKTA_ADMIN_HOST,
    OKTA_HOST,
    ORG_ID,
    PROVISIONING_TYPE,
)
from .ids import guid, hex_id, jitter, number, okta_id, okta_time
from .keys import SIGNING_KEYS, jwk_fields
from .okta_org import cdn, href
from .people import Person


def _vpn_notifications() -> dict[str, Any]:
    return {"vpn": {"network": {"connection": "DISABLED"}, "message": None, "helpUrl": None}}


def _app_links(app_id: str, name: str) -> dict[str, Any]:
    return {
        "uploadLogo": href(f"/api/v1/apps/{app_id}/logo", "POST"),
        "appLinks": [],
        "profileEnrollment": href(f"/api/v1/policies/{ENROLLMENT_POLICY_ID}"),
        "policies": href(f"/api/v1/apps/{app_id}/policies", "PUT"),
        "groups": href(f"/api/v1/apps/{app_id}/groups"),
        "logo": [{"name": "medium", "href": cdn(f"logo {name}"), "type": "image/png"}],
        "accessPolicy": href(f"/api/v1/policies/{okta_id('rst', f'access policy {name}')}"),
        "users": href(f"/api/v1/apps/{app_id}/users"),
        "deactivate": href(f"/api/v1/apps/{app_id}/lifecycle/deactivate"),
    }


APP_LINK_NUMBER = 1000 + number("office365 login app link", 9000)


def office365_app(active_kid: str) -> dict[str, Any]:
    """The Office 365 app in WS-Federation AUTO mode (signOnMode SAML_1_1), provisioning on."""
    links = _app_links(O365_APP_ID, "office365")
    links["appLinks"] = [
        {
            "name": "login",
            "href": f"https://{OKTA_HOST}/home/office365/{O365_APP_ID}/{APP_LINK_NUMBER}",
            "type": "text/html",
        }
    ]
    help_path = f"/app/office365/{O365_APP_ID}/setup/help/SAML_1_1/instructions"
    links = {"help": {**href(help_path, host=OKTA_ADMIN_HOST), "type": "text/html"}, **links}
    app_links = (
        "calendar", "mail", "teams", "sites", "delve", "sway", "login", "powerbi", "people",
        "excel", "yammer", "newsfeed", "onedrive", "word", "planner", "powerpoint", "tasks",
        "forms", "crm",
    )  # fmt: skip
    return {
        "id": O365_APP_ID,
        "orn": f"orn:okta:idp:{ORG_ID}:apps:office365:{O365_APP_ID}",
        "name": "office365",
        "label": "Microsoft Office 365",
        "status": "ACTIVE",
        "lastUpdated": okta_time(KEY_ROTATED),
        "created": okta_time(O365_APP_CREATED),
        "accessibility": {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None},
        "licensing": {"seatCount": 0},
        "visibility": {
            "autoLaunch": False,
            "autoSubmitToolbar": False,
            "hide": {"iOS": False, "web": False},
            "appLinks": {name: name == "login" for name in app_links},
        },
        "features": [
            "PUSH_NEW_USERS",
            "PUSH_PROFILE_UPDATES",
            "PUSH_USER_DEACTIVATION",
            "REACTIVATE_USERS",
            "IMPORT_NEW_USERS",
            "IMPORT_USER_SCHEMA",
            "GROUP_PUSH",
        ],
        "signOnMode": "SAML_1_1",
        "credentials": {
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {"kid": active_kid},
        },
        "universalLogout": {
            "status": "DISABLED",
            "supportType": "PARTIAL",
            "identityStack": "SHARED",
            "protocol": "PROPRIETARY",
        },
        "settings": {
            "app": {
                "tenantType": None,
                "wsFedConfigureType": "AUTO",
                "occSettings": None,
                "windowsTransportEnabled": False,
                "domain": FEDERATED_DOMAINS[0],
                "msftTenant": MSFT_TENANT,
                "domains": list(FEDERATED_DOMAINS),
                # The console's "Profile Sync" (preselected when provisioning is set up).
                # The API strings of the provisioning types are unconfirmed (api-facts.md
                # §1): the demo assumes this one, and declares it in demo.yaml (PROV-03).
                "office365ProvisioningType": PROVISIONING_TYPE,
                "requireAdminConsent": True,
                "office365FlexibleProvisioningMode": None,
            },
            "notifications": _vpn_notifications(),
            "manualProvisioning": False,
            "implicitAssignment": False,
            "emOptInStatus": "NONE",
            "notes": {"admin": None, "enduser": None},
            "signOn": {
                "defaultRelayState": None,
                "ssoAcsUrlOverride": None,
                "audienceOverride": None,
                "recipientOverride": None,
            },
        },
        "_links": links,
    }


def active_directory_app() -> dict[str, Any]:
    return {
        "id": AD_APP_ID,
        "orn": f"orn:okta:idp:{ORG_ID}:apps:active_directory:{AD_APP_ID}",
        "name": "active_directory",
        "label": AD_DOMAIN,
        "status": "ACTIVE",
        "lastUpdated": okta_time(AD_APP_CREATED + dt.timedelta(minutes=4, seconds=12)),
        "created": okta_time(AD_APP_CREATED),
        "accessibility": {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None},
        "visibility": {
            "autoSubmitToolbar": False,
            "hide": {"iOS": False, "web": False},
            "appLinks": {},
        },
        "features": [
            "IMPORT_PROFILE_UPDATES",
            "PROFILE_MASTERING",
            "OUTBOUND_DEL_AUTH",
            "IMPORT_USER_SCHEMA",
            "IMPORT_NEW_USERS",
        ],
        "signOnMode": None,
        "credentials": {
            "userNameTemplate": {
                "template": 'substringBefore(user.login, "@") + "@" + target_app.namingContext',
                "type": "CUSTOM",
                "pushStatus": "NOT_CONFIGURED",
            },
            "signing": {},
        },
        "universalLogout": {"status": "UNSUPPORTED"},
        "settings": {
            "app": {
                "jitGroupsAcrossDomains": False,
                "password": None,
                "scanRate": None,
                "searchOrgUnit": None,
                "filterGroupsByOU": False,
                "namingContext": AD_DOMAIN,
                "login": None,
                "activationEmail": None,
            },
            "notifications": _vpn_notifications(),
            "manualProvisioning": False,
            "implicitAssignment": False,
            "emOptInStatus": "NONE",
        },
        "_links": _app_links(AD_APP_ID, "active_directory"),
    }


def app_keys(certs: list[x509.Certificate]) -> list[dict[str, Any]]:
    """GET /apps/{id}/credentials/keys: newest first, as Okta lists them."""
    keys = []
    for (_label, created), cert in zip(SIGNING_KEYS, certs, strict=True):
        jwk = jwk_fields(cert)
        keys.append(
            {
                "kty": "RSA",
                "created": okta_time(created),
                "lastUpdated": okta_time(created),
                "expiresAt": okta_time(cert.not_valid_after_utc),
                "kid": jwk["kid"],
                "use": "sig",
                "x5c": [jwk["x5c"]],
                "x5t#S256": jwk["x5t#S256"],
                "e": jwk["e"],
                "n": jwk["n"],
            }
        )
    return keys[::-1]


def app_features() -> list[dict[str, Any]]:
    def feature_link(name: str) -> dict[str, Any]:
        return {"self": href(f"/api/v1/apps/{O365_APP_ID}/features/{name}", "GET", "PUT")}

    return [
        {
            "name": "USER_PROVISIONING",
            "status": "ENABLED",
            "description": "User provisioning settings from Okta to a downstream application",
            "capabilities": {
                "create": {"lifecycleCreate": {"status": "ENABLED"}},
                "update": {
                    "profile": {"status": "ENABLED"},
                    "lifecycleDeactivate": {"status": "ENABLED"},
                    "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"},
                },
            },
            "_links": feature_link("USER_PROVISIONING"),
        },
        {
            "name": "INBOUND_PROVISIONING",
            "status": "ENABLED",
            "description": "In-bound provisioning settings for provisioning users from an "
            "application to Okta",
            "capabilities": {
                "importSettings": {
                    "username": {"userNameFormat": "EMAIL"},
                    "schedule": {
                        "status": "ENABLED",
                        "fullImport": {"expression": "0 3 * * 0", "timezone": "Europe/London"},
                        "incrementalImport": {
                            "expression": "0 4 * * *",
                            "timezone": "Europe/London",
                        },
                    },
                },
                "importRules": {
                    "userCreateAndMatch": {
                        "exactMatchCriteria": "USERNAME",
                        "allowPartialMatch": False,
                        "autoConfirmPartialMatch": False,
                        "autoConfirmExactMatch": True,
                        "autoConfirmNewUsers": False,
                        "autoActivateNewUsers": False,
                    }
                },
            },
            "_links": feature_link("INBOUND_PROVISIONING"),
        },
    ]


def app_connection() -> dict[str, Any]:
    base = f"/api/v1/apps/{O365_APP_ID}/connections/default"
    authorize = (
        f"https://login.microsoftonline.com/{INITIAL_DOMAIN}/oauth2/authorize"
        f"?response_type=code&state={hex_id('consent state')}"
        f"&client_id={guid('okta multi-tenant app Okta Microsoft Graph Client')}"
        f"&redirect_uri=https%3A%2F%2F{OKTA_ADMIN_HOST}%2Fadmin%2Fapp%2Foffice365%2Foauth%2Fcallback"
        "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&prompt=admin_consent"
    )
    return {
        "status": "ENABLED",
        "profile": {"authScheme": "OAUTH2"},
        "_links": {
            "self": href(base, "GET", "POST"),
            "deactivate": href(f"{base}/lifecycle/deactivate", "POST"),
            "authorize": {
                "href": authorize,
                "hints": {"allow": ["GET"]},
                "guidance": [
                    "Specifies the URI to invoke in a browser for granting scope consent "
                    "required to complete the OAuth 2.0 connection."
                ],
            },
        },
    }


def app_groups() -> list[dict[str, Any]]:
    base = f"/api/v1/apps/{O365_APP_ID}"
    return [
        {
            "id": ASSIGNMENT_GROUP_ID,
            "lastUpdated": okta_time(GROUP_ASSIGNED),
            "priority": 0,
            "profile": {},
            "_links": {
                "app": href(base),
                "self": href(f"{base}/groups/{ASSIGNMENT_GROUP_ID}"),
                "group": href(f"/api/v1/groups/{ASSIGNMENT_GROUP_ID}"),
            },
        }
    ]


def app_user(p: Person) -> dict[str, Any]:
    """An Office 365 app user: assigned through the group, provisioned, in sync."""
    created = p.assigned
    status_changed = created + dt.timedelta(seconds=9) if p.is_new_hire else GROUP_ASSIGNED
    last_sync = AS_OF - dt.timedelta(seconds=3700 + number(f"sync {p.upn}", 86400))
    return {
        "id": p.okta_id,
        "externalId": p.graph_id,
        "created": okta_time(created),
        "lastUpdated": okta_time(last_sync),
        "scope": "GROUP",
        "status": "PROVISIONED",
        "statusChanged": okta_time(jitter(status_changed, f"status {p.upn}", 60)),
        "passwordChanged": None,
        "syncState": "SYNCHRONIZED",
        "lastSync": okta_time(last_sync),
        "credentials": {"userName": p.upn},
        "profile": {
            "immutableId": p.immutable_id,
            "displayName": p.display_name,
            "firstName": p.first,
            "lastName": p.last,
            "email": p.upn,
            "usageLocation": "FR" if p.domain == "fabrikam.com" else "GB",
        },
        "_links": {
            "app": href(f"/api/v1/apps/{O365_APP_ID}"),
            "user": href(f"/api/v1/users/{p.okta_id}"),
        },
    }
