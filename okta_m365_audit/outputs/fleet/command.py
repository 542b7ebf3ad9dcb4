"""The fleet page's command line: ``python -m okta_m365_audit.fleet RESULTS_DIR [-o OUT]``
(see the package docstring for what it reads and its exit status). It reports, on stderr,
every file it skipped and every tenant whose shown run is not its latest.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ...core.safe_files import OutputError
from .. import summary_md  # a module, not its names: summary_md imports this package
from ..results import FORMAT
from .check import run_kind
from .load import FLEET_KEY, find_results, load_fleet, stderr_warn
from .page import write_fleet


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=prog or "python -m okta_m365_audit.fleet",
        description="Merge a folder of okta-m365-audit results files (results.json, "
        "*.results.json, at any depth) into one fleet page.",
    )
    parser.add_argument("results_dir", metavar="RESULTS_DIR", type=Path)
    parser.add_argument(
        "-o", "--output", metavar="OUT.html", type=Path, help="default: RESULTS_DIR/index.html"
    )
    parser.add_argument(
        "--summary",
        metavar="OUT.md",
        type=Path,
        help="the fleet in Markdown, for a CI job summary or a chat message "
        "(default: summary.md beside the page)",
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
        summary = summary_md.write_fleet_summary(
            docs, args.summary or out.parent / "summary.md", notes=notes
        )
    except OutputError as exc:
        stderr_warn(f"error: {exc}")
        return 2
    counted = [f"{older} older run(s) ignored"] if older else []
    counted += [f"{later} later partial or interrupted run(s) listed"] if later else []
    counts = f" ({', '.join(counted)})" if counted else ""
    print(
        f"okta-m365-audit fleet: merged {_plural(len(docs), 'tenant')} "
        f"from {_plural(len(paths), 'results file')}{counts} into {out} and {summary}"
    )
    return 0
