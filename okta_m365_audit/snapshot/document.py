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
number of pages, the origins that answered (``origins``: a collected read's pages all come
from its API's configured origin, as clients/origins.py holds them), and either ``data``
(the object, or the items of every page concatenated, exactly as the API returned them)
or ``error`` (status, code, message, the body as sent with credentials redacted,
and the scope or permission the endpoint needs). ``ok`` says whether the answer is
definitive: a 2xx, or a non-2xx the resource declares as a meaningful answer (a domain
without federation answers 404; an app without provisioning answers 400 to /features).

A snapshot read back is untrusted: :func:`load` and :func:`validate` refuse one whose
structure is wrong, naming the file and the field, and :func:`data_problem` tells a read
recorded ``ok`` whose data has the wrong type (validation.py). The resource
catalogue lives in catalog/resources.py, the JSON streaming and digest in json_text.py; every
name is re-exported here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..catalog.requests import request_line, request_params
from ..catalog.resources import (
    APIS,
    BY_NAME,
    GLOBAL_ADMIN_ROLE_TEMPLATE,
    GRAPH_SP_FIELDS,
    GRAPH_USER_FIELDS,
    MICROSOFT_GRAPH_APP_ID,
    NOT_LICENSED,
    NOT_LICENSED_CODES,
    RESOURCES,
    Api,
    Resource,
    iso_z,
    licence_needed,
    parse_time,
    resource,
    role_group_ids,
)
from . import json_text
from .validation import FORMAT, SCHEMA_VERSION, SnapshotError, data_problem, validate

__all__ = [
    "APIS",
    "BY_NAME",
    "FORMAT",
    "GLOBAL_ADMIN_ROLE_TEMPLATE",
    "GRAPH_SP_FIELDS",
    "GRAPH_USER_FIELDS",
    "MICROSOFT_GRAPH_APP_ID",
    "NOT_LICENSED",
    "NOT_LICENSED_CODES",
    "OUTCOMES",
    "RESOURCES",
    "SCHEMA_VERSION",
    "Api",
    "Resource",
    "SnapshotError",
    "data_problem",
    "digest",
    "is_not_licensed",
    "iso_z",
    "load",
    "make_read",
    "new_snapshot",
    "not_licensed",
    "parse_time",
    "request_line",
    "request_params",
    "resource",
    "role_group_ids",
    "save",
    "snapshot_json_schema",
    "validate",
    "without_collection_meta",
]


#: statuses that say a read was refused: only then is the scope or permission it needs the
#: likely cause (a read with no answer, a 500 or a malformed answer needs no other grant)
REFUSED_STATUSES = (401, 403)
#: a failed read's ``outcome`` when it is not a refusal (see :func:`not_licensed`)
OUTCOMES = (NOT_LICENSED,)


def needs_hint(read: dict[str, Any]) -> str | None:
    """The scope or permission to name for a failed read: the one it needs when it was
    refused (401/403), else None (naming it would send an operator after a grant that is not
    missing). A read the tenant's licence does not cover names none either."""
    err = read.get("error")
    err = err if isinstance(err, dict) else {}
    status = err.get("status", read.get("status"))
    needs = err.get("needs")
    refused = status in REFUSED_STATUSES and not not_licensed(read)
    return str(needs) if needs and refused else None


def is_not_licensed(status: Any, code: Any) -> bool:
    """Graph's answer for a feature the tenant has no licence for: 401/403
    Authentication_RequestFromNonPremiumTenantOrB2CTenant (Entra ID P1), 400
    AadPremiumLicenseRequired (PIM, Entra ID P2); catalog NOT_LICENSED_ANSWERS, its sources."""
    return licence_needed(status, code) is not None


def not_licensed(read: dict[str, Any]) -> bool:
    """Did the API answer that the tenant's licence does not cover this read (Entra's
    sign-in log without Entra ID P1, PIM eligibility without P2)? Then the data does not
    exist for this tenant: the checks that need it are skipped with that reason (never
    passed), and ACCESS-04 does not count it as a refused permission. Told by the recorded
    ``outcome`` or, in an older snapshot, by the error code itself."""
    if read.get("ok"):
        return False
    if read.get("outcome") == NOT_LICENSED:
        return True
    err = read.get("error")
    err = err if isinstance(err, dict) else {}
    return is_not_licensed(err.get("status", read.get("status")), err.get("code"))


def make_read(
    request: str,
    status: int,
    *,
    ok: bool,
    pages: int = 1,
    requests: int | None = None,
    data: Any = None,
    error: dict[str, Any] | None = None,
    origins: list[str] | None = None,
) -> dict[str, Any]:
    """A Read record (see the module docstring); ``origins`` only when known (a collected
    read; a hand-made or older record has none)."""
    read = {
        "request": request,
        "status": status,
        "ok": ok,
        "pages": pages,
        "requests": pages if requests is None else requests,
        "data": data,
        "error": error,
    }
    if origins is not None:
        read["origins"] = origins
    if not ok and error and is_not_licensed(error.get("status", status), error.get("code")):
        read["outcome"] = NOT_LICENSED
    return read


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


def save(doc: dict[str, Any], path: str | os.PathLike) -> Path:
    """Write atomically (an exclusive temporary file renamed into place, never through a
    symlink), so an interrupted or failed run never leaves a half snapshot as evidence;
    streamed, so a large tenant's snapshot is never held twice in memory; any string an API
    returned is kept (a lone surrogate as its JSON escape). A failed write raises
    safe_files.OutputError, one line naming the path and the OS error."""
    return json_text.write(doc, Path(path))


def load(path: str | os.PathLike) -> dict[str, Any]:
    """The snapshot in a file, validated (:func:`validate`); SnapshotError otherwise."""
    path = Path(path)
    try:
        doc = json_text.read(path)
    except json_text.JsonFileError as exc:
        raise SnapshotError(str(exc)) from None
    return validate(doc, str(path))


def digest(doc: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON, to cite a snapshot in a report."""
    return json_text.sha256(doc)


def without_collection_meta(doc: dict[str, Any]) -> dict[str, Any]:
    """The snapshot minus what differs between two collections of the same state (the meta,
    and each read's origins: an emulator's port changes from run to run)."""
    out = json.loads(json.dumps({k: v for k, v in doc.items() if k != "meta"}))
    for api in APIS:
        for name, entry in out.get(api, {}).items():
            for read in entry.values() if BY_NAME[(api, name)].per_parent else [entry]:
                read.pop("origins", None)
    return out


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
            "origins": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Origins (scheme://host[:port]) the answers came from, in "
                "order; only the API's configured origin is ever asked",
            },
            "outcome": {
                "enum": list(OUTCOMES),
                "description": "Set on a failed read that is not a refusal: not_licensed = "
                "the tenant's licence does not cover it (Graph's 401/403 "
                "Authentication_RequestFromNonPremiumTenantOrB2CTenant, Entra ID P1 needed; "
                "400 AadPremiumLicenseRequired on a PIM read, Entra ID P2 needed); "
                "its checks are skipped with that reason, ACCESS-04 does not count it",
            },
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
