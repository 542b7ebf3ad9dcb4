"""Drift: what changed between an earlier snapshot (a baseline, e.g. the one handed over at
go-live) and this run's, in the resources the checks read, and who changed it where the
Okta System Log says so. A nightly audit answers "what changed since handover, and who".

``compare(baseline, current)`` returns a JSON-serializable report::

    {"format": "okta-m365-audit/drift", "schemaVersion": 1,
     "baseline": {tenant, runId, collectedAt, source, sha256},
     "current":  {...same...},
     "summary":  {"added": n, "removed": n, "changed": n, "unreadable": n},
     "changes":  [{"api", "resource", "parent", "parentLabel", "object", "label", "kind",
                   "fields": [{"path", "old", "new"}],      # kind "changed"
                   "value": {...},                           # kind "added" / "removed"
                   "note": str | null,
                   "summary": str | null,      # plain words (issue 17's resources)
                   "actorUnknown": str | null,  # "actor unknown: <why>" (a log unread)
                   "who": [{"actor", "actorName", "actorType", "eventType", "published",
                            "outcome", "displayMessage", "uuid"}]}],
     "unreadable": ["okta.users: not comparable, the baseline read failed (403 ...)"],
     "systemLog": {"events", "newEvents", "since", "window", "coversBaseline", "unreadable"},
     "changeLogs": {"okta": {"newEvents", "unreadable"}, "entra": {...}},
     "notes": [...]}

How objects are compared
------------------------
* Only the ``data`` of each Read is compared. Collection bookkeeping (``meta``: runId,
  collectedAt; and each Read's request line, status, page and request counts) is never a
  change by itself. A definitive non-2xx answer (a domain without federation: 404, an app
  without provisioning: 400) reads as "no object", so gaining or losing one is an
  added/removed object, not a read failure.
* Items of list resources are matched by a stable key (``ITEM_KEYS``; ``id`` unless
  listed), never by position, so a different order is not a change. Object resources (the
  Okta org, each app's provisioning connection, each login's home realm) compare as one
  object keyed by their id or by their parent.
* Inside an object, lists of objects that all carry a unique ``id``/``kid``/``name``/
  ``skuId``/``servicePlanId`` are matched by it (path ``agents[a53o...].version``); other
  lists compare as a whole and order-insensitively (``settings.app.domains``).
* ``IGNORED_FIELDS`` lists the fields that are left out, each with its reason. The rule:
  bookkeeping that moves without anyone changing the configuration (activity timestamps,
  heartbeats, hypermedia links) is ignored; anything that describes configuration or state
  is compared even when it can change by itself (an Okta-managed certificate renewed, a
  newer AD agent made GA). Those are reported with ``who: []`` (not in the System Log),
  which is the honest answer.
* A resource whose read failed on either side, or that was not collected on one side, is
  listed under ``unreadable``: it is never silently "no change".
* The System Log (``okta.logs``) is not diffed: it is the attribution source.

Attribution
-----------
Events of the current snapshot's System Log (and the baseline's, deduplicated by uuid)
published after the baseline's collectedAt, not failed or denied (``NO_CHANGE_OUTCOMES``),
whose targets name the object: a target ``id``
or ``alternateId`` (case-insensitive: logins, UPNs) equal to one of the object's ids
(``attribution_ids``). Newest first, at most ``MAX_WHO``. The System Log is collected per
Office 365 app (``target.id eq "<app>"``), so every event names the app; for the app itself
and its app-level sub-resources (connection, features, keys) an event counts only when the
app is its only target and its type is not routine activity (``ACTIVITY_EVENT_PREFIXES``).

Robustness
----------
A baseline is a file handed around: untrusted. Anything wrong with it (wrong types anywhere,
missing sections, another tenant's snapshot) is one ``DriftError`` with a one-line reason,
which the run shows as "not compared: <why>"; every reader is type-safe, and a read whose
data has the wrong type is not comparable rather than "everything removed".

Modules
-------
``rules`` (what is compared), ``objects`` (one side's objects, names, field diff),
``attribution`` (the System Log), ``actors`` (the change events of admin roles,
ThreatInsight, policy rules, API tokens, Conditional Access and Security Defaults: the
Okta System Log's ``changeLogs`` and the Entra audit log's ``directoryAudits``; a change
whose log could not be read says "actor unknown: <why>"), ``words`` (those changes in plain
words: ``summary``), ``comparison`` (``compare``), ``render`` (HTML, terminal).
Every public name is importable from ``okta_m365_audit.outputs.drift``.

May import: core, catalog (change_events, resource_keys), snapshot, outputs.report (its
escaping); never session or the plugin.
"""

from __future__ import annotations

from .comparison import FORMAT, SCHEMA_VERSION, DriftError, compare
from .render import (
    CSS,
    HTML_ROW_LIMIT,
    HTML_VALUE_LIMIT,
    TEXT_CHANGE_LIMIT,
    changes_of,
    render_html,
    render_text,
    short,
)
from .rules import (
    ACTIVITY_EVENT_PREFIXES,
    APP_LEVEL,
    IGNORED_FIELDS,
    ITEM_KEYS,
    MAX_WHO,
    NESTED_KEYS,
    NO_CHANGE_OUTCOMES,
    PARENT_LIST,
    REMOVED_NOTES,
    IgnoredField,
)

__all__ = [
    "ACTIVITY_EVENT_PREFIXES",
    "APP_LEVEL",
    "CSS",
    "FORMAT",
    "HTML_ROW_LIMIT",
    "HTML_VALUE_LIMIT",
    "IGNORED_FIELDS",
    "ITEM_KEYS",
    "MAX_WHO",
    "NESTED_KEYS",
    "NO_CHANGE_OUTCOMES",
    "PARENT_LIST",
    "REMOVED_NOTES",
    "SCHEMA_VERSION",
    "TEXT_CHANGE_LIMIT",
    "DriftError",
    "IgnoredField",
    "changes_of",
    "compare",
    "render_html",
    "render_text",
    "short",
]
