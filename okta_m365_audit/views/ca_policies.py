"""One Conditional Access policy judged on its own, for the Entra guards (views/guards.py):
whether Graph returned every field they judge, its state, the grant controls that can
refuse a sign-in, whether it applies to some sign-in (ESS-06) and what narrows it to some
sign-ins only (FED-12).

Each errs the way its check cannot false-pass: ESS-06 counts a policy as able to lock a
break-glass account out whenever some app, user action, authentication context, unknown
applications field or include-mode application filter can bring a sign-in under it;
FED-12 counts any application filter (either mode), user action, authentication context or
unknown condition as narrowing a block. Field names: microsoft-graph-docs-contrib
api-reference/v1.0/resources/conditionalaccesspolicy.md, conditionalaccessconditionset.md,
conditionalaccessusers.md, conditionalaccessfilter.md and (beta)
conditionalaccessapplications.md.
"""

from __future__ import annotations

from typing import Any

from ..catalog.guards import ENABLED
from .base import DataUnavailable

#: conditions judged on their own (applications: the lists apart, _app_narrowing the rest)
_WHO_AND_WHAT = ("users", "applications", "clientAppTypes")
_APP_LISTS = ("includeApplications", "excludeApplications")
STATES = (ENABLED, "disabled", "enabledForReportingButNotEnforced")
_USER_LISTS = tuple(f"{side}{what}" for side in ("include", "exclude")
                    for what in ("Users", "Groups", "Roles"))  # fmt: skip
_GRANT_LISTS = ("builtInControls", "customAuthenticationFactors", "termsOfUse")


def checked(policy: dict[str, Any], *extra: str) -> dict[str, Any]:
    """The policy, once every field the guards judge is there (Graph returns each, empty or
    null when unused); DataUnavailable naming the first one missing: judging without it
    could read "applies to nobody" or "no control" where the policy says otherwise.
    ``extra``: further fields of ``conditions`` that must be lists (FED-12's clientAppTypes).
    A null ``grantControls`` is a policy with session controls only; an absent one is not."""
    name = repr(policy.get("displayName") or policy.get("id"))

    def missing(field: str) -> DataUnavailable:
        return DataUnavailable(
            f"GET /identity/conditionalAccess/policies returned the policy {name} without "
            f"{field}: cannot tell whom it applies to or what it requires"
        )

    if policy.get("state") not in STATES:
        raise missing(f"a known state (state: {policy.get('state')!r})")
    conditions = policy.get("conditions")
    if not isinstance(conditions, dict):
        raise missing("conditions")
    users, apps = conditions.get("users"), conditions.get("applications")
    if not isinstance(users, dict):
        raise missing("conditions.users")
    for key in _USER_LISTS:
        if not isinstance(users.get(key), list):
            raise missing(f"conditions.users.{key}")
    for key in ("includeGuestsOrExternalUsers", "excludeGuestsOrExternalUsers"):
        if key not in users:
            raise missing(f"conditions.users.{key}")
    if not isinstance(apps, dict):
        raise missing("conditions.applications")
    for key in ("includeApplications", "excludeApplications"):
        if not isinstance(apps.get(key), list):
            raise missing(f"conditions.applications.{key}")
    for key in extra:
        if not isinstance(conditions.get(key), list):
            raise missing(f"conditions.{key}")
    if "grantControls" not in policy:
        raise missing("grantControls")
    grant = policy["grantControls"]
    if grant is not None and not isinstance(grant, dict):
        raise missing("grantControls")
    for key in _GRANT_LISTS if grant is not None else ():
        if not isinstance(grant.get(key), list):
            raise missing(f"grantControls.{key}")
    return policy


def lockout_controls(policy: dict[str, Any]) -> list[str]:
    """The grant controls that can refuse a sign-in ([] for a session-only policy)."""
    grant = policy.get("grantControls")
    if not isinstance(grant, dict):
        return []
    out = [c for c in grant.get("builtInControls") or [] if isinstance(c, str)]
    out += [f"custom factor {c}" for c in grant.get("customAuthenticationFactors") or []]
    out += [f"terms of use {t}" for t in grant.get("termsOfUse") or []]
    if grant.get("authenticationStrength"):
        out.append("authentication strength")
    return out


def policy_apps(policy: dict[str, Any]) -> dict[str, Any]:
    apps = (policy.get("conditions") or {}).get("applications")
    return apps if isinstance(apps, dict) else {}


def _app_extras(apps: dict[str, Any]) -> dict[str, Any]:
    """The non-empty fields of conditions.applications beyond include/excludeApplications:
    ``applicationFilter`` ("Filter that defines the dynamic-application-syntax rule to
    include/exclude cloud applications"; a conditionalAccessFilter: "mode ... Possible
    values are `include` or `exclude`", and a ``rule``), ``includeUserActions`` ("User
    actions to include"), ``includeAuthenticationContextClassReferences`` ("Authentication
    context class references include. Supported values are `c1` through `c25`"), or one
    this module does not know. Sources: microsoft-graph-docs-contrib api-reference/beta/
    resources/conditionalaccessapplications.md (its 2024 text lists all three) and
    v1.0/resources/conditionalaccessfilter.md; learn.microsoft.com/graph/api/resources/
    conditionalaccessapplications?view=graph-rest-1.0 lists applicationFilter in v1.0."""
    known = (*_APP_LISTS, "@odata.type")
    return {k: v for k, v in apps.items() if k not in known and v not in (None, [], {})}


def targets_something(policy: dict[str, Any]) -> bool:
    """Whether the policy applies to some sign-in (ESS-06): an app other than None, or any
    applications field that can add one (a user action, an authentication context, an
    unknown field, a filter unless in exclude mode: an include filter picks apps of its own,
    a malformed one cannot be told). Erring this way, a policy that could refuse a
    break-glass account for some app is never passed over."""
    apps = policy_apps(policy)
    included = [a for a in apps.get("includeApplications") or [] if a != "None"]
    extras = _app_extras(apps)
    app_filter = extras.pop("applicationFilter", None)
    if isinstance(app_filter, dict) and app_filter.get("mode") == "exclude":
        app_filter = None  # leaves matching apps out of includeApplications: adds none
    return bool(included or extras or app_filter is not None)


def _app_narrowing(apps: dict[str, Any]) -> list[str]:
    """FED-12: what in conditions.applications makes a policy on All applications cover
    less than every sign-in. A filter narrows in either mode (exclude: the matching apps are
    left out; include: only they are in), user actions and authentication contexts target
    actions rather than every app, and an unknown field may narrow."""
    out = []
    for key, value in _app_extras(apps).items():
        if key == "applicationFilter" and isinstance(value, dict):
            key += f" (mode {value.get('mode')!r}, rule {value.get('rule')!r})"
        elif isinstance(value, list):
            key += f" ({', '.join(map(str, value))})"
        out.append(f"applications.{key}")
    return out


def narrowing(policy: dict[str, Any]) -> list[str]:
    """The conditions that restrict a policy to some sign-ins only (locations, platforms,
    risk, devices, an application filter...): any non-empty condition beyond users, the
    application lists and client apps, but "all locations" or "all platforms" with nothing
    excluded. An unknown condition narrows too: a block whose reach cannot be told is no
    proof."""
    conditions = policy.get("conditions") or {}
    out = _app_narrowing(policy_apps(policy))
    for key, value in conditions.items():
        if key in _WHO_AND_WHAT or value in (None, [], {}):
            continue
        if (
            key == "locations"
            and value.get("includeLocations") == ["All"]
            and not value.get("excludeLocations")
        ):
            continue
        if (
            key == "platforms"
            and value.get("includePlatforms") == ["all"]
            and not value.get("excludePlatforms")
        ):
            continue
        out.append(key)
    return out


def checked_state(policy: dict[str, Any]) -> str:
    state = policy.get("state")
    if state not in STATES:
        raise DataUnavailable(
            f"GET /identity/conditionalAccess/policies returned the policy "
            f"{policy.get('displayName') or policy.get('id')!r} without a known state "
            f"(state: {state!r}): cannot tell whether it is enforced"
        )
    return state
