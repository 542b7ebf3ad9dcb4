"""The Okta org's admin baseline: the Admin Console app and its policy's rules (ORG-05),
the Office 365 app's policy rules (FED-10), the admins and their roles (ORG-06).

Shapes: the Admin Console app as listed in okta-recorded/apps-list/list-limit200-27-apps-
incl-office365-swa.json (element 0: name saasure, signOnMode OPENID_CONNECT, an accessPolicy
link); rules as the spec example list-all-access-policy-rule-response, with
``conditions.office365Client`` as on a real Office 365 rule (okta/terraform-provider-okta
issue 1387). The Office 365 rules use the policy id the app's link names (okta_apps.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .facts import OKTA_HOST, ORG_CREATED, ORG_ID
from .ids import okta_id, okta_time
from .okta_apps import _app_links
from .okta_org import href
from .people import OKTA_ADMIN

ADMIN_CONSOLE_APP_ID = okta_id("0oa", "app saasure")
ADMIN_CONSOLE_POLICY_ID = okta_id("rst", "access policy saasure")
#: the policy the Office 365 app's _links.accessPolicy names (okta_apps._app_links)
OFFICE365_POLICY_ID = okta_id("rst", "access policy office365")

_EVERYONE = {"people": {"users": {"exclude": []}}, "network": {"connection": "ANYWHERE"}}


def admin_console_app() -> dict[str, Any]:
    """As recorded (element 0 of the apps list named above), with this org's ids."""
    app_id = ADMIN_CONSOLE_APP_ID
    links = _app_links(app_id, "saasure")  # accessPolicy: ADMIN_CONSOLE_POLICY_ID
    links["appLinks"] = [
        {
            "name": "admin",
            "href": f"https://{OKTA_HOST}/home/saasure/{app_id}/2",
            "type": "text/html",
        }
    ]
    return {
        "id": app_id,
        "orn": f"orn:okta:idp:{ORG_ID}:apps:saasure:{app_id}",
        "name": "saasure",
        "label": "Okta Admin Console",
        "status": "ACTIVE",
        "lastUpdated": okta_time(ORG_CREATED),
        "created": okta_time(ORG_CREATED),
        "accessibility": {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None},
        "visibility": {
            "autoSubmitToolbar": False,
            "hide": {"iOS": False, "web": False},
            "appLinks": {"admin": True},
        },
        "features": [],
        "signOnMode": "OPENID_CONNECT",
        "credentials": {
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {"kid": okta_id("kid", "admin console signing")},
        },
        "universalLogout": None,
        "settings": {
            "app": {},
            "notifications": {
                "vpn": {"network": {"connection": "DISABLED"}, "message": None, "helpUrl": None}
            },
            "manualProvisioning": False,
            "implicitAssignment": False,
            "emOptInStatus": "NONE",
        },
        "_links": links,
    }


def _rule(policy: str, label: str, name: str, priority: int, conditions: Any, sign_on: dict,
          system: bool = False, updated: dt.datetime | None = None) -> dict[str, Any]:  # fmt: skip
    rule_id = okta_id("rul", f"{policy} {label}")
    return {
        "id": rule_id,
        "status": "ACTIVE",
        "name": name,
        "priority": priority,
        "created": okta_time(ORG_CREATED + dt.timedelta(minutes=2)),
        "lastUpdated": okta_time(updated or ORG_CREATED + dt.timedelta(minutes=2)),
        "system": system,
        "conditions": conditions,
        "actions": {"appSignOn": sign_on},
        "_links": {"self": href(f"/api/v1/policies/{policy}/rules/{rule_id}", "GET", "PUT")},
        "type": "ACCESS_POLICY",
    }


def _two_factors(reauthenticate: str) -> dict[str, Any]:
    return {
        "access": "ALLOW",
        "verificationMethod": {
            "factorMode": "2FA",
            "type": "ASSURANCE",
            "reauthenticateIn": reauthenticate,
            "constraints": [{"possession": {"required": True}}],
        },
    }


_DENY = {"access": "DENY"}


def admin_console_rules() -> list[dict[str, Any]]:
    """Two factors for every admin, above the catch-all (which then denies)."""
    p = ADMIN_CONSOLE_POLICY_ID
    return [
        _rule(p, "mfa", "Admins: two factors", 0, _EVERYONE, _two_factors("PT2H")),
        _rule(p, "catch-all", "Catch-all Rule", 99, None, _DENY, system=True),
    ]


def office365_rules() -> list[dict[str, Any]]:
    """Legacy clients denied, web and modern authentication on two factors, catch-all deny."""
    p = OFFICE365_POLICY_ID

    def clients(*names: str) -> dict[str, Any]:
        return {**_EVERYONE, "office365Client": {"include": list(names)}}

    return [
        _rule(p, "eas", "Deny legacy clients", 0, clients("EXCHANGE_ACTIVE_SYNC"), _DENY),
        _rule(
            p,
            "mfa",
            "Web and modern auth: two factors",
            1,
            clients("WEB", "MODERN_AUTH"),
            _two_factors("PT12H"),
        ),
        _rule(p, "catch-all", "Catch-all Rule", 99, None, _DENY, system=True),
    ]


#: Super Administrators: two named people (ORG-06); the Okta admin account runs the org
#: day to day with the narrower Organization Administrator role
SUPER_ADMINS = ("oliver.bennett@contoso.com", "isla.murphy@contoso.com")
ROLE_LABELS = {"SUPER_ADMIN": "Super Administrator", "ORG_ADMIN": "Organization Administrator"}


def _admins(okta_users: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    by_login = {u["profile"]["login"]: u for u in okta_users}
    return [(by_login[login], "SUPER_ADMIN") for login in SUPER_ADMINS] + [
        (by_login[OKTA_ADMIN], "ORG_ADMIN")
    ]


def okta_admins(okta_users: list[dict[str, Any]]) -> dict[str, Any]:
    """``GET /api/v1/iam/assignees/users``: ids only, wrapped (RoleAssignedUsersResponseExample)."""
    return {
        "value": [
            {
                "id": u["id"],
                "orn": f"orn:okta:idp:{ORG_ID}:users:{u['id']}",
                "_links": {
                    "self": href(f"/api/v1/users/{u['id']}"),
                    "roles": href(f"/api/v1/users/{u['id']}/roles"),
                },
            }
            for u, _ in _admins(okta_users)
        ],
        "_links": {},
    }


def admin_roles(okta_users: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each admin's roles, as StandardRolesListResponse shows them."""
    granted = ORG_CREATED + dt.timedelta(minutes=34)
    return {
        u["id"]: [
            {
                "id": okta_id("ra1", f"role {role} {u['id']}"),
                "label": ROLE_LABELS[role],
                "type": role,
                "status": "ACTIVE",
                "created": okta_time(granted),
                "lastUpdated": okta_time(granted),
                "assignmentType": "USER",
                "_links": {"assignee": href(f"/api/v1/users/{u['id']}")},
            }
        ]
        for u, role in _admins(okta_users)
    }
