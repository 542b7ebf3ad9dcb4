"""What a verdict means for a tenant: phase gating and the run's exit status (waivers:
waivers.py).

Pure functions over the catalog and a tenant's config, so the pytest hooks that apply them
stay thin and the rules can be read (and tested) in one place.
"""

from __future__ import annotations

from ..config import TenantConfig
from .checks import Check, Severity


def not_due_reason(check: Check, cfg: TenantConfig) -> str | None:
    """Why a check is not yet due for this tenant, or None when it is due."""
    phase = cfg.expect.phase
    if check.due_in_phase > phase:
        return (
            f"not yet due in phase {phase}: {check.id} applies from phase "
            f"{check.due_in_phase} ({check.phase_label})"
        )
    return None


SEVERITY_CHOICES = ("low", "medium", "high", "critical")


def fails_run(severity: Severity, threshold: str) -> bool:
    """Whether a failed or errored check of this severity fails the run (info never does)."""
    return severity != Severity.info and severity >= Severity[threshold]


def failures_fail_run(severities: list[Severity | None], threshold: str) -> bool:
    """Whether a run whose failed or errored checks have these severities fails (exit 1)
    under ``--fail-on``: a failure of no known severity (not a check; a crashed worker)
    always does."""
    return any(s is None or fails_run(s, threshold) for s in severities)
