"""Machine-readable results: one JSON file per tenant run, and the evidence bundle around it.

The results file is what a CI job acts on and what the fleet page merges; the bundle (one
folder and its zip) is what the MSP hands over: report, results, snapshot, JUnit XML, and
a manifest of SHA-256 hashes so the customer can verify nothing was changed afterwards.

Results file, schema version 1::

    {"format": "okta-m365-audit/results", "schemaVersion": 1,
     "tenant": "demo", "customer": {"displayName"},
     "run": {"id", "startedAt", "finishedAt", "suiteVersion", "catalogVersion", "operator",
             "failOn", "selection", "partial", "interrupted"},
     "okta": {"orgUrl"}, "m365": {"tenantId", "cloud"}, "expectedPhase": 5,
     "snapshot": {"file", "sha256", "collectedAt", "source"} | null,
     "configError": null | "why the tenant could not be loaded or collected",
     "summary": {"verdicts": {verdict: n}, "bySeverity": {severity: {verdict: n}},
                 "worstFailing": severity | null, "phases": {phase key: state},
                 "groups": {group key: state}},
     "results": [{"testId", "check", "item", "phase", "phaseLabel", "severity", "title",
                  "verdict", "message", "remediation", "evidence", "waiver"}],
     "waivers": [{"check", "item", "scope", "expires", "status", "daysLeft", "stale",
                  "reason", "approver", "ticket", "waived", "warning"}],
     "drift": null | {...},
     "endpointsUsed": null | {"differsFromTenant", "emulated", "apis": {api: {"url",
                      "tenantUrl", "differs", "proxy"}}, "network"},
     "changes": null | {"previous", "notCompared" | "scope", "counts", "new", "fixed",
                        "stillOpen", "closedWithoutPass"}}

``changes`` is what changed since the tenant's previous complete run (changes.py); runs are
compared only at the same ``run.catalogVersion`` (catalog/version.py).

A waived result keeps its own ``message`` (what was found); its ``waiver`` says which
waiver covered it. ``waivers`` says what became of each waiver of the tenant file
(waivers.py): expired, expiring within 14 days, or stale (naming an item the run never
produced), each with a one-line ``warning``. Paths in a bundle's files are relative to the
bundle (``snapshot.file`` is ``snapshot.json``).

``run.partial`` says the run was a subset (``-k``, ``-m``) or an offline replay, and
``run.selection`` what limited it; ``run.interrupted`` says the session stopped early. Only
a run that is neither may stand for the tenant's state (the fleet page shows the latest such
run and lists later ones beside it).

``verdict`` is one of passed, failed, error, waived, not_due, skipped. A phase's state is
the worst verdict among its checks: error, failed, waived, passed, not_due, skipped (or
"none" when the phase has no results). ``summary.groups`` holds the same state for each
check group of catalog/groups.py (the Okta org baseline, the M365 guards), from the results
of its checks.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalog.checks import PHASES, Severity
from ..catalog.groups import GROUPS
from ..core import safe_files
from ..core.names import TENANT_NAME_PATTERN
from .changes_schema import changes_json_schema

FORMAT = "okta-m365-audit/results"
SCHEMA_VERSION = 1

VERDICTS = ("passed", "failed", "error", "waived", "not_due", "skipped")
#: worst first: how a phase's state is chosen from its checks' verdicts
PHASE_ORDER = ("error", "failed", "waived", "passed", "not_due", "skipped")
FAILING = ("failed", "error")


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = {v: 0 for v in VERDICTS}
    by_severity: dict[str, dict[str, int]] = {s.name: {} for s in Severity}
    phases: dict[str, list[str]] = {key: [] for key in PHASES}
    for r in results:
        verdicts[r["verdict"]] += 1
        sev = by_severity[r["severity"]]
        sev[r["verdict"]] = sev.get(r["verdict"], 0) + 1
        phases[r["phase"]].append(r["verdict"])
    failing = [Severity[r["severity"]] for r in results if r["verdict"] in FAILING]
    return {
        "verdicts": verdicts,
        "bySeverity": by_severity,
        "worstFailing": max(failing).name if failing else None,
        "phases": {
            key: next((v for v in PHASE_ORDER if v in found), "none")
            for key, found in phases.items()
        },
        "groups": {
            g.key: _worst(r["verdict"] for r in results if r["check"] in g.members())
            for g in GROUPS
        },
    }


def _worst(verdicts: Any) -> str:
    """A phase's or group's state: its worst verdict (PHASE_ORDER), "none" without any."""
    found = set(verdicts)
    return next((v for v in PHASE_ORDER if v in found), "none")


def results_document(
    *,
    tenant: str,
    run: dict[str, Any],
    okta: dict[str, Any],
    m365: dict[str, Any],
    expected_phase: int | None,
    snapshot: dict[str, Any] | None,
    results: list[dict[str, Any]],
    config_error: str | None = None,
    drift: dict[str, Any] | None = None,
    waivers: list[dict[str, Any]] | None = None,
    customer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: (list(PHASES).index(r["phase"]), r["testId"]))
    return {
        "format": FORMAT,
        "schemaVersion": SCHEMA_VERSION,
        "tenant": tenant,
        "customer": customer or {"displayName": None},
        "run": run,
        "okta": okta,
        "m365": m365,
        "expectedPhase": expected_phase,
        "snapshot": snapshot,
        "configError": config_error,
        "summary": summarize(ordered),
        "results": ordered,
        "waivers": waivers or [],
        "drift": drift,
    }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest_entry(path: Path) -> dict[str, Any]:
    try:
        return {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    except OSError as exc:
        raise safe_files.OutputError(f"{path}: cannot be read back ({exc.strerror})") from None


#: a bundle folder's name: ``<tenant>-<stamp>``; no dot, so ``<name>.zip`` names its zip alone
BUNDLE_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,127}$"
MANIFEST = "manifest.json"


def write_bundle(
    reports_dir: Path,
    bundle_name: str,
    files: dict[str, Path | str | bytes],
    notes: list[str] | None = None,
) -> Path:
    """Write the bundle folder ``reports_dir/bundle_name/`` (file name -> source file, or
    text/bytes content), its manifest and ``reports_dir/bundle_name.zip``; return the zip.
    The manifest's ``notes`` say what the bundle lacks and why ("report.pdf: not written:
    ...").

    Every path is built from the validated bundle name and file names and checked to stay
    inside reports_dir (safe_files.inside), so a name cannot climb out and a bundle folder
    planted as a symlink to elsewhere is refused, not written through. Each file is written
    atomically (an exclusive temporary file, renamed), so the manifest, written after them,
    hashes only complete files, and only the files of this bundle (not a leftover of an
    earlier run in the same folder). The zip is built the same way. A write that fails
    raises safe_files.OutputError, one line naming the path; nothing half-written remains.
    """
    if not isinstance(bundle_name, str) or not re.fullmatch(BUNDLE_NAME_PATTERN, bundle_name):
        raise safe_files.OutputError(
            f"{reports_dir}: {bundle_name!r} is not a bundle name ({BUNDLE_NAME_PATTERN}); "
            "nothing written"
        )
    if MANIFEST in files:
        raise safe_files.OutputError(f"{reports_dir}/{bundle_name}: {MANIFEST} is the bundle's own")
    safe_files.make_dir(safe_files.inside(reports_dir, bundle_name))
    written: list[Path] = []
    for name, src in files.items():
        target = safe_files.inside(reports_dir, bundle_name, name)
        if isinstance(src, Path):
            safe_files.copy_file(src, target)  # streamed: a snapshot can be 100s of MB
        elif isinstance(src, bytes):
            safe_files.write_bytes(target, src)
        else:
            safe_files.write_text(target, src)
        written.append(target)
    manifest = {
        "format": "okta-m365-audit/manifest",
        "suiteVersion": __version__,
        "files": {p.name: _manifest_entry(p) for p in sorted(written)},
    }
    if notes:
        manifest["notes"] = list(notes)
    manifest_path = safe_files.inside(reports_dir, bundle_name, MANIFEST)
    safe_files.write_text(manifest_path, json.dumps(manifest, indent=1) + "\n")
    zip_path = safe_files.inside(reports_dir, f"{bundle_name}.zip")
    with safe_files.atomic_open(zip_path, "wb") as out:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted([*written, manifest_path]):
                zf.write(p, f"{bundle_name}/{p.name}")
    return zip_path


def verify_manifest(folder: Path) -> list[str]:
    """Files whose SHA-256 no longer matches the manifest (empty: the bundle is intact)."""
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return [
        name
        for name, entry in manifest["files"].items()
        if not (folder / name).is_file() or sha256_file(folder / name) != entry["sha256"]
    ]


def results_json_schema() -> dict[str, Any]:
    result = {
        "type": "object",
        "required": ["testId", "check", "phase", "severity", "title", "verdict"],
        "properties": {
            "testId": {"type": "string"},
            "check": {"type": "string", "pattern": r"^[A-Z]+-\d{2}$"},
            "item": {
                "type": ["string", "null"],
                "description": "What the test is about beside the tenant (a domain, an "
                "excluded account, an API resource, a capability), as compared; what a "
                "waiver's item names. null: a test of the whole tenant.",
            },
            "phase": {"enum": list(PHASES)},
            "phaseLabel": {"type": "string"},
            "severity": {"enum": [s.name for s in Severity]},
            "title": {"type": "string"},
            "verdict": {"enum": list(VERDICTS)},
            "message": {"type": ["string", "null"]},
            "remediation": {"type": "string"},
            "evidence": {
                "type": "object",
                "description": "What the check saw. ACCESS-04 lists a read the tenant's "
                "licence does not cover (snapshot Read outcome not_licensed) under "
                "'not licensed', not among the refused reads; a check needing it is skipped "
                "with that reason.",
            },
            "waiver": {
                "type": ["object", "null"],
                "description": "The waiver that covers this check's item (status, expired, "
                "expires, scope check-wide or item, item, reason, approver, ticket); the "
                "message beside it is the finding itself.",
            },
        },
    }
    waiver_note = {
        "type": "object",
        "required": ["check", "scope", "expires", "status", "stale", "warning"],
        "properties": {
            "check": {"type": "string"},
            "item": {"type": ["string", "null"]},
            "scope": {"enum": ["check-wide", "item"]},
            "expires": {"type": "string", "format": "date"},
            "status": {"enum": ["active", "expiring", "expired"]},
            "daysLeft": {"type": "integer"},
            "stale": {"type": "boolean"},
            "reason": {"type": "string"},
            "approver": {"type": "string"},
            "ticket": {"type": "string"},
            "waived": {"type": "array", "items": {"type": "string"}},
            "warning": {"type": ["string", "null"]},
        },
    }
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://okta-m365-audit.invalid/schemas/results.schema.json",
        "title": "okta-m365-audit results of one tenant run",
        "type": "object",
        "required": ["format", "schemaVersion", "tenant", "run", "summary", "results"],
        "properties": {
            "format": {"const": FORMAT},
            "schemaVersion": {"const": SCHEMA_VERSION},
            "tenant": {"type": "string", "pattern": TENANT_NAME_PATTERN},
            "run": {
                "description": "A run is complete, and may stand for its tenant's state, "
                "when it is neither partial nor interrupted.",
                "type": "object",
                "required": ["id", "startedAt", "suiteVersion"],
                "properties": {
                    "id": {"type": "string"},
                    "startedAt": {"type": "string", "format": "date-time"},
                    "finishedAt": {"type": "string", "format": "date-time"},
                    "suiteVersion": {"type": "string"},
                    "catalogVersion": {
                        "type": "string",
                        "description": "Digest of the checks' IDs, phases, severities and "
                        "pass conditions: runs are compared only at the same catalog version.",
                    },
                    "operator": {"type": "string"},
                    "failOn": {"enum": ["low", "medium", "high", "critical"]},
                    "selection": {
                        "type": "object",
                        "description": "What limited the run, when anything did: keyword "
                        "(-k), markers (-m), offline (--offline), fromSnapshot (a replay of a "
                        "snapshot file), checks (how many of the catalog's checks were "
                        "selected), tenants (--tenant). Other keys may be added; readers "
                        "show them as opaque text. Absent or empty: every check of the tenant.",
                        "properties": {
                            "keyword": {"type": "string"},
                            "markers": {"type": "string"},
                            "offline": {"type": "boolean"},
                        },
                    },
                    "partial": {
                        "type": "boolean",
                        "description": "true when the run was not the tenant's full audit: a "
                        "subset of the checks (-k, -m) or an offline replay (--offline, "
                        "--from-snapshot). Absent: false.",
                    },
                    "interrupted": {
                        "type": "boolean",
                        "description": "true when the session stopped before every selected "
                        "check ran (Ctrl-C, -x). Absent (files of earlier versions): false.",
                    },
                },
            },
            "customer": {
                "type": "object",
                "description": "Who the handover document is for: displayName (the tenant "
                "file's customer.display_name, or null). Absent in files of earlier versions.",
                "properties": {"displayName": {"type": ["string", "null"]}},
            },
            "okta": {"type": "object"},
            "m365": {"type": "object"},
            "expectedPhase": {"type": ["integer", "null"]},
            "snapshot": {"type": ["object", "null"]},
            "configError": {"type": ["string", "null"]},
            "summary": {
                "type": "object",
                "required": ["verdicts", "bySeverity", "worstFailing", "phases"],
                "properties": {
                    "verdicts": counts,
                    "bySeverity": {"type": "object", "additionalProperties": counts},
                    "worstFailing": {"enum": [*[s.name for s in Severity], None]},
                    "phases": {
                        "type": "object",
                        "additionalProperties": {"enum": [*PHASE_ORDER, "none"]},
                    },
                    "groups": {
                        "type": "object",
                        "description": "State of each check group beside the phases "
                        "(orgBaseline: the Okta org baseline; m365Guards: the M365 guards "
                        "around federation): the worst verdict among its checks, as a "
                        "phase's. Absent in files of earlier versions.",
                        "properties": {g.key: {"enum": [*PHASE_ORDER, "none"]} for g in GROUPS},
                        "additionalProperties": {"enum": [*PHASE_ORDER, "none"]},
                    },
                },
            },
            "results": {"type": "array", "items": result},
            "waivers": {
                "type": "array",
                "description": "Each waiver of the tenant file and what became of it in this "
                "run: expiring within 14 days, expired (it no longer waives), or stale (it "
                "names an item the run never produced). Absent in files of earlier versions.",
                "items": waiver_note,
            },
            "drift": {"type": ["object", "null"]},
            "endpointsUsed": {
                "type": ["object", "null"],
                "description": "Where each API (okta, graph, login) was reached: its url, the "
                "tenant file's own (tenantUrl), whether they differ, and the proxy (URL "
                "without credentials) if any; differsFromTenant is true when any API was "
                "reached elsewhere than the tenant's own hosts (endpoints: overrides, the "
                "emulator). Null: nothing was collected (a replay, a tenant-file error). "
                "Absent in files of earlier versions.",
                "properties": {
                    "differsFromTenant": {"type": "boolean"},
                    "emulated": {"type": "boolean"},
                    "apis": {"type": "object"},
                    "network": {"type": ["object", "null"]},
                },
            },
            "changes": changes_json_schema(),
        },
    }
