"""Task 15b: the standalone emulator a tenant file reaches as it reaches a real tenant.

The README's rehearsal, as written: ``emulator --demo --port N --write-tenant
tenants/rehearsal.yaml --state-dir state`` in one process, ``validate`` and ``run --tenant
rehearsal`` from the same folder in another; a restart on the same ports with the same
state folder serves the same tenant file green again; each usage error is one line and
exit 4; SIGTERM ends it cleanly (exit 0, one line).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from okta_m365_audit.config import load_tenant

from .conftest import ROOT

READY = "Serving; press Ctrl-C to stop."
TIMEOUT = 120


def clean_env() -> dict[str, str]:
    """This environment without pytest's and Python's variables (a run must not inherit
    the test's, nor an installed wheel import the checkout)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}


def free_ports() -> int:
    """A port N with N, N+1 and N+2 free now (the OS's pick, then its two neighbours)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + 2 > 65535:
            continue
        try:
            for port in (first, first + 1, first + 2):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no three consecutive free ports")


@dataclass
class Standalone:
    """A running standalone emulator (``command``: how to start the tool, e.g. the
    console script of an installed wheel), its output read as it comes."""

    command: list[str]
    args: list[str]
    cwd: Path
    lines: list[str] = field(default_factory=list)
    proc: subprocess.Popen[str] | None = None

    def start(self) -> Standalone:
        self.proc = subprocess.Popen(
            [*self.command, "emulator", *self.args], cwd=self.cwd, env=clean_env(),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        ready = threading.Event()

        def read() -> None:
            assert self.proc is not None and self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                if line.startswith(READY):
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        ready.wait(TIMEOUT)
        if not self.lines or self.lines[-1] != READY:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""  # type: ignore[union-attr]
            self.stop()
            raise AssertionError(f"the emulator did not start: {self.lines} {err}")
        return self

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc.stderr.close()  # type: ignore[union-attr]
        return code


def audit(command: list[str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args], cwd=cwd, env=clean_env(), capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip


def green(proc: subprocess.CompletedProcess[str]) -> bool:
    """Every check passed but the two the demo skips (FED-08 at phase 5; FED-11, which no
    application permission can read)."""
    found = re.search(r"= (\d+) passed, 2 skipped in [\d.]+s", proc.stdout)
    return proc.returncode == 0 and found is not None and int(found.group(1)) >= 100


def one_line_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 4, proc.stderr
    assert len(lines) == 1 and all(w in lines[0] for w in words), lines
    assert "Traceback" not in proc.stderr


PY = [sys.executable, "-m", "okta_m365_audit"]


@pytest.fixture
def rehearsal(tmp_path: Path) -> Iterator[tuple[Standalone, int]]:
    port = free_ports()
    emu = Standalone(
        PY, ["--demo", "--port", str(port), "--write-tenant", "tenants/rehearsal.yaml",
             "--state-dir", "state"], tmp_path,
    ).start()  # fmt: skip
    try:
        yield emu, port
    finally:
        emu.stop()


def test_rehearsal_runs_green_and_survives_a_restart(rehearsal, tmp_path: Path) -> None:
    emu, port = rehearsal
    written = tmp_path / "tenants" / "rehearsal.yaml"
    text = written.read_text()
    assert text.startswith("# WRITTEN BY THE EMULATOR")
    assert "\nemulator:" not in text  # reached like a real tenant
    cfg = load_tenant(written)
    assert cfg.emulator is None and cfg.endpoints and cfg.network
    assert cfg.endpoints.okta == f"https://127.0.0.1:{port}"
    assert cfg.endpoints.graph == f"https://127.0.0.1:{port + 1}"
    assert cfg.endpoints.login == f"https://127.0.0.1:{port + 2}"
    assert cfg.okta.org_url == "https://contoso-demo.okta.com"  # the snapshot's org
    for key in ("emulator-ca.key.pem", "okta-service-app.pem", "graph-app.pem"):
        assert stat.S_IMODE((tmp_path / "state" / key).stat().st_mode) == 0o600, key
    assert any(line.startswith("Tenant file  tenants/rehearsal.yaml") for line in emu.lines)

    validated = audit(PY, tmp_path, "validate")
    assert validated.returncode == 0 and "ok: rehearsal" in validated.stdout, validated.stdout
    first = audit(PY, tmp_path, "run", "--tenant", "rehearsal", "--no-pdf")
    assert green(first), first.stdout[-3000:] + first.stderr[-2000:]
    assert list((tmp_path / "reports").glob("audit-*.html"))
    assert list((tmp_path / "reports").glob("rehearsal-*/handover.html"))

    # a second emulator on the same ports: one line, exit 4; the running one is untouched
    clash = audit(PY, tmp_path, "emulator", "--demo", "--port", str(port), "--state-dir", "s2")
    one_line_error(clash, f"127.0.0.1:{port}", "in use", "--port")

    # SIGTERM: a clean stop, exit 0, one line
    assert emu.stop() == 0
    assert emu.lines[-1] == "Stopped (SIGTERM)."

    # restarted on the same ports with the same state: the SAME tenant file runs green
    again = Standalone(PY, ["--demo", "--port", str(port), "--state-dir", "state"], tmp_path)
    again.start()
    try:
        second = audit(PY, tmp_path, "run", "--tenant", "rehearsal", "--no-pdf")
        assert green(second), second.stdout[-3000:] + second.stderr[-2000:]
        assert written.read_text() == text

        # broken as the README shows: an expectation the tenant does not meet fails a check
        written.write_text(text.replace("min_break_glass_admins: 2", "min_break_glass_admins: 5"))
        broken = audit(PY, tmp_path, "run", "--tenant", "rehearsal", "--no-pdf")
        assert broken.returncode == 1 and re.search(r"\d+ failed", broken.stdout), broken.stdout
    finally:
        assert again.stop(signal.SIGINT) == 0
    assert again.lines[-1] == "Stopped (SIGINT)."


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    """Refused before anything is served or written: each error names what to fix."""
    (tmp_path / "tenants").mkdir()
    existing = tmp_path / "tenants" / "rehearsal.yaml"
    existing.write_text("kept\n")
    port = str(free_ports())
    refused = audit(PY, tmp_path, "emulator", "--demo", "--port", port,
                    "--write-tenant", "tenants/rehearsal.yaml")  # fmt: skip
    one_line_error(refused, "tenants/rehearsal.yaml", "exists", "--force")
    assert existing.read_text() == "kept\n"
    bad = audit(PY, tmp_path, "emulator", "--demo", "--write-tenant", "tenants/Re hearsal.yaml")
    one_line_error(bad, "'Re hearsal' is not a valid tenant name", "tenants/rehearsal.yaml")
    suffix = audit(PY, tmp_path, "emulator", "--demo", "--write-tenant", "tenants/x.txt")
    one_line_error(suffix, ".yaml")
    ports = audit(PY, tmp_path, "emulator", "--demo", "--ports", "8443,8444")
    one_line_error(ports, "OKTA,GRAPH,LOGIN")
    high = audit(PY, tmp_path, "emulator", "--demo", "--port", "65534")
    one_line_error(high, "65533")
    nothing = audit(PY, tmp_path, "emulator")
    one_line_error(nothing, "--snapshot", "--demo")
    assert not (tmp_path / "emulator-state").exists()  # nothing made for a refused start


def test_overwrite_with_force_and_ports(tmp_path: Path) -> None:
    """--force replaces the file; --ports places each service; the file keeps its name; a
    customer's ``--tenant`` file lends its expectations even when its keys are elsewhere."""
    (tmp_path / "tenants").mkdir()
    (tmp_path / "tenants" / "other.yaml").write_text("old\n")
    base = free_ports()
    ports = [base + 2, base, base + 1]
    example = ROOT / "tenants" / "example.yaml"
    emu = Standalone(
        PY, ["--demo", "--ports", ",".join(map(str, ports)), "--write-tenant",
             "tenants/other.yaml", "--force", "--state-dir", "st", "--tenant", str(example)],
        tmp_path,
    ).start()  # fmt: skip
    try:
        cfg = load_tenant(tmp_path / "tenants" / "other.yaml")
        assert cfg.name == "other"
        assert cfg.expect == load_tenant(example).expect
        assert cfg.endpoints is not None
        assert [cfg.endpoints.okta, cfg.endpoints.graph, cfg.endpoints.login] == [
            f"https://127.0.0.1:{p}" for p in ports
        ]
    finally:
        assert emu.stop() == 0


# --- the pieces, without a process -----------------------------------------------------------


def test_the_tenant_is_moved_to_now_keeping_each_timestamp_form() -> None:
    import datetime as dt

    from okta_m365_audit.emulator.standalone import move_to

    doc = {
        "meta": {"collectedAt": "2026-11-20T06:00:00.000Z"},
        "x": [{"a": "2026-11-19T06:00:00Z", "b": "2026-11-18T06:00:00.1234567Z"}],
        "y": {"c": "2026-11-20T05:00:00", "d": "2026-11-20", "e": "not 2026-11-20T05:00:00Z"},
    }
    move_to(doc, dt.datetime(2026, 12, 1, 6, 0, 0, 400000, tzinfo=dt.UTC))
    assert doc["meta"]["collectedAt"] == "2026-12-01T06:00:00.000Z"
    assert doc["x"][0] == {"a": "2026-11-30T06:00:00Z", "b": "2026-11-29T06:00:00.1234560Z"}
    assert doc["y"] == {"c": "2026-12-01T05:00:00", "d": "2026-11-20",
                        "e": "not 2026-11-20T05:00:00Z"}  # fmt: skip


def _tenant(tmp_path: Path, extra: str) -> Path:
    text = (ROOT / "tenants" / "demo.yaml").read_text().split("\nemulator:")[0]
    path = tmp_path / "t.yaml"
    path.write_text(text.replace("name: demo", "name: t") + extra)
    return path


def test_endpoints_and_ca_of_a_tenant_file(tmp_path: Path) -> None:
    """endpoints: replace where each API is reached (org_url stays the org's identity);
    network.ca_file is resolved from the tenant file's folder and trusted besides the
    system's CAs; a token service that is not Microsoft's is not asked about instances."""
    from okta_m365_audit.clients import Endpoints
    from okta_m365_audit.clients.network import network_for

    (tmp_path / "state").mkdir(exist_ok=True)  # network.ca_file must be PEM certificates
    ca = (ROOT / "tenants" / "demo" / "graph-app.pem").read_text()
    (tmp_path / "state" / "ca.pem").write_text(ca[: ca.index("-----END CERTIFICATE-----") + 26])
    cfg = load_tenant(
        _tenant(
            tmp_path,
            "endpoints:\n  okta: https://127.0.0.1:8443/\n  graph: https://127.0.0.1:8444\n"
            "  login: https://127.0.0.1:8445\nnetwork:\n  ca_file: state/ca.pem\n",
        )
    )
    ep = Endpoints.real(cfg, network_for(cfg, None))
    assert (ep.okta_base, ep.graph_base) == (
        "https://127.0.0.1:8443",
        "https://127.0.0.1:8444/v1.0",
    )
    assert (ep.login_authority, ep.graph_scope) == (
        "127.0.0.1:8445",
        "https://graph.microsoft.com/.default",
    )
    assert ep.network.ca_file == tmp_path / "state" / "ca.pem" and not ep.known_authority
    assert cfg.okta.org_url == "https://contoso-demo.okta.com"
    plain_cfg = load_tenant(_tenant(tmp_path, ""))
    plain = Endpoints.real(plain_cfg, network_for(plain_cfg, None))
    assert plain.okta_base == "https://contoso-demo.okta.com" and plain.network.ca_file is None
    assert plain.login_authority == "login.microsoftonline.com" and plain.known_authority


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("endpoints:\n  okta: http://127.0.0.1:8443\n", "endpoints.okta"),
        ("endpoints:\n  graph: https://127.0.0.1:8444/v1.0\n", "endpoints.graph"),
        ("endpoints:\n  login: https://127.0.0.1:99999\n", "endpoints.login"),
        ("endpoints:\n  proxy: https://x\n", "endpoints.proxy"),
        ("network:\n  ca_file: ''\n", "network.ca_file"),
    ],
)
def test_bad_endpoints_are_one_line(tmp_path: Path, extra: str, field: str) -> None:
    from okta_m365_audit.core.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_tenant(_tenant(tmp_path, extra))
    assert field in str(caught.value) and "\n" not in str(caught.value).strip()
