"""The stages of a run, timed, for the benchmark (issue 16): where a small tenant's seconds go.

Only when ``OKTA_M365_AUDIT_TIMINGS`` names a file (benchmarks/measure.py sets it): each
process of the run (the xdist controller and every worker) then writes one JSON line to it
at its end, with wall-clock marks (``time.time()``, so the benchmark can set them against
the moment it started the process) and the seconds its tenants' collections took. Nothing
here changes what a run does or writes otherwise.
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path
from typing import Any

import pytest

ENV = "OKTA_M365_AUDIT_TIMINGS"
MARKS: dict[str, Any] = {}


def mark(name: str) -> None:
    if os.environ.get(ENV):
        MARKS[name] = time.time()


def add_seconds(name: str, seconds: float) -> None:
    """Time spent inside a stage (a tenant's collection, within the checks)."""
    if os.environ.get(ENV):
        MARKS[name] = MARKS.get(name, 0.0) + seconds


@pytest.hookimpl(tryfirst=True)
def pytest_configure() -> None:
    mark("configure")  # python, pytest, its plugins and ours are imported: start-up ends


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart() -> None:
    mark("session_start")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes() -> None:
    mark("workers_spawn")  # the controller starts its workers: their start-up counts from here


@pytest.hookimpl(trylast=True)
def pytest_collection_finish() -> None:
    mark("collected")  # the check modules are imported and the items made


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish() -> Any:
    mark("checks_done")
    try:
        return (yield)  # pytest-html's report, the JUnit XML, results, bundles, fleet page
    finally:
        mark("outputs_done")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    path = os.environ.get(ENV)
    if not path:
        return
    MARKS["end"] = time.time()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    MARKS["cpu_s"] = usage.ru_utime + usage.ru_stime
    MARKS["rss_peak_mib"] = _peak_rss_mib(usage)
    MARKS["worker"] = getattr(config, "workerinput", {}).get("workerid")
    MARKS["pid"] = os.getpid()
    with open(path, "a", encoding="utf-8") as out:  # one line per process, appended whole
        out.write(json.dumps(MARKS) + "\n")


def _peak_rss_mib(usage: Any) -> float:
    """/proc's VmHWM (``ru_maxrss`` carries a parent's peak over fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return usage.ru_maxrss / 1024
