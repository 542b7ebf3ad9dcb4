"""``okta-m365-audit emulator`` (``python -m okta_m365_audit.emulator``): serve a snapshot.

Prints the base URLs of the three emulated services and the CA file to trust, then serves
until Ctrl-C or SIGTERM (or, with ``--until-stdin-closes``, until its standard input
closes: the parent that started it is gone). The tenant file's credentials are registered
with the emulator (by default the demo's, whose keys are demo-only); ``--latency-ms``
delays every answer.

Standalone, for a tenant file to reach as it reaches a real tenant (``--port``/``--ports``,
``--state-dir``, ``--write-tenant``): fixed ports, a CA and two service apps kept in the
state folder across restarts (standalone.py), the served tenant moved to today's clock,
and with ``--write-tenant`` a ready tenant file for it (rehearsal.py). Usage errors (a bad
option, a port in use, a bad tenant file name, a file that exists) are one line and exit 4,
as the command's other usage errors; a snapshot or tenant file that cannot be read, exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from ..config import load_tenant
from ..core import suite
from ..core.errors import AuditError
from ..snapshot.document import SnapshotError, load
from .latency import Latency
from .registration import registrations_for
from .rehearsal import RehearsalError, check_target, tenant_text, write_tenant
from .server import Emulator, PortUnavailable
from .standalone import DEFAULT_STATE_DIR, StateDir, StateError, move_to
from .tokens import Registrations

USAGE_ERROR = 4  #: as the command's (cli/main.py) and pytest's usage errors
SERVICES = ("okta", "graph", "login")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1-65535)")
    return int(text)


def _ports(text: str) -> dict[str, int]:
    parts = text.split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"{text!r}: give three ports, OKTA,GRAPH,LOGIN")
    ports = dict(zip(SERVICES, (_port(p) for p in parts), strict=True))
    if len(set(ports.values())) != 3:
        raise argparse.ArgumentTypeError(f"{text!r}: the three ports must differ")
    return ports


def build_parser(prog: str) -> _Parser:
    parser = _Parser(
        prog=prog,
        description=__doc__.split("\n\n")[1].replace("\n", " ").replace("``", ""),
        epilog="Rehearse a customer setup: emulator --demo --port 8443 --write-tenant "
        "tenants/rehearsal.yaml, then (in another terminal) okta-m365-audit run --tenant "
        "rehearsal (README: Rehearse a customer setup against the standalone emulator).",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--snapshot", type=Path, help="snapshot file to serve")
    what.add_argument(
        "--demo", action="store_true", help="serve the demo tenant's golden snapshot (packaged)"
    )
    parser.add_argument(
        "--tenant",
        type=Path,
        help="tenant YAML whose credentials to register and, with --write-tenant, whose "
        "expect: to copy (default: the demo tenant's)",
    )
    fixed = parser.add_mutually_exclusive_group()
    fixed.add_argument("--port", type=_port, metavar="N", help="Okta on N, Graph N+1, login N+2")
    fixed.add_argument("--ports", type=_ports, metavar="OKTA,GRAPH,LOGIN", help="each port")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="keeps the CA and the rehearsal apps' keys across restarts (default with "
        f"--port, --ports or --write-tenant: ./{DEFAULT_STATE_DIR})",
    )
    parser.add_argument(
        "--write-tenant",
        type=Path,
        metavar="FILE",
        help="write a ready tenant file for this emulator (e.g. tenants/rehearsal.yaml)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite the --write-tenant file")
    parser.add_argument(
        "--clock",
        choices=("snapshot", "now"),
        help="the served tenant's time: as collected, or moved to now (default: now when "
        "standalone, as a run against it judges by today's date; else snapshot)",
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
    return parser


def _fixed_ports(args: argparse.Namespace) -> dict[str, int] | None:
    if args.ports:
        return args.ports
    if args.port:
        if args.port + 2 > 65535:
            raise RehearsalError(f"--port {args.port}: N+2 must be a port too (at most 65533)")
        return {name: args.port + i for i, name in enumerate(SERVICES)}
    return None


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = build_parser(prog or "python -m okta_m365_audit.emulator")
    args = parser.parse_args(argv)
    try:
        return _main(parser, args)
    except KeyboardInterrupt:  # Ctrl-C while it was still starting
        print("Stopped (SIGINT) before serving.", file=sys.stderr, flush=True)
        return 0


def _registrations(cfg: Any, tenant_file: Path, standalone: bool) -> Registrations:
    """The ``--tenant`` file's credentials, as registered with the emulator. Standalone, the
    file may be a customer's (only its ``expect:`` is wanted: the written tenant file signs
    in with the state folder's apps), so credentials it cannot register are skipped, said."""
    try:
        return registrations_for(cfg)
    except (AuditError, ValueError) as exc:
        if not standalone:
            raise
        print(f"note: {tenant_file}: its own credentials are not registered ({exc})",
              file=sys.stderr)  # fmt: skip
        return Registrations()


def _main(parser: _Parser, args: argparse.Namespace) -> int:
    if args.snapshot is None and not args.demo:
        parser.error("give --snapshot FILE, or --demo for the demo tenant's snapshot")
    standalone = bool(args.port or args.ports or args.state_dir or args.write_tenant)
    try:
        ports = _fixed_ports(args)
        if args.write_tenant:
            check_target(args.write_tenant, args.force)
    except RehearsalError as exc:
        return _fail(exc, USAGE_ERROR)
    tenant_file = args.tenant or suite.demo_tenant_file()
    snapshot = suite.demo_snapshot() if args.demo else args.snapshot
    try:
        cfg = load_tenant(tenant_file)
        doc = load(snapshot)
        registrations = _registrations(cfg, Path(tenant_file), standalone)
        state = None
        if standalone:
            state = StateDir.open(args.state_dir or DEFAULT_STATE_DIR)
            state.register(registrations)
        if (args.clock or ("now" if standalone else "snapshot")) == "now":
            move_to(doc, dt.datetime.now(dt.UTC))
        latency = Latency(args.latency_ms, args.jitter_ms, args.seed)
        emulator = Emulator(
            doc, registrations, latency=latency, copy=False, ports=ports,
            ca=state.ca() if state else None, ca_file=state.ca_file if state else None,
        )  # fmt: skip
    except (AuditError, SnapshotError, StateError, ValueError) as exc:
        return _fail(exc, 2)
    try:
        emulator.start()
    except PortUnavailable as exc:
        emulator.stop()
        return _fail(exc, USAGE_ERROR)
    written = None
    if args.write_tenant and state is not None:
        try:
            text = tenant_text(args.write_tenant, state, emulator.urls, emulator.doc,
                               Path(tenant_file), fixed_ports=ports is not None)  # fmt: skip
            written = write_tenant(args.write_tenant, text)
        except (RehearsalError, OSError, KeyError) as exc:
            emulator.stop()
            return _fail(exc, 2)
    del doc
    stop = None if args.until_stdin_closes else _stop_on_signals()  # before "Serving"
    _announce(emulator, args.json, written, state)
    if stop is None:
        try:
            sys.stdin.read()  # until the parent closes the pipe (or dies)
        finally:
            emulator.stop()
        sys.stdout.flush()
        os._exit(0)  # skip freeing a large tenant's objects one by one: the parent waits
    while not stop.wait(1.0):  # a timed wait: signals are handled on the main thread
        pass
    emulator.stop()
    print(f"Stopped ({stop.name}).", flush=True)
    return 0


def _fail(exc: BaseException, code: int) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return code


def _announce(emulator: Emulator, as_json: bool, written: Path | None, state: Any) -> None:
    info = {
        "okta": emulator.urls["okta"],
        "graph": emulator.urls["graph"] + "/v1.0",
        "login": emulator.urls["login"],
        "tenantId": emulator.tenant_id,
        "caFile": str(emulator.ca_file),
        "asOf": emulator.doc["meta"]["collectedAt"],
        "urls": emulator.urls,
        "tenantFile": str(written) if written else None,
        "stateDir": str(state.root) if state else None,
    }
    if as_json:
        print(json.dumps(info), flush=True)
        return
    print(f"Okta API     {info['okta']}/api/v1", flush=True)
    print(f"Okta token   {info['okta']}/oauth2/v1/token")
    print(f"Graph        {info['graph']}")
    print(f"Entra token  {info['login']}/{emulator.tenant_id}/oauth2/v2.0/token")
    print(f"CA file      {info['caFile']}")
    print(f"Tenant's now {info['asOf']}")
    if state is not None:
        print(f"State        {state.root} (CA and keys, reused on restart)")
    if written is not None:
        name = written.stem
        print(f"Tenant file  {written}: okta-m365-audit run --tenant {name}")
    print(f"Requests     {info['okta']}/_emulator/requests (likewise on each service)")
    print("Serving; press Ctrl-C to stop.", flush=True)


class _Stop(threading.Event):
    name = "signal"  #: the signal that asked to stop


def _stop_on_signals() -> _Stop:
    """SIGINT (Ctrl-C) and SIGTERM ask the emulator to stop cleanly (exit 0, one line)."""
    stop = _Stop()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.name = signal.Signals(signum).name
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    return stop


if __name__ == "__main__":
    raise SystemExit(main())
