"""Who changed it: System Log events after the baseline whose targets name a changed object.

The System Log is collected per Office 365 app (``target.id eq "<app>"``), so every event
names the app; for the app itself and its app-level sub-resources an event counts only when
the app is its only target and its type is not routine activity (rules.py). Events come from
both snapshots and are untrusted like them: a field of an unexpected type reads as absent.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterable
from typing import Any

from ...snapshot import document as snap
from .objects import as_list, canon, failure, get, problem
from .rules import ACTIVITY_EVENT_PREFIXES, MAX_WHO, NO_CHANGE_OUTCOMES


def time_of(value: Any) -> dt.datetime | None:
    """An RFC 3339 time with a zone; None for anything else (a naive time cannot be
    compared with the snapshots' times)."""
    if not isinstance(value, str):
        return None
    try:
        t = snap.parse_time(value)
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def _logs(doc: dict[str, Any]) -> dict[str, Any]:
    logs = get(doc, "okta", "logs")
    return logs if isinstance(logs, dict) else {}


def events(
    docs: Iterable[tuple[str, dict[str, Any]]],
) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """(app id, event) of every readable per-app System Log, deduplicated by uuid, and what
    could not be read in the current snapshot."""
    logs_res = snap.resource("okta", "logs")
    seen: set[str] = set()
    out: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    for side, doc in docs:
        for app, read in _logs(doc).items():
            why = None
            if not isinstance(read, dict):
                why = "not a Read record"
            elif not read.get("ok"):
                why = failure(read)
            else:
                why = problem(logs_res, read)
            if why is not None:
                if side == "current":
                    problems.append(
                        f"okta.logs[{app}]: the System Log read failed in the current "
                        f"snapshot ({why}); its changes cannot be attributed"
                    )
                continue
            for event in as_list(read.get("data")):
                if not isinstance(event, dict):
                    continue
                uid = event.get("uuid")
                if not isinstance(uid, str) or not uid:
                    uid = canon([event.get("published"), event.get("eventType"),
                                 event.get("actor"), event.get("target")])  # fmt: skip
                if uid in seen:
                    continue
                seen.add(uid)
                out.append((app, event))
    return out, problems


def log_window(doc: dict[str, Any]) -> dict[str, str] | None:
    """since/until of the current System Log reads (their first request's parameters)."""
    for read in _logs(doc).values():
        if not isinstance(read, dict) or not read.get("ok"):
            continue
        query = urllib.parse.urlsplit(str(read.get("request", "")).removeprefix("GET ")).query
        params = dict(urllib.parse.parse_qsl(query))
        if "since" in params:
            return {"since": params["since"], "until": params.get("until")}
    return None


def _targets(e: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in as_list(e.get("target")) if isinstance(t, dict)]


class Attribution:
    """The System Log events after the baseline, newest first, indexed by target id and
    alternateId (lower case)."""

    def __init__(self, events: list[tuple[str, dict[str, Any]]], after: dt.datetime | None):
        timed = []
        for app, e in events:
            t = time_of(e.get("published"))
            if t is None or (after is not None and t <= after):
                continue
            timed.append((t, app, e))
        timed.sort(key=lambda x: x[0], reverse=True)
        self.events = [(app, e) for _, app, e in timed]
        self.index: dict[str, set[int]] = {}
        for n, (_, e) in enumerate(self.events):
            for target in _targets(e):
                for value in _target_ids(target):
                    self.index.setdefault(value, set()).add(n)

    def who(self, ids: set[str], app_level: bool) -> list[dict[str, Any]]:
        found = []
        for n in sorted(set().union(*(self.index.get(i, set()) for i in ids))):
            app, e = self.events[n]
            if str(get(e, "outcome", "result") or "").upper() in NO_CHANGE_OUTCOMES:
                continue
            targets = _targets(e)
            hits = [t for t in targets if _target_ids(t) & ids]
            only_the_app = all(str(t.get("id")) == app for t in hits)
            if only_the_app and not _about_the_app(e, app, targets, app_level):
                continue
            found.append(who(e))
            if len(found) == MAX_WHO:
                break
        return found


def _about_the_app(e: dict[str, Any], app: str, targets: list[dict[str, Any]],
                   app_level: bool) -> bool:  # fmt: skip
    """Every event of an app's log names the app: it is about the app's own configuration
    only when the app is its only target and it is not routine activity."""
    if not app_level:
        return False
    if any(str(t.get("id")) != app for t in targets):
        return False
    return not str(e.get("eventType", "")).startswith(ACTIVITY_EVENT_PREFIXES)


def _target_ids(target: dict[str, Any]) -> set[str]:
    return {str(v).lower() for v in (target.get("id"), target.get("alternateId")) if v}


def who(e: dict[str, Any]) -> dict[str, Any]:
    """A System Log event's actor and what it did, as drift shows it."""
    actor = e.get("actor")
    actor = actor if isinstance(actor, dict) else {}
    return {
        "actor": actor.get("alternateId") or actor.get("displayName") or actor.get("id"),
        "actorName": actor.get("displayName"),
        "actorType": actor.get("type"),
        "eventType": e.get("eventType"),
        "published": e.get("published"),
        "outcome": get(e, "outcome", "result"),
        "displayMessage": e.get("displayMessage"),
        "uuid": e.get("uuid"),
    }
