"""The collector's reads of the Okta org's admin baseline: the Admin Console app, then the
rules of its policy (ORG-05); the rules of each Office 365 instance's policy (FED-10); the
users holding admin roles, then each one's roles (ORG-06).

An app names its policy only by link (``_links.accessPolicy.href``); no list returns the
rules of several policies, so the rules are one read per policy, each policy once even when
several instances share it (catalog.resources.access_policy_ids).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from ..catalog.resources import access_policy_ids, wrapped_items


class _Collector(Protocol):
    doc: dict[str, Any]

    async def _read(self, api: str, name: str, key: str | None = None) -> None: ...


async def read_admin_console(c: _Collector) -> None:
    await c._read("okta", "adminConsoleApp")
    await _rules(c, "adminConsoleApp", "adminConsolePolicyRules")


async def read_office365_policies(c: _Collector) -> None:
    """After the Office 365 app list: each instance's policy rules."""
    await _rules(c, "office365Apps", "office365PolicyRules")


async def _rules(c: _Collector, apps: str, rules: str) -> None:
    read = c.doc["okta"].get(apps) or {}
    ids = access_policy_ids(read.get("data")) if read.get("ok") else []
    await asyncio.gather(*(c._read("okta", rules, p) for p in ids))


async def read_okta_admins(c: _Collector) -> None:
    """The admins (ids only), then each one's roles: one read per admin, as no list
    carries the role types (spec RoleAssignedUser: id, orn, _links)."""
    await c._read("okta", "oktaAdmins")
    read = c.doc["okta"].get("oktaAdmins") or {}
    users = wrapped_items(read.get("data")) if read.get("ok") else []
    ids = dict.fromkeys(u["id"] for u in users if isinstance(u.get("id"), str))
    await asyncio.gather(*(c._read("okta", "oktaAdminRoles", i) for i in ids))
