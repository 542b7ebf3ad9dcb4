"""The catalog's version: what a verdict means, as a short digest.

Two runs' verdicts can be compared item by item ("new since the last run", "fixed") only
when the same checks judged the same conditions: a check added, removed, moved to another
phase, given another severity, or judging another condition makes an old PASS and a new
FAIL mean different things. The suite's version alone does not say that (a release may
leave the catalog alone, a development checkout may change it), so every results file
records this digest and a run compares only with a previous run of the same digest.
Titles and remediation texts are left out: rewording them changes no verdict.
"""

from __future__ import annotations

import functools
import hashlib
import json

from .checks import CHECKS
from .conditions import CONDITIONS


@functools.cache
def catalog_version() -> str:
    """``catalog-`` and 12 hex digits of the SHA-256 of every check's ID, phase, severity
    and pass condition (catalog/conditions.py), in catalog order.

    >>> catalog_version().startswith("catalog-")
    True
    """
    rows = [[c.id, c.phase, c.severity.name, CONDITIONS[c.id].judges] for c in CHECKS]
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=True).encode("ascii")).hexdigest()
    return f"catalog-{digest[:12]}"
