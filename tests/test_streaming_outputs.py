"""A tenant's documents are built, and its PDF handed to the printer, when its last check has
reported (plugin/streaming.py), and the bundle still holds exactly what the end of the run
decides (outputs/bundles.py builds every document again and keeps an early one only when
nothing but its finishing time differs)."""

from __future__ import annotations

import json
from typing import Any

from okta_m365_audit.outputs import bundles
from okta_m365_audit.outputs.handover_bundle import Handover, Printer

from .conftest import run_suite, write_tenant


def _spy(monkeypatch) -> list[dict[str, Any]]:
    """Every PendingBundles.start: the tenant, early (no document handed in) or at the end,
    and how many results lines the tenant had by then."""
    calls: list[dict[str, Any]] = []
    original = bundles.PendingBundles.start

    def start(self, entry, doc=None):
        lines = len(self.state.results.get(entry.name, {}))
        calls.append({"tenant": entry.name, "early": doc is None, "lines": lines})
        return original(self, entry, doc)

    monkeypatch.setattr(bundles.PendingBundles, "start", start)
    return calls


def test_each_tenant_starts_once_when_its_last_check_has_reported(pytester, golden, monkeypatch):
    calls = _spy(monkeypatch)
    tenants = pytester.path / "tenants"
    write_tenant(tenants, golden, name="first")
    write_tenant(tenants, golden, name="second")
    run = run_suite(pytester, tenants)
    assert run.ret == 0
    results = {
        t: json.loads(next(run.outdir.glob(f"{t}-*/results.json")).read_text())
        for t in ("first", "second")
    }
    # started early, once, with every results line of the tenant already filed
    assert sorted((c["tenant"], c["early"]) for c in calls) == [("first", True), ("second", True)]
    for call in calls:
        assert call["lines"] == len(results[call["tenant"]]["results"])


def test_a_document_that_changed_after_its_early_start_is_built_again(
    pytester, golden, monkeypatch
):
    calls = _spy(monkeypatch)
    # the end of the run sees another document (as when the run is interrupted later)
    monkeypatch.setattr(bundles, "_same_but_finish", lambda early, now: False)
    tenants = pytester.path / "tenants"
    write_tenant(tenants, golden)
    run = run_suite(pytester, tenants)
    assert [(c["tenant"], c["early"]) for c in calls] == [("demo", True), ("demo", False)]
    assert run.ret == 0 and len(list(run.outdir.glob("demo-*.zip"))) == 1


def test_only_the_finishing_time_may_differ():
    doc = {"tenant": "t", "run": {"id": "r", "finishedAt": "a", "interrupted": False}}
    later = {"tenant": "t", "run": {"id": "r", "finishedAt": "b", "interrupted": False}}
    assert bundles._same_but_finish(doc, later)
    interrupted = {"tenant": "t", "run": {"id": "r", "finishedAt": "b", "interrupted": True}}
    assert not bundles._same_but_finish(doc, interrupted)
    assert not bundles._same_but_finish(doc, later | {"results": []})


def test_a_dropped_document_is_neither_printed_nor_reported():
    said: list[str] = []
    printer = Printer(pdf=False, say=said.append)
    old = Handover({"tenant": "t"}, {})
    new = Handover({"tenant": "t"}, {})
    printer.add(old)
    printer.drop(old)
    printer.add(new)
    printer.finish()
    assert old.dropped and old.pdf_note is None
    assert new.pdf_note == "turned off (--no-pdf)"
    assert printer.handovers == [new]
