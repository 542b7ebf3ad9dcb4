"""Licences and writers once Okta provisions (PROV-05, PROV-06): whether the licences Okta
assigns land on the in-scope users, whether the declared subscriptions have seats left, and
whether Entra Connect still writes the users Okta now owns.

Field meanings, from microsoft-graph-docs-contrib api-reference/v1.0/resources/:
- ``licenseassignmentstate.md``: ``error`` is "Null" when the licence is assigned
  successfully, else one of CountViolation, MutuallyExclusiveViolation, DependencyViolation,
  ProhibitedInUsageLocationViolation, UniquenessViolation, Other; ``state`` one of Active,
  ActiveWithError, Disabled, Error; ``assignedByGroup`` null for a direct assignment (as
  Okta makes) or the group's id. Real answers are reported to carry the string ``"None"``
  for no error (unconfirmed), so null and ``"None"`` both count as no error and anything
  else as an error: an unknown value is never read as success.
- ``subscribedsku.md`` / ``licenseunitsdetail.md``: ``consumedUnits`` "the number of licenses
  that have been assigned"; ``prepaidUnits.enabled`` "the number of units that are enabled
  for the active subscription". Free seats are read as their difference (an inference from
  the two descriptions; the evidence shows both numbers). Units in ``warning`` (expired, in
  grace) or ``suspended`` are not counted as free: they cannot be relied on.
- ``user.md``: ``licenseAssignmentStates``, ``usageLocation`` and
  ``onPremisesLastSyncDateTime`` are returned only on ``$select`` (catalog GRAPH_USER_FIELDS
  asks for them); ``organization`` carries ``onPremisesSyncEnabled`` (null never synced,
  false off, true on) and ``onPremisesLastSyncDateTime``.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from ..catalog.scope import upn_of
from ..snapshot.document import parse_time
from .base import BaseView, DataUnavailable

#: ``licenseAssignmentState.error`` values that mean "assigned successfully": the documented
#: null, and the string real answers are reported to carry (unconfirmed)
NO_ERROR = (None, "None")
#: ``licenseAssignmentState.state`` values that are failures whatever ``error`` says
FAILED_STATES = ("Error", "ActiveWithError")


def graph_time(text: Any) -> dt.datetime | None:
    """A Graph DateTimeOffset (``2026-11-20T05:31:09Z``), or None when absent or unreadable."""
    try:
        t = parse_time(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return t if t is None or t.tzinfo else t.replace(tzinfo=dt.UTC)


class LicencesView(BaseView):
    # --- PROV-05: subscriptions ---

    @cached_property
    def subscribed_skus(self) -> list[dict[str, Any]]:
        """``GET /subscribedSkus``, each SKU with its free seats (None: cannot tell).

        >>> [(s["skuPartNumber"], s["freeSeats"]) for s in tenant.subscribed_skus]
        [('ENTERPRISEPACK', 8)]
        """
        out = []
        for s in self.data("graph", "subscribedSkus"):
            prepaid = s.get("prepaidUnits")
            enabled = prepaid.get("enabled") if isinstance(prepaid, dict) else None
            consumed = s.get("consumedUnits")
            known = all(isinstance(n, int) and not isinstance(n, bool) for n in (enabled, consumed))
            out.append(
                {
                    "skuId": s.get("skuId"),
                    "skuPartNumber": s.get("skuPartNumber"),
                    "capabilityStatus": s.get("capabilityStatus"),
                    "enabledUnits": enabled,
                    "consumedUnits": consumed,
                    "warningUnits": prepaid.get("warning") if isinstance(prepaid, dict) else None,
                    "suspendedUnits": prepaid.get("suspended")
                    if isinstance(prepaid, dict)
                    else None,
                    "freeSeats": enabled - consumed if known else None,  # type: ignore[operator]
                }
            )
        return out

    def subscribed_sku(self, sku: str) -> dict[str, Any] | None:
        """The SKU whose ``skuPartNumber`` or ``skuId`` is ``sku`` (any case); None if none.
        ERROR when none matches and a SKU came back without either: it could be the one."""
        want = sku.strip().lower()
        for s in self.subscribed_skus:
            if want in (str(s["skuPartNumber"]).lower(), str(s["skuId"]).lower()):
                return s
        unnamed = [s for s in self.subscribed_skus if not s["skuPartNumber"] or not s["skuId"]]
        if unnamed:
            raise DataUnavailable(
                f"GET /subscribedSkus returned {len(unnamed)} SKU(s) without skuPartNumber or "
                f"skuId; cannot tell whether {sku} is among them"
            )
        return None

    # --- PROV-05: assignments ---

    def licence_states(self, user: dict[str, Any]) -> list[dict[str, Any]]:
        """A user's ``licenseAssignmentStates``; ERROR when Graph did not return the list or
        a state lacks ``error`` or ``state``: a licence that did not land would pass
        unseen."""
        upn = user.get("userPrincipalName")
        states = user.get("licenseAssignmentStates")
        if not isinstance(states, list):
            raise DataUnavailable(
                f"GET /users did not return licenseAssignmentStates for {upn} (Graph returns it "
                "only on $select); cannot tell whether its licences landed"
            )
        for s in states:
            if not isinstance(s, dict) or "error" not in s or not isinstance(s.get("state"), str):
                raise DataUnavailable(
                    f"GET /users returned a licence assignment state of {upn} without error or "
                    f"state: {s!r}; cannot tell whether that licence landed"
                )
        return states

    def licence_errors(self) -> tuple[int, list[dict[str, Any]]]:
        """(in-scope users judged, their failed licence assignments). A failure: ``error``
        neither null nor "None", or ``state`` Error/ActiveWithError.

        >>> tenant.licence_errors()[1]
        []
        """
        users = self.in_scope_users  # type: ignore[attr-defined]
        failed = []
        for u in users:
            for s in self.licence_states(u):
                if s["error"] in NO_ERROR and s["state"] not in FAILED_STATES:
                    continue
                failed.append(
                    {
                        "upn": upn_of(u),
                        # the id, not its part number: the SKU list is PROV-05's other
                        # read, and these errors are judged without it
                        "skuId": s.get("skuId"),
                        "error": s["error"],
                        "state": s["state"],
                        "assignedByGroup": s.get("assignedByGroup"),
                        "usageLocation": u.get("usageLocation"),
                        "lastUpdatedDateTime": s.get("lastUpdatedDateTime"),
                    }
                )
        return len(users), failed

    # --- PROV-06: directory sync ---

    @cached_property
    def directory_sync(self) -> dict[str, Any]:
        """The organization's directory sync as read: flag and last sync time (the flag
        ERRORs when Graph did not return it: views.org.directory_sync_enabled).

        >>> tenant.directory_sync
        {'onPremisesSyncEnabled': None}
        """
        enabled = self.directory_sync_enabled  # type: ignore[attr-defined]
        if enabled is not True:  # off or never on: when it last ran decides nothing
            return {"onPremisesSyncEnabled": enabled}
        org = self.data("graph", "organization")[0]
        return {
            "onPremisesSyncEnabled": enabled,
            "onPremisesLastSyncDateTime": org.get("onPremisesLastSyncDateTime"),
        }

    def sync_stale_before(self) -> dt.datetime:
        """Syncs before this instant are old enough to show Entra Connect stopped."""
        days = self.cfg.expect.windows.directory_sync_stale_days
        return self.as_of - dt.timedelta(days=days)

    def recently_synced(self, enabled: Any, last_sync: Any, what: str) -> bool:
        """Whether directory sync still writes ``what``: its flag true and its last sync
        inside the window, or no readable last sync (on, and nothing shows it stopped)."""
        if enabled is not True:
            return False
        when = graph_time(last_sync)
        if last_sync is not None and when is None:
            raise DataUnavailable(f"{what}: onPremisesLastSyncDateTime {last_sync!r} unreadable")
        return when is None or when >= self.sync_stale_before()

    def users_still_synced(self) -> list[dict[str, Any]]:
        """In-scope users Entra Connect still writes (``onPremisesSyncEnabled`` true, last
        sync inside the window or unknown). Every in-scope user, not only those assigned to
        the app: Okta provisions them all by phase 4 (the IMP checks), and the judgment
        needs no assignment join that could leave a user out. ERROR when Graph did not
        return the flag for one of them."""
        out = []
        for u in self.in_scope_users:  # type: ignore[attr-defined]
            if "onPremisesSyncEnabled" not in u:
                raise DataUnavailable(
                    f"GET /users did not return onPremisesSyncEnabled for {upn_of(u)}; cannot "
                    "tell whether directory sync still writes it"
                )
            if u["onPremisesSyncEnabled"] is not True:
                continue
            last = u.get("onPremisesLastSyncDateTime")
            if self.recently_synced(True, last, upn_of(u)):
                out.append({"upn": upn_of(u), "onPremisesLastSyncDateTime": last})
        return out
