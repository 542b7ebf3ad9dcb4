"""Runs through a real proxy (mitmproxy's mitmdump, started here): CONNECT tunnelling, TLS
inspection with the proxy's CA, NO_PROXY, the environment's https_proxy (ignored unless
--proxy-from-env), and a proxy with a password that never appears in any output.

Every run is a whole audit of the demo tenant, green only when every read succeeded; the
proxy's own log of CONNECTs proves where the requests went. The emulator serves either in
the audit's process (the demo's ``emulator:``), or in a process started here, reached by a
tenant file's ``endpoints:`` as a real tenant's APIs would be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from okta_m365_audit.emulator.process import EmulatorProcess

from .conftest import DEMO_YAML, GOLDEN
from .network_support import Run, audit, demo_folder, mitmdump, start_proxy, stop_proxy

PASSWORD = "Pr0xy-S3cret-9c1e7a"


def all_green(run: Run) -> bool:
    """Exit 0 and a summary of passes (and the demo's one skip) only: no failure, no error."""
    summary = [ln for ln in run.out.splitlines() if re.match(r"^\d+ passed", ln)]
    return run.code == 0 and len(summary) == 1 and not re.search(r"failed|error", summary[0])


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    """The demo tenant served by an emulator process of its own (as a standalone one)."""
    mitmdump()  # skip (or fail under CI) before starting anything
    with EmulatorProcess(GOLDEN, DEMO_YAML) as emu:
        yield emu


def endpoints_yaml(emu: EmulatorProcess) -> str:
    return (
        f"endpoints:\n  okta: {emu.urls['okta']}\n  graph: {emu.urls['graph']}\n"
        f"  login: {emu.urls['login']}\n"
    )


def hostports(emu: EmulatorProcess) -> dict[str, str]:
    return {api: url.removeprefix("https://") for api, url in emu.urls.items()}


def test_connect_tunnel_carries_the_demo_run(tmp_path: Path) -> None:
    """(1) A passthrough proxy: the demo's run is green and went through it, one CONNECT
    stream per origin, TLS verified end to end against the emulator's certificate."""
    proxy = start_proxy(tmp_path / "proxy", "--ignore-hosts", ".*")
    try:
        tenants = demo_folder(tmp_path / "t", f"network:\n  proxy: {proxy.url}\n")
        run = audit(tenants, tmp_path / "r")
    finally:
        stop_proxy(proxy)
    assert all_green(run), run.out[-3000:]
    used = run.results()["endpointsUsed"]
    origins = {api: a["url"].removeprefix("https://") for api, a in used["apis"].items()}
    assert set(origins.values()) <= set(proxy.connects()), (origins, proxy.connects())
    assert {a["proxy"] for a in used["apis"].values()} == {proxy.url}
    report = next(run.reports.glob("audit-*.html")).read_text()
    assert f"reached through the proxy {proxy.url}" in report


def test_tls_inspection_needs_its_ca(tmp_path: Path, emulator: EmulatorProcess) -> None:
    """(2) mitmproxy re-signs every site with its own CA: without network.ca_file the run
    fails, and says what to set; with the proxy's CA it is green."""
    proxy = start_proxy(
        tmp_path / "proxy", "--set", f"ssl_verify_upstream_trusted_ca={emulator.ca_file}"
    )
    try:
        extra = endpoints_yaml(emulator) + f"network:\n  proxy: {proxy.url}\n"
        refused = audit(demo_folder(tmp_path / "a", extra, emulated=False), tmp_path / "ra")
        extra += f"  ca_file: {proxy.ca_cert}\n"
        trusted = audit(demo_folder(tmp_path / "b", extra, emulated=False), tmp_path / "rb")
    finally:
        stop_proxy(proxy)
    assert refused.code != 0
    assert "TLS certificate not trusted" in refused.out and "network.ca_file" in refused.out
    assert all_green(trusted), trusted.out[-3000:]
    assert set(hostports(emulator).values()) <= set(proxy.connects())


def test_no_proxy_host_goes_direct(tmp_path: Path, emulator: EmulatorProcess) -> None:
    """(3) The Okta origin listed in no_proxy is reached directly; the others through the
    proxy."""
    ports = hostports(emulator)
    proxy = start_proxy(tmp_path / "proxy", "--ignore-hosts", ".*")
    try:
        extra = endpoints_yaml(emulator) + (
            f"network:\n  proxy: {proxy.url}\n  no_proxy: ['{ports['okta']}']\n"
            f"  ca_file: {emulator.ca_file}\n"
        )
        run = audit(demo_folder(tmp_path / "t", extra, emulated=False), tmp_path / "r")
    finally:
        stop_proxy(proxy)
    assert all_green(run), run.out[-3000:]
    assert ports["okta"] not in proxy.connects()
    assert {ports["graph"], ports["login"]} <= set(proxy.connects())
    assert run.results()["endpointsUsed"]["apis"]["okta"]["proxy"] is None


def test_environment_proxy_only_with_the_flag(tmp_path: Path, emulator: EmulatorProcess) -> None:
    """(4) https_proxy in the environment is ignored (here: a closed port, so using it would
    fail the run); with --proxy-from-env it is used."""
    extra = endpoints_yaml(emulator) + f"network:\n  ca_file: {emulator.ca_file}\n"
    tenants = demo_folder(tmp_path / "t", extra, emulated=False)
    closed = {"https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    ignored = audit(tenants, tmp_path / "r1", env=closed)
    assert all_green(ignored), ignored.out[-3000:]
    assert ignored.results()["endpointsUsed"]["network"]["proxy"] is None

    proxy = start_proxy(tmp_path / "proxy", "--ignore-hosts", ".*")
    try:
        used = audit(tenants, tmp_path / "r2", "--proxy-from-env", env={"https_proxy": proxy.url})
    finally:
        stop_proxy(proxy)
    assert all_green(used), used.out[-3000:]
    assert set(hostports(emulator).values()) <= set(proxy.connects())


def test_proxy_password_is_never_shown(tmp_path: Path, emulator: EmulatorProcess) -> None:
    """(5) A proxy that asks for a user and password: the password, read from its
    environment variable, opens the tunnel and appears in no output at all."""
    proxy = start_proxy(
        tmp_path / "proxy", "--ignore-hosts", ".*", "--proxyauth", f"svc-audit:{PASSWORD}"
    )
    try:
        extra = endpoints_yaml(emulator) + (
            f"network:\n  proxy: {proxy.url}\n  proxy_username: svc-audit\n"
            f"  proxy_password_env: MSP_PROXY_PASSWORD\n  ca_file: {emulator.ca_file}\n"
        )
        tenants = demo_folder(tmp_path / "t", extra, emulated=False)
        run = audit(tenants, tmp_path / "r", "-rA", env={"MSP_PROXY_PASSWORD": PASSWORD})
        wrong = audit(tenants, tmp_path / "w", env={"MSP_PROXY_PASSWORD": "not-it"})
    finally:
        stop_proxy(proxy)
    assert all_green(run), run.out[-3000:]
    assert set(hostports(emulator).values()) <= set(proxy.connects())
    assert PASSWORD not in run.every_output()
    assert "svc-audit" in run.every_output()  # the user is no secret: the report names it
    assert wrong.code != 0  # the proxy refused the tunnel: the password is what opened it
