"""``summary.md``: a run (or the fleet) in Markdown, for a CI job summary or a chat message.

Written next to each results file (in each evidence bundle), beside the run's report for
the whole run (``audit-<time>.summary.md``) and beside the fleet page (``summary.md``).
GitHub renders it as a job summary (``cat summary.md >> "$GITHUB_STEP_SUMMARY"``); Teams and
Slack take it as a message body. Per tenant: the overall verdict, findings by severity, what
is new since the last run, and a relative link to the report; then the new findings.

Tenant-derived text (a check's message quotes display names, UPNs, URIs from the APIs, and
results files read back are untrusted) must not become Markdown: a display name
``[click](https://evil)`` or ``| a | fake | row |`` would inject a link or a table. So every
such value is written as an inline code span (:func:`md_code`), where no Markdown, HTML or
autolink applies, after core/terminal.printable made it one line; the span's backtick fence
is longer than any backtick run inside it. Values of our own (verdict words, counts, check
IDs from the catalog) are escaped by :func:`md_text` all the same, and links are built only
from validated names, percent-quoted.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core import safe_files
from ..core.terminal import printable
from . import headline  # the module: headline imports fleet/, whose command imports this
from .fleet.load import FLEET_KEY
from .fleet.page import report_href

if TYPE_CHECKING:  # the fleet command uses this module without the audit's session stage
    from ..session.tenants import AuditState

#: the characters that start Markdown (emphasis, code, links and images, table cells,
#: headings, strikethrough, HTML and entities): backslash-escaped, or written as entities
_MARKDOWN = {c: f"\\{c}" for c in "\\`*_[]|~#"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_TABLE = str.maketrans(_MARKDOWN)
#: new findings listed per tenant; the rest are counted
LISTED = 10
#: longest message shown (the report has the whole text)
MESSAGE_SHOWN = 240


def md_text(value: Any) -> str:
    """Our own text in Markdown (verdict words, counts, check IDs): one line, the characters
    that start Markdown escaped, so no emphasis, link, table cell, heading or HTML can
    start. Tenant-derived text goes through :func:`md_code` instead (no autolink there)."""
    return printable(value).translate(_MD_TABLE)


def md_code(value: Any, *, limit: int = MESSAGE_SHOWN, in_table: bool = False) -> str:
    """Untrusted text as an inline code span: shown literally, nothing in it is Markdown.
    In a table a ``|`` still ends the cell (GFM), so it is escaped there."""
    text = printable(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_link(label: str, href: str | None) -> str:
    """A relative link, its target percent-quoted (no scheme can be formed); plain text
    when there is no target."""
    if not href:
        return md_text(label)
    quoted = urllib.parse.quote(href, safe="/", errors="surrogateescape")
    return f"[{md_text(label)}]({quoted})"


def _tenant_row(doc: dict[str, Any], href: str | None) -> str:
    cells = [
        md_code(doc.get("tenant", "?"), in_table=True),
        md_text(headline.overall_verdict(doc)),
        md_text(headline.severity_text(headline.findings_by_severity(doc))),
        md_text(headline.new_text(doc)),
        md_link("report", href),
    ]
    return "| " + " | ".join(cells) + " |"


def _new_findings(doc: dict[str, Any]) -> list[str]:
    changes = doc.get("changes")
    new = changes.get("new") if isinstance(changes, dict) else None
    if not isinstance(new, list) or not new:
        return []
    lines = [f"**New in {md_code(doc.get('tenant', '?'))}:**", ""]
    for entry in new[:LISTED]:
        if not isinstance(entry, dict):
            continue
        what = " ".join(str(entry.get(k) or "") for k in ("check", "item")).strip()
        severity = entry.get("severity")  # from a results file: shown only when it is one
        sev = md_text(f"({severity})") if severity in headline.SEVERITIES else ""
        message = md_code(entry["message"]) if entry.get("message") else ""
        lines.append(f"- {md_code(what)} {sev} {message}".rstrip())
    if len(new) > LISTED:
        lines.append(f"- {md_text(f'... and {len(new) - LISTED} more (see results.json)')}")
    return [*lines, ""]


def render_summary(
    docs: Iterable[tuple[dict[str, Any], str | None]], *, title: str, notes: Iterable[str] = ()
) -> str:
    """The Markdown text: a heading, one table row per (results document, relative href of
    its report or None), each tenant's new findings, and notes (e.g. files skipped)."""
    docs = list(docs)
    failing = sum(1 for d, _ in docs if headline.findings_by_severity(d) or d.get("configError"))
    lines = [
        f"## {md_text(title)}",
        "",
        md_text(
            f"{len(docs)} tenant{'s' if len(docs) != 1 else ''}, {failing} with findings. "
            f"okta-m365-audit {__version__}."
        ),
        "",
        "| Tenant | Verdict | Findings by severity | New since last run | Report |",
        "|---|---|---|---|---|",
        *(_tenant_row(doc, href) for doc, href in docs),
        "",
    ]
    for doc, _ in docs:
        lines += _new_findings(doc)
    notes = list(notes)
    if notes:
        lines += ["**Notes:**", "", *(f"- {md_code(n, limit=400)}" for n in notes), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the files --------------------------------------------------------------------------------


def bundle_summary(doc: dict[str, Any]) -> str:
    """A bundle's summary.md: its tenant alone, linking the report beside it."""
    return render_summary([(doc, "handover.html")], title=f"okta-m365-audit: {doc['tenant']}")


def write_run_summary(state: AuditState, docs: list[dict[str, Any]]) -> list[str]:
    """``reports/audit-<time>.summary.md``: every tenant of this run, linking each bundle's
    report. Returns the problem that kept it from being written (one line), if any."""
    assert state.reports_dir is not None
    pairs = []
    for doc in docs:
        bundle = state.bundles.get(doc["tenant"])  # its zip; the folder holds the report
        pairs.append((doc, f"{bundle.with_suffix('').name}/handover.html" if bundle else None))
    text = render_summary(pairs, title=f"okta-m365-audit run of {state.stamp} UTC")
    try:
        target = safe_files.inside(state.reports_dir, f"audit-{state.stamp}.summary.md")
        safe_files.write_text(target, text)
    except safe_files.OutputError as exc:
        return [f"run summary not written: {exc}"]
    return []


def write_fleet_summary(
    docs: list[dict[str, Any]], out_path: Path, *, notes: Iterable[str] = ()
) -> Path:
    """The fleet's summary.md at out_path: the run that stands for each tenant (as the
    fleet page shows it), linking each report relative to out_path's folder. Raises
    safe_files.OutputError (one line) when it cannot be written."""
    out_path = Path(out_path)
    pairs = [(d, report_href((d.get(FLEET_KEY) or {}).get("source"), out_path)) for d in docs]
    text = render_summary(pairs, title="okta-m365-audit fleet", notes=notes)
    safe_files.write_text(safe_files.inside(out_path.parent, out_path.name), text)
    return out_path
