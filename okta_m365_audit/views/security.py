"""The Okta org's security baseline: ThreatInsight and the SSWS API tokens (ORG-07, ORG-08).

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
