"""``python -m okta_m365_audit [pytest args]``: the audit as ``make demo`` runs it.

pytest with the plugins an audit uses and no other, ending as soon as its work is done:

- plugin autoloading is off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``, which xdist workers inherit)
  and ``AUDIT_PLUGINS`` are named: a checkout with the dev extra also has test-only plugins
  (hypothesis...), and autoloading them cost a small tenant's run more than a second
  (issue 16); tests/test_imports.py holds the audit to this list;
- once pytest has returned (reports, results and bundles written and closed) and the
  ``atexit`` handlers have run, the process leaves without tearing the interpreter down:
  freeing the SDKs' thousands of modules and objects one by one took 0.4 s of every run on
  this project's 2-core machine, for nothing the run needs.

It imports nothing of the package before pytest does (the conftest loads the plugin, with
its asserts rewritten as pytest does for any plugin).
"""

from __future__ import annotations

import atexit
import os
import sys

#: the pytest plugins an audit uses (pytest-html and the metadata it shows, xdist for -n)
AUDIT_PLUGINS = ("pytest_metadata.plugin", "pytest_html.plugin", "xdist.plugin")


def audit_args(argv: list[str]) -> list[str]:
    return [arg for name in AUDIT_PLUGINS for arg in ("-p", name)] + list(argv)


def main(argv: list[str]) -> int:
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    import pytest

    return int(pytest.main(audit_args(argv)))


if __name__ == "__main__":
    code = main(sys.argv[1:])
    atexit._run_exitfuncs()  # logging's flush and every other handler, as a normal exit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
