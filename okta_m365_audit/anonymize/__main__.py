"""``python -m okta_m365_audit.anonymize SNAPSHOT -o OUT [--tenant-file YAML] [--salt S]``.

Writes OUT, the snapshot with consistent pseudonyms; with ``--tenant-file``, also the tenant
file mapped the same way (default: ``<pseudonymous tenant>.yaml`` beside OUT, naming OUT as
its emulated backend) and its two throwaway key files, so that
``pytest --tenants-dir <OUT's folder>`` replays it through the emulator, or
``--from-snapshot OUT`` offline.

Each problem is one line naming the file and the field, never an original value (an error
message of the snapshot validator or of the tenant file loader can quote one: quoted parts
and per-parent keys are elided). Exit status 0 on success, 2 on a bad input or output.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from pathlib import Path

from ..config import load_tenant
from ..core.errors import AuditError
from ..snapshot import document as snap
from . import tenantfile
from .rewrite import Anonymizer


def scrub(message: str) -> str:
    """A problem's text without the values it quotes (see the module docstring)."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    message = re.sub(r"\[[^\]]*\]", "[…]", message)
    return " ".join(message.split())[:300]


def _fail(problem: str) -> int:
    print(f"anonymize: {problem}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=prog or "python -m okta_m365_audit.anonymize",
        description="Rewrite a snapshot with consistent pseudonyms, keeping every verdict.",
    )
    parser.add_argument("snapshot", type=Path, help="the snapshot to anonymize")
    parser.add_argument("-o", "--out", type=Path, required=True, help="the anonymized snapshot")
    parser.add_argument("--tenant-file", type=Path, help="the tenant file of the snapshot")
    parser.add_argument(
        "--tenant-out", type=Path,
        help="where the anonymized tenant file goes (default: beside OUT, named after the "
        "pseudonymous tenant)",
    )  # fmt: skip
    parser.add_argument(
        "--salt",
        help="secret that fixes the pseudonyms (same salt, same output); default: random "
        "for this run. Keep it to yourself: with it, a guessed name can be checked.",
    )
    args = parser.parse_args(argv)
    if args.out.resolve() == args.snapshot.resolve():
        return _fail(f"{args.out}: the output would overwrite the original; name another file")
    try:
        doc = snap.load(args.snapshot)
    except snap.SnapshotError as exc:
        return _fail(scrub(str(exc)))
    data = None
    if args.tenant_file is not None:
        try:
            load_tenant(args.tenant_file)
            data = tenantfile.read(args.tenant_file)
        except AuditError as exc:  # ConfigError, ConfigErrors
            return _fail(scrub(str(exc).splitlines()[0]))
        except OSError as exc:
            return _fail(f"{args.tenant_file}: cannot be read ({exc.strerror})")
        if data.get("name") != doc["meta"]["tenant"]:
            return _fail(f"{args.tenant_file}: name: not the snapshot's meta.tenant")
    salt = args.salt if args.salt is not None else secrets.token_hex(16)
    anon = Anonymizer(salt, tenantfile.service_patterns(data or {}))
    out = anon.snapshot(doc)
    try:
        snap.validate(out, str(args.out))
        snap.save(out, args.out)
    except (snap.SnapshotError, AuditError, OSError) as exc:
        return _fail(scrub(str(exc)))
    print(f"anonymized snapshot: {args.out} (tenant {out['meta']['tenant']})")
    if data is not None:
        name = out["meta"]["tenant"]
        target = args.tenant_out or args.out.parent / f"{name}.yaml"
        ref = os.path.relpath(args.out.resolve(), target.parent.resolve())
        tenant, files = tenantfile.anonymize(anon, data, ref, name)
        try:
            tenantfile.write(target, tenant, files)
        except OSError as exc:
            return _fail(f"{target}: cannot be written ({exc.strerror})")
        print(f"anonymized tenant file: {target} (throwaway keys: {', '.join(files)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
