"""What the network tests share: a real proxy (mitmproxy's mitmdump, from its own virtual
environment), the demo tenant copied with extra sections, and an audit run as a user starts
one (``python -m okta_m365_audit run``, in a child process: its terminal is what is read).

mitmproxy pins versions of libraries this project also uses, so it is not in the project's
venv: ``make proxy-tools`` installs it in ``.venv-proxy`` (``make test`` and .ci/run do).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

#: logs every CONNECT the proxy receives (the hook runs for tunnelled and inspected hosts)
ADDON = """
import os

def http_connect(flow):
    with open(os.environ["CONNECT_LOG"], "a") as log:
        log.write(f"{flow.request.host}:{flow.request.port}\\n")
"""


def mitmdump() -> Path:
    """The mitmdump to start; skipped without one unless CI is set (then it fails: CI
    must prove the proxy support)."""
    for found in (
        os.environ.get("MITMDUMP"),
        ROOT / ".venv-proxy" / "bin" / "mitmdump",
        shutil.which("mitmdump"),
    ):
        if found and Path(found).is_file():
            return Path(found)
    reason = "mitmdump not installed: run make proxy-tools (installs mitmproxy in .venv-proxy)"
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Proxy:
    url: str
    log: Path
    confdir: Path
    proc: subprocess.Popen[bytes]

    def connects(self) -> list[str]:
        """host:port of every CONNECT received so far."""
        return self.log.read_text().split() if self.log.exists() else []

    @property
    def ca_cert(self) -> Path:
        """The CA mitmproxy re-signs inspected sites with."""
        return self.confdir / "mitmproxy-ca-cert.pem"


def start_proxy(tmp: Path, *options: str) -> Proxy:
    """mitmdump on 127.0.0.1 (regular mode: CONNECT), its CA in ``tmp``, with ``options``."""
    tmp.mkdir(parents=True, exist_ok=True)
    addon = tmp / "log_connects.py"
    addon.write_text(ADDON)
    port = free_port()
    log = tmp / "connects.log"
    cmd = [
        str(mitmdump()), "--mode", "regular", "--listen-host", "127.0.0.1",
        "--listen-port", str(port), "--set", f"confdir={tmp / 'conf'}", "-s", str(addon),
        *options,
    ]  # fmt: skip
    env = {**os.environ, "CONNECT_LOG": str(log)}
    out = (tmp / "mitmdump.out").open("wb")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mitmdump exited: {(tmp / 'mitmdump.out').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            if (tmp / "conf" / "mitmproxy-ca-cert.pem").exists():
                break
        except OSError:
            pass
        time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("mitmdump did not start listening within 30 s")
    return Proxy(f"http://127.0.0.1:{port}", log, tmp / "conf", proc)


def stop_proxy(proxy: Proxy) -> None:
    proxy.proc.terminate()
    try:
        proxy.proc.wait(10)
    except subprocess.TimeoutExpired:
        proxy.proc.kill()
        proxy.proc.wait()


def demo_folder(folder: Path, extra: str = "", emulated: bool = True) -> Path:
    """The demo tenant file (and its keys and snapshot) in ``folder``, with ``extra`` YAML
    appended; without its ``emulator:`` section when not ``emulated``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "tenants" / "demo.yaml").read_text()
    if not emulated:
        text = text.split("\nemulator:", 1)[0] + "\n"
    (folder / "demo.yaml").write_text(text + extra)
    if not (folder / "demo").exists():
        shutil.copytree(ROOT / "tenants" / "demo", folder / "demo")
    return folder


@dataclass
class Run:
    code: int
    out: str
    reports: Path

    def results(self) -> dict:
        (found,) = self.reports.glob("demo-*/results.json")
        return json.loads(found.read_text())

    def every_output(self) -> str:
        """The terminal and every text file the run wrote."""
        texts = [self.out]
        for path in self.reports.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".json", ".xml", ".md", ".yaml"):
                texts.append(path.read_text(errors="replace"))
        return "\n".join(texts)


def audit(tenants: Path, reports: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """``python -m okta_m365_audit run`` on the demo tenant of ``tenants``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy"):
        base.pop(name, None)
    base.pop("NO_PROXY", None)
    proc = subprocess.run(
        [
            sys.executable, "-m", "okta_m365_audit", "run", str(ROOT / "tests_integration"),
            "--tenants-dir", str(tenants), "--tenant", "demo", "--reports-dir", str(reports),
            "--no-pdf", "-p", "no:randomly", "-q", *args,
        ],
        capture_output=True, text=True, env={**base, **(env or {})}, cwd=str(tenants),
        timeout=300,
    )  # fmt: skip
    return Run(proc.returncode, proc.stdout + proc.stderr, reports)
