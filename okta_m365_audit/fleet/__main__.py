"""``python -m okta_m365_audit.fleet``: runs outputs/fleet/command.py."""

import sys

from ..outputs.fleet.command import main

sys.exit(main())
