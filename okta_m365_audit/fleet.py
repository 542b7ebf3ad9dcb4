"""The fleet page: one self-contained ``index.html`` summarizing many tenants' results files.

Each CI job audits its tenants and uploads its evidence bundles
(``reports/<tenant>-<stamp>/{results.json, report.html, ...}``); put the downloaded
artifacts under one folder and merge them::

    python -m okta_m365_audit.fleet RESULTS_DIR [-o OUT.html]

Every ``results.json`` and ``*.results.json`` under RESULTS_DIR (at any depth) is read;
files of another format, and files that are not valid JSON, are reported and skipped. Per
tenant the latest run (by ``run.startedAt``) is shown; older runs are noted and ignored.
The page is a tenant x phase matrix (worst tenants first), each cell naming its state in
text and colour, with the worst failing severity, the verdict counts, the run's time and a
link to the tenant's HTML report when ``report.html`` lies beside its results file. It
needs no JavaScript and loads nothing from elsewhere. Exit status: 0 when the page was
written (whatever the tenants' verdicts: the page reports, it does not gate), 2 when no
results file was found or the page could not be written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .catalog import PHASES, Severity
from .report import VERDICT_LABELS
from .results import FORMAT, SCHEMA_VERSION

#: a sink for the warning and note lines (default: stderr)
Warn = Callable[[str], None]

#: private key under which load_fleet records where a document came from
FLEET_KEY = "_fleet"

#: state -> (label shown, css class); the label is always printed, never colour alone
STATE_LABELS: dict[str, tuple[str, str]] = VERDICT_LABELS | {"none": ("NO CHECKS", "v-none")}
COUNT_COLUMNS = ("failed", "error", "waived", "passed")

CSS = """
body{font-family:system-ui,Arial,sans-serif;margin:16px;color:#111}
h1{font-size:1.4em;margin:0 0 8px}
h2{font-size:1.1em;margin:20px 0 6px}
table{border-collapse:collapse}
th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}
.meta th{background:#eee;font-weight:normal;white-space:nowrap}
.fleet thead th{background:#eee;font-size:0.8em;vertical-align:bottom}
.fleet thead th.phase{max-width:8em}
.fleet thead th.phase b{display:block;font-size:1.15em}
.fleet td.state{text-align:center;white-space:nowrap;font-size:0.85em}
.fleet td.num{text-align:right}
.fleet td.tenant{min-width:12em;max-width:18em;overflow-wrap:anywhere}
.fleet td.tenant b{font-size:1.05em}
.fleet td.run{white-space:nowrap;font-size:0.9em}
.fleet td small,.fleet td .sub{display:block;color:#444;font-size:0.8em}
.fleet .config-error{margin-top:4px;padding:3px 5px;border:2px solid #8a1c7c;
  background:#f3c6ef;max-width:36em;white-space:pre-wrap;word-break:break-word}
.legend span{display:inline-block;margin:2px 4px 2px 0;padding:2px 6px;border:1px solid #999}
.v-error{background:#f3c6ef;font-weight:bold}.v-failed{background:#f8d0d0;font-weight:bold}
.v-waived{background:#fbe9b7}.v-passed{background:#d4efd4}
.v-notdue{background:#e4e4e4}.v-skipped{background:#f4f4f4}.v-none{background:#fff;color:#555}
.v-unknown{background:#fff;outline:2px dashed #555}
.s-critical{background:#e99;font-weight:bold}.s-high{background:#f8d0d0;font-weight:bold}
.s-medium{background:#fbe9b7}.s-low{background:#fdf6dc}.s-info{background:#eef}
.s-none{background:#d4efd4}
.notes li{margin:2px 0;overflow-wrap:anywhere}
footer{margin-top:16px;color:#444;font-size:0.85em}
@media print{
  body{margin:0;font-size:8pt}
  .fleet{width:100%}
  th,td{padding:2px 3px}
  .fleet thead th.phase{max-width:6em}
  .fleet td.tenant{min-width:11em;max-width:13em}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  a{color:#000;text-decoration:underline}
  .fleet thead{display:table-header-group}
  .fleet tr{page-break-inside:avoid;break-inside:avoid}
  .fleet td.state{border:1px solid #000}
}
@page{size:landscape;margin:10mm}
"""


def _stderr(line: str) -> None:
    print(f"okta-m365-audit fleet: {line}", file=sys.stderr)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


# --- finding and loading ---------------------------------------------------------------------


def _is_results_name(name: str) -> bool:
    return name == "results.json" or name.endswith(".results.json")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def find_results(root: Path, warn: Warn | None = None) -> list[Path]:
    """Every ``results.json`` and ``*.results.json`` under root (sorted) whose format is
    okta-m365-audit/results. Other formats and unreadable or malformed JSON are reported
    through warn (one line each) and left out."""
    warn = warn or _stderr
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not _is_results_name(name):
                continue
            path = Path(folder, name)
            try:
                doc = _read_json(path)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                warn(f"skipped {path}: not a readable JSON file ({exc})")
                continue
            fmt = doc.get("format") if isinstance(doc, dict) else None
            if fmt != FORMAT:
                warn(f"ignored {path}: its format is {fmt!r}, not {FORMAT!r}")
                continue
            found.append(path)
    return found


def _parse_time(value: Any) -> dt.datetime:
    """An RFC 3339 timestamp as an aware datetime (naive ones are taken as UTC)."""
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _problem(doc: Any) -> str | None:
    """Why a document of the right format still cannot be shown (None: it can)."""
    if not isinstance(doc, dict):
        return "not a JSON object"
    if not isinstance(doc.get("tenant"), str) or not doc["tenant"]:
        return "no tenant name"
    run = doc.get("run")
    if not isinstance(run, dict):
        return "no run object"
    try:
        _parse_time(run.get("startedAt"))
    except ValueError as exc:
        return f"run.startedAt is not an RFC 3339 time ({exc})"
    summary = doc.get("summary")
    if not isinstance(summary, dict) or not isinstance(summary.get("phases"), dict):
        return "no summary.phases"
    return None


def _run_key(doc: dict[str, Any], path: Path) -> tuple[Any, ...]:
    """Later runs sort higher: startedAt, then finishedAt, then a copy with a report."""
    run = doc["run"]
    try:
        finished = _parse_time(run.get("finishedAt"))
    except ValueError:
        finished = dt.datetime.min.replace(tzinfo=dt.UTC)
    has_report = (path.parent / "report.html").is_file()
    return (_parse_time(run["startedAt"]), finished, has_report, str(path))


def load_fleet(paths: Iterable[Path], warn: Warn | None = None) -> list[dict[str, Any]]:
    """The latest run of each tenant, worst tenants first (see fleet_order): the runs of
    separate CI jobs merge, and a folder that keeps history shows only the newest run.

    Each returned document is the results file as written, plus a private ``_fleet`` entry:
    ``{"source": path, "olderRuns": [{"source", "runId", "startedAt"}],
    "duplicates": [path]}`` (older runs of the tenant that were ignored, and other copies
    of the very same run, e.g. an unpacked bundle beside its copy). Files that cannot be
    read or lack the fields the page needs are reported through warn and skipped; another
    schema version is shown as far as it is understood, with a warning.
    """
    warn = warn or _stderr
    by_tenant: dict[str, list[tuple[tuple[Any, ...], Path, dict[str, Any]]]] = {}
    for path in paths:
        path = Path(path)
        try:
            doc = _read_json(path)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            warn(f"skipped {path}: not a readable JSON file ({exc})")
            continue
        problem = _problem(doc)
        if problem is None and doc.get("format") != FORMAT:
            problem = f"its format is {doc.get('format')!r}, not {FORMAT!r}"
        if problem:
            warn(f"skipped {path}: {problem}")
            continue
        version = doc.get("schemaVersion")
        if version != SCHEMA_VERSION:
            warn(
                f"{path}: schemaVersion {version!r}, this page understands {SCHEMA_VERSION}; "
                "shown as far as it is understood"
            )
        by_tenant.setdefault(doc["tenant"], []).append((_run_key(doc, path), path, doc))

    fleet = []
    for runs in by_tenant.values():
        runs.sort(key=lambda r: r[0], reverse=True)
        _, path, latest = runs[0]
        run_id = latest["run"].get("id")
        older = [
            {"source": str(p), "runId": d["run"].get("id"), "startedAt": d["run"]["startedAt"]}
            for _, p, d in runs[1:]
            if run_id is None or d["run"].get("id") != run_id
        ]
        duplicates = [
            str(p) for _, p, d in runs[1:] if run_id is not None and d["run"].get("id") == run_id
        ]
        latest[FLEET_KEY] = {"source": str(path), "olderRuns": older, "duplicates": duplicates}
        fleet.append(latest)
    return sorted(fleet, key=fleet_order)


# --- ordering --------------------------------------------------------------------------------


def _severity(name: Any) -> Severity | None:
    return Severity[name] if isinstance(name, str) and name in Severity.__members__ else None


def severity_rank(doc: dict[str, Any]) -> int:
    """How bad a tenant is: its worst failing severity (critical 5 ... info 1, none 0). A
    tenant with a configError could not be audited at all and ranks as critical (in a real
    run every check of such a tenant is an error anyway)."""
    worst = _severity((doc.get("summary") or {}).get("worstFailing"))
    rank = worst + 1 if worst is not None else 0
    if doc.get("configError"):
        rank = max(rank, Severity.critical + 1)
    return rank


def fleet_order(doc: dict[str, Any]) -> tuple[int, str, str]:
    """Worst first, then by tenant name."""
    name = str(doc.get("tenant", ""))
    return (-severity_rank(doc), name.casefold(), name)


# --- rendering -------------------------------------------------------------------------------


def _state_cell(key: str, state: Any) -> str:
    known = isinstance(state, str) and state in STATE_LABELS
    label, css = STATE_LABELS[state] if known else (str(state).upper(), "v-unknown")
    return (
        f"<td class='state {css}' data-phase='{_e(key)}' data-state='{_e(state)}'>{_e(label)}</td>"
    )


def _when(value: Any) -> str:
    try:
        return _parse_time(value).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(value)


def _age(started: Any, now: dt.datetime) -> str:
    try:
        seconds = (now - _parse_time(started)).total_seconds()
    except ValueError:
        return ""
    if seconds < 0:
        return "in the future"
    days, hours = int(seconds // 86400), int(seconds % 86400 // 3600)
    return f"{days} d {hours} h old" if days else f"{hours} h old"


def _duration(run: dict[str, Any]) -> str:
    try:
        seconds = _parse_time(run.get("finishedAt")) - _parse_time(run.get("startedAt"))
    except ValueError:
        return ""
    total = int(seconds.total_seconds())
    return f"took {total // 60} min {total % 60} s" if total >= 60 else f"took {total} s"


def report_link(doc: dict[str, Any], out_path: Path) -> str | None:
    """The href of the report.html beside the document's results file, relative to the
    index file's folder (None: no report there, or no relative path to it)."""
    source = (doc.get(FLEET_KEY) or {}).get("source")
    if not source:
        return None
    report = Path(source).parent / "report.html"
    if not report.is_file():
        return None
    try:
        rel = os.path.relpath(report.resolve(), Path(out_path).resolve().parent)
    except ValueError:  # another drive on Windows
        return None
    return urllib.parse.quote(Path(rel).as_posix(), safe="/")


def _tenant_row(doc: dict[str, Any], out_path: Path, now: dt.datetime) -> str:
    summary = doc.get("summary") or {}
    run = doc.get("run") or {}
    phases = summary.get("phases") or {}
    verdicts = summary.get("verdicts") or {}
    name = doc.get("tenant", "")

    sub = []
    org = (doc.get("okta") or {}).get("orgUrl")
    tid = (doc.get("m365") or {}).get("tenantId")
    if org:
        sub.append(f"<span class='sub'>Okta {_e(org)}</span>")
    if tid:
        sub.append(f"<span class='sub'>M365 {_e(tid)}</span>")
    if doc.get("expectedPhase") is not None:
        sub.append(f"<span class='sub'>expected phase {_e(doc['expectedPhase'])}</span>")
    if doc.get("configError"):
        sub.append(
            f"<div class='config-error'><b>Could not be audited:</b> {_e(doc['configError'])}</div>"
        )
    tenant_cell = f"<td class='tenant'><b>{_e(name)}</b>{''.join(sub)}</td>"

    worst = summary.get("worstFailing")
    if worst is None:
        worst_cell = "<td class='worst s-none' data-worst=''>none</td>"
    else:
        css = f"s-{worst}" if _severity(worst) is not None else "v-unknown"
        worst_cell = f"<td class='worst {css}' data-worst='{_e(worst)}'>{_e(worst)}</td>"

    cells = "".join(_state_cell(key, phases.get(key, "none")) for key in PHASES)
    counts = "".join(
        f"<td class='num' data-count='{c}'>{_e(verdicts.get(c, 0))}</td>" for c in COUNT_COLUMNS
    )
    started = run.get("startedAt")
    run_bits = [f"<time datetime='{_e(started)}'>{_e(_when(started))}</time>"]
    for extra in (_duration(run), _age(started, now)):
        if extra:
            run_bits.append(f"<span class='sub'>{_e(extra)}</span>")
    if run.get("suiteVersion"):
        run_bits.append(f"<span class='sub'>suite {_e(run['suiteVersion'])}</span>")
    href = report_link(doc, out_path)
    link = f"<a href='{_e(href)}'>report</a>" if href else "<span class='sub'>no report</span>"
    return (
        f"<tr data-tenant='{_e(name)}'>{tenant_cell}{worst_cell}{cells}{counts}"
        f"<td class='run'>{''.join(run_bits)}</td><td class='link'>{link}</td></tr>"
    )


def _legend() -> str:
    chips = "".join(
        f"<span class='{css}'>{_e(label)}</span>" for label, css in STATE_LABELS.values()
    )
    return (
        "<p class='legend'><b>Phase state</b> (the worst verdict among the phase's checks): "
        f"{chips}</p>"
    )


def _notes(docs: list[dict[str, Any]], notes: Iterable[str]) -> str:
    items = [_e(n) for n in notes]
    for doc in docs:
        meta = doc.get(FLEET_KEY) or {}
        for older in meta.get("olderRuns", []):
            items.append(
                f"{_e(doc.get('tenant'))}: older run of {_e(older.get('startedAt'))} ignored "
                f"({_e(older.get('source'))})"
            )
    if not items:
        return ""
    lis = "".join(f"<li>{i}</li>" for i in items)
    return f"<h2>Notes</h2><ul class='notes'>{lis}</ul>"


def render_fleet(
    docs: list[dict[str, Any]],
    out_path: Path,
    *,
    notes: Iterable[str] = (),
    generated_at: dt.datetime | None = None,
) -> str:
    """The fleet page as HTML (not written: see write_fleet). out_path is where the page
    will live; report links are made relative to its folder. notes are shown as is (escaped),
    e.g. the files that were skipped."""
    now = generated_at or dt.datetime.now(dt.UTC)
    docs = sorted(docs, key=fleet_order)
    versions = sorted({str((d.get("run") or {}).get("suiteVersion", "?")) for d in docs})
    failing = sum(1 for d in docs if (d.get("summary") or {}).get("worstFailing"))
    unaudited = sum(1 for d in docs if d.get("configError"))
    title = f"okta-m365-audit fleet: {len(docs)} tenant{'s' if len(docs) != 1 else ''}"

    phase_heads = "".join(
        f"<th class='phase' data-phase='{_e(key)}' scope='col'><b>{_e(key)}</b>{_e(label)}</th>"
        for key, (_, label) in PHASES.items()
    )
    count_heads = "".join(f"<th scope='col'>{STATE_LABELS[c][0]}</th>" for c in COUNT_COLUMNS)
    head = (
        "<tr><th scope='col'>Tenant</th><th scope='col'>Worst failing severity</th>"
        f"{phase_heads}{count_heads}<th scope='col'>Run</th><th scope='col'>Report</th></tr>"
    )
    rows = "".join(_tenant_row(d, out_path, now) for d in docs)
    meta = (
        f"<tr><th>Generated</th><td>{_e(_when(now.isoformat()))}</td></tr>"
        f"<tr><th>Tenants</th><td>{len(docs)}: {failing} with failing or erroring checks, "
        f"{unaudited} could not be audited</td></tr>"
        f"<tr><th>Suite version(s) of the runs</th><td>{_e(', '.join(versions))}</td></tr>"
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><table class='meta'>{meta}</table>{_legend()}"
        f"<table class='fleet'><thead>{head}</thead><tbody>{rows}</tbody></table>"
        f"{_notes(docs, notes)}"
        f"<footer>Generated by okta-m365-audit {_e(__version__)} (fleet page). Each row is "
        "the latest run of its tenant; counts are checks by verdict.</footer>"
        "</body></html>\n"
    )


def write_fleet(docs: list[dict[str, Any]], out_path: Path, *, notes: Iterable[str] = ()) -> Path:
    """Render the page and write it to out_path (atomically); return out_path."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    page = render_fleet(docs, out_path, notes=notes)
    tmp = out_path.with_name(out_path.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out_path)
    return out_path


# --- command line ----------------------------------------------------------------------------


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
        _stderr(f"error: {root} is not a folder")
        return 2
    notes: list[str] = []

    def warn(line: str) -> None:
        notes.append(line)
        _stderr(line)

    paths = find_results(root, warn)
    docs = load_fleet(paths, warn)
    if not docs:
        _stderr(
            f"error: no usable results file under {root} (looked for results.json and "
            f"*.results.json of format {FORMAT!r}); nothing to merge"
        )
        return 2
    older = 0
    for doc in docs:
        meta = doc[FLEET_KEY]
        older += len(meta["olderRuns"])
        if meta["olderRuns"]:
            _stderr(
                f"{doc['tenant']}: showing the run of {doc['run']['startedAt']} "
                f"({meta['source']}); {len(meta['olderRuns'])} older run(s) ignored"
            )
    out = args.output or root / "index.html"
    try:
        write_fleet(docs, out, notes=notes)
    except OSError as exc:
        _stderr(f"error: cannot write {out}: {exc}")
        return 2
    print(
        f"okta-m365-audit fleet: merged {len(docs)} tenant{'s' if len(docs) != 1 else ''} "
        f"from {len(paths)} results file{'s' if len(paths) != 1 else ''}"
        f"{f' ({older} older run(s) ignored)' if older else ''} into {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
