"""Home-realm discovery: Microsoft's public getuserrealm.srf answers for the tenant's logins
(federated for the federated domains, managed otherwise)."""

from __future__ import annotations

from typing import Any

from .facts import CUSTOM_DOMAIN, FEDERATED_DOMAINS, WSFED_KEY


def user_realm(login: str) -> dict[str, Any]:
    """Microsoft's public getuserrealm.srf answer (json=1) for a login of the tenant."""
    domain = login.rsplit("@", 1)[1]
    cloud = {"CloudInstanceName": "microsoftonline.com",
             "CloudInstanceIssuerUri": "urn:federation:MicrosoftOnline"}  # fmt: skip
    if domain in FEDERATED_DOMAINS:
        passive = f"https://{CUSTOM_DOMAIN}/app/office365/{WSFED_KEY}/sso/wsfed/passive"
        auth = (f"{passive}?username={login.replace('@', '%40')}&wa=wsignin1.0"
                "&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=")  # fmt: skip
        return {"State": 3, "UserState": 2, "Login": login, "NameSpaceType": "Federated",
                "DomainName": domain, "FederationGlobalVersion": -1, "AuthURL": auth,
                "FederationBrandName": "Contoso Demo", "AuthNForwardType": 1} | cloud  # fmt: skip
    return {"State": 4, "UserState": 1, "Login": login, "NameSpaceType": "Managed",
            "DomainName": domain, "FederationBrandName": "Contoso Demo"} | cloud  # fmt: skip
