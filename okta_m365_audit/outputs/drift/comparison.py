"""compare(baseline, current): every object of every compared resource, matched by key on
both sides, as added, removed or changed (with who changed it), or not comparable.

The baseline is a file handed around, so it is untrusted: anything wrong with it (a wrong
type anywhere, a missing section, a snapshot of another tenant) is one :class:`DriftError`
whose text is one line saying why ("not compared: <why>"), never another exception.
"""

from __future__ import annotations

from typing import Any

from ...core.terminal import printable
from ...snapshot import document as snap
from .actors import ChangeActors
from .attribution import Attribution, events, log_window, time_of
from .objects import (
    Names,
    attribution_ids,
    diff,
    failure,
    get,
    label,
    objects_of,
    parent_state,
    problem,
    strip_ignored,
)
from .rules import APP_LEVEL, NOT_COMPARED, REMOVED_NOTES
from .words import describe, label_of

FORMAT = "okta-m365-audit/drift"
SCHEMA_VERSION = 1
REASON_LIMIT = 300  #: characters of a DriftError's text


class DriftError(ValueError):
    """The two snapshots cannot be compared (a malformed baseline, different tenants); the
    text is one line, safe for a terminal."""

    def __init__(self, reason: str):
        reason = printable(reason)
        if len(reason) > REASON_LIMIT:
            reason = reason[: REASON_LIMIT - 3] + "..."
        super().__init__(reason)


def compare(baseline: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """What changed from ``baseline`` to ``current`` (two snapshot documents of one tenant).

    DriftError when they cannot be compared; whatever the baseline holds, no other error."""
    for doc, side in ((baseline, "baseline"), (current, "current")):
        try:
            snap.validate(doc, side)
        except snap.SnapshotError as exc:
            raise DriftError(str(exc)) from None
    try:
        return _compare(baseline, current)
    except DriftError:
        raise
    except Exception as exc:  # defensive: a baseline no reader here foresaw is still said
        raise DriftError(
            f"the baseline could not be compared ({type(exc).__name__}: {exc})"
        ) from exc


def _side(doc: dict[str, Any]) -> dict[str, Any]:
    meta = doc["meta"]
    return {
        "tenant": meta.get("tenant"),
        "runId": meta.get("runId"),
        "collectedAt": meta.get("collectedAt"),
        "source": meta.get("source"),
        "sha256": snap.digest(doc),
    }


def _same_tenant(baseline: dict[str, Any], current: dict[str, Any]) -> list[str]:
    b, c = baseline["meta"], current["meta"]
    for what, path in (("Okta org", ("okta", "orgUrl")), ("M365 tenant", ("graph", "tenantId"))):
        old, new = get(b, *path), get(c, *path)
        if old and new and str(old).rstrip("/").lower() != str(new).rstrip("/").lower():
            raise DriftError(
                f"the baseline is of another {what} ({old}) than this run ({new}); "
                "drift compares two snapshots of the same tenant"
            )
    if b.get("tenant") != c.get("tenant"):
        return [f"the baseline was collected as tenant {b.get('tenant')!r}, this run as "
                f"{c.get('tenant')!r} (same Okta org and M365 tenant)"]  # fmt: skip
    return []


def _compare(baseline: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    notes = _same_tenant(baseline, current)
    since = time_of(baseline["meta"].get("collectedAt"))
    until = time_of(current["meta"].get("collectedAt"))
    if since and until and since > until:
        notes.append("the baseline was collected after this run; old and new are swapped?")

    names = Names.of(current, baseline)
    found, log_problems = events((("current", current), ("baseline", baseline)))
    attribution = Attribution(found, since)
    actors = ChangeActors(baseline, current, since)
    changes: list[dict[str, Any]] = []
    unreadable: list[str] = []

    for res in snap.RESOURCES:
        if (res.api, res.name) in NOT_COMPARED:
            continue  # events are not configuration: they say who (rules.NOT_COMPARED)
        old_entry = baseline[res.api].get(res.name)
        new_entry = current[res.api].get(res.name)
        if old_entry is None and new_entry is None:
            continue
        where = f"{res.api}.{res.name}"
        if old_entry is None or new_entry is None:
            side = "baseline" if old_entry is None else "current"
            unreadable.append(f"{where}: not comparable, not collected in the {side} snapshot")
            continue
        pairs: list[tuple[str | None, dict[str, Any] | None, dict[str, Any] | None]]
        if res.per_parent:
            keys = list(old_entry) + [k for k in new_entry if k not in old_entry]
            pairs = [(k, old_entry.get(k), new_entry.get(k)) for k in keys]
        else:
            pairs = [(None, old_entry, new_entry)]
        for parent, old, new in pairs:
            where_of = f"{where}[{parent}]" if parent is not None else where
            parent_label = names.parent(res.api, res.name, parent)
            if parent_label not in (None, parent):
                where_of += f" ({parent_label})"
            old_objs = _side_objects(res, old, parent, baseline, "baseline", where_of, unreadable)
            new_objs = _side_objects(res, new, parent, current, "current", where_of, unreadable)
            if old_objs is None or new_objs is None:
                continue
            changes += _compare_objects(res, parent, parent_label, old_objs, new_objs, names,
                                        (attribution, actors))  # fmt: skip

    window = log_window(current)
    covers = None
    if window and since:
        start = time_of(window["since"])
        covers = start is not None and start <= since
        if covers is False:
            notes.append(
                f"the current System Log window starts at {window['since']}, after the "
                f"baseline ({snap.iso_z(since)}): changes made in between cannot be attributed"
            )
    summary = {k: sum(1 for c in changes if c["kind"] == k) for k in ("added", "removed",
                                                                     "changed")}  # fmt: skip
    summary["unreadable"] = len(unreadable)
    return {
        "format": FORMAT,
        "schemaVersion": SCHEMA_VERSION,
        "baseline": _side(baseline),
        "current": _side(current),
        "summary": summary,
        "changes": changes,
        "unreadable": unreadable,
        "systemLog": {
            "events": len(found),
            "newEvents": len(attribution.events),
            "since": snap.iso_z(since) if since else None,
            "window": window,
            "coversBaseline": covers,
            "unreadable": log_problems,
        },
        "changeLogs": actors.summary(),
        "notes": notes,
    }


def _side_objects(
    res: snap.Resource,
    read: dict[str, Any] | None,
    parent: str | None,
    doc: dict[str, Any],
    side: str,
    where: str,
    unreadable: list[str],
) -> dict[str, dict[str, Any]] | None:
    """The objects of one side, or None (and a line in ``unreadable``) when not comparable."""
    if read is None:  # per-parent: this parent was not read on this side
        state = parent_state(doc, res.per or "", parent or "")
        if state == "absent":
            return {}  # its parent is gone (or new): its objects are removed (or added)
        why = (
            f"probed only in the {'baseline' if side == 'current' else 'current'} run"
            if res.per == "login"
            else f"not collected in the {side} snapshot"
        )
        unreadable.append(f"{where}: not comparable, {why}")
        return None
    if not read.get("ok"):
        unreadable.append(f"{where}: not comparable, the {side} read failed ({failure(read)})")
        return None
    wrong = problem(res, read)
    if wrong is not None:
        unreadable.append(f"{where}: not comparable, the {side} read failed ({wrong})")
        return None
    return objects_of(res, read, parent)


def _compare_objects(
    res: snap.Resource,
    parent: str | None,
    parent_label: str | None,
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    names: Names,
    who_from: tuple[Attribution, ChangeActors],
) -> list[dict[str, Any]]:
    attribution, actors = who_from
    out = []
    app_level = (res.api, res.name) in APP_LEVEL
    for key in list(old) + [k for k in new if k not in old]:
        before, after = old.get(key), new.get(key)
        b = strip_ignored(res.api, res.name, before) if before is not None else None
        a = strip_ignored(res.api, res.name, after) if after is not None else None
        if b is not None and a is not None:
            fields = diff(b, a)
            if not fields:
                continue
            kind = "changed"
        else:
            fields = []
            kind = "added" if b is None else "removed"
        obj = after if after is not None else before
        assert obj is not None
        ids = attribution_ids(res.api, res.name, obj, key, parent)
        if before is not None and after is not None:
            ids |= attribution_ids(res.api, res.name, before, key, parent)
        if app_level and parent is not None:
            ids.add(parent.lower())
        name = label_of(res.api, res.name, obj, key, parent_label, names.logins)
        if name is None:
            name = label(res.api, res.name, obj, key, parent_label, names)
        if actors.covers(res.api, res.name):  # issue 17's resources: their own change logs
            who, unknown = actors.who(res.api, res.name, ids | {(parent or "").lower()} - {""})
        else:
            who, unknown = attribution.who(ids, app_level), None
        change: dict[str, Any] = {
            "api": res.api,
            "resource": res.name,
            "parent": parent,
            "parentLabel": parent_label,
            "object": key,
            "label": name,
            "kind": kind,
            "fields": fields,
            "note": REMOVED_NOTES.get((res.api, res.name)) if kind == "removed" else None,
            "who": who,
            "actorUnknown": unknown,
        }
        if kind != "changed":
            change["value"] = a if a is not None else b
        change["summary"] = describe(res.api, res.name, kind, name, fields, change.get("value"))
        out.append(change)
    return out
