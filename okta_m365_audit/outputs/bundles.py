"""Each tenant's evidence bundle, and the run's outputs beside them (summary, fleet page).

A tenant's documents are built, and its handover PDF starts printing, as soon as every one
of its checks has reported (plugin/streaming.py): in a fleet run the PDFs then print while
the other tenants are still read and checked, instead of one after another at the end. At
the end of the run each document is built again from the final state and compared: one
that differs in anything but its finishing time (the run was interrupted, say) is built and
printed anew, so an early start never changes what a bundle holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config.customer import logo_data_uri
from ..config.tenant_copy import TENANT_FILE, bundled_logo_name, tenant_file_copy
from ..core import names, safe_files
from ..core.terminal import printable
from ..session.tenants import AuditState, TenantEntry
from . import fleet
from .handover_bundle import Handover, Printer
from .results import write_bundle
from .summary_md import bundle_summary, write_fleet_summary, write_run_summary
from .tenant import SNAPSHOT, results_doc, tenant_junit, tenant_report


def _bundle_files(state: AuditState, entry: TenantEntry, doc: dict[str, Any]) -> dict[str, Any]:
    """A tenant's bundle files but its handover document, PDF and manifest."""
    drift_report = state.drift.get(entry.name)
    files: dict[str, Any] = {
        "results.json": json.dumps(doc, indent=1, default=str) + "\n",
        "report.html": tenant_report(doc, drift_report),
        "junit.xml": tenant_junit(doc),
        "summary.md": bundle_summary(doc),
    }
    facts = state.collected.get(entry.name, {})
    if facts.get("snapshotFile") and Path(facts["snapshotFile"]).is_file():
        files[SNAPSHOT] = Path(facts["snapshotFile"])
    if entry.cfg is not None:  # the expectations judged, secrets by reference only
        files[TENANT_FILE] = tenant_file_copy(entry.cfg, state.run_id)
        logo = bundled_logo_name(entry.cfg)
        if logo is not None and entry.cfg.customer.logo is not None:
            files[logo] = entry.cfg.resolve(entry.cfg.customer.logo)
    if facts.get("requestLog") and Path(facts["requestLog"]).is_file():
        files["emulator-requests.json"] = Path(facts["requestLog"])
    if drift_report is not None:
        files["drift.json"] = json.dumps(drift_report, indent=1, default=str) + "\n"
    return files


class PendingBundles:
    """The tenants' results and handover documents, built as each tenant's checks end
    (``start``) or at the end of the run (``complete``), their PDFs printing meanwhile."""

    def __init__(self, state: AuditState, pdf: bool, say: Callable[[str], None]) -> None:
        self.state = state
        self.printer = Printer(pdf, say, state.browser)
        self.docs: dict[str, dict[str, Any]] = {}
        self.handovers: dict[str, Handover] = {}

    def start(self, entry: TenantEntry, doc: dict[str, Any] | None = None) -> None:
        """The tenant's documents built now, its PDF handed to the printer."""
        doc = doc if doc is not None else results_doc(self.state, entry)
        if entry.name in self.handovers:
            self.printer.drop(self.handovers[entry.name])
        self.docs[entry.name] = doc
        self.handovers[entry.name] = hand = Handover(
            doc, _bundle_files(self.state, entry, doc), _logo(entry)
        )
        self.printer.add(hand)

    def complete(self) -> None:
        """Every tenant's documents as the run ends: one started earlier is kept only when
        the document built now is the same but for its finishing time."""
        for entry in self.state.tenants.values():
            doc = results_doc(self.state, entry)
            early = self.docs.get(entry.name)
            if early is None or not _same_but_finish(early, doc):
                self.start(entry, doc)


def _same_but_finish(early: dict[str, Any], now: dict[str, Any]) -> bool:
    """The two documents are the same but for ``run.finishedAt`` (the early one keeps the
    time its tenant's last check ended)."""

    def without_finish(doc: dict[str, Any]) -> dict[str, Any]:
        return doc | {"run": {k: v for k, v in doc.get("run", {}).items() if k != "finishedAt"}}

    return without_finish(early) == without_finish(now)


def start_tenant_bundles(
    state: AuditState,
    pdf: bool = True,
    say: Callable[[str], None] = lambda _: None,
    pending: PendingBundles | None = None,
) -> PendingBundles:
    """Every tenant's results and handover documents (those ``pending`` started early kept
    where unchanged), each PDF printing as soon as its document is built: while the next is
    built and, when the plugin calls this before pytest-html writes its report, while that
    is written too."""
    pending = pending if pending is not None else PendingBundles(state, pdf, say)
    pending.complete()
    return pending


def write_tenant_bundles(
    state: AuditState,
    pdf: bool = True,
    say: Callable[[str], None] = lambda _: None,
    pending: PendingBundles | None = None,
) -> list[str]:
    """Per tenant: reports/<tenant>-<time>/ (its handover document and its PDF, report,
    JUnit XML, results, snapshot, request log, drift, and a manifest with the SHA-256 of
    each) and its zip. Written even when the run failed; a bundle that cannot be written is
    one line in the returned problems. A PDF that cannot be printed is not a problem of the
    run: one line through ``say``, and a note in the bundle's manifest. ``pending``: the
    documents start_tenant_bundles built (and is printing), else built now."""
    assert state.reports_dir is not None
    pending = pending if pending is not None else start_tenant_bundles(state, pdf, say)
    problems = []
    pending.printer.finish()
    for entry in state.tenants.values():
        hand = pending.handovers[entry.name]
        try:
            bundle_name = _free_bundle_name(state, names.tenant_name(entry.name, "tenant"))
            state.bundles[entry.name] = write_bundle(
                state.reports_dir, bundle_name, hand.bundle_files(), hand.notes()
            )
        except (safe_files.OutputError, names.InvalidName) as exc:
            problems.append(f"evidence bundle of {entry.name} not written: {exc}")
    return problems


def _logo(entry: TenantEntry) -> str | None:
    """The customer's logo as a data: URI (checked when the tenant file loaded)."""
    if entry.cfg is None or entry.cfg.customer.logo is None:
        return None
    try:
        return logo_data_uri(entry.cfg.resolve(entry.cfg.customer.logo))
    except (OSError, ValueError):
        return None


def _free_bundle_name(state: AuditState, tenant: str) -> str:
    """``<tenant>-<time>``, or ``<tenant>-<time>-<n>`` when a run of the same tenant started
    in the same second already has that bundle: one run's evidence never mixes with
    another's."""
    assert state.reports_dir is not None
    name, n = f"{tenant}-{state.stamp}", 1
    while (state.reports_dir / name).exists() or (state.reports_dir / f"{name}.zip").exists():
        n += 1
        name = f"{tenant}-{state.stamp}-{n}"
    return name


def write_fleet_page(state: AuditState, say: Callable[[str], None]) -> list[str]:
    """reports/index.html: the latest complete run of every tenant whose results are in the
    folder. Returns the problems that kept it from being written (one line each)."""
    assert state.reports_dir is not None
    notes: list[str] = []

    def note(line: str) -> None:  # a results file skipped: on the page and in the log
        notes.append(line)
        say(f"okta-m365-audit: fleet page: {printable(line)}")

    docs = fleet.load_fleet(fleet.find_results(state.reports_dir, note), note)
    if not docs:
        return []
    try:
        out = fleet.write_fleet(docs, state.reports_dir / "index.html", notes=notes)
    except safe_files.OutputError as exc:
        return [f"fleet page not written: {exc}"]
    say(f"okta-m365-audit: fleet page {out} ({len(docs)} tenant(s))")
    try:
        write_fleet_summary(docs, state.reports_dir / "summary.md", notes=notes)
    except safe_files.OutputError as exc:
        return [f"fleet summary not written: {exc}"]
    return []


def write_run_outputs(
    state: AuditState,
    say: Callable[[str], None],
    pdf: bool = True,
    pending: PendingBundles | None = None,
) -> list[str]:
    """Every tenant's evidence bundle (each announced through ``say``) and the run's fleet
    page; the problems that kept any from being written, one line each. ``pdf``: print each
    handover document to report.pdf (--no-pdf: not). ``pending``: from start_tenant_bundles
    (else built now)."""
    pending = pending if pending is not None else start_tenant_bundles(state, pdf, say)
    problems = write_tenant_bundles(state, pdf, say, pending)
    for bundle in state.bundles.values():
        say(f"okta-m365-audit: evidence bundle {bundle}")
    problems += write_run_summary(state, list(pending.docs.values()))
    return problems + write_fleet_page(state, say)
