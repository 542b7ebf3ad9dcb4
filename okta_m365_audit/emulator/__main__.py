"""``python -m okta_m365_audit.emulator --snapshot FILE [--tenant YAML]``: serve a snapshot.

Prints the base URLs of the three emulated services and the CA file to trust, then serves
until interrupted (or, with ``--until-stdin-closes``, until its standard input closes: the
parent that started it is gone). The tenant file's credentials are registered with the emulator (by
default tenants/demo.yaml, whose keys are demo-only); ``--latency-ms`` delays every answer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path

from ..config import load_tenant
from ..core.errors import AuditError
from ..snapshot.document import SnapshotError, load
from .latency import Latency
from .registration import registrations_for
from .server import Emulator


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m okta_m365_audit.emulator")
    parser.add_argument("--snapshot", required=True, type=Path, help="snapshot file to serve")
    parser.add_argument(
        "--tenant",
        type=Path,
        default=Path("tenants/demo.yaml"),
        help="tenant YAML whose credentials to register (default: tenants/demo.yaml)",
    )
    parser.add_argument("--json", action="store_true", help="print the endpoints as JSON")
    parser.add_argument(
        "--until-stdin-closes",
        action="store_true",
        help="serve until standard input closes (a parent process that started it is gone)",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay of every answer")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="plus up to this much more")
    parser.add_argument("--seed", type=int, default=0, help="seed of the jitter")
    args = parser.parse_args(argv)
    try:
        cfg = load_tenant(args.tenant)
        doc = load(args.snapshot)
        latency = Latency(args.latency_ms, args.jitter_ms, args.seed)
        emulator = Emulator(doc, registrations_for(cfg), latency=latency, copy=False).start()
        del doc
    except (AuditError, SnapshotError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    info = {
        "okta": emulator.urls["okta"],
        "graph": emulator.urls["graph"] + "/v1.0",
        "login": emulator.urls["login"],
        "tenantId": emulator.tenant_id,
        "caFile": str(emulator.ca_file),
        "asOf": emulator.doc["meta"]["collectedAt"],
        "urls": emulator.urls,
    }
    if args.json:
        print(json.dumps(info), flush=True)
    else:
        print(f"Okta API     {info['okta']}/api/v1", flush=True)
        print(f"Okta token   {info['okta']}/oauth2/v1/token")
        print(f"Graph        {info['graph']}")
        print(f"Entra token  {info['login']}/{emulator.tenant_id}/oauth2/v2.0/token")
        print(f"CA file      {info['caFile']}")
        print(f"Requests     {info['okta']}/_emulator/requests (likewise on each service)")
        print("Serving; press Ctrl-C to stop.", flush=True)
    if args.until_stdin_closes:
        try:
            sys.stdin.read()  # until the parent closes the pipe (or dies)
        finally:
            emulator.stop()
        sys.stdout.flush()
        os._exit(0)  # skip freeing a large tenant's objects one by one: the parent waits
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
