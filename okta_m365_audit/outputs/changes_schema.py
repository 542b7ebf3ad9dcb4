"""The JSON Schema of a results file's ``changes`` object (outputs/changes.py), apart from
changes.py so that results.py can embed it without importing what imports results.py."""

from __future__ import annotations

from typing import Any

_VERDICT = {"enum": ["passed", "failed", "error", "waived", "not_due", "skipped", None]}


def changes_json_schema() -> dict[str, Any]:
    entry = {
        "type": "object",
        "required": ["check", "item", "verdict"],
        "properties": {
            "check": {"type": "string"},
            "item": {
                "type": "string",
                "description": "What the check judged: a domain, user, account or read; "
                "empty for the tenant itself.",
            },
            "severity": {"type": ["string", "null"]},
            "title": {"type": ["string", "null"]},
            "verdict": {"type": "string"},
            "message": {"type": ["string", "null"]},
            "previously": {
                **_VERDICT,
                "description": "The previous run's verdict of the "
                "item (new, stillOpen); null: not audited then.",
            },
            "now": {
                **_VERDICT,
                "description": "This run's verdict of the item (fixed, "
                "closedWithoutPass); null: not audited now.",
            },
        },
    }
    entries = {"type": "array", "items": entry}
    return {
        "type": ["object", "null"],
        "description": "What changed since the tenant's previous complete run (--previous, "
        "else the latest under the reports folder), per finding (check and item, failed or "
        "error): new, fixed (passes now), still open, and closed without a pass (now "
        "waived, not yet due, skipped or no longer audited). notCompared says in one line "
        "why no comparison was made (first run, another tenant, an incomplete run, another "
        "catalog version).",
        "properties": {
            "previous": {
                "type": ["object", "null"],
                "properties": {
                    "runId": {"type": ["string", "null"]},
                    "startedAt": {"type": ["string", "null"]},
                    "finishedAt": {"type": ["string", "null"]},
                    "file": {
                        "type": "string",
                        "description": "The previous results file, relative to the reports folder.",
                    },
                    "suiteVersion": {"type": ["string", "null"]},
                    "catalogVersion": {"type": ["string", "null"]},
                },
            },
            "notCompared": {"type": "string"},
            "scope": {"type": "string"},
            "counts": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
            "new": entries,
            "fixed": entries,
            "stillOpen": entries,
            "closedWithoutPass": entries,
        },
    }
