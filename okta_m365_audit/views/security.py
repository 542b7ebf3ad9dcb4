"""The Okta org's security baseline: ThreatInsight, the SSWS API tokens and the super
administrators (ORG-07, ORG-08, ORG-06).

Super administrators: ``GET /api/v1/iam/assignees/users`` lists users with a role, ids only;
each one's roles (``GET /api/v1/users/{id}/roles``) say which, by USER or GROUP assignment.
Whether the assignee list includes users holding a role only through a group is not known
(no source found): the holders counted are "at least" these.

The tokens API has no last-used field. Okta extends a token's expiry by its ``tokenWindow``
at each use ("valid for 30 days from creation or last use", okta-developer-docs
create-an-api-token; the spec example ApiTokenListMetadataResponse has ``expiresAt`` =
``lastUpdated`` + ``tokenWindow``), so the last use is read as ``expiresAt - tokenWindow``:
an inference, which the evidence says.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from typing import Any

from ..catalog.resources import wrapped_items
from ..snapshot.document import parse_time
from .base import BaseView, DataUnavailable

#: ISO 8601 durations Okta writes (spec TimeDuration), without years or months: their length
#: depends on the calendar, so a window in them is "cannot tell", never a guess.
_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def duration(text: Any) -> dt.timedelta | None:
    """``P30D`` -> 30 days, ``PT5M`` -> 5 minutes; None when absent or not understood.

    >>> duration("P30D").days, duration("PT5M").seconds, duration("P1M")
    (30, 300, None)
    """
    m = _DURATION.match(text) if isinstance(text, str) and text not in ("P", "PT") else None
    if not m or text.endswith("T"):
        return None
    w, d, h, mi, s = (int(g or 0) for g in m.groups())
    return dt.timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=s)


def _time(text: Any) -> dt.datetime | None:
    try:
        t = parse_time(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return t if t is None or t.tzinfo else t.replace(tzinfo=dt.UTC)


class SecurityView(BaseView):
    @cached_property
    def threat_insight(self) -> dict[str, Any]:
        """``GET /api/v1/threats/configuration``.

        >>> tenant.threat_insight["action"]
        'block'
        """
        config = self.data("okta", "threatInsight")
        if not isinstance(config, dict):
            raise DataUnavailable("GET /api/v1/threats/configuration returned no object")
        return config

    @cached_property
    def api_token_standing(self) -> list[dict[str, Any]]:
        """Each API token with its owner's login and status and its inferred last use
        (``lastUsed`` None: cannot tell). An owner in neither Okta user read has status
        None.

        >>> [(t["name"], t["ownerStatus"], t["unusedDays"]) for t in tenant.api_token_standing]
        [('Legacy PowerShell reporting', 'ACTIVE', 2)]
        """
        tokens = self.data("okta", "apiTokens")
        if not isinstance(tokens, list):
            raise DataUnavailable("GET /api/v1/api-tokens returned no list")
        users = self.okta_by_id  # type: ignore[attr-defined]
        out = []
        for t in tokens:
            owner = users.get(t.get("userId")) or {}
            window = duration(t.get("tokenWindow"))
            expires = _time(t.get("expiresAt"))
            used = expires - window if expires and window is not None else None
            out.append(
                {
                    "id": t.get("id"),
                    "name": t.get("name"),
                    "userId": t.get("userId"),
                    "owner": (owner.get("profile") or {}).get("login"),
                    "ownerStatus": owner.get("status"),
                    "clientName": t.get("clientName"),
                    "created": t.get("created"),
                    "expiresAt": t.get("expiresAt"),
                    "tokenWindow": t.get("tokenWindow"),
                    "network": (t.get("network") or {}).get("connection"),
                    "lastUsed": used.isoformat() if used else None,
                    "unusedDays": (self.as_of - used).days if used else None,
                    "windowDays": window / dt.timedelta(days=1) if window is not None else None,
                }
            )
        return out

    @cached_property
    def super_admins(self) -> list[dict[str, Any]]:
        """Users holding an ACTIVE SUPER_ADMIN role, by a USER or a GROUP assignment, each
        with its Okta login and status (None: in neither Okta user read). A role without a
        readable ``type`` or ``status`` ERRORs: it could be a super admin.

        >>> [a["login"] for a in tenant.super_admins]
        ['isla.murphy@contoso.com', 'oliver.bennett@contoso.com']
        """
        body = self.data("okta", "oktaAdmins")
        users = self.okta_by_id  # type: ignore[attr-defined]
        out = []
        for assignee in wrapped_items(body):
            uid = assignee.get("id")
            if not isinstance(uid, str) or not uid:
                raise DataUnavailable(
                    "GET /api/v1/iam/assignees/users listed an admin without an id: cannot "
                    "read that admin's roles"
                )
            roles = self.data("okta", "oktaAdminRoles", uid)
            if not isinstance(roles, list):
                raise DataUnavailable(f"GET /api/v1/users/{uid}/roles returned no list")
            unclear = [r for r in roles if not isinstance(r, dict) or not r.get("type")]
            unclear += [
                r
                for r in roles
                if isinstance(r, dict)
                and r.get("type") == "SUPER_ADMIN"
                and r.get("status") not in ("ACTIVE", "INACTIVE")
            ]
            if unclear:
                raise DataUnavailable(
                    f"GET /api/v1/users/{uid}/roles returned role(s) without a readable type or "
                    f"status: {unclear[:3]!r}; cannot tell whether {uid} is a super admin"
                )
            held = [r for r in roles if r["type"] == "SUPER_ADMIN" and r["status"] == "ACTIVE"]
            if not held:
                continue
            user = users.get(uid) or {}
            out.append(
                {
                    "id": uid,
                    "login": (user.get("profile") or {}).get("login"),
                    "status": user.get("status"),
                    "assignmentType": sorted({str(r.get("assignmentType")) for r in held}),
                }
            )
        return sorted(out, key=lambda a: str(a["login"] or a["id"]))
