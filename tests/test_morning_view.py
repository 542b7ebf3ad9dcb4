"""The terminal's end of a fleet run: one table, one line per tenant, that answers "what
needs me this morning"; check failures as their message, with pytest's --tb still obeyed.

Two tenants are audited in one run (as tests/test_isolation.py does, in a subprocess, so
the console output is the one a CI log gets): one golden, one whose Entra federation
trusts a foreign certificate (FED-04 fails). Then the same with ``--tb=long``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from okta_m365_audit.catalog.checks import PHASES
from okta_m365_audit.outputs.morning import morning_view
from tests.conftest import golden_doc, write_tenant
from tests.scenarios.fed import foreign_certificate
from tests.test_fleet import make_doc
from tests.test_isolation import run_audit

HEADER = ["TENANT", *PHASES, "FINDINGS", "NEW SINCE LAST RUN", "REPORT"]


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("two")
    write_tenant(root / "tenants", golden_doc(), name="tenant-amber")
    broken = golden_doc()
    foreign_certificate(broken)
    write_tenant(root / "tenants", broken, name="tenant-birch")
    return root


def _view(output: str) -> list[str]:
    """The lines of the morning view section, up to pytest's closing stats line."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if "okta-m365-audit: the morning view" in line)
    return lines[start + 1 : -1]


def test_one_table_one_line_per_tenant_and_messages_not_tracebacks(two: Path) -> None:
    run = run_audit(two, "reports")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    view = _view(output)
    assert view[0].split() == " ".join(HEADER).split()
    rows = {line.split()[0]: line for line in view[1:3]}
    assert set(rows) == {"tenant-amber", "tenant-birch"}
    assert view[1].startswith("tenant-birch")  # worst first
    birch, amber = rows["tenant-birch"].split(), rows["tenant-amber"].split()
    assert birch[1 : 1 + len(PHASES)] == ["ok"] * (len(PHASES) - 1) + ["FAIL"]
    assert amber[1 : 1 + len(PHASES)] == ["ok"] * len(PHASES)
    assert "1 critical" in rows["tenant-birch"] and "first run" in rows["tenant-birch"]
    assert "none" in rows["tenant-amber"]
    for name, row in rows.items():
        report = Path(two, row.split()[-1])
        assert report.name == "handover.html" and report.parent.name.startswith(name)
        assert report.is_file()
    assert any(line.startswith("phases: ok = passed") for line in view)
    assert "tenant-birch: not compared: no earlier run of tenant-birch" in output
    # the FAILURES section: FED-04's message and where, no traceback and no source lines
    failures = output.split("= FAILURES =")[1].split("short test summary")[0]
    assert "FED-04 (critical): contoso.com: Entra's signing certificate" in failures
    assert "--tb=long shows the traceback" in failures
    assert "Traceback" not in failures and "def test_" not in failures
    assert "\nE " not in failures and "assert " not in failures

    # a second run: what is new since the first (nothing), still one line per tenant
    again = run_audit(two, "reports")
    view = _view(again.stdout)
    assert [line.split()[0] for line in view[1:3]] == ["tenant-birch", "tenant-amber"]
    assert "none new" in view[1] and "none new" in view[2]
    assert (
        "tenant-birch: since the run of" in again.stdout
        and "0 new, 0 fixed, 1 still open" in again.stdout
    )


def test_tb_long_still_shows_the_traceback(two: Path) -> None:
    run = run_audit(two, "reports-tb", "--tb=long", "-k", "fed_04 and birch")
    failures = run.stdout.split("= FAILURES =")[1]
    assert "def test_fed_04" in failures and "\nE " in failures, failures[-2000:]
    assert "--tb=long shows the traceback" not in failures
    run = run_audit(two, "reports-tb", "--tb=no", "-k", "fed_04 and birch")
    assert "= FAILURES =" not in run.stdout and "the morning view" in run.stdout


def test_tenant_text_in_the_table_is_printable() -> None:
    doc = make_doc("acme", "2026-11-20T06:00:00.000Z", verdicts={"FED-04": "failed"})
    doc["changes"] = {
        "previous": {"startedAt": "2026-11-19T06:00:00Z", "file": "acme-1/results.json"},
        "scope": "every check",
        "counts": {"new": 1, "fixed": 0, "stillOpen": 0},
        "new": [{"check": "FED-04", "item": "x\n::error::forged\x1b[2J", "verdict": "failed",
                 "severity": "critical", "message": "bad\u202eevil"}],
    }  # fmt: skip
    lines = morning_view([(doc, Path("reports/acme-1/report.html"))])
    text = "\n".join(lines)
    assert "\x1b" not in text and "\u202e" not in text
    assert not any(line.startswith("::error::") for line in lines)
    assert "x\\n::error::forged\\x1b[2J" in text
