"""``okta-m365-audit run [pytest args]``: the audit, which is pytest with the plugins an audit
uses and no other.

- plugin autoloading is off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``, which xdist workers inherit)
  and ``AUDIT_PLUGINS`` are named: a checkout with the dev extra also has test-only plugins
  (hypothesis...), and autoloading them cost a small tenant's run more than a second
  (issue 16); tests/test_imports.py holds the audit to this list;
- the folder it is started in is the run's root: tenants from ``./tenants``, reports to
  ``./reports`` (``--rootdir``, ``--tenants-dir``, ``--reports-dir`` choose others), and
  without a path the checks run from where they are installed (``testpaths``), so the
  command works from any folder, the settings of the checkout's pyproject.toml included;
- a usage error of pytest's own parser (a bad option) is one line, as the audit's are.

It imports nothing of the package before pytest does (cli/main.py starts the first DPoP key
first, early.py: core alone): the plugin's asserts are rewritten as pytest does for any
plugin it imports.
"""

from __future__ import annotations

import os
import shlex

import pytest

#: the pytest plugins an audit uses (pytest-html and the metadata it shows, xdist for -n)
AUDIT_PLUGINS = (
    "pytest_metadata.plugin",
    "pytest_html.plugin",
    "xdist.plugin",
    "okta_m365_audit.plugin",
)

#: what the checkout's pyproject.toml sets for the suite, for runs from any folder
SUITE_INI = ("render_collapsed=all", "filterwarnings=ignore::DeprecationWarning")


def audit_args(argv: list[str], cwd: str | None = None) -> list[str]:
    from ..core.suite import checks_dir

    args = [arg for name in AUDIT_PLUGINS for arg in ("-p", name)]
    args += ["-p", "no:cacheprovider"]
    # pytest's unraisable-exception plugin collects the garbage twice as the session ends
    # (0.1 s with a tenant's data in memory, issue 16) to turn what a finaliser raised into
    # a warning; an audit has no use for that warning (Python still prints such an error)
    args += ["-p", "no:unraisableexception"]
    if not any(a == "--rootdir" or a.startswith("--rootdir=") for a in argv):
        args += ["--rootdir", cwd or os.getcwd()]
    args += ["-o", f"testpaths={shlex.quote(str(checks_dir()))}"]
    for setting in SUITE_INI:
        args += ["-o", setting]
    return args + list(argv)


def one_line(message: str) -> str:
    """pytest's usage message (usage, ``error:``, inifile and rootdir lines) as its one
    line that says what is wrong."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    for ln in lines:
        if ": error: " in ln:
            return ln.split(": error: ", 1)[1] + " (okta-m365-audit run --help lists the options)"
    return lines[0] if lines else message


class OneLineUsage:
    """A plugin object given to pytest.main, registered before the command line is parsed."""

    @pytest.hookimpl(wrapper=True)
    def pytest_cmdline_parse(self):
        try:
            return (yield)
        except pytest.UsageError as exc:
            raise pytest.UsageError(one_line(str(exc))) from None


def run(argv: list[str]) -> int:
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return int(pytest.main(audit_args(argv), plugins=[OneLineUsage()]))
