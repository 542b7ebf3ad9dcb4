"""The Okta org and its prerequisites: on-prem AD integration, agents, custom domain, org
facts (ORG checks)."""

from __future__ import annotations

from .base import BaseView


class OrgView(BaseView):
    pass
