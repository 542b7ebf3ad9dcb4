"""The Okta System Log: a week of provisioning and import events naming the Office 365 app,
all successful."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .facts import AS_OF, O365_APP_ID
from .ids import b64url, digest, hex_id, okta_id, okta_time, time_uuid
from .people import NEW_HIRE, NEW_HIRE_AT, OKTA_ADMIN, Person

SYSTEM_ACTOR = {
    "id": "system@okta.com",
    "type": "SystemPrincipal",
    "alternateId": "system@okta.com",
    "displayName": "Okta System",
    "detailEntry": None,
}


def log_event(
    t: dt.datetime,
    event_type: str,
    legacy: str,
    message: str,
    *,
    actor: Person | None = None,
    user: Person | None = None,
) -> dict[str, Any]:
    """One System Log event naming the Office 365 app; system jobs unless an actor acts."""
    label = f"{event_type} {okta_time(t)}"
    request_id = hex_id(f"request {label}")
    targets: list[dict[str, Any]] = [
        {
            "id": O365_APP_ID,
            "type": "AppInstance",
            "alternateId": "Microsoft Office 365",
            "displayName": "Microsoft Office 365",
            "detailEntry": None,
        }
    ]
    if user is not None:
        targets += [
            {
                "id": okta_id("0ua", f"app user {user.upn}"),
                "type": "AppUser",
                "alternateId": user.upn,
                "displayName": user.display_name,
                "detailEntry": None,
            },
            {
                "id": user.okta_id,
                "type": "User",
                "alternateId": user.upn,
                "displayName": user.display_name,
                "detailEntry": None,
            },
        ]
    if actor is None:
        actor_json = SYSTEM_ACTOR
        client: dict[str, Any] = {
            "userAgent": None,
            "zone": None,
            "device": None,
            "id": None,
            "ipAddress": None,
            "geographicalContext": None,
        }
        security: dict[str, Any] = {
            "asNumber": None,
            "asOrg": None,
            "isp": None,
            "domain": None,
            "isProxy": None,
        }
        ip_chain: list[dict[str, Any]] = []
        session = None
        transaction = {"type": "JOB", "id": request_id, "detail": {}}
    else:
        actor_json = {
            "id": actor.okta_id,
            "type": "User",
            "alternateId": actor.upn,
            "displayName": actor.display_name,
            "detailEntry": None,
        }
        geo = {
            "city": "London",
            "state": "England",
            "country": "United Kingdom",
            "postalCode": "EC2A",
            "geolocation": {"lat": 51.5223, "lon": -0.0836},
        }
        ip = "198.51.100.23"
        client = {
            "userAgent": {
                "rawUserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "os": "Windows 10",
                "browser": "EDGE",
            },
            "zone": None,
            "device": "Computer",
            "id": None,
            "ipAddress": ip,
            "geographicalContext": geo,
        }
        security = {
            "asNumber": 64500,
            "asOrg": "contoso ltd",
            "isp": "contoso ltd",
            "domain": "contoso.com",
            "isProxy": False,
        }
        ip_chain = [{"ip": ip, "geographicalContext": geo, "version": "V4", "source": None}]
        session = f"idx{b64url(digest(f'session {actor.upn}'))[:22]}"
        transaction = {"type": "WEB", "id": request_id, "detail": {}}
    return {
        "actor": actor_json,
        "client": client,
        "device": None,
        "authenticationContext": {
            "authenticationProvider": None,
            "credentialProvider": None,
            "credentialType": None,
            "issuer": None,
            "interface": None,
            "authenticationStep": 0,
            "rootSessionId": session,
            "externalSessionId": session,
        },
        "displayMessage": message,
        "eventType": event_type,
        "outcome": {"result": "SUCCESS", "reason": None},
        "published": okta_time(t),
        "securityContext": security,
        "severity": "INFO",
        "debugContext": {"debugData": {"requestId": request_id}},
        "legacyEventType": legacy,
        "transaction": transaction,
        "uuid": time_uuid(t, label),
        "version": "0",
        "request": {"ipChain": ip_chain},
        "target": targets,
    }


def system_log(everyone: list[Person]) -> list[dict[str, Any]]:
    """Provisioning and import events of the last week: all SUCCESS, none failing."""
    by_upn = {p.upn: p for p in everyone}
    admin, hire = by_upn[OKTA_ADMIN], by_upn[NEW_HIRE]
    renamed, moved = by_upn["isla.murphy@contoso.com"], by_upn["hugo.bernard@fabrikam.com"]

    def day(n: int, hhmmss: str) -> dt.datetime:
        h, m, s = (int(x) for x in hhmmss.split(":"))
        return AS_OF.replace(hour=h, minute=m, second=s) - dt.timedelta(days=n)

    def import_done(t: dt.datetime) -> dict[str, Any]:
        return log_event(t, "system.import.complete", "app.generic.import.complete",
                         "Import completed")  # fmt: skip

    events = [
        import_done(day(6, "04:00:41") + dt.timedelta(milliseconds=212)),
        log_event(NEW_HIRE_AT, "application.user_membership.add",
                  "app.generic.provision.assign_user_to_app",
                  "Add user to application membership", actor=admin, user=hire),
        log_event(NEW_HIRE_AT + dt.timedelta(seconds=4, milliseconds=377),
                  "application.provision.user.push", "app.user_management.push_new_user",
                  "Push new user to external application", user=hire),
        log_event(NEW_HIRE_AT + dt.timedelta(seconds=7, milliseconds=905),
                  "app.user_management.push_new_user_success",
                  "app.user_management.push_new_user_success",
                  "Push new user to external application successful", user=hire),
        import_done(day(4, "04:00:38") + dt.timedelta(milliseconds=640)),
        log_event(day(3, "13:27:05") + dt.timedelta(milliseconds=81),
                  "application.provision.user.push_profile",
                  "app.user_management.push_profile_success",
                  "Push user profile to external application", user=renamed),
        import_done(day(2, "04:00:44") + dt.timedelta(milliseconds=19)),
        log_event(day(1, "10:52:33") + dt.timedelta(milliseconds=506),
                  "application.provision.user.push_profile",
                  "app.user_management.push_profile_success",
                  "Push user profile to external application", user=moved),
        import_done(day(0, "04:00:42") + dt.timedelta(milliseconds=345)),
    ]  # fmt: skip
    return sorted(events, key=lambda e: e["published"])
