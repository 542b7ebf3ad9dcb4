"""``python -m okta_m365_audit.outputs.fleet``: the same command as ``python -m
okta_m365_audit.fleet`` (fleet/, which keeps the documented name)."""

import sys

from .command import main

sys.exit(main())
