"""The base of every view: the snapshot's reads, and what happens when one failed.

A read counts as failed when it was refused or broke off, and also when it is recorded
``ok`` but its ``data`` cannot be what its resource returns (``{}`` or ``"x"`` where a list
of objects is expected, snapshot.data_problem): a snapshot is untrusted, and such a read
taken as "no objects" would make its checks pass. Every view reads through :meth:`read`
and :meth:`reads`, which hand out such a read as failed, so the checks that need it ERROR
(and ACCESS-02/04, which judge the reads themselves, fail with the cause)."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from ..config import TenantConfig
from ..snapshot import document as snap


class DataUnavailable(Exception):
    """What a check needs could not be read; the check must ERROR, not pass or fail."""


def describe_read(read: dict[str, Any]) -> str:
    err = read.get("error") or {}
    status = read.get("status")
    what = str(err.get("message") or f"HTTP {status}")  # verbatim from the API: any type
    hint = snap.needs_hint(read)
    needs = f"; needs {hint}" if hint and hint not in what else ""
    request = urllib.parse.unquote(str(read.get("request")))  # readable: filter="..."
    return f"{request} -> {status or 'no answer'}: {what}{needs}"


def app_settings(app: dict[str, Any]) -> dict[str, Any]:
    """An Okta app's ``settings.app`` ({} when absent or null)."""
    settings = (app.get("settings") or {}).get("app")
    return settings if isinstance(settings, dict) else {}


def app_id_of(app: dict[str, Any]) -> str:
    """An Okta app's ``id``, the key of its per-instance reads (keys, users, features,
    connection, logs); ERROR naming the field when Okta returned none (spec ``Application.id``:
    "Unique ID for the app instance", read-only: nothing else keys those reads)."""
    app_id = app.get("id")
    if not isinstance(app_id, str) or not app_id:
        raise DataUnavailable(
            f"the Okta app {app.get('label')!r} ({app.get('name')}) has no id (GET /api/v1/apps "
            "did not return it); its keys, users and features cannot be read by it"
        )
    return app_id


class BaseView:
    """One tenant's snapshot, read through its expectations (see TenantView)."""

    def __init__(self, cfg: TenantConfig, doc: dict[str, Any]):
        self.cfg = cfg
        self.doc = doc
        #: (api, name, key) -> (the read, as judged): judging a 100k-item list is not free
        self._judged: dict[tuple[str, str, str | None], tuple[dict, dict]] = {}

    def __repr__(self) -> str:
        return f"<tenant {self.cfg.name}>"

    # --- raw reads ---

    def read(self, api: str, name: str, key: str | None = None) -> dict[str, Any]:
        """The Read record of a resource (per-parent resources need the parent id), as
        judged: one whose data has the wrong type comes back failed (``ok`` False)."""
        res = snap.resource(api, name)
        entry = self.doc[api].get(name)
        if res.per_parent and entry is not None:
            entry = entry.get(key)
        if entry is None:
            where = f"{api}.{name}" + (f"[{key}]" if key else "")
            raise DataUnavailable(f"{where} was not collected")
        return self._judge(res, key, entry)

    def reads(self, api: str, name: str) -> list[dict[str, Any]]:
        """Every Read of a resource, as judged: one, or one per parent for per-parent
        resources."""
        res = snap.resource(api, name)
        entry = self.doc[api].get(name)
        if entry is None:
            return []
        if res.per_parent:
            return [self._judge(res, key, read) for key, read in entry.items()]
        return [self._judge(res, None, entry)]

    def _judge(self, res: snap.Resource, key: str | None, read: dict[str, Any]) -> dict[str, Any]:
        """``read``, or a failed copy of it when its data cannot be what ``res`` returns."""
        cached = self._judged.get((res.api, res.name, key))
        if cached is not None and cached[0] is read:
            return cached[1]
        judged = read
        problem = snap.data_problem(res, read)
        if problem is not None:
            error = {"status": read.get("status"), "code": None, "message": problem}
            judged = {**read, "ok": False, "error": error}
        self._judged[(res.api, res.name, key)] = (read, judged)
        return judged

    def data(self, api: str, name: str, key: str | None = None) -> Any:
        """The payload of a successful read; DataUnavailable with the cause otherwise."""
        r = self.read(api, name, key)
        if not r["ok"]:
            raise DataUnavailable(describe_read(r))
        return r["data"]

    @property
    def as_of(self) -> dt.datetime:
        return snap.parse_time(self.doc["meta"]["collectedAt"])


def require_field(items: list[dict[str, Any]], field: str, request: str, why: str) -> list:
    """The objects of a read, or DataUnavailable naming the field when any object lacks it:
    leaving such an object out would judge the rest as if it did not exist (field sweep)."""
    lacking = [str(i.get("id")) for i in items if not i.get(field)]
    if lacking:
        raise DataUnavailable(
            f"{request} returned {len(lacking)} object(s) without {field} "
            f"({', '.join(lacking[:5])}); {why}"
        )
    return items
