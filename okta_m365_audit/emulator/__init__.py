"""The emulated sandbox tenant (see server.py); ``python -m okta_m365_audit.emulator``."""

from .registration import registrations_for
from .server import Emulator

__all__ = ["Emulator", "registrations_for"]
