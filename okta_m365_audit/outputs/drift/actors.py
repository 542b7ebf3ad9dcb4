"""Who changed the resources read since issue 17 (admin roles, ThreatInsight, sign-on policy
rules, API tokens, Conditional Access, Security Defaults): the Okta System Log's change
events (``okta.changeLogs``) and the Entra audit log's Policy category
(``graph.directoryAudits``), both read org-wide by type in the log window, since these
events never name an Office 365 app (catalog/change_events.py: which types, and sources).

An event counts when it was published after the baseline, did not fail, is of a type the
resource's changes log, and names the object (a target's id or alternateId is one of the
object's ids), or, for a resource one per org (ThreatInsight, Security Defaults), by its
type alone. When the log that would say it could not be read (refused, failed, not collected
in this run), the change carries ``actorUnknown``: "actor unknown: <why>", never a guessed
actor. Events are as untrusted as the snapshots: a field of an unexpected type reads as
absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ...catalog.change_events import ACTORS, NO_ACTOR_SOURCE
from ...snapshot import document as snap
from . import attribution
from .attribution import time_of
from .objects import as_list, canon, failure, get, problem
from .rules import MAX_WHO, NO_CHANGE_OUTCOMES

#: the read of each log, and its name in a sentence
LOGS = {
    "okta": (("okta", "changeLogs"), "the Okta System Log's change events"),
    "entra": (("graph", "directoryAudits"), "the Entra audit log (Policy category)"),
}
#: directoryAudit results of an attempt that changed nothing
ENTRA_NO_CHANGE = ("failure", "timeout")


def _read_events(
    docs: Iterable[tuple[str, dict[str, Any]]], api: str, name: str, what: str
) -> tuple[list[dict[str, Any]], str | None]:
    """The events of both sides' reads (deduplicated), and why the current read is not
    usable (None when it is)."""
    res = snap.resource(api, name)
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    why = None
    for side, doc in docs:
        read = get(doc, api, name)
        if read is None:
            bad = "not read in this run (a snapshot of an earlier version)"
        elif not isinstance(read, dict):
            bad = "not a Read record"
        elif not read.get("ok"):
            bad = f"its read failed ({failure(read)})"
        else:
            bad = problem(res, read)
        if bad is not None:
            if side == "current":
                why = f"{what}: {bad}"
            continue
        for e in as_list(read.get("data")):
            if not isinstance(e, dict):
                continue
            uid = e.get("uuid") if api == "okta" else e.get("id")
            uid = uid if isinstance(uid, str) and uid else canon(e)
            if uid not in seen:
                seen.add(uid)
                out.append(e)
    return out, why


def _okta_who(e: dict[str, Any]) -> dict[str, Any]:
    """An Okta change event's actor, as the per-app System Log's (attribution.who), marked
    as the Okta log's."""
    return attribution.who(e) | {"log": "okta"}


def _entra_who(e: dict[str, Any]) -> dict[str, Any]:
    by = e.get("initiatedBy") if isinstance(e.get("initiatedBy"), dict) else {}
    user = by.get("user") if isinstance(by.get("user"), dict) else {}
    app = by.get("app") if isinstance(by.get("app"), dict) else {}
    if user.get("userPrincipalName") or user.get("id"):
        actor, kind = user.get("userPrincipalName") or user.get("id"), "User"
        actor_name = user.get("displayName")
    else:
        actor, kind = (
            app.get("displayName") or app.get("servicePrincipalId") or app.get("appId"),
            "App",
        )
        actor_name = app.get("displayName")
    return {
        "actor": actor,
        "actorName": actor_name,
        "actorType": kind if actor else None,
        "eventType": e.get("activityDisplayName"),
        "published": e.get("activityDateTime"),
        "outcome": e.get("result"),
        "displayMessage": e.get("resultReason"),
        "uuid": e.get("id"),
        "log": "entra",
    }


def _ids_of(log: str, e: dict[str, Any]) -> set[str]:
    key = "target" if log == "okta" else "targetResources"
    out: set[str] = set()
    for t in as_list(e.get(key)):
        if isinstance(t, dict):
            out |= {str(v).lower() for v in (t.get("id"), t.get("alternateId")) if v}
    return out


class ChangeActors:
    """The change events of both logs after the baseline, newest first."""

    def __init__(self, baseline: dict[str, Any], current: dict[str, Any],
                 after: dt.datetime | None):  # fmt: skip
        docs = (("current", current), ("baseline", baseline))
        self.events: dict[str, list[tuple[dict[str, Any], set[str], dict[str, Any]]]] = {}
        self.unreadable: dict[str, str | None] = {}
        for log, ((api, name), what) in LOGS.items():
            found, why = _read_events(docs, api, name, what)
            self.unreadable[log] = why
            timed = []
            for e in found:
                t = time_of(e.get("published" if log == "okta" else "activityDateTime"))
                if t is None or (after is not None and t <= after) or _no_change(log, e):
                    continue
                who = _okta_who(e) if log == "okta" else _entra_who(e)
                timed.append((t, e, _ids_of(log, e), who))
            timed.sort(key=lambda x: x[0], reverse=True)
            self.events[log] = [(e, ids, who) for _, e, ids, who in timed]

    @staticmethod
    def covers(api: str, name: str) -> bool:
        return (api, name) in ACTORS or (api, name) in NO_ACTOR_SOURCE

    def who(self, api: str, name: str, ids: set[str]) -> tuple[list[dict[str, Any]], str | None]:
        """(the matching events' actors, newest first; why the actor is unknown, or None)."""
        if (api, name) in NO_ACTOR_SOURCE:
            return [], f"actor unknown: {NO_ACTOR_SOURCE[(api, name)]}"
        log, types, how = ACTORS[(api, name)]
        if self.unreadable[log]:
            return [], f"actor unknown: {self.unreadable[log]}"
        found = []
        for e, targets, who in self.events[log]:
            kind = e.get("eventType" if log == "okta" else "activityDisplayName")
            if not isinstance(kind, str) or kind.lower() not in {t.lower() for t in types}:
                continue
            if how == "target" and not targets & ids:
                continue
            found.append(who)
            if len(found) == MAX_WHO:
                break
        return found, None

    def summary(self) -> dict[str, Any]:
        return {
            log: {"newEvents": len(self.events[log]), "unreadable": self.unreadable[log]}
            for log in LOGS
        }


def _no_change(log: str, e: dict[str, Any]) -> bool:
    if log == "okta":
        return str(get(e, "outcome", "result") or "").upper() in NO_CHANGE_OUTCOMES
    return str(e.get("result") or "").lower() in ENTRA_NO_CHANGE
