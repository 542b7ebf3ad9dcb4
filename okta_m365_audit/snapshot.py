"""The snapshot: every API object the checks read, verbatim, in one versioned JSON file.

One format serves three purposes (DESIGN.md): the evidence a customer receives, the input
of an offline re-run (``--from-snapshot``), and the state the emulator serves.

Layout (schema version 1)::

    {"format": "okta-m365-audit/snapshot", "schemaVersion": 1,
     "meta":  {tenant, suiteVersion, runId, collectedAt, source, partial,
               okta: {orgUrl}, graph: {tenantId, cloud, baseUrl}},
     "okta":  {<resource>: Read, <per-parent resource>: {<parent id>: Read}},
     "graph": {...same...}}

A ``Read`` records one paginated stream: the first request, the final HTTP status, the
number of pages, and either ``data`` (the object, or the items of every page concatenated,
exactly as the API returned them) or ``error`` (status, code, message, the verbatim body,
and the scope or permission the endpoint needs). ``ok`` says whether the answer is
definitive: a 2xx, or a non-2xx the resource declares as a meaningful answer (a domain
without federation answers 404; an app without provisioning answers 400 to /features).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

FORMAT = "okta-m365-audit/snapshot"
SCHEMA_VERSION = 1

Api = Literal["okta", "graph", "realm"]
APIS: tuple[str, ...] = ("okta", "graph", "realm")

GLOBAL_ADMIN_ROLE_TEMPLATE = "62e90394-69f5-4237-9190-012177145e10"
MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

GRAPH_USER_FIELDS = (
    "id",
    "userPrincipalName",
    "displayName",
    "givenName",
    "surname",
    "mail",
    "accountEnabled",
    "userType",
    "onPremisesImmutableId",
    "onPremisesSyncEnabled",
    "assignedLicenses",
    "createdDateTime",
)
GRAPH_SP_FIELDS = (
    "id",
    "appId",
    "displayName",
    "appOwnerOrganizationId",
    "accountEnabled",
    "servicePrincipalType",
)


@dataclass(frozen=True)
class Resource:
    """One collectable resource: where it lives, how it pages, what it needs."""

    api: Api
    name: str
    path: str  #: path template; ``{key}`` is the parent id for per-parent resources
    query: tuple[tuple[str, str], ...] = ()
    kind: Literal["list", "object", "wrapped"] = "list"  #: wrapped: {"domains": [...]}
    page_size_param: str | None = None
    max_page_size: int | None = None
    needs: str = ""  #: Okta scope or Graph application permission
    per: str | None = None  #: what the key is: "office365 app", "domain", "service principal"
    answers: tuple[int, ...] = ()  #: non-2xx statuses that are definitive answers
    doc: str = ""

    @property
    def per_parent(self) -> bool:
        return self.per is not None

    def url_path(self, key: str | None = None) -> str:
        return self.path.replace("{key}", key) if key is not None else self.path


_O = "okta"
_G = "graph"
_R = "realm"

RESOURCES: tuple[Resource, ...] = (
    # --- Okta Management API ---
    Resource(_O, "org", "/api/v1/org", kind="object", needs="okta.orgs.read",
             doc="Org settings: subdomain, companyName, status (ACCESS-01, ORG-04)."),
    Resource(_O, "office365Apps", "/api/v1/apps", (("filter", 'name eq "office365"'),),
             page_size_param="limit", max_page_size=200, needs="okta.apps.read",
             doc="Every Office 365 app instance, raw JSON (the SDK models reject them)."),
    Resource(_O, "adApps", "/api/v1/apps", (("filter", 'name eq "active_directory"'),),
             page_size_param="limit", max_page_size=200, needs="okta.apps.read",
             doc="Active Directory integrations (ORG-01)."),
    Resource(_O, "appKeys", "/api/v1/apps/{key}/credentials/keys", needs="okta.apps.read",
             per="office365 app", doc="Signing keys; the active one is credentials.signing.kid."),
    Resource(_O, "appFeatures", "/api/v1/apps/{key}/features", needs="okta.apps.read",
             per="office365 app", answers=(400,),
             doc="Provisioning features; 400 E0000001 means provisioning is not enabled."),
    Resource(_O, "appConnection", "/api/v1/apps/{key}/connections/default", kind="object",
             needs="okta.apps.read", per="office365 app",
             doc="The provisioning connection (CRED-01, CRED-02)."),
    Resource(_O, "appUsers", "/api/v1/apps/{key}/users", page_size_param="limit",
             max_page_size=500, needs="okta.apps.read", per="office365 app",
             doc="Assignments with externalId, syncState and the app profile (IMP, PREP-04)."),
    Resource(_O, "appGroups", "/api/v1/apps/{key}/groups", page_size_param="limit",
             max_page_size=200, needs="okta.apps.read", per="office365 app",
             doc="Group assignments (PROV-04)."),
    Resource(_O, "users", "/api/v1/users", page_size_param="limit", max_page_size=200,
             needs="okta.users.read", doc="Okta users (ESS-03, IMP)."),
    Resource(_O, "groups", "/api/v1/groups", page_size_param="limit", max_page_size=10000,
             needs="okta.groups.read", doc="Okta groups, to name assignment groups (PROV-04)."),
    Resource(_O, "domains", "/api/v1/domains", kind="wrapped", needs="okta.domains.read",
             doc='Custom domains, wrapped as {"domains": [...]} (ORG-03, FED-03).'),
    Resource(_O, "agentPools", "/api/v1/agentPools", (("poolType", "AD"),),
             needs="okta.agentPools.read", doc="AD agent pools and their agents (ORG-01)."),
    Resource(_O, "logs", "/api/v1/logs", (("filter", 'target.id eq "{key}"'),),
             page_size_param="limit", max_page_size=1000, needs="okta.logs.read",
             per="office365 app", doc="System Log events naming the app, in the window (CRED-04)."),
    # --- Microsoft Graph v1.0 ---
    Resource(_G, "organization", "/organization", needs="Organization.Read.All",
             doc="The tenant: id, onPremisesSyncEnabled, verifiedDomains (ACCESS-03, ORG-02)."),
    Resource(_G, "domains", "/domains", needs="Domain.Read.All",
             doc="Domains with authenticationType and isVerified (PREP-03, FED-01)."),
    Resource(_G, "federationConfiguration", "/domains/{key}/federationConfiguration",
             needs="Domain.Read.All", per="domain", answers=(404,),
             doc="internalDomainFederation of each domain; 404 when it has none (FED-02..07)."),
    Resource(_G, "users", "/users", (("$select", ",".join(GRAPH_USER_FIELDS)),),
             page_size_param="$top", max_page_size=999, needs="User.Read.All",
             doc="Users with the on-premises and licence fields the checks read."),
    Resource(_G, "globalAdminAssignments", "/roleManagement/directory/roleAssignments",
             (("$filter", f"roleDefinitionId eq '{GLOBAL_ADMIN_ROLE_TEMPLATE}'"),),
             needs="RoleManagement.Read.Directory", doc="Active Global Administrator assignments."),
    Resource(_G, "oktaServicePrincipals", "/servicePrincipals",
             (("$filter", "startswith(displayName,'Okta')"),
              ("$select", ",".join(GRAPH_SP_FIELDS))),
             page_size_param="$top", max_page_size=999, needs="Application.Read.All",
             doc="Okta's multi-tenant apps in the tenant (CRED-03)."),
    Resource(_G, "graphServicePrincipal", "/servicePrincipals",
             (("$filter", f"appId eq '{MICROSOFT_GRAPH_APP_ID}'"),
              ("$select", "id,appId,displayName,appRoles")),
             needs="Application.Read.All", doc="Microsoft Graph's appRoles, to name permissions."),
    Resource(_G, "appRoleAssignments", "/servicePrincipals/{key}/appRoleAssignments",
             page_size_param="$top", max_page_size=999,
             needs="Application.Read.All", per="service principal",
             doc="Application permissions granted to each Okta service principal."),
    Resource(_G, "oauth2PermissionGrants", "/oauth2PermissionGrants",
             (("$filter", "clientId eq '{key}'"),), page_size_param="$top",
             max_page_size=999, needs="Directory.Read.All",
             per="service principal", doc="Delegated grants (consentType AllPrincipals)."),
    # --- Microsoft's public home-realm discovery (unauthenticated) ---
    Resource(_R, "userRealm", "/getuserrealm.srf", (("login", "{key}"), ("json", "1")),
             kind="object", per="login",
             doc="How Entra routes a user's sign-in: NameSpaceType and AuthURL (FED-09)."),
)  # fmt: skip

BY_NAME: dict[tuple[str, str], Resource] = {(r.api, r.name): r for r in RESOURCES}


def resource(api: str, name: str) -> Resource:
    return BY_NAME[(api, name)]


def request_params(
    res: Resource, key: str | None, as_of: dt.datetime, log_days: int
) -> list[tuple[str, str]]:
    """Query parameters of a resource's first request: the plan every collection follows.

    The largest page size the endpoint allows, and for the System Log a closed window
    ``[as_of - log_days, as_of]`` (with ``until`` set, Okta stops paging at the end).
    """
    params = [(k, v.replace("{key}", key or "")) for k, v in res.query]
    if res.page_size_param:
        params.append((res.page_size_param, str(res.max_page_size)))
    if res.api == "okta" and res.name == "logs":
        since = as_of - dt.timedelta(days=log_days)
        params += [("since", iso_z(since)), ("until", iso_z(as_of)), ("sortOrder", "ASCENDING")]
    return params


def request_line(res: Resource, key: str | None, params: list[tuple[str, str]]) -> str:
    query = urllib.parse.urlencode(params, safe="$,'():", quote_via=urllib.parse.quote)
    return f"GET {res.url_path(key)}" + (f"?{query}" if query else "")


def iso_z(t: dt.datetime) -> str:
    """RFC 3339 UTC with milliseconds, as Okta writes timestamps."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def make_read(
    request: str,
    status: int,
    *,
    ok: bool,
    pages: int = 1,
    requests: int | None = None,
    data: Any = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Read record (see the module docstring)."""
    return {
        "request": request,
        "status": status,
        "ok": ok,
        "pages": pages,
        "requests": pages if requests is None else requests,
        "data": data,
        "error": error,
    }


# --- the file ------------------------------------------------------------------------------


def new_snapshot(meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schemaVersion": SCHEMA_VERSION,
        "meta": meta,
        "okta": {},
        "graph": {},
        "realm": {},
    }


class SnapshotError(ValueError):
    """A snapshot file is not one this version can read."""


def validate(doc: Any, origin: str = "snapshot") -> dict[str, Any]:
    """Structural checks that make a wrong or truncated file fail loudly, not as a pass."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SnapshotError(f"{origin}: not an okta-m365-audit snapshot (format != {FORMAT!r})")
    if doc.get("schemaVersion") != SCHEMA_VERSION:
        raise SnapshotError(
            f"{origin}: schemaVersion {doc.get('schemaVersion')!r}; this version reads "
            f"{SCHEMA_VERSION}. Re-collect with this version of the suite."
        )
    doc.setdefault("realm", {})  # optional: absent when home-realm discovery was not probed
    for api in APIS:
        if not isinstance(doc.get(api), dict):
            raise SnapshotError(f"{origin}: missing the {api!r} section")
        for name, entry in doc[api].items():
            if (api, name) not in BY_NAME:
                raise SnapshotError(f"{origin}: unknown resource {api}.{name}")
            reads = entry.values() if BY_NAME[(api, name)].per_parent else [entry]
            for read in reads:
                if not isinstance(read, dict) or "ok" not in read or "status" not in read:
                    raise SnapshotError(f"{origin}: {api}.{name} is not a Read record")
    if not isinstance(doc.get("meta"), dict) or "collectedAt" not in doc["meta"]:
        raise SnapshotError(f"{origin}: missing meta.collectedAt")
    return doc


#: containers nested deeper than this are written on one line (an API object, an error body)
_PRETTY_DEPTH = 5


def _chunks(obj: Any, pretty: bool, depth: int = 0) -> Iterator[str]:
    """JSON text in pieces, never the whole document in memory at once (a 100k-user snapshot
    is hundreds of MB); each piece is made by the C encoder.

    ``pretty``: the file layout: sections and Read records indented, every list item (an
    API object) on a line of its own, so a reviewer can read and grep it. Otherwise the
    canonical form: sorted keys, no spaces, ``json.dumps(sort_keys=True,
    separators=(",", ":"))`` byte for byte.
    """
    if not pretty:
        if isinstance(obj, dict) and obj:
            yield "{"
            for i, key in enumerate(sorted(obj)):
                yield ("," if i else "") + json.dumps(key) + ":"
                yield from _chunks(obj[key], pretty)
            yield "}"
        elif isinstance(obj, list) and obj:
            yield "["
            for i, item in enumerate(obj):
                yield ("," if i else "") + json.dumps(item, sort_keys=True, separators=(",", ":"))
            yield "]"
        else:
            yield json.dumps(obj, sort_keys=True, separators=(",", ":"))
        return
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(obj, dict) and obj and depth < _PRETTY_DEPTH:
        yield "{"
        for i, (key, value) in enumerate(obj.items()):
            yield ("," if i else "") + "\n" + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from _chunks(value, pretty, depth + 1)
        yield "\n" + pad + "}"
    elif isinstance(obj, list) and obj:
        yield "["
        for i, item in enumerate(obj):
            yield ("," if i else "") + "\n" + inner + json.dumps(item, ensure_ascii=False)
        yield "\n" + pad + "]"
    else:
        yield json.dumps(obj, ensure_ascii=False)


def save(doc: dict[str, Any], path: str | os.PathLike) -> Path:
    """Write atomically, so an interrupted run never leaves a half snapshot as evidence;
    streamed, so a large tenant's snapshot is never held twice in memory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as out:
        for piece in _chunks(doc, pretty=True):
            out.write(piece)
        out.write("\n")
    os.replace(tmp, path)
    return path


def load(path: str | os.PathLike) -> dict[str, Any]:
    path = Path(path)
    try:
        raw = path.read_bytes()
        try:
            doc = orjson.loads(raw)  # a 100k-user snapshot loads in about half the time
        except orjson.JSONDecodeError:
            doc = json.loads(raw.decode("utf-8"))  # its error names the line
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    return validate(doc, str(path))


def digest(doc: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON, to cite a snapshot in a report."""
    sha = hashlib.sha256()
    for piece in _chunks(doc, pretty=False):
        sha.update(piece.encode())
    return sha.hexdigest()


def without_collection_meta(doc: dict[str, Any]) -> dict[str, Any]:
    """The snapshot minus what differs between two collections of the same state."""
    out = {k: v for k, v in doc.items() if k != "meta"}
    return json.loads(json.dumps(out))


def snapshot_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of the snapshot file."""
    read = {
        "type": "object",
        "required": ["request", "status", "ok", "pages"],
        "additionalProperties": False,
        "properties": {
            "request": {"type": "string", "description": "First request, e.g. GET /api/v1/org"},
            "status": {"type": "integer", "description": "Final HTTP status (0: no answer)"},
            "ok": {"type": "boolean", "description": "The answer is definitive"},
            "pages": {"type": "integer", "minimum": 0},
            "requests": {"type": "integer", "minimum": 0, "description": "HTTP requests made"},
            "data": {"description": "Verbatim object, or the items of every page"},
            "error": {
                "type": ["object", "null"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                    "needs": {"type": "string", "description": "Scope or permission required"},
                    "body": {},
                },
            },
        },
    }
    sections = {}
    for api in APIS:
        props = {}
        for r in RESOURCES:
            if r.api != api:
                continue
            desc = f"GET {r.path}" + (f" ({r.doc})" if r.doc else "")
            if r.per_parent:
                props[r.name] = {
                    "type": "object",
                    "description": f"{desc}; keyed by {r.per} id",
                    "additionalProperties": {"$ref": "#/$defs/Read"},
                }
            else:
                props[r.name] = {"$ref": "#/$defs/Read", "description": desc}
        sections[api] = {"type": "object", "properties": props, "additionalProperties": False}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://okta-m365-audit.invalid/schemas/snapshot.schema.json",
        "title": "okta-m365-audit snapshot",
        "type": "object",
        "required": ["format", "schemaVersion", "meta", "okta", "graph"],
        "properties": {
            "format": {"const": FORMAT},
            "schemaVersion": {"const": SCHEMA_VERSION},
            "meta": {
                "type": "object",
                "required": ["tenant", "collectedAt", "suiteVersion"],
                "properties": {
                    "tenant": {"type": "string"},
                    "suiteVersion": {"type": "string"},
                    "runId": {"type": "string"},
                    "collectedAt": {"type": "string", "format": "date-time"},
                    "source": {"enum": ["live", "emulator", "file"]},
                    "partial": {"type": "boolean"},
                    "okta": {"type": "object"},
                    "graph": {"type": "object"},
                },
            },
            "okta": sections["okta"],
            "graph": sections["graph"],
            "realm": sections["realm"],
        },
        "$defs": {"Read": read},
    }
