"""What a verdict means for a tenant: phase gating, waivers, and the run's exit status.

Pure functions over the catalog and a tenant's config, so the pytest hooks that apply them
stay thin and the rules can be read (and tested) in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config import TenantConfig, Waiver
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


@dataclass(frozen=True)
class WaiverState:
    waiver: Waiver
    expired: bool

    def describe(self) -> dict[str, str]:
        w = self.waiver
        return {
            "status": f"expired on {w.expires}" if self.expired else f"active until {w.expires}",
            "reason": w.reason,
            "approver": w.approver,
            "ticket": w.ticket,
        }

    def waived_text(self) -> str:
        """Why a failure is shown as waived (the report's xfail reason)."""
        w = self.waiver
        return f"waived until {w.expires} by {w.approver} ({w.ticket}): {w.reason}"


def waiver_for(check: Check, cfg: TenantConfig, today: dt.date) -> WaiverState | None:
    """The tenant's waiver of a check: active until (and including) its expiry date.

    Several waivers of one check: the one that runs longest counts.
    """
    waivers = sorted((w for w in cfg.waivers if w.check == check.id), key=lambda w: w.expires)
    if not waivers:
        return None
    latest = waivers[-1]
    return WaiverState(latest, expired=latest.expires < today)


SEVERITY_CHOICES = ("low", "medium", "high", "critical")


def fails_run(severity: Severity, threshold: str) -> bool:
    """Whether a failed or errored check of this severity fails the run (info never does)."""
    return severity != Severity.info and severity >= Severity[threshold]


def failures_fail_run(severities: list[Severity | None], threshold: str) -> bool:
    """Whether a run whose failed or errored checks have these severities fails (exit 1)
    under ``--fail-on``: a failure of no known severity (not a check; a crashed worker)
    always does."""
    return any(s is None or fails_run(s, threshold) for s in severities)
