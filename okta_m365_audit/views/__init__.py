"""Typed, read-only views over a snapshot, so each check stays a sentence.

A view never guesses: a read that failed raises ``DataUnavailable`` naming the endpoint,
the status and the scope or permission it needs (the check then ERRORs), and a field the
API omitted is ``None`` ("cannot tell"), never False. One mixin per area keeps each module
small; ``TenantView`` is what the checks receive as ``tenant``.

May import: core, config, catalog, clients (``endpoints``), snapshot (layers 0-4); never
session, outputs or the plugin.
"""

from __future__ import annotations

from .base import BaseView, DataUnavailable, describe_read
from .certificates import Certificate, cert_summary
from .credentials import CredentialsView
from .directory import DirectoryView, Person, domain_of, is_guest
from .federation import FederationView
from .guards import GuardsView
from .instances import InstancesView, WsFedUri, parse_wsfed_uri
from .licences import LicencesView
from .org import OrgView
from .people import PeopleView
from .policies import PolicyView
from .provisioning import ProvisioningView
from .roles import GlobalAdmins, RolesView
from .security import SecurityView
from .sign_ins import SignInsView
from .stale_credentials import StaleCredentialsView


class TenantView(
    DirectoryView,
    PeopleView,
    RolesView,
    OrgView,
    SecurityView,
    PolicyView,
    GuardsView,
    SignInsView,
    StaleCredentialsView,
    LicencesView,
    ProvisioningView,
    CredentialsView,
    InstancesView,
    FederationView,
    BaseView,
):
    """One tenant's snapshot, read through its expectations.

    >>> tenant.office365_app["signOnMode"]
    'SAML_1_1'
    >>> [p.upn for p in tenant.people][:1]
    ['adele.vance@contoso.com']
    """


__all__ = [
    "BaseView",
    "Certificate",
    "DataUnavailable",
    "GlobalAdmins",
    "Person",
    "TenantView",
    "WsFedUri",
    "cert_summary",
    "describe_read",
    "domain_of",
    "is_guest",
    "parse_wsfed_uri",
]
