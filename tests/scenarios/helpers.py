"""Small, named edits of the golden snapshot, shared by the scenario modules."""

from __future__ import annotations

import base64
import copy
import datetime as dt
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from okta_m365_audit.core.certs import self_signed
from okta_m365_audit.snapshot import document as snap

AS_OF = dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC)  #: the golden snapshot's collectedAt


def app_id(doc: dict[str, Any]) -> str:
    return doc["okta"]["office365Apps"]["data"][0]["id"]


def o365_app(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["okta"]["office365Apps"]["data"][0]


def per_app(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """The Read of a per-app resource (appUsers, appConnection...) of the Office 365 app."""
    return doc["okta"][name][app_id(doc)]


def graph_user(doc: dict[str, Any], upn: str) -> dict[str, Any]:
    return next(u for u in doc["graph"]["users"]["data"] if u["userPrincipalName"] == upn)


def okta_user(doc: dict[str, Any], login: str) -> dict[str, Any]:
    return next(u for u in doc["okta"]["users"]["data"] if u["profile"]["login"] == login)


def app_user_of(doc: dict[str, Any], login: str) -> dict[str, Any]:
    uid = okta_user(doc, login)["id"]
    return next(a for a in per_app(doc, "appUsers")["data"] if a["id"] == uid)


def graph_domain(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in doc["graph"]["domains"]["data"] if d["id"] == name)


def federation(doc: dict[str, Any], domain: str) -> dict[str, Any]:
    return doc["graph"]["federationConfiguration"][domain]["data"][0]


def not_found_read(doc: dict[str, Any], domain: str) -> dict[str, Any]:
    """Graph's 404 for a domain without federation (copied from the onmicrosoft domain's)."""
    template = doc["graph"]["federationConfiguration"]["contosodemo.onmicrosoft.com"]
    read = copy.deepcopy(template)
    read["request"] = template["request"].replace("contosodemo.onmicrosoft.com", domain)
    return read


def add_log_event(doc: dict[str, Any], event_type: str, hours_ago: float, result: str,
                  **fields: Any) -> dict[str, Any]:  # fmt: skip
    """A System Log event naming the Office 365 app, inside the window."""
    events = per_app(doc, "logs")["data"]
    event = copy.deepcopy(events[-1])
    published = AS_OF - dt.timedelta(hours=hours_ago)
    event.update(
        uuid=f"scenario-{event_type}-{hours_ago}",
        published=snap.iso_z(published),
        eventType=event_type,
        outcome={"result": result, "reason": None},
        **fields,
    )
    events.append(event)
    events.sort(key=lambda e: e["published"])
    return event


def new_certificate(days_valid: int = 3650, start: dt.datetime | None = None,
                    cn: str = "not-okta") -> str:  # fmt: skip
    """A fresh self-signed certificate as base64 DER (the x5c / signingCertificate form)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    begin = start or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = self_signed(key, cn, begin, begin + dt.timedelta(days=days_valid))
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
