"""The in-scope people's immutable IDs and licences (PREP-04, the IMP reconciliation).

Immutable IDs are compared exactly: ``onPremisesImmutableId`` is a base64 (or Okta id)
string, and case matters in base64. UPNs and logins compare case-insensitively.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ..catalog.scope import upn_of
from ..core.normalize import login
from .base import BaseView, DataUnavailable

#: The runbook phase from which a cloud-only tenant's users must hold an immutable ID: for
#: cloud-only tenants Okta writes it when it assigns or provisions (api-facts.md,
#: Corrections, "Immutable ID": support.okta.com "handling immutable id issues"), so the
#: presence test is due with provisioning (CATALOG.md PREP-04).
CLOUD_ONLY_IMMUTABLE_ID_PHASE = 4


class PeopleView(BaseView):
    # --- what kind of tenant: where immutable IDs come from ---

    @cached_property
    def cloud_only_tenant(self) -> bool:
        """Neither an on-premises AD declared in the tenant file nor Entra directory sync on
        (``organization.onPremisesSyncEnabled`` true). Either sign of AD means the users'
        immutable IDs come from AD (objectGUID) and must be there now; only when both say
        "no AD" does Okta write them at provisioning. The careful reading: deferring the
        presence test is the lenient choice, so it needs both. Disagreement between the two
        is ORG-02's finding. ERROR when no AD is declared and Entra's answer cannot be read.

        >>> tenant.cloud_only_tenant
        False
        """
        if self.cfg.expect.on_prem_ad is not None:
            return False
        return self.directory_sync_enabled is not True  # type: ignore[attr-defined]

    def immutable_id_presence_not_due(self) -> str | None:
        """Why PREP-04's presence test is not yet due (a cloud-only tenant before phase 4,
        where Okta has not written the IDs yet), or None when it is due.

        >>> tenant.immutable_id_presence_not_due() is None
        True
        """
        phase = self.cfg.expect.phase
        if phase >= CLOUD_ONLY_IMMUTABLE_ID_PHASE or not self.cloud_only_tenant:
            return None
        return (
            f"not yet due in phase {phase}: in a cloud-only tenant (no on_prem_ad declared, "
            "Entra directory sync not on) Okta writes onPremisesImmutableId when it "
            f"provisions; the presence test applies from phase {CLOUD_ONLY_IMMUTABLE_ID_PHASE}"
        )

    # --- what Okta sends: the app users' immutable IDs ---

    def sent_immutable_id(self, app_user: dict[str, Any]) -> str | None:
        """``profile.immutableId`` of an Office 365 app user: the value Okta sends at
        sign-in (api-facts.md, Corrections, "Immutable ID"). None when the profile carries
        none; ERROR when Okta returned the app user without a profile (cannot tell)."""
        profile = app_user.get("profile")
        if not isinstance(profile, dict):
            raise DataUnavailable(
                f"GET /apps/{self.app_id}/users returned app user {app_user.get('id')} "  # type: ignore[attr-defined]
                "without a profile; cannot tell which immutable ID Okta sends"
            )
        return profile.get("immutableId") or None

    @cached_property
    def app_users_by_sent_immutable_id(self) -> dict[str, list[dict[str, Any]]]:
        """Immutable ID -> the Okta users (app users, one per Okta user id) Okta sends it
        for. One Okta user assigned to two instances of the tenant's app is one person,
        counted once. App users with no profile are left out here
        (``app_users_without_profile`` names them)."""
        holders: dict[str, dict[str, dict[str, Any]]] = {}
        for a in self.app_users:  # type: ignore[attr-defined]
            if isinstance(a.get("profile"), dict) and (value := self.sent_immutable_id(a)):
                holders.setdefault(value, {}).setdefault(str(a.get("id") or id(a)), a)
        return {value: list(users.values()) for value, users in holders.items()}

    @property
    def app_users_without_profile(self) -> list[str]:
        return [
            str(a.get("id"))
            for a in self.app_users  # type: ignore[attr-defined]
            if not isinstance(a.get("profile"), dict)
        ]

    def shared_sent_immutable_ids(self) -> dict[str, list[str]]:
        """Immutable IDs that Okta sends for more than one app user -> those app users
        (their userName, else their id). Two users sent one ID sign in as one M365 user.

        >>> tenant.shared_sent_immutable_ids()
        {}
        """
        return {
            value: [str((a.get("credentials") or {}).get("userName") or a.get("id")) for a in users]
            for value, users in self.app_users_by_sent_immutable_id.items()
            if len(users) > 1
        }

    # --- licences (IMP evidence only) ---

    def unlicensed_in_scope(self) -> list[str]:
        """UPNs of in-scope users with no licence (``assignedLicenses`` empty): evidence
        only, as they sign in through Okta all the same (scope.in_scope). ERROR (for the
        evidence, never the verdict) when Graph did not return the field.

        >>> tenant.unlicensed_in_scope()
        ['theo.morgan@contoso.com']
        """
        users = self.in_scope_users  # type: ignore[attr-defined]
        unknown = [upn_of(u) for u in users if not isinstance(u.get("assignedLicenses"), list)]
        if unknown:
            raise DataUnavailable(
                f"GET /users did not return assignedLicenses for {len(unknown)} user(s)"
            )
        return [upn_of(u) for u in users if not u["assignedLicenses"]]

    # --- usernames (PREP-05) ---

    def username_mismatches(self) -> tuple[int, list[dict[str, Any]]]:
        """How many assignments have an Entra user (by externalId, else by userName), and
        those whose ``credentials.userName`` is not that user's UPN (case-insensitive).

        >>> tenant.username_mismatches()[1]
        []
        """
        judged, wrong = 0, []
        for a in self.app_users:  # type: ignore[attr-defined]
            entra = self.entra_user_of(a)  # type: ignore[attr-defined]
            if entra is None:
                continue
            judged += 1
            user_name = (a.get("credentials") or {}).get("userName")
            if login(user_name) != upn_of(entra):
                wrong.append(
                    {
                        "userName": user_name,
                        "upn": entra.get("userPrincipalName"),
                        "externalId": a.get("externalId"),
                        "okta user id": a.get("id"),
                    }
                )
        return judged, wrong
