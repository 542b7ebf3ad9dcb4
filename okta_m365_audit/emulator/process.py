"""The emulator in a child process: the audit's own CPU and memory are then measured alone.

``EmulatorProcess`` starts ``python -m okta_m365_audit.emulator --json`` and offers what the
in-process ``Emulator`` offers a run (endpoints, the tenant's clock, the request log). The
child serves until its standard input closes, so it never outlives the run that started it.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path
from typing import Any

from ..clients import Endpoints
from ..snapshot import document as snap
from .latency import Latency
from .server import LoggedRequest, emulated_endpoints

START_TIMEOUT = 600.0  #: a 100k-user snapshot takes a while to load


class EmulatorError(RuntimeError):
    """The emulator process did not start."""


class EmulatorProcess:
    def __init__(self, snapshot: Path, tenant_file: Path, latency: Latency | None = None):
        self.snapshot, self.tenant_file = Path(snapshot), Path(tenant_file)
        self.latency = latency or Latency()
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: Any = None
        self.info: dict[str, Any] = {}

    @property
    def urls(self) -> dict[str, str]:
        return self.info["urls"]

    @property
    def ca_file(self) -> Path:
        return Path(self.info["caFile"])

    @property
    def tenant_id(self) -> str:
        return self.info["tenantId"]

    @property
    def as_of(self):
        return snap.parse_time(self.info["asOf"])

    def endpoints(self, cloud: str = "global") -> Endpoints:
        return emulated_endpoints(self.urls, self.ca_file, cloud)

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request the three services received, in arrival order (one log)."""
        ctx = ssl.create_default_context(cafile=str(self.ca_file))
        url = f"{self.urls['okta']}/_emulator/requests"  # any service serves the whole log
        with urllib.request.urlopen(url, context=ctx, timeout=60) as answer:
            return [LoggedRequest(**row) for row in json.load(answer)]

    def start(self) -> EmulatorProcess:
        """Start the child (unless ``spawn`` did) and wait until it serves."""
        if self._proc is None:
            self.spawn()
        return self._wait_ready()

    def spawn(self) -> EmulatorProcess:
        """Start the child without waiting for it: its start-up (imports, TLS, the snapshot)
        then overlaps whatever the run does before ``start``."""
        cmd = [
            sys.executable, "-m", "okta_m365_audit.emulator", "--json", "--until-stdin-closes",
            "--snapshot", str(self.snapshot), "--tenant", str(self.tenant_file),
            "--latency-ms", str(self.latency.ms), "--jitter-ms", str(self.latency.jitter_ms),
            "--seed", str(self.latency.seed),
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        self._stderr = tempfile.TemporaryFile("w+")
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, env=env,
        )  # fmt: skip
        self._line: list[str] = []
        self._reader = threading.Thread(
            target=lambda: self._line.append(self._proc.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        self._reader.start()
        return self

    def _wait_ready(self) -> EmulatorProcess:
        assert self._proc is not None
        self._reader.join(START_TIMEOUT)
        line = self._line
        if not line or not line[0].strip():
            self._proc.kill()
            self._proc.wait()
            self._stderr.seek(0)
            err = self._stderr.read().strip()[-2000:]
            self.stop()
            raise EmulatorError(
                f"the emulator for {self.snapshot} did not start: {err or 'no answer'}"
            )
        self.info = json.loads(line[0])
        return self

    def stop(self) -> None:
        if self._proc is None:
            return
        try:
            self._proc.stdin.close()  # type: ignore[union-attr]
            self._proc.wait(30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        finally:
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._stderr.close()
            self._proc = None

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
