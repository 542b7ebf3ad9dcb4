"""The fleet page: one self-contained ``index.html`` summarizing many tenants' results files.

Each CI job audits its tenants and uploads its evidence bundles
(``reports/<tenant>-<stamp>/{results.json, report.html, ...}``); put the downloaded
artifacts under one folder and merge them::

    python -m okta_m365_audit.fleet RESULTS_DIR [-o OUT.html]

Every ``results.json`` and ``*.results.json`` under RESULTS_DIR (at any depth) is read;
files of another format, and files that are not valid JSON or are malformed in any field
the page reads, are reported and skipped (on stderr and in the page's notes). Per tenant
the latest *complete* run (its full audit: not a ``-k``/``-m`` subset, not an offline
replay, not interrupted) is shown; later partial or interrupted runs are listed beneath
it, never in its place, and a tenant with no complete run shows its latest run marked as
such. The page is a tenant x phase matrix (worst tenants first), each cell naming its state
in text and colour, with the worst failing severity, the verdict counts, the run's time and
a link to the tenant's HTML report when ``report.html`` lies beside its results file. It
needs no JavaScript and loads nothing from elsewhere. Exit status: 0 when the page was
written (whatever the tenants' verdicts: the page reports, it does not gate), 2 when no
results file was found or the page could not be written.

The work is split along its seams: fleet_check.py (what a results file must hold, what
kind of run it is), fleet_load.py (finding, reading and choosing runs), fleet_page.py (the
HTML and writing it). This module is the command line, and keeps the names other modules
import from ``okta_m365_audit.fleet``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .fleet_check import is_complete, parse_time, run_kind, selection_text
from .fleet_load import (
    FLEET_KEY,
    Warn,
    find_results,
    fleet_order,
    load_fleet,
    read_results_file,
    severity_rank,
    stderr_warn,
)
from .fleet_page import (
    COUNT_COLUMNS,
    CSS,
    STATE_LABELS,
    render_fleet,
    report_href,
    report_link,
    write_fleet,
)
from .results import FORMAT
from .safe_files import OutputError

__all__ = [
    "COUNT_COLUMNS",
    "CSS",
    "FLEET_KEY",
    "STATE_LABELS",
    "Warn",
    "find_results",
    "fleet_order",
    "is_complete",
    "load_fleet",
    "main",
    "parse_time",
    "read_results_file",
    "render_fleet",
    "report_href",
    "report_link",
    "run_kind",
    "selection_text",
    "severity_rank",
    "write_fleet",
]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m okta_m365_audit.fleet",
        description="Merge a folder of okta-m365-audit results files (results.json, "
        "*.results.json, at any depth) into one fleet page.",
    )
    parser.add_argument("results_dir", metavar="RESULTS_DIR", type=Path)
    parser.add_argument(
        "-o", "--output", metavar="OUT.html", type=Path, help="default: RESULTS_DIR/index.html"
    )
    args = parser.parse_args(argv)
    root: Path = args.results_dir
    if not root.is_dir():
        stderr_warn(f"error: {root} is not a folder")
        return 2
    notes: list[str] = []

    def warn(line: str) -> None:
        notes.append(line)
        stderr_warn(line)

    paths = find_results(root, warn)
    docs = load_fleet(paths, warn)
    if not docs:
        stderr_warn(
            f"error: no usable results file under {root} (looked for results.json and "
            f"*.results.json of format {FORMAT!r}); nothing to merge"
        )
        return 2
    older = later = 0
    for doc in docs:
        meta = doc[FLEET_KEY]
        older += len(meta["olderRuns"])
        later += len(meta["laterRuns"])
        kind = "run" if meta["complete"] else f"{run_kind(doc['run'])} (no complete run)"
        if meta["olderRuns"] or meta["laterRuns"] or not meta["complete"]:
            stderr_warn(
                f"{doc['tenant']}: showing the {kind} of {doc['run']['startedAt']} "
                f"({meta['source']}); {len(meta['olderRuns'])} older run(s) ignored, "
                f"{len(meta['laterRuns'])} later partial or interrupted run(s) listed"
            )
    out = args.output or root / "index.html"
    try:
        write_fleet(docs, out, notes=notes)
    except OutputError as exc:
        stderr_warn(f"error: {exc}")
        return 2
    counted = [f"{older} older run(s) ignored"] if older else []
    counted += [f"{later} later partial or interrupted run(s) listed"] if later else []
    counts = f" ({', '.join(counted)})" if counted else ""
    print(
        f"okta-m365-audit fleet: merged {_plural(len(docs), 'tenant')} "
        f"from {_plural(len(paths), 'results file')}{counts} into {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
