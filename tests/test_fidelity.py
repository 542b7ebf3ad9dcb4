"""Fidelity of the demo tenant to the real Graph schema: every Graph object in the golden
snapshot deserializes into its msgraph-sdk model with nothing left over.

A field the emulator invents (or misspells) would let a check pass on data the real
service never sends; the SDK's generated models are the schema that catches it.
"""

from __future__ import annotations

from typing import Any

import pytest
from kiota_abstractions.serialization import Parsable
from kiota_serialization_json.json_parse_node import JsonParseNode
from msgraph.generated.models.app_role_assignment import AppRoleAssignment
from msgraph.generated.models.conditional_access_policy import ConditionalAccessPolicy
from msgraph.generated.models.directory_audit import DirectoryAudit
from msgraph.generated.models.directory_object import DirectoryObject
from msgraph.generated.models.directory_role import DirectoryRole
from msgraph.generated.models.domain import Domain
from msgraph.generated.models.group import Group
from msgraph.generated.models.identity_security_defaults_enforcement_policy import (
    IdentitySecurityDefaultsEnforcementPolicy,
)
from msgraph.generated.models.internal_domain_federation import InternalDomainFederation
from msgraph.generated.models.o_auth2_permission_grant import OAuth2PermissionGrant
from msgraph.generated.models.organization import Organization
from msgraph.generated.models.saml_or_ws_fed_provider import SamlOrWsFedProvider
from msgraph.generated.models.service_principal import ServicePrincipal
from msgraph.generated.models.sign_in import SignIn
from msgraph.generated.models.subscribed_sku import SubscribedSku
from msgraph.generated.models.unified_role_assignment import UnifiedRoleAssignment
from msgraph.generated.models.unified_role_eligibility_schedule import (
    UnifiedRoleEligibilitySchedule,
)
from msgraph.generated.models.user import User

from okta_m365_audit.snapshot import document as snap

from .conftest import golden_doc
from .scenarios.cred_consent import legacy_principal_with_role
from .scenarios.sign_ins import bad_password

#: snapshot resource -> (model to parse with, class it must come out as)
MODELS: dict[str, tuple[type, type | tuple[type, ...]]] = {
    "organization": (Organization, Organization),
    "domains": (Domain, Domain),
    "federationConfiguration": (SamlOrWsFedProvider, InternalDomainFederation),
    "users": (User, User),
    "globalAdminAssignments": (UnifiedRoleAssignment, UnifiedRoleAssignment),
    "globalAdminEligibility": (UnifiedRoleEligibilitySchedule, UnifiedRoleEligibilitySchedule),
    "globalAdminGroupMembers": (DirectoryObject, User),  # @odata.type: the golden's are users
    "oktaServicePrincipals": (ServicePrincipal, ServicePrincipal),
    "oktaClientPrincipal": (ServicePrincipal, ServicePrincipal),
    "legacyPrincipalRoles": (UnifiedRoleAssignment, UnifiedRoleAssignment),
    "graphServicePrincipal": (ServicePrincipal, ServicePrincipal),
    "appRoleAssignments": (AppRoleAssignment, AppRoleAssignment),
    "oauth2PermissionGrants": (OAuth2PermissionGrant, OAuth2PermissionGrant),
    "caPolicies": (ConditionalAccessPolicy, ConditionalAccessPolicy),
    "securityDefaults": (
        IdentitySecurityDefaultsEnforcementPolicy,
        IdentitySecurityDefaultsEnforcementPolicy,
    ),
    # @odata.type: the golden's are a group and a directory role
    "breakGlassMemberOf": (DirectoryObject, (Group, DirectoryRole)),
    "caExcludedGroupMembers": (DirectoryObject, User),
    "directoryAudits": (DirectoryAudit, DirectoryAudit),  # drift's actors
    "subscribedSkus": (SubscribedSku, SubscribedSku),
    "signIns": (SignIn, SignIn),
}


#: resources a clean tenant has no objects of: the scenario that adds some supplies them
FROM_SCENARIO = {
    "legacyPrincipalRoles": legacy_principal_with_role,
    "signIns": bad_password,  # a wrong password and a success: the golden's read is empty
}


def _leftovers(obj: Any, path: str = "") -> list[str]:
    """Every non-@odata key left in additional_data, at any depth."""
    out: list[str] = []
    if isinstance(obj, Parsable):
        out += [f"{path}.{k}" for k in getattr(obj, "additional_data", None) or {}
                if not k.startswith("@odata.")]  # fmt: skip
        for name, value in vars(obj).items():
            if name not in ("additional_data", "backing_store"):
                out += _leftovers(value, f"{path}.{name}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _leftovers(v, f"{path}[{i}]")
    return out


def test_every_graph_resource_is_covered():
    """When a Graph resource is added to the snapshot: it needs a model here too."""
    assert {r.name for r in snap.RESOURCES if r.api == "graph"} == set(MODELS)


@pytest.mark.parametrize("resource", sorted(MODELS))
def test_graph_objects_match_the_sdk_models(resource):
    """When the demo's Graph objects are parsed by msgraph-sdk: no unknown property."""
    parse_as, expected = MODELS[resource]
    doc = golden_doc()
    if resource in FROM_SCENARIO:
        FROM_SCENARIO[resource](doc)
    entry = doc["graph"][resource]
    reads = entry.values() if snap.resource("graph", resource).per_parent else [entry]
    objects = [
        item
        for read in reads
        if read["data"]
        for item in ([read["data"]] if isinstance(read["data"], dict) else read["data"])
    ]
    assert objects, f"the golden snapshot has no {resource}"
    problems = []
    for item in objects:
        obj = JsonParseNode(item).get_object_value(parse_as)
        allowed = expected if isinstance(expected, tuple) else (expected,)
        if type(obj) not in allowed:
            problems.append(f"parsed as {type(obj).__name__}, not {allowed}")
        problems += _leftovers(obj)
        known = set(type(obj)().get_field_deserializers())
        problems += [k for k in item if k not in known and not k.startswith("@odata.")]
    assert problems == []
