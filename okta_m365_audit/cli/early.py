"""What ``okta-m365-audit run`` starts before pytest does: the run's first DPoP key.

An RSA 3072 DPoP key takes up to 0.4 s of CPU to make, longer while the cores are busy
(core/dpop_keys.py). Started by the plugin when pytest configures the run, it was still
being made when a small tenant's first token was asked for, and the token waited for it
(issue 16). Started here, on a thread (OpenSSL
releases the GIL), it is made on the second core while Python and pytest import.

Only a hint: the tenant files of the run (the loader's own: example.yaml is a template) are
glanced at on that thread (YAML read, no validation: the plugin loads and judges them as
before), and one key is started when one of
them asks for DPoP (``okta.auth.dpop: true`` with ``private_key_jwt``). Nothing is started
for runs that read no tenant API in this process: xdist's controller (``-n``, its workers
make their own), ``--offline``, replays (``--from-snapshot``), and runs that only list or
explain. A hint that turns out wrong (``-k`` leaves the tenant out, say) costs one key's
CPU, nothing else.
"""

from __future__ import annotations

import threading
from pathlib import Path

#: options after which this process reads no tenant's Okta API
NO_READ_OPTIONS = frozenset({
    "-n", "--numprocesses", "--offline", "--from-snapshot", "--collect-only", "--co",
    "--setup-plan", "--setup-only", "--fixtures", "--markers", "--help", "-h", "--version",
    "-V",
})  # fmt: skip
#: a tenant file larger than this is not glanced at (the plugin still loads it)
MAX_FILE_BYTES = 1 << 20


def start_dpop_key_if_asked(argv: list[str], cwd: str) -> threading.Thread | None:
    """The thread that glances at the run's tenant files and starts the first DPoP key if
    one asks for it; None when the run reads no Okta API in this process."""
    for arg in argv:
        option = arg.split("=", 1)[0]
        if option in NO_READ_OPTIONS or (arg.startswith("-n") and not arg.startswith("--")):
            return None
    tenants_dir = Path(
        _value(argv, "--tenants-dir") or Path(_value(argv, "--rootdir") or cwd, "tenants")
    )
    # imported here, on the calling thread, before pytest imports anything: a thread that
    # imports while the main thread imports pytest can meet a module another thread has
    # half run (CI met "Error while loading plugin 'mark'"); the plugin imports these anyway
    import yaml

    from ..config.loading import discover_tenants  # the loader's own files, not example
    from ..core.dpop_keys import start_first_key_early

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def glance() -> None:
        try:
            for stem, path in discover_tenants(tenants_dir).items():
                try:
                    if path.stat().st_size > MAX_FILE_BYTES:
                        continue
                    data = yaml.load(path.read_text("utf-8"), Loader=loader)
                except Exception:  # the plugin reports the file, as it always does
                    continue
                if asks_for_dpop(data, stem, wanted):
                    start_first_key_early()
                    return
        except Exception:  # a hint only: the plugin meets whatever is wrong, and says so
            return

    wanted = _values(argv, "--tenant")
    thread = threading.Thread(target=glance, name="dpop-key-hint", daemon=True)
    thread.start()
    return thread


def asks_for_dpop(data: object, stem: str, wanted: list[str]) -> bool:
    """A tenant file's YAML (read, not validated) names a tenant of the run whose service
    app signs in with ``private_key_jwt`` and DPoP."""
    if not isinstance(data, dict):
        return False
    if wanted and data.get("name", stem) not in wanted:
        return False
    okta = data.get("okta")
    auth = okta.get("auth") if isinstance(okta, dict) else None
    if not isinstance(auth, dict):
        return False
    return auth.get("method") == "private_key_jwt" and auth.get("dpop") is True


def _values(argv: list[str], option: str) -> list[str]:
    """Every value given to ``option`` (``--opt value`` or ``--opt=value``)."""
    found = []
    for i, arg in enumerate(argv):
        if arg == option and i + 1 < len(argv):
            found.append(argv[i + 1])
        elif arg.startswith(option + "="):
            found.append(arg.split("=", 1)[1])
    return found


def _value(argv: list[str], option: str) -> str | None:
    values = _values(argv, option)
    return values[-1] if values else None
