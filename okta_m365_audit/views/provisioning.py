"""The Office 365 app's sign-on and provisioning settings (PREP, PROV checks)."""

from __future__ import annotations

from .base import BaseView


class ProvisioningView(BaseView):
    pass
