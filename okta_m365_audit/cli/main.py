"""``okta-m365-audit``: one command for the audit and its tools (argparse subcommands).

``run``, ``fleet``, ``emulator`` and ``anonymize`` hand their arguments on untouched (to
pytest, or to the tool's own parser, whose ``--help`` then describes them); the others are
parsed here. A usage error is exit 4 and one line on standard error, as pytest's are, so a
CI log shows what to fix and a script can tell a mistyped command from failed checks (1).
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from collections.abc import Callable

PROG = "okta-m365-audit"
USAGE_ERROR = 4

#: subcommands whose arguments another parser reads: name -> one-line help
HANDED_ON = {
    "run": "run the audit (pytest options and the audit's: run --help); "
    "tenants from ./tenants, reports to ./reports",
    "fleet": "merge a folder of results files into one fleet page",
    "emulator": "serve a snapshot as an emulated Okta org and Microsoft 365 tenant",
    "anonymize": "anonymize a snapshot and its tenant file, to share them",
}


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line and exit 4."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {PROG} --help)\n")


def _version() -> str:
    from .. import __version__

    return f"{PROG} {__version__}"


def build_parser() -> Parser:
    parser = Parser(
        prog=PROG,
        description="Audit Okta-mastered Microsoft 365 integrations against their runbook.",
        epilog=f"Start: {PROG} init acme; {PROG} validate; {PROG} run --tenant acme. "
        "Exit status: 0 passed, 1 checks failed, 4 usage error.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, text in HANDED_ON.items():
        sub.add_parser(name, help=text, add_help=False)
    init = sub.add_parser("init", help="write a new customer's commented tenant file and folders")
    init.add_argument("name", metavar="NAME", help="the tenant's short name, e.g. acme")
    init.add_argument("--tenants-dir", default="tenants", metavar="DIR", help="default: tenants")
    init.add_argument("--reports-dir", default="reports", metavar="DIR", help="default: reports")
    validate = sub.add_parser(
        "validate", help="load tenant files and report every error at once (exit 0 or 1)"
    )
    validate.add_argument(
        "paths", nargs="*", metavar="PATH", help="tenant files or folders (default: tenants)"
    )
    schema = sub.add_parser("schema", help="print a JSON Schema: tenant, snapshot or results")
    schema.add_argument("name", choices=("tenant", "snapshot", "results"))
    return parser


def _handed_on(name: str) -> Callable[[list[str]], int]:
    prog = f"{PROG} {name}"
    if name == "run":
        from .run import run

        return run
    if name == "fleet":
        from ..outputs.fleet.command import main as tool
    elif name == "emulator":
        from ..emulator.__main__ import main as tool
    else:
        from ..anonymize.__main__ import main as tool
    return lambda argv: tool(argv, prog=prog)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in HANDED_ON:
        if argv[0] == "run":  # its first DPoP key made while pytest starts (early.py)
            from .early import start_dpop_key_if_asked

            start_dpop_key_if_asked(argv[1:], os.getcwd())
        return _handed_on(argv[0])(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "schema":
        from .tenants import schema

        return schema(args.name)
    from .tenants import init, validate

    if args.command == "init":
        return init(args.name, args.tenants_dir, args.reports_dir)
    return validate(args.paths or ["tenants"])


def command() -> None:
    """The console script: ``main``, then a fast exit once its work is done.

    Once pytest has returned (reports, results and bundles written and closed) and the
    ``atexit`` handlers have run, the process leaves without tearing the interpreter down:
    freeing the SDKs' thousands of modules and objects one by one took 0.4 s of every run on
    this project's 2-core machine, for nothing the run needs.
    """
    code = main()
    atexit._run_exitfuncs()  # logging's flush and every other handler, as a normal exit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
