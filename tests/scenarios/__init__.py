"""The scenario library: the golden tenant broken one way at a time, with the verdicts each
break must change. One module per area; tests/test_verdicts.py runs them all.

A scenario lists only the verdicts it changes (test id -> "failed", "error", "skipped" or
"xfailed" for a waived failure); every other check must keep its golden verdict, which is
what proves that a check fails for its own reason and no other. A scenario named
"... (stays green)" is a realistic variation that must change nothing (no false fail).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Mutation = Callable[[dict[str, Any]], None]

MODULES = (
    "access",
    "cred",
    "cred_consent",
    "cred_stale",
    "fed",
    "fed_trust",
    "org",
    "org_baseline",
    "policies",
    "org_admins",
    "ess",
    "ess_roles",
    "entra_guards",
    "sign_ins",
    "prep",
    "imp",
    "prov",
    "provisioning_guards",
    "across",
    "instances",
)


Expected = dict[str, str] | Callable[[dict[str, str]], dict[str, str]]


@dataclass(frozen=True)
class Scenario:
    name: str  #: "When <this>": what is broken
    #: test id -> verdict it must change to; or a function of the golden verdicts giving that
    expected: Expected
    mutate: Mutation | None = None  #: edits the snapshot the emulator serves
    patch: Mutation | None = None  #: edits the tenant file (as data)
    checks: tuple[str, ...] = field(default=())  #: the check IDs this scenario proves
    args: tuple[str, ...] = ()  #: extra command-line options for the run
    exit_code: int | None = None  #: the run's exit status, where the scenario is about it

    @property
    def green(self) -> bool:
        """A realistic variation that must change no verdict (a no-false-fail proof): its
        name says "(stays green)" and it expects nothing."""
        return self.name.endswith("(stays green)")

    def expected_changes(self, golden: dict[str, str]) -> dict[str, str]:
        changes = self.expected(golden) if callable(self.expected) else self.expected
        assert changes or self.green, f"{self.name}: a scenario must change at least one verdict"
        assert not (changes and self.green), f"{self.name}: a green scenario changes nothing"
        return changes


def all_scenarios() -> list[Scenario]:
    found: list[Scenario] = []
    for module in MODULES:
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise
            continue
        found.extend(mod.SCENARIOS)
    names = [s.name for s in found]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"duplicate scenario names: {dupes}"
    return found
