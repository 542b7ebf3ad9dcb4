"""Spec conformance of the emulator's Okta side (issue 11, item 1).

Every Okta response the emulator serves, for every tenant it is tested with, validates
against the response schema of its operation in Okta's management OpenAPI spec
(../shared/reference/okta-management-openapi.yaml), driven through the suite's own Okta
client (the official SDK, real tokens, real TLS). Where the spec and a real recorded
response disagree, the recording wins: each such field is a row of DEVIATIONS, named with
its file, and a test proves the recording really disagrees with the spec there.

The spec, its loading and the DEVIATIONS table live in tests/okta_spec.py.

Skipped, with the reason, only where ../shared/ is absent (never in CI, which has it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from okta_m365_audit.catalog.resources import DEPROVISIONED_SEARCH, custom_domain_ids
from okta_m365_audit.clients import OktaApi
from okta_m365_audit.config import load_tenant
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.projections import BY_OPERATION, BY_ROUTE, PROJECTIONS
from okta_m365_audit.snapshot import document as snap

from .conftest import GOLDEN
from .okta_spec import (
    DEVIATIONS,
    RECORDED,
    SPEC_FILE,
    TENANTS,
    deviation_for,
    operations,
    problems,
    relative,
    response_schema,
    schema_errors,
    spec,
)

pytestmark = pytest.mark.skipif(
    not SPEC_FILE.is_file(), reason=f"Okta's OpenAPI spec is not here ({SPEC_FILE})"
)


# --- driving the emulator -------------------------------------------------------------------


@dataclass
class Served:
    operation: str
    url: str
    status: int
    body: Any
    links: str


async def _get(okta: OktaApi, operation: str, url: str) -> list[Served]:
    """Every page of one request, following the next links."""
    pages: list[Served] = []
    next_url: str | None = url
    while next_url is not None and len(pages) < 100:
        r = await okta.get(next_url)
        pages.append(Served(operation, next_url, r.status, r.body, r.header("Link")))
        next_url = r.next_url if 200 <= r.status < 300 else None
    return pages


def _every_request(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(operation, URL) for every kind of answer the emulator's Okta side gives ``doc``:
    each operation, its paging (small pages), its queries and its errors."""
    o = doc["okta"]
    apps = [a["id"] for read in ("office365Apps", "adApps") for a in o[read]["data"]]
    domains = o["domains"]["data"]
    as_of = snap.parse_time(doc["meta"]["collectedAt"])
    since = snap.iso_z(as_of - dt.timedelta(days=365))
    out = [
        ("getOrgSettings", "/api/v1/org"),
        ("listApplications", "/api/v1/apps?limit=1"),
        ("listApplications", '/api/v1/apps?filter=name eq "office365"&limit=200'),
        ("listApplications", "/api/v1/apps?after=not-a-cursor"),  # 400 E0000029
        ("getApplication", "/api/v1/apps/0oaunknownunknown0x7"),  # 404
        ("listUsers", "/api/v1/users?limit=7"),
        ("listUsers", f"/api/v1/users?search={DEPROVISIONED_SEARCH}&limit=200"),
        ("listUsers", '/api/v1/users?filter=status eq "ACTIVE"&limit=200'),
        ("listGroups", "/api/v1/groups?limit=2"),
        ("listCustomDomains", "/api/v1/domains"),
        ("getCustomDomain", "/api/v1/domains/OcDunknownunknown0x7"),  # 404
        ("listAgentPools", "/api/v1/agentPools?poolType=AD"),
        ("getCurrentConfiguration", "/api/v1/threats/configuration"),
        ("listApiTokens", "/api/v1/api-tokens"),
        ("listApplications", '/api/v1/apps?filter=name eq "saasure"&limit=200'),
        ("listPolicyRules", "/api/v1/policies/rstunknownunknown0x7/rules"),  # 404
        ("listUsersWithRoleAssignments", "/api/v1/iam/assignees/users?limit=1"),
        ("listAssignedRolesForUser", "/api/v1/users/00uunknownunknown0x7/roles"),  # 404
        ("listLogEvents", f"/api/v1/logs?since={since}&until={snap.iso_z(as_of)}&limit=3"),
    ]
    for name in ("adminConsolePolicyRules", "office365PolicyRules"):
        out += [("listPolicyRules", f"/api/v1/policies/{p}/rules") for p in o.get(name) or {}]
    out += [("listAssignedRolesForUser", f"/api/v1/users/{u}/roles") for u in o["oktaAdminRoles"]]
    for d in domains.get("domains") or []:
        out.append(("getCustomDomain", f"/api/v1/domains/{d['id']}"))
    for app in apps:
        out += [
            ("getApplication", f"/api/v1/apps/{app}"),
            ("listApplicationKeys", f"/api/v1/apps/{app}/credentials/keys"),
            ("listFeaturesForApplication", f"/api/v1/apps/{app}/features"),
            ("getDefaultProvisioningConnectionForApplication",
             f"/api/v1/apps/{app}/connections/default"),
            ("listApplicationUsers", f"/api/v1/apps/{app}/users?limit=5"),
            ("listApplicationGroupAssignments", f"/api/v1/apps/{app}/groups"),
        ]  # fmt: skip
    return out


@functools.cache
def served_by(tenant: str) -> tuple[Served, ...]:
    """Every answer the emulator gives for ``tenant`` (once per test session)."""
    _, tenant_file, snapshot_file = next(t for t in TENANTS if t[0] == tenant)
    cfg = load_tenant(tenant_file)
    doc = snap.load(snapshot_file)

    async def go() -> list[Served]:
        async with OktaApi(cfg, emu.endpoints()) as okta:
            out: list[Served] = []
            for operation, url in _every_request(doc):
                out += await _get(okta, operation, url)
            return out

    with Emulator(doc, registrations_for(cfg)) as emu:
        return tuple(asyncio.run(go()))


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("tenant", [t[0] for t in TENANTS])
def test_every_served_okta_body_validates_against_its_operation(tenant):
    """When the emulator serves a tenant: every Okta body, success or error, paged or not,
    validates against its operation's response schema in Okta's spec (DEVIATIONS aside)."""
    answers = served_by(tenant)
    assert {a.operation for a in answers} == set(BY_OPERATION), "an operation went untested"
    assert any(a.status >= 400 for a in answers) and any(a.status == 200 for a in answers)
    found = [p for a in answers for p in problems(a.operation, a.status, a.body)]
    assert found == []


@pytest.mark.parametrize("tenant", [t[0] for t in TENANTS])
def test_domain_list_serves_the_list_subset_and_the_single_read_the_whole(tenant):
    """When domains are read: the list carries exactly DomainListResponse's subset (no
    publicCertificate, whatever is stored), the single read the whole stored domain."""
    answers = served_by(tenant)
    fields = set(BY_OPERATION["listCustomDomains"].fields or ())
    [listed] = [a for a in answers if a.operation == "listCustomDomains"]
    for d in listed.body["domains"]:
        assert set(d) <= fields and "publicCertificate" not in d
    singles = {a.body["id"]: a.body for a in answers
               if a.operation == "getCustomDomain" and a.status == 200}  # fmt: skip
    stored = snap.load(next(t for t in TENANTS if t[0] == tenant)[2])["okta"]["domains"]
    for d in stored["data"]["domains"]:
        assert set(singles[d["id"]]) >= set(d)
    custom = custom_domain_ids(stored["data"])
    assert custom and all("publicCertificate" in singles[i] for i in custom)


def test_domain_list_projection_has_the_recorded_list_keys():
    """The list projection keeps exactly the keys Okta's recorded lists carry
    (okta-recorded/domains/list-two-custom-domains.json, list-default-domain-only-sdkpy-
    2026.json; the 2021 recording predates certificateSourceType and brandId)."""
    fields = set(BY_OPERATION["listCustomDomains"].fields or ())
    for name in ("list-two-custom-domains", "list-default-domain-only-sdkpy-2026"):
        body = json.loads((RECORDED / "domains" / f"{name}.json").read_text())["body"]
        assert body["domains"] and all(set(d) == fields for d in body["domains"]), name


def test_every_okta_route_has_a_projection_naming_its_spec_schema():
    """Every route the emulator's Okta side registers has one row in projections.py, and the
    row names the schema the spec's operation answers with."""
    from aiohttp import web

    from okta_m365_audit.emulator.okta import OktaRoutes
    from okta_m365_audit.emulator.state import TenantState

    app = web.Application()
    OktaRoutes(TenantState.from_snapshot(snap.load(GOLDEN))).add_to(app)
    routes = {r.resource.canonical for r in app.router.routes() if r.method == "GET"}
    assert routes == set(BY_ROUTE)
    components = spec()["components"]["schemas"]
    for p in PROJECTIONS:
        path, method = operations()[p.operation]
        assert re.sub(r"\{\w+\}", "{id}", path) == p.route, p.operation
        body = json.dumps(spec()["paths"][path][method]["responses"]["200"])
        named = set(re.findall(r"#/components/schemas/(\w+)", body))
        inherits = {
            n for n in named if f"#/components/schemas/{p.schema}" in json.dumps(components[n])
        }
        assert p.schema in named or named == inherits, (p.operation, named)  # fmt: skip


def _as_answer(operation: str, body: Any) -> Any:
    """A recorded body as ``operation`` answers it (a single object of a list endpoint, or a
    single feature, stands for one item of its list)."""
    if operation.startswith("list") and operation != "listCustomDomains":
        return body if isinstance(body, list) else [body]
    return body


@pytest.mark.parametrize(
    "deviation",
    [d for d in DEVIATIONS if d.source == "recording"],
    ids=lambda d: f"{d.operations[0]}:{d.path or '(object)'}:{d.accepts}",
)
def test_recording_wins_where_it_disagrees_with_the_spec(deviation):
    """When a real recorded response and the spec disagree on a field: every file named
    shows it, and the spec schema does refuse it there, so the emulator follows the
    recording at that field and nowhere else."""
    for name in deviation.files:
        recording = json.loads((RECORDED / name).read_text())
        operation = next(o for o in deviation.operations if o == _operation_of(recording))
        body = _as_answer(operation, recording["body"])
        errors = schema_errors(response_schema(operation, 200) or "", body)
        hits = [e for e in errors if deviation_for(operation, relative(e[0]), e[1], e[2])
                is deviation]  # fmt: skip
        assert hits, f"{name} agrees with the spec at {deviation.path}: drop the deviation"


def _operation_of(recording: dict[str, Any]) -> str | None:
    """The operation a recorded request is (of those the emulator serves), or None."""
    path = recording["url_path"].split("?", 1)[0].replace("//", "/")
    for p in PROJECTIONS:
        pattern = re.escape(p.route).replace(re.escape("{id}"), "[^/]+")
        if re.fullmatch(pattern, path):
            return p.operation
    if re.fullmatch(r"/api/v1/apps/[^/]+/features/[^/]+", path):
        return "listFeaturesForApplication"  # one feature: an item of the list
    return None


def _recordings_served() -> list[Path]:
    if not RECORDED.is_dir():
        return []
    return [
        f
        for f in sorted(RECORDED.glob("*/*.json"))
        if 200 <= (r := json.loads(f.read_text()))["status"] < 300 and _operation_of(r)
    ]


@pytest.mark.parametrize("path", _recordings_served(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_recorded_answer_validates_but_for_its_named_deviations(path):
    """When a real recorded success of an operation the emulator serves is checked against
    the spec: it validates, DEVIATIONS aside, so that table names every field where Okta
    and its spec disagree (and the emulator may serve what Okta sends)."""
    recording = json.loads(path.read_text())
    operation = _operation_of(recording)
    assert operation is not None
    assert problems(operation, recording["status"], _as_answer(operation, recording["body"])) == []


@pytest.mark.parametrize(
    "deviation",
    [d for d in DEVIATIONS if d.source == "spec-example"],
    ids=lambda d: f"{d.operations[0]}:{d.path}",
)
def test_the_specs_own_example_disagrees_with_its_schema(deviation):
    """When no recording exists (System Log, API tokens): the spec's own example for the
    operation sends what its schema forbids there (a null, a string its pattern refuses);
    the example wins."""
    operation = deviation.operations[0]
    for name in deviation.files:
        example = spec()["components"]["examples"][name]["value"]
        body = example if isinstance(example, list) else [example]
        hits = [p for p, v, m in schema_errors(response_schema(operation, 200) or "", body)
                if re.sub(r"^\[\]\.?", "", p) == deviation.path
                and deviation_for(operation, deviation.path, v, m) is deviation]  # fmt: skip
        if hits:
            return
    pytest.fail(f"no example of {operation} sends {deviation.accepts} at {deviation.path}: drop it")


@pytest.mark.parametrize(
    "deviation",
    [d for d in DEVIATIONS if d.source == "unconfirmed"],
    ids=lambda d: f"{d.operations[0]}:{d.path}",
)
def test_unconfirmed_deviations_are_still_needed(deviation):
    """An unconfirmed deviation covers a null only the demo sends: once the demo builder
    stops sending it, this fails, and the row must go."""
    answers = served_by(TENANTS[0][0])
    for a in answers:
        if a.operation not in deviation.operations or a.status != 200:
            continue
        errors = schema_errors(response_schema(a.operation, 200) or "", a.body)
        if any(v is None and re.sub(r"^\[\]\.?", "", p) == deviation.path
               for p, v, _ in errors):  # fmt: skip
            return
    pytest.fail(f"nothing served needs the unconfirmed deviation at {deviation.path}")
