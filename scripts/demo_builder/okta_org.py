"""The Okta org's own objects: the org, its users and groups, its domains (custom domain
and the org's own) and the AD agent pool."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from .facts import (
    ACTIVATION,
    AD_APP_ID,
    AD_DOMAIN,
    AS_OF,
    ASSIGNMENT_GROUP,
    ASSIGNMENT_GROUP_ID,
    COMPANY_NAME,
    CUSTOM_BRAND_ID,
    CUSTOM_DOMAIN,
    CUSTOM_DOMAIN_ID,
    DEFAULT_BRAND_ID,
    FEDERATION,
    GROUP_CREATED,
    OKTA_HOST,
    OKTA_SUBDOMAIN,
    ORG_CREATED,
    ORG_ID,
    REALM_ID,
    USER_TYPE_ID,
)
from .ids import at, jitter, number, okta_id, okta_time
from .people import NEW_HIRE_AT, Person


def href(path: str, *allow: str, host: str = OKTA_HOST) -> dict[str, Any]:
    link: dict[str, Any] = {"href": f"https://{host}{path}"}
    if allow:
        link["hints"] = {"allow": list(allow)}
    return link


def cdn(label: str) -> str:
    return f"https://ok14static.oktacdn.com/fs/bcg/4/{okta_id('gfs', label)}"


def okta_org() -> dict[str, Any]:
    return {
        "id": ORG_ID,
        "subdomain": OKTA_SUBDOMAIN,
        "companyName": COMPANY_NAME,
        "status": "ACTIVE",
        "expiresAt": None,
        "created": okta_time(ORG_CREATED),
        "lastUpdated": okta_time(at("2026-02-10T09:15:52")),
        "website": "https://www.contoso.com",
        "phoneNumber": "+44 20 7946 0100",
        "endUserSupportHelpURL": "https://support.contoso.com/okta",
        "supportPhoneNumber": "+44 20 7946 0199",
        "address1": "1 Contoso Way",
        "address2": None,
        "city": "London",
        "state": None,
        "country": "United Kingdom",
        "postalCode": "EC2A 1AA",
        "_links": {
            "preferences": href("/api/v1/org/preferences"),
            "uploadLogo": href("/api/v1/org/logo", "POST"),
            "oktaCommunication": href("/api/v1/org/privacy/oktaCommunication"),
            "logo": {"href": f"https://ok14static.oktacdn.com/fs/bco/1/{okta_id('fs0', 'logo')}"},
            "oktaSupport": href("/api/v1/org/privacy/oktaSupport"),
            "contacts": href("/api/v1/org/contacts"),
        },
    }


def okta_user(p: Person) -> dict[str, Any]:
    """A user as GET /api/v1/users lists it (list items carry only the self link)."""
    created = p.okta_created
    activated = created if p.ad or p.is_new_hire else jitter(ACTIVATION, f"act {p.upn}", 1800)
    last_login = AS_OF - dt.timedelta(seconds=3600 + number(f"login {p.upn}", 4 * 86400))
    if p.ad:
        provider = {"type": "ACTIVE_DIRECTORY", "name": AD_DOMAIN}
        password_changed = None
        last_updated = jitter(FEDERATION, f"updated {p.upn}", 86400)
    else:
        provider = {"type": "OKTA", "name": "OKTA"}
        password_changed = activated + dt.timedelta(minutes=3 + number(f"pw {p.upn}", 600))
        last_updated = password_changed
    return {
        "id": p.okta_id,
        "status": "ACTIVE",
        "created": okta_time(created),
        "activated": okta_time(activated),
        "statusChanged": okta_time(activated),
        "lastLogin": okta_time(last_login),
        "lastUpdated": okta_time(last_updated),
        "passwordChanged": okta_time(password_changed) if password_changed else None,
        "realmId": REALM_ID,
        "type": {"id": USER_TYPE_ID},
        "profile": {
            "firstName": p.first,
            "lastName": p.last,
            "mobilePhone": None,
            "secondEmail": None,
            "login": p.upn,
            "email": p.upn,
        },
        "credentials": {"password": {}, "provider": provider},
        "_links": {"self": href(f"/api/v1/users/{p.okta_id}")},
    }


def _group(gid: str, gtype: str, name: str, description: str, created: dt.datetime,
           membership: dt.datetime) -> dict[str, Any]:  # fmt: skip
    logo = "https://ok14static.oktacdn.com/assets/img/logos/groups/odyssey/okta-{}.png"
    return {
        "id": gid,
        "created": okta_time(created),
        "lastUpdated": okta_time(created),
        "lastMembershipUpdated": okta_time(membership),
        "objectClass": ["okta:user_group"],
        "type": gtype,
        "profile": {"name": name, "description": description},
        "_links": {
            "logo": [
                {"name": size, "href": logo.format(size), "type": "image/png"}
                for size in ("medium", "large")
            ],
            "owners": href(f"/api/v1/groups/{gid}/owners"),
            "users": href(f"/api/v1/groups/{gid}/users"),
            "apps": href(f"/api/v1/groups/{gid}/apps"),
        },
    }


def okta_groups() -> list[dict[str, Any]]:
    new_member = NEW_HIRE_AT - dt.timedelta(minutes=2)
    return [
        _group(okta_id("00g", "Everyone"), "BUILT_IN", "Everyone",
               "All users in your organization", ORG_CREATED, new_member),
        _group(okta_id("00g", "Okta Administrators"), "BUILT_IN", "Okta Administrators",
               "Okta manages this group, which contains all administrators in your "
               "organization.", ORG_CREATED, ORG_CREATED + dt.timedelta(minutes=1)),
        _group(ASSIGNMENT_GROUP_ID, "OKTA_GROUP", ASSIGNMENT_GROUP,
               "Users licensed for Microsoft 365 (assigned to the Office 365 app)",
               GROUP_CREATED, new_member),
    ]  # fmt: skip


#: what GET /api/v1/domains returns of each domain: "a subset of the properties" (the
#: spec's DomainListResponse; okta-recorded/domains/list-*.json); the certificate comes only
#: from GET /api/v1/domains/{id} (DomainResponse)
DOMAIN_LIST_FIELDS = ("id", "domain", "certificateSourceType", "validationStatus", "brandId",
                      "_links")  # fmt: skip


def okta_domain_list(cert_expiry: dt.datetime) -> dict[str, Any]:
    """GET /api/v1/domains: each domain's list subset."""
    full = okta_domains(cert_expiry)["domains"]
    return {"domains": [{k: d[k] for k in DOMAIN_LIST_FIELDS if k in d} for d in full]}


def okta_custom_domains(cert_expiry: dt.datetime) -> dict[str, dict[str, Any]]:
    """GET /api/v1/domains/{id} of each custom domain (not the org's own "default")."""
    return {d["id"]: d for d in okta_domains(cert_expiry)["domains"] if d["id"] != "default"}


def okta_domains(cert_expiry: dt.datetime) -> dict[str, Any]:
    """Every domain in full: the custom domain and the org's own (id "default")."""

    def links(did: str, brand: str, *allow: str) -> dict[str, Any]:
        return {
            "self": href(f"/api/v1/domains/{did}", *allow),
            "brand": href(f"/api/v1/brands/{brand}", "GET", "PUT", "DELETE"),
        }

    fingerprint = hashlib.sha256(f"{CUSTOM_DOMAIN} certificate".encode()).hexdigest().upper()
    return {
        "domains": [
            {
                "id": CUSTOM_DOMAIN_ID,
                "domain": CUSTOM_DOMAIN,
                "certificateSourceType": "OKTA_MANAGED",
                # DNS verified and certificate issued: COMPLETED, as a working custom domain
                # is listed (okta-recorded/domains/list-two-custom-domains.json)
                "validationStatus": "COMPLETED",
                "brandId": CUSTOM_BRAND_ID,
                "publicCertificate": {
                    "subject": f"CN={CUSTOM_DOMAIN}",
                    "fingerprint": ":".join(re.findall("..", fingerprint)),
                    "expiration": okta_time(cert_expiry),
                },
                "_links": links(CUSTOM_DOMAIN_ID, CUSTOM_BRAND_ID, "GET", "DELETE"),
            },
            {
                "id": "default",
                "domain": OKTA_HOST,
                "certificateSourceType": "OKTA_MANAGED",
                "validationStatus": "COMPLETED",
                "brandId": DEFAULT_BRAND_ID,
                "_links": links("default", DEFAULT_BRAND_ID, "GET"),
            },
        ]
    }


#: Okta-managed certificates are short-lived (90 days) and renewed automatically.
CUSTOM_DOMAIN_CERT_EXPIRY = at("2027-02-01T03:14:09")


def agent_pools() -> list[dict[str, Any]]:
    def agent(name: str, seconds_ago: int) -> dict[str, Any]:
        return {
            "latestGAedVersion": True,
            "id": okta_id("a53", f"agent {name}"),
            "type": "AD",
            "operationalStatus": "OPERATIONAL",
            "updateStatus": "Success",
            "updateMessage": None,
            "version": "3.22.0",
            "lastConnection": int((AS_OF - dt.timedelta(seconds=seconds_ago)).timestamp() * 1000),
            "isLatestGAedVersion": True,
            "poolId": AD_APP_ID,
            "name": name,
            "isHidden": False,
        }

    return [
        {
            "id": AD_APP_ID,
            "name": AD_DOMAIN,
            "type": "AD",
            "operationalStatus": "OPERATIONAL",
            "agents": [agent("CORP-DC01", 38), agent("CORP-DC02", 51)],
            "disruptedAgents": 0,
            "inactiveAgents": 0,
            "_links": {"self": href(f"/api/v1/agentPools/{AD_APP_ID}")},
        }
    ]
