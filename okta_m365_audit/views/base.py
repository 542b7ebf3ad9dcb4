"""The base of every view: the snapshot's reads, and what happens when one failed."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from .. import snapshot as snap
from ..config import TenantConfig


class DataUnavailable(Exception):
    """What a check needs could not be read; the check must ERROR, not pass or fail."""


def describe_read(read: dict[str, Any]) -> str:
    err = read.get("error") or {}
    status = read.get("status")
    what = err.get("message") or f"HTTP {status}"
    needs = f"; needs {err['needs']}" if err.get("needs") and err["needs"] not in what else ""
    request = urllib.parse.unquote(str(read.get("request")))  # readable: filter="..."
    return f"{request} -> {status or 'no answer'}: {what}{needs}"


def app_settings(app: dict[str, Any]) -> dict[str, Any]:
    """An Okta app's ``settings.app`` ({} when absent or null)."""
    settings = (app.get("settings") or {}).get("app")
    return settings if isinstance(settings, dict) else {}


class BaseView:
    """One tenant's snapshot, read through its expectations (see TenantView)."""

    def __init__(self, cfg: TenantConfig, doc: dict[str, Any]):
        self.cfg = cfg
        self.doc = doc

    def __repr__(self) -> str:
        return f"<tenant {self.cfg.name}>"

    # --- raw reads ---

    def read(self, api: str, name: str, key: str | None = None) -> dict[str, Any]:
        """The Read record of a resource (per-parent resources need the parent id)."""
        entry = self.doc[api].get(name)
        if snap.resource(api, name).per_parent and entry is not None:
            entry = entry.get(key)
        if entry is None:
            where = f"{api}.{name}" + (f"[{key}]" if key else "")
            raise DataUnavailable(f"{where} was not collected")
        return entry

    def reads(self, api: str, name: str) -> list[dict[str, Any]]:
        """Every Read of a resource: one, or one per parent for per-parent resources."""
        entry = self.doc[api].get(name)
        if entry is None:
            return []
        return list(entry.values()) if snap.resource(api, name).per_parent else [entry]

    def data(self, api: str, name: str, key: str | None = None) -> Any:
        """The payload of a successful read; DataUnavailable with the cause otherwise."""
        r = self.read(api, name, key)
        if not r["ok"]:
            raise DataUnavailable(describe_read(r))
        return r["data"]

    @property
    def as_of(self) -> dt.datetime:
        return snap.parse_time(self.doc["meta"]["collectedAt"])
