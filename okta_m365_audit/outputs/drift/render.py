"""Drift shown to people: an HTML section for the report and a few lines for the terminal.

Every value in a drift report comes from the snapshots (tenant data, or a baseline file),
so the HTML escapes every value (and writes a lone surrogate as visible ``\\ud800`` text, so
the page can be encoded), and the terminal lines go through terminal.printable (no control
character, newline or bidi override reaches the terminal raw: no forged CI log line).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ...catalog.change_events import ACTORS
from ...core.terminal import printable
from ..report import escape_html

HTML_VALUE_LIMIT = 120  #: characters of a value shown in the HTML (the JSON keeps all)
HTML_ROW_LIMIT = 300  #: changes shown in the HTML table (the JSON keeps all)
TEXT_CHANGE_LIMIT = 8  #: changes listed by render_text


_e = escape_html
#: the resources whose actors come from the Entra audit log
ENTRA_ATTRIBUTED = {r for r, (log, _, _) in ACTORS.items() if log == "entra"}


def short(value: Any, limit: int = HTML_VALUE_LIMIT) -> str:
    """A value for display: JSON for non-strings; when long, its head and tail, its length and
    a short hash, so two long values that differ in the middle still look different."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if len(text) <= limit:
        return text
    tag = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    half = max(8, (limit - 30) // 2)
    return f"{text[:half]}…{text[-half // 2 :]} ({len(text)} chars, sha256 {tag}…)"


def _summary_line(drift: dict[str, Any]) -> str:
    s = drift["summary"]
    base = drift["baseline"]
    parts = [f"{s['changed']} changed, {s['added']} added, {s['removed']} removed"]
    text = (
        f"Since the baseline of {base.get('collectedAt')} (run {base.get('runId')}): "
        + ", ".join(parts)
    )
    if s.get("unreadable"):
        text += f"; {s['unreadable']} not comparable"
    log = drift.get("systemLog") or {}
    text += f"; {log.get('newEvents', 0)} new System Log event(s)"
    return text + "."


def _where(c: dict[str, Any]) -> str:
    where = f"{c['api']}.{c['resource']}"
    if c.get("parent") is not None:
        where += f"[{c.get('parentLabel') or c['parent']}]"
    return where


CSS = """
.drift table.drift-changes{table-layout:fixed;width:100%}
.drift table.drift-changes td{overflow-wrap:anywhere}
.drift .c-res{width:16%}.drift .c-obj{width:18%}.drift .c-kind{width:8%}.drift .c-who{width:20%}
.drift .d-added{background:#d4efd4}.drift .d-removed{background:#f8d0d0}
.drift .d-changed{background:#fbe9b7}.drift .kind{font-weight:bold}
.drift .who-none{color:#666;font-style:italic}
"""


def render_html(drift: dict[str, Any]) -> str:
    """An HTML fragment (a <section>): a one-line summary and a table of the changes.

    Everything from the snapshots is escaped; long values are shortened (the JSON keeps
    them whole)."""
    rows = []
    for c in drift["changes"][:HTML_ROW_LIMIT]:
        if c["kind"] == "changed":
            detail = "<br>".join(
                f"<code>{_e(f['path'])}</code>: {_e(short(f['old']))} &rarr; {_e(short(f['new']))}"
                for f in c["fields"]
            )
        else:
            detail = (
                f"<details><summary>{_e(c['kind'])} object</summary>"
                f"<pre>{_e(short(c.get('value'), HTML_VALUE_LIMIT * 4))}</pre></details>"
            )
        if c.get("note"):
            detail += f"<br><small>{_e(c['note'])}</small>"
        if c.get("summary"):  # the resources of issue 17, said in plain words
            detail = f"<p class='drift-words'>{_e(c['summary'])}</p>{detail}"
        if c["who"]:
            who = "<br>".join(
                f"{_e(w['actor'])} <small>{_e(w['eventType'])} at {_e(w['published'])}</small>"
                for w in c["who"]
            )
        else:
            who = f"<span class='who-none'>{_e(_no_actor(c))}</span>"
        key = f"<br><small>{_e(c['object'])}</small>" if c["object"] != c["label"] else ""
        parent = ""
        if c.get("parent") is not None:
            parent = f"<br><small>of {_e(c.get('parentLabel') or c['parent'])}</small>"
        rows.append(
            f"<tr class='d-{_e(c['kind'])}' data-kind='{_e(c['kind'])}'>"
            f"<td>{_e(c['api'])}.{_e(c['resource'])}{parent}</td>"
            f"<td>{_e(c['label'])}{key}</td>"
            f"<td class='kind'>{_e(c['kind'].upper())}</td><td>{detail}</td><td>{who}</td></tr>"
        )
    more = len(drift["changes"]) - HTML_ROW_LIMIT
    table = (
        "<table class='drift-changes'><tr><th class='c-res'>Resource</th>"
        "<th class='c-obj'>Object</th><th class='c-kind'>Change</th><th>Old &rarr; new</th>"
        f"<th class='c-who'>Who</th></tr>{''.join(rows)}</table>"
        if rows
        else "<p>No change in the resources the checks read.</p>"
    )
    if more > 0:
        table += f"<p>... and {more} more changes (all in drift.json).</p>"
    extra = "".join(
        f"<li>{_e(line)}</li>"
        for line in [*drift["unreadable"], *drift["systemLog"]["unreadable"], *drift["notes"]]
    )
    return (
        f"<style>{CSS}</style><section class='drift'><h3>Changes since the baseline</h3>"
        f"<p class='drift-summary'>{_e(_summary_line(drift))}</p>{table}"
        + (f"<ul class='drift-notes'>{extra}</ul>" if extra else "")
        + "</section>"
    )


def render_text(drift: dict[str, Any]) -> str:
    """A few lines for the terminal: the summary and the first changes. Each line is made
    printable as a whole, so every value in it from the snapshots is escaped (``\\n``,
    ``\\x1b``, ``\\u202e``): one line of output per line here, whatever the tenant holds."""
    lines = [f"drift: {_summary_line(drift)}"]
    for c in drift["changes"][:TEXT_CHANGE_LIMIT]:
        if c["kind"] == "changed":
            what = ", ".join(
                f"{f['path']} {short(f['old'], 40)} -> {short(f['new'], 40)}"
                for f in c["fields"][:3]
            )
            if len(c["fields"]) > 3:
                what += f" (+{len(c['fields']) - 3} more)"
        else:
            what = c["kind"]
        who = c["who"][0]["actor"] if c["who"] else _no_actor(c)
        if c.get("summary"):  # its words name the object already
            lines.append(f"  {c['kind']:<7} {_where(c)}: {c['summary']} [{who}]")
            continue
        lines.append(f"  {c['kind']:<7} {_where(c)} {c['label']}: {what} [{who}]")
    if len(drift["changes"]) > TEXT_CHANGE_LIMIT:
        lines.append(f"  ... and {len(drift['changes']) - TEXT_CHANGE_LIMIT} more")
    for line in [*drift["unreadable"], *drift["systemLog"]["unreadable"], *drift["notes"]]:
        lines.append(f"  ! {line}")
    return "\n".join(printable(line) for line in lines)


def _no_actor(c: dict[str, Any]) -> str:
    """What the Who column says when no event names an actor: why it is unknown (a log that
    could not be read), or that the log read holds no event for it."""
    if c.get("actorUnknown"):
        return str(c["actorUnknown"])
    if (c["api"], c["resource"]) in ENTRA_ATTRIBUTED:
        return "not in the Entra audit log window"
    return "not in the System Log window"


def changes_of(drift: dict[str, Any], api: str, resource: str) -> list[dict[str, Any]]:
    """The changes of one resource (a convenience for callers and tests)."""
    return [c for c in drift["changes"] if c["api"] == api and c["resource"] == resource]
