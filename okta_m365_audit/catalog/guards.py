"""Who the Entra guards protect and which groups their reads follow (ESS-06, FED-12), shared
by the collector (what to read) and the views (what to judge).

- **Break-glass accounts** are the tenant file's ``excluded_accounts`` but the
  ``service_account``: the file lists both together (ESS-03 keeps all of them out of Okta),
  and ESS-05 counts the same people as break-glass.
- The groups whose members FED-12 reads are those an *enabled* Conditional Access policy
  excludes (``conditions.users.excludeGroups``): a disabled or report-only policy enforces
  nothing, so whom it excludes cannot weaken a block.

Conditional Access field names and values: microsoft-graph-docs-contrib api-reference/v1.0/
resources/conditionalaccesspolicy.md, conditionalaccessusers.md,
conditionalaccessconditionset.md. Imports nothing of the package but core.
"""

from __future__ import annotations

from typing import Any

from ..core.normalize import login

#: ``conditionalAccessPolicy.state`` of a policy Entra enforces (the others: ``disabled``,
#: ``enabledForReportingButNotEnforced``)
ENABLED = "enabled"


def break_glass_logins(excluded_accounts: Any, service_account: Any) -> list[str]:
    """The break-glass accounts' logins (lower-case), sorted: excluded accounts but the
    service account."""
    service = login(service_account)
    return sorted({login(a) for a in excluded_accounts or ()} - {service, ""})


def policy_users(policy: Any) -> dict[str, Any] | None:
    """A policy's ``conditions.users``, or None when Graph returned none (cannot judge)."""
    conditions = policy.get("conditions") if isinstance(policy, dict) else None
    users = conditions.get("users") if isinstance(conditions, dict) else None
    return users if isinstance(users, dict) else None


def ids_in(users: dict[str, Any] | None, key: str) -> list[str]:
    """The string ids (or keywords: All, None, GuestsOrExternalUsers) of one users field."""
    values = users.get(key) if isinstance(users, dict) else None
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def excluded_group_ids(policies: Any) -> list[str]:
    """Ids of the groups enabled policies exclude, each once, in order: whose members
    FED-12 reads (caExcludedGroupMembers)."""
    out: list[str] = []
    for p in policies if isinstance(policies, list) else []:
        if isinstance(p, dict) and p.get("state") == ENABLED:
            for gid in ids_in(policy_users(p), "excludeGroups"):
                if gid not in out:
                    out.append(gid)
    return out
