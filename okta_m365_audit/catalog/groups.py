"""Check groups that cut across the runbook phases, shown beside them in the report's phase
strip and summarized in results.json (``summary.groups``): the Okta org baseline the
runbook assumes before any integration, and the Microsoft 365 guards around federation
(issue 17). A group's state is the worst verdict among its checks, as a phase's.

The membership is data here, in one place, so the renderers never name check ids. A group
may list ids the catalog does not hold yet (checks added in parallel): ``members`` keeps
only those in the catalog, so a missing one never breaks a run or a report. Imports only
its sibling ``checks``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .checks import BY_ID


@dataclass(frozen=True)
class CheckGroup:
    key: str  #: results.json ``summary.groups`` key
    label: str  #: shown in the phase strip
    checks: tuple[str, ...]  #: check ids, those absent from the catalog ignored

    def members(self) -> tuple[str, ...]:
        """The group's check ids that the catalog holds, in the listed order."""
        return tuple(c for c in self.checks if c in BY_ID)


GROUPS: tuple[CheckGroup, ...] = (
    CheckGroup("orgBaseline", "Okta org baseline",
               ("ORG-05", "ORG-06", "ORG-07", "ORG-08", "ORG-09")),
    CheckGroup("m365Guards", "M365 guards",
               ("ESS-06", "CRED-05", "FED-10", "FED-11", "FED-12", "FED-13", "PROV-05",
                "PROV-06")),
)  # fmt: skip

BY_KEY: dict[str, CheckGroup] = {g.key: g for g in GROUPS}
