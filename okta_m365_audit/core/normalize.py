"""One way to compare the names the real world writes in many forms: DNS domain names and
sign-in names (logins, UPNs). Imported by every layer (configuration, views, checks), so
it imports nothing of the package.

Why: DNS names are case-insensitive and a fully qualified name may end in a dot (RFC 4343,
RFC 1034 section 3.1); Entra and Okta both treat a UPN or login case-insensitively (Entra:
"userPrincipalName ... is case insensitive", Microsoft Graph user resource; Okta: logins
are unique case-insensitively, Users API). So ``Contoso.COM.`` and ``contoso.com`` are the
same domain, ``Adele.Vance@Contoso.com`` and ``adele.vance@contoso.com`` the same person.
"""

from __future__ import annotations


def domain_name(value: object) -> str:
    """A domain name as compared: trimmed, lower case, without the root's trailing dot.

    >>> domain_name(" Contoso.COM. ")
    'contoso.com'
    """
    return str(value or "").strip().rstrip(".").lower()


def login(value: object) -> str:
    """A UPN or login as compared: trimmed, lower case, its domain part normalised.

    >>> login("Adele.Vance@Contoso.com.")
    'adele.vance@contoso.com'
    """
    text = str(value or "").strip()
    local, at, domain = text.rpartition("@")
    return f"{local.lower()}@{domain_name(domain)}" if at else text.lower()


def parents(domain: str) -> list[str]:
    """The domain and each parent domain above it, nearest first (no bare top-level).

    >>> parents("eu.sales.contoso.com")
    ['eu.sales.contoso.com', 'sales.contoso.com', 'contoso.com']
    """
    labels = domain_name(domain).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] or [domain_name(domain)]
