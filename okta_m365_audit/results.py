"""Machine-readable results: one JSON file per tenant run, and the evidence bundle around it.

The results file is what a CI job acts on and what the fleet page merges; the bundle (one
folder and its zip) is what the MSP hands over: report, results, snapshot, JUnit XML, and
a manifest of SHA-256 hashes so the customer can verify nothing was changed afterwards.

Results file, schema version 1::

    {"format": "okta-m365-audit/results", "schemaVersion": 1,
     "tenant": "demo",
     "run": {"id", "startedAt", "finishedAt", "suiteVersion", "operator", "failOn",
             "selection", "partial"},
     "okta": {"orgUrl"}, "m365": {"tenantId", "cloud"}, "expectedPhase": 5,
     "snapshot": {"file", "sha256", "collectedAt", "source"} | null,
     "configError": null | "why the tenant could not be loaded or collected",
     "summary": {"verdicts": {verdict: n}, "bySeverity": {severity: {verdict: n}},
                 "worstFailing": severity | null, "phases": {phase key: state}},
     "results": [{"testId", "check", "phase", "phaseLabel", "severity", "title",
                  "verdict", "message", "remediation", "evidence", "waiver"}],
     "drift": null | {...}}

``verdict`` is one of passed, failed, error, waived, not_due, skipped. A phase's state is
the worst verdict among its checks: error, failed, waived, passed, not_due, skipped (or
"none" when the phase has no results).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from . import __version__
from .catalog import PHASES, Severity

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
    }


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
) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: (list(PHASES).index(r["phase"]), r["testId"]))
    return {
        "format": FORMAT,
        "schemaVersion": SCHEMA_VERSION,
        "tenant": tenant,
        "run": run,
        "okta": okta,
        "m365": m365,
        "expectedPhase": expected_phase,
        "snapshot": snapshot,
        "configError": config_error,
        "summary": summarize(ordered),
        "results": ordered,
        "drift": drift,
    }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_bundle(folder: Path, files: dict[str, Path | str | bytes]) -> Path:
    """Write a bundle folder (name -> source file, or text/bytes content), its manifest,
    and a zip of it beside the folder; return the zip's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, src in files.items():
        target = folder / name
        if isinstance(src, Path):
            shutil.copyfile(src, target)  # streamed: a large tenant's snapshot is 100s of MB
        elif isinstance(src, bytes):
            target.write_bytes(src)
        else:
            target.write_text(src, encoding="utf-8")
    manifest = {
        "format": "okta-m365-audit/manifest",
        "suiteVersion": __version__,
        "files": {
            p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
            for p in sorted(folder.iterdir())
            if p.is_file() and p.name != "manifest.json"
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    zip_path = folder.with_suffix(".zip")
    tmp = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"{folder.name}/{p.name}")
    os.replace(tmp, zip_path)
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
            "phase": {"enum": list(PHASES)},
            "phaseLabel": {"type": "string"},
            "severity": {"enum": [s.name for s in Severity]},
            "title": {"type": "string"},
            "verdict": {"enum": list(VERDICTS)},
            "message": {"type": ["string", "null"]},
            "remediation": {"type": "string"},
            "evidence": {"type": "object"},
            "waiver": {"type": ["object", "null"]},
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
            "tenant": {"type": "string"},
            "run": {
                "type": "object",
                "required": ["id", "startedAt", "suiteVersion"],
                "properties": {
                    "id": {"type": "string"},
                    "startedAt": {"type": "string", "format": "date-time"},
                    "finishedAt": {"type": "string", "format": "date-time"},
                    "suiteVersion": {"type": "string"},
                    "operator": {"type": "string"},
                    "failOn": {"enum": ["low", "medium", "high", "critical"]},
                    "selection": {"type": "object", "description": "-k, -m, --offline"},
                    "partial": {"type": "boolean", "description": "a subset of the checks"},
                },
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
                },
            },
            "results": {"type": "array", "items": result},
            "drift": {"type": ["object", "null"]},
        },
    }
