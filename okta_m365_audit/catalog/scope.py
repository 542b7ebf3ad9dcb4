"""Who the integration is for: the M365 users that sign in through Okta once their domain is
federated (PREP-04, the IMP checks, and FED-09's home-realm samples).

In scope: every enabled member user whose UPN is on a domain to federate (or a child of
one), not an excluded account, licensed or not. Every user of a federated domain
authenticates through Okta, so every enabled user on it needs an Okta account and an
assignment, whatever its licences (api-facts.md, Corrections: support.okta.com "All Office
365 users are being authenticated with Okta in a federated domain"). Licence state is
evidence only.

UPNs and logins compare case-insensitively: Entra UPNs are case-insensitive, and so are Okta
logins (IMP-01).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..core.normalize import domain_name, login, parents


def upn_of(user: dict[str, Any]) -> str:
    """The user's UPN as compared (normalize.login; '' when Graph returned none)."""
    return login(user.get("userPrincipalName"))


def domain_of(upn: str | None) -> str:
    return domain_name((upn or "").rsplit("@", 1)[-1])


def is_guest(user: dict[str, Any]) -> bool:
    """A B2B guest: ``userType`` Guest, or an ``#EXT#`` UPN (a guest's UPN on this tenant)."""
    return user.get("userType") == "Guest" or "#ext#" in upn_of(user)


def sign_in_through(domain: str, roots: Collection[str]) -> list[str]:
    """The names a domain's sign-in goes through, nearest first: a root domain (one of
    ``roots``, the domains Entra says are roots) only itself; any other, itself and its
    parents (a child domain follows its root).

    >>> sign_in_through("eu.contoso.com", {"contoso.com"})
    ['eu.contoso.com', 'contoso.com']
    """
    name = domain_name(domain)
    return [name] if name in roots else parents(name)


def in_scope(
    user: dict[str, Any],
    domains: Collection[str],
    excluded: Collection[str],
    roots: Collection[str] = (),
) -> bool | None:
    """True when the Entra user is in scope, False when it is not, None when Graph did not
    say whether the account is enabled (cannot tell: the caller ERRORs or leaves it out).

    ``domains`` and ``excluded`` are lower-case (the tenant file's loader normalizes them).
    Guests (``userType`` Guest, or an ``#EXT#`` UPN) are not members. A ``userType`` Graph
    did not return keeps the user in (the stricter reading: judged, never silently dropped).
    ``roots``: the domains Entra says are root domains (``isRoot`` true); a UPN on one of
    them signs in through that domain alone (a subdomain promoted to a root keeps its own
    sign-in: Graph ``domain: promote``), so it is in scope only when that domain is declared.

    >>> in_scope({"userPrincipalName": "A@Contoso.com", "accountEnabled": True,
    ...           "userType": "Member", "assignedLicenses": []}, {"contoso.com"}, ())
    True
    >>> in_scope({"userPrincipalName": "a@contoso.com"}, {"contoso.com"}, ()) is None
    True
    """
    upn = upn_of(user)
    # a child domain (eu.contoso.com) follows its root's federation (support.okta.com "How
    # to federate multiple domains using the Okta UI"): its users sign in through Okta too
    if not set(sign_in_through(domain_of(upn), roots)) & set(domains) or upn in excluded:
        return False
    if is_guest(user):
        return False
    enabled = user.get("accountEnabled")
    if enabled is None:
        return None
    return enabled is True
