"""``python -m okta_m365_audit``: the command ``okta-m365-audit`` (okta_m365_audit/cli/), for
a checkout or any environment without its console script; ``make demo`` runs
``python -m okta_m365_audit run tests_integration --tenant demo``.

It imports nothing of the package but the command's parser before pytest does (cli/run.py).
"""

from __future__ import annotations

from .cli.main import command
from .cli.run import AUDIT_PLUGINS, audit_args

__all__ = ["AUDIT_PLUGINS", "audit_args"]

if __name__ == "__main__":
    command()
