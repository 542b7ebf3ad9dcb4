"""Every golden tenant is one a real service could hold.

The golden tenants are what the checks are proven against, so a golden that no real Okta
org or Entra tenant could be in proves nothing (the demo once had its default domain
federated, which Entra refuses). Each invariant below is a rule of the real services that
the builders rely on, with its source; every golden is checked against each.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import pytest

from okta_m365_audit.snapshot import document as snap
from tests.conftest import GOLDEN, ROOT, demo_yaml_data

sys.path.insert(0, str(ROOT / "scripts"))
from demo_builder.variants import VARIANTS


def _data(doc: dict[str, Any], api: str, name: str) -> Any:
    return doc[api][name]["data"]


def _domains(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return _data(doc, "graph", "domains")


def _federations(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    reads = doc["graph"]["federationConfiguration"]
    return {name: read["data"] or [] for name, read in reads.items()}


def default_domain_is_not_federated(doc: dict[str, Any]) -> list[str]:
    """Entra refuses to federate the tenant's default domain (support.okta.com "how to set
    default domain in o365"; Okta's event ...set.domain.federation.failure.domain.default;
    api-facts Corrections)."""
    return [
        f"{d['id']} is the default domain and Federated"
        for d in _domains(doc)
        if d.get("isDefault") and d.get("authenticationType") == "Federated"
    ]


def one_initial_domain_on_a_microsoft_suffix(doc: dict[str, Any]) -> list[str]:
    """A tenant has one initial domain, <name>.onmicrosoft.com (.us in GCC High, .cn under
    21Vianet) (api-facts section 12, organization.verifiedDomains; Corrections, GCC High)."""
    initial = [d["id"] for d in _domains(doc) if d.get("isInitial")]
    if len(initial) != 1:
        return [f"initial domains: {initial}"]
    suffix = re.compile(r"^[a-z0-9-]+\.onmicrosoft\.(com|us|cn)$")
    return [] if suffix.match(initial[0]) else [f"initial domain {initial[0]}"]


def organization_agrees_with_domains(doc: dict[str, Any]) -> list[str]:
    """organization.verifiedDomains describes the same domains as GET /domains: name,
    isDefault, isInitial (api-facts sections 10 and 12; both are Entra's domain records)."""
    listed = {d["id"]: (d.get("isDefault"), d.get("isInitial")) for d in _domains(doc)}
    problems = []
    for org in _data(doc, "graph", "organization"):
        for v in org.get("verifiedDomains") or []:
            if listed.get(v["name"]) != (v.get("isDefault"), v.get("isInitial")):
                problems.append(f"{v['name']}: organization says {v}, /domains {listed}")
    return problems


def federated_domains_are_verified_roots_or_inherit(doc: dict[str, Any]) -> list[str]:
    """Okta federates only verified root domains ("Fetch and Select" offers isRoot and
    isVerified domains); a child domain inherits its parent's federation (api-facts
    section 11, "Several domains, one tenant")."""
    federated = {d["id"] for d in _domains(doc) if d.get("authenticationType") == "Federated"}
    problems = []
    for d in _domains(doc):
        if d["id"] not in federated:
            continue
        if not d.get("isVerified"):
            problems.append(f"{d['id']} is federated but not verified")
        parent = d["id"].split(".", 1)[1] if "." in d["id"] else ""
        if not d.get("isRoot") and parent not in federated:
            problems.append(f"{d['id']} is a child domain whose root {parent} is not federated")
    return problems


def federation_read_matches_authentication_type(doc: dict[str, Any]) -> list[str]:
    """A federated domain has exactly one internalDomainFederation; a managed one answers
    404 (api-facts section 10)."""
    problems = []
    feds = _federations(doc)
    for d in _domains(doc):
        found = feds.get(d["id"])
        federated = d.get("authenticationType") == "Federated"
        if federated and (found is None or len(found) != 1):
            problems.append(f"{d['id']} is Federated with {found!r} configurations")
        if not federated and found:
            problems.append(f"{d['id']} is Managed but has a federation configuration")
    return problems


def issuers_are_distinct_and_carry_the_app_key(doc: dict[str, Any]) -> list[str]:
    """Entra lets no two domains share an IssuerUri, a child domain aside (it inherits its
    root's federation); Okta's automatic federation writes ``<domain>:<exk key>`` (a child:
    its root's), manual federation ``https://<exk key>``, the key that is also in
    passiveSignInUri (api-facts section 11)."""
    problems, seen = [], {}
    children = {d["id"] for d in _domains(doc) if d.get("isRoot") is False}
    for name, configs in _federations(doc).items():
        owner = name.split(".", 1)[1] if name in children else name
        for fed in configs:
            issuer = fed.get("issuerUri")
            if issuer in seen and name not in children and seen[issuer] not in children:
                problems.append(f"{name} and {seen[issuer]} share the issuer {issuer}")
            seen.setdefault(issuer, name)
            key = re.search(r"/app/office365/([^/]+)/sso/wsfed/passive$", fed["passiveSignInUri"])
            if not key or issuer not in (f"{owner}:{key[1]}", f"https://{key[1]}"):
                problems.append(f"{name}: issuer {issuer} vs {fed['passiveSignInUri']}")
    return problems


def okta_user_lists_split_by_deprovisioned(doc: dict[str, Any]) -> list[str]:
    """A plain GET /api/v1/users omits DEPROVISIONED users; search=status eq "DEPROVISIONED"
    returns them (api-facts Corrections, Users; the spec's listUsers)."""
    plain = [u["id"] for u in _data(doc, "okta", "users") if u["status"] == "DEPROVISIONED"]
    searched = _data(doc, "okta", "deprovisionedUsers")
    other = [u["id"] for u in searched if u["status"] != "DEPROVISIONED"]
    return [f"DEPROVISIONED in the plain list: {plain}"] * bool(plain) + [
        f"not DEPROVISIONED in the search: {other}"
    ] * bool(other)


def okta_domain_list_is_a_subset(doc: dict[str, Any]) -> list[str]:
    """GET /api/v1/domains returns a subset of each domain (DomainListResponse: no
    publicCertificate); GET /api/v1/domains/{id} the whole (api-facts Corrections)."""
    allowed = {"id", "domain", "certificateSourceType", "validationStatus", "brandId", "_links"}
    listed = _data(doc, "okta", "domains")["domains"]
    problems = [f"{d['id']} lists {sorted(set(d) - allowed)}" for d in listed if set(d) - allowed]
    custom = {d["id"] for d in listed if d["id"] != "default"}
    if set(doc["okta"]["customDomains"]) != custom:
        problems.append(f"custom domains read: {sorted(doc['okta']['customDomains'])}")
    return problems


INVARIANTS: list[Callable[[dict[str, Any]], list[str]]] = [
    default_domain_is_not_federated,
    one_initial_domain_on_a_microsoft_suffix,
    organization_agrees_with_domains,
    federated_domains_are_verified_roots_or_inherit,
    federation_read_matches_authentication_type,
    issuers_are_distinct_and_carry_the_app_key,
    okta_user_lists_split_by_deprovisioned,
    okta_domain_list_is_a_subset,
]
#: every golden: the demo and each real-setup variant built from it (tests/test_real_setups.py)
GOLDENS = ["demo", *VARIANTS]


@pytest.fixture(scope="module", params=GOLDENS)
def golden_tenant(request: pytest.FixtureRequest) -> dict[str, Any]:
    doc = snap.load(GOLDEN)
    if request.param != "demo":
        VARIANTS[request.param](doc, demo_yaml_data())
    return doc


@pytest.mark.parametrize("invariant", INVARIANTS, ids=lambda f: f.__name__)
def test_golden_obeys(golden_tenant: dict[str, Any], invariant: Callable) -> None:
    assert invariant(golden_tenant) == [], invariant.__doc__


def test_each_invariant_catches_its_breach() -> None:
    """An invariant that never fails proves nothing: each one sees a golden broken its way."""
    from tests.conftest import golden_doc

    breaches: dict[Callable, Callable[[dict[str, Any]], None]] = {
        default_domain_is_not_federated: lambda d: _domains(d)[0].update(isDefault=True),
        one_initial_domain_on_a_microsoft_suffix: lambda d: _domains(d)[0].update(isInitial=True),
        organization_agrees_with_domains: lambda d: _domains(d)[1].update(isDefault=True),
        federated_domains_are_verified_roots_or_inherit: lambda d: _domains(d)[0].update(
            isVerified=False
        ),
        federation_read_matches_authentication_type: lambda d: _domains(d)[0].update(
            authenticationType="Managed"
        ),
        issuers_are_distinct_and_carry_the_app_key: lambda d: next(iter(_federations(d).values()))[
            0
        ].update(issuerUri="https://other"),
        okta_user_lists_split_by_deprovisioned: lambda d: _data(d, "okta", "users")[0].update(
            status="DEPROVISIONED"
        ),
        okta_domain_list_is_a_subset: lambda d: _data(d, "okta", "domains")["domains"][0].update(
            publicCertificate={}
        ),
    }
    assert set(breaches) == set(INVARIANTS)
    for invariant, breach in breaches.items():
        doc = golden_doc()
        assert invariant(doc) == [], invariant.__name__
        breach(doc)
        assert invariant(doc), f"{invariant.__name__} did not see its breach"
