"""Which snapshot fields the checks read, and the suite's verdicts on snapshots that lack them.

Support of tests/test_field_sweep.py (issue 12, the field-deletion sweep). Three parts:

- ``Recording``: a dict that notes every ``[key]``, ``.get(key)`` and ``key in`` made on it,
  as (api, resource, dotted field path) and the check being run. The data of every read of a
  snapshot is wrapped in it (recursively; list items keep their list's path), never the read
  record itself (request, status, ok, pages... are the collector's, not the API's fields).
- ``mutate``: a copy of a snapshot with one field deleted, or set to null, in every object of
  one resource (every parent's read of a per-parent resource).
- ``run_suite_in_process``: the compliance suite (tests_integration) run through the plugin,
  in this process, over any number of in-memory snapshots at once, one tenant each. Only the
  collection is replaced (``session.ahead.collect_tenant``, read ahead or not, builds the
  TenantView over the given snapshot, as an emulated collection of it would: no
  ``--from-snapshot`` replay, so home-realm answers are judged too); tenant files, phase
  gating, fixtures, verdicts and messages are the plugin's own (``audit_result``, the
  results-file line).
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from okta_m365_audit.snapshot import document as snap
from okta_m365_audit.views import TenantView

from .conftest import GOLDEN, SUITE, demo_yaml_data

#: (api, resource name, dotted field path), e.g. ("graph", "users", "accountEnabled")
FieldPath = tuple[str, str, str]
GOLDEN_TENANT = "demo"


# --- recording ------------------------------------------------------------------------------


@dataclass
class Recorder:
    """Field path -> the tests (ids as the golden tenant's) that read it."""

    current: str | None = None
    reads: dict[FieldPath, set[str]] = field(default_factory=dict)

    def note(self, where: tuple[str, str], path: str, key: Any) -> None:
        if self.current is None or not isinstance(key, str):
            return
        full = f"{path}.{key}" if path else key
        self.reads.setdefault((*where, full), set()).add(self.current)


class Recording(dict):
    """A JSON object that tells its Recorder which of its fields are read."""

    __slots__ = ("_path", "_rec", "_where")

    def __getitem__(self, key: Any) -> Any:
        self._rec.note(self._where, self._path, key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._rec.note(self._where, self._path, key)
        return super().get(key, default)

    def __contains__(self, key: Any) -> bool:
        self._rec.note(self._where, self._path, key)
        return super().__contains__(key)


def _wrap(value: Any, rec: Recorder, where: tuple[str, str], path: str) -> Any:
    if isinstance(value, list):
        return [_wrap(v, rec, where, path) for v in value]
    if isinstance(value, dict):
        out = Recording(
            {k: _wrap(v, rec, where, f"{path}.{k}" if path else k) for k, v in value.items()}
        )
        out._rec, out._where, out._path = rec, where, path
        return out
    return value


def _reads_of(doc: dict[str, Any], res: snap.Resource) -> list[dict[str, Any]]:
    entry = doc.get(res.api, {}).get(res.name)
    if entry is None:
        return []
    return list(entry.values()) if res.per_parent else [entry]


def recording_doc(doc: dict[str, Any], rec: Recorder) -> dict[str, Any]:
    """A copy of ``doc`` whose reads' data note their field reads in ``rec``."""
    out = copy.deepcopy(doc)
    for res in snap.RESOURCES:
        for read in _reads_of(out, res):
            if isinstance(read, dict) and read.get("data") is not None:
                read["data"] = _wrap(read["data"], rec, (res.api, res.name), "")
    return out


# --- mutations ------------------------------------------------------------------------------


def _edit(node: Any, parts: list[str], mode: str) -> int:
    """Delete (mode "delete") or null (mode "null") the field at ``parts`` under ``node``,
    through lists; the number of objects changed."""
    if isinstance(node, list):
        return sum(_edit(item, parts, mode) for item in node)
    if not isinstance(node, dict) or parts[0] not in node:
        return 0
    if len(parts) > 1:
        return _edit(node[parts[0]], parts[1:], mode)
    if mode == "delete":
        del node[parts[0]]
        return 1
    if node[parts[0]] is None:
        return 0
    node[parts[0]] = None
    return 1


def mutate(doc: dict[str, Any], where: FieldPath, mode: str) -> tuple[dict[str, Any], int]:
    """A copy of ``doc`` with the field removed (or nulled) in every object of its resource,
    and how many objects that changed (0: the golden has no value there to take away)."""
    api, name, path = where
    out = copy.deepcopy(doc)
    changed = 0
    for read in _reads_of(out, snap.resource(api, name)):
        if isinstance(read, dict) and read.get("data") is not None:
            changed += _edit(read["data"], path.split("."), mode)
    return out, changed


# --- running the suite ----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    verdict: str  #: the results file's: passed, failed, error, skipped, not_due, waived
    message: str
    check: str


def golden_id(test_name: str, tenant: str) -> str:
    """``test_x[m12-contoso.com]`` -> ``test_x[demo-contoso.com]`` (the golden tenant's id)."""
    return re.sub(r"\[" + re.escape(tenant) + r"(?=[-\]])", "[" + GOLDEN_TENANT, test_name)


@contextlib.contextmanager
def _views_over(docs: dict[str, dict[str, Any]], rec: Recorder | None) -> Iterator[list]:
    """The plugin's collection replaced by a TenantView over the given snapshot."""
    views: list[tuple[TenantView, set[str]]] = []

    def collect_tenant(
        entry: Any, state: Any, progress: Any = None, keep: Any = None
    ) -> TenantView:
        view = TenantView(entry.cfg, docs[entry.name])
        views.append((view, set(view.__dict__)))
        return view

    with pytest.MonkeyPatch.context() as mp:
        # every collection, read ahead or by a check's fixture, is session.ahead's
        mp.setattr("okta_m365_audit.session.ahead.collect_tenant", collect_tenant)
        # the run's outputs (a bundle per tenant) are thrown away: no need to wait for disk
        mp.setattr("okta_m365_audit.core.safe_files.os.fsync", lambda fd: None)
        yield views


class _Attribution:
    """Tells the Recorder which test runs, and empties the views' caches before each test
    (cached_property values, judged reads), so that each test's reads are its own and not
    left to the first test that computed a shared value."""

    def __init__(self, rec: Recorder, views: list, tenant: str):
        self.rec, self.views, self.tenant = rec, views, tenant

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        for view, initial in self.views:
            for key in set(view.__dict__) - initial:
                del view.__dict__[key]
            view._judged.clear()
        self.rec.current = golden_id(item.name, self.tenant)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.rec.current = None


def write_tenant_files(folder: Path, names: list[str]) -> None:
    """One tenant file per name: the demo's, renamed (its emulator is never started)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = demo_yaml_data()
    data["emulator"] = {"snapshot": str(GOLDEN)}
    for name in names:
        data["name"] = name
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def run_suite_in_process(
    pytester: pytest.Pytester,
    docs: dict[str, dict[str, Any]],
    *,
    out: str,
    recorder: Recorder | None = None,
) -> dict[str, dict[str, Outcome]]:
    """Tenant -> golden test id -> outcome, for one run of the suite over ``docs``."""
    tenants_dir = pytester.path / out / "tenants"
    write_tenant_files(tenants_dir, list(docs))
    outdir = pytester.path / out / "reports"
    with _views_over(docs, recorder) as views:
        plugins = [_Attribution(recorder, views, next(iter(docs)))] if recorder else []
        rec = pytester.inline_run(
            str(SUITE),
            "--tenants-dir",
            str(tenants_dir),
            "--reports-dir",
            str(outdir),
            "--snapshot-out",
            str(outdir / "snapshots"),
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "--assert=plain",
            "--no-pdf",  # verdicts only: Chromium would print a PDF per mutated tenant
            "-q",
            plugins=plugins,
        )
    outcomes: dict[str, dict[str, Outcome]] = {}
    for rep in rec.getreports("pytest_runtest_logreport"):
        line = getattr(rep, "audit_result", None)
        tenant = getattr(rep, "tenant", None)
        if line is None or not tenant:
            continue
        key = golden_id(line["testId"], tenant)
        outcomes.setdefault(tenant, {})[key] = Outcome(
            line["verdict"], line["message"] or "", line["check"]
        )
    return outcomes


# --- the sweep ------------------------------------------------------------------------------

MODES = ("delete", "null")
#: tenants per in-process run: one run's fixed cost (collection, outputs) against its memory
CHUNK = 60


@dataclass(frozen=True)
class Mutation:
    field: FieldPath
    mode: str  #: "delete" or "null"
    objects: int  #: objects of the resource it changed

    def __str__(self) -> str:
        verb = "deleted from" if self.mode == "delete" else "set to null in"
        return f"{'.'.join(self.field[:2])}: {self.field[2]} {verb} {self.objects} object(s)"


@dataclass
class Sweep:
    reads: dict[FieldPath, set[str]]  #: field -> golden test ids that read it
    recorded: dict[str, Outcome]  #: the golden's outcomes, run with its data recording
    golden: dict[str, Outcome]  #: the golden's outcomes, run as it is
    outcomes: dict[Mutation, dict[str, Outcome]]
    no_value: list[tuple[FieldPath, str]]  #: read but absent (or already null): no change


def run_sweep(pytester: pytest.Pytester, golden: dict[str, Any]) -> Sweep:
    """Discover the fields the checks read, then run the suite on the golden with each one
    deleted, and with each one set to null (the golden as it is rides along, as baseline)."""
    rec = Recorder()
    recorded = run_suite_in_process(
        pytester, {GOLDEN_TENANT: recording_doc(golden, rec)}, out="recording", recorder=rec
    )[GOLDEN_TENANT]
    mutations: dict[str, Mutation] = {}
    docs: dict[str, dict[str, Any]] = {}
    no_value: list[tuple[FieldPath, str]] = []
    for where in sorted(rec.reads):
        for mode in MODES:
            doc, changed = mutate(golden, where, mode)
            if not changed:
                no_value.append((where, mode))
                continue
            name = f"m{len(docs):04d}"
            mutations[name], docs[name] = Mutation(where, mode, changed), doc
    names = list(docs)
    outcomes: dict[Mutation, dict[str, Outcome]] = {}
    golden_outcomes: dict[str, Outcome] = {}
    for start in range(0, len(names), CHUNK):
        chunk = {n: docs[n] for n in names[start : start + CHUNK]}
        if start == 0:
            chunk[GOLDEN_TENANT] = golden
        run = run_suite_in_process(pytester, chunk, out=f"sweep-{start}")
        golden_outcomes = run.pop(GOLDEN_TENANT, golden_outcomes)
        for name, results in run.items():
            outcomes[mutations[name]] = results
    return Sweep(rec.reads, recorded, golden_outcomes, outcomes, no_value)
