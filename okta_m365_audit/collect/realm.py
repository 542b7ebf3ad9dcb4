"""Whom the collector asks Microsoft's public home-realm discovery about (FED-09): split
from collector.py, which holds how reads are made, not whom they are about."""

from __future__ import annotations

from typing import Any

from ..catalog.scope import domain_of, in_scope, upn_of
from ..config import TenantConfig


def realm_logins(cfg: TenantConfig, graph_users: list[dict[str, Any]]) -> list[str]:
    """Whom to ask home-realm discovery about: one sample user per domain to federate (the
    first in-scope user by UPN: enabled member, not excluded, licensed or not, as
    scope.in_scope says; a user whose accountEnabled Graph did not return is not sampled)
    and every excluded account. Sampled from the same scope that PREP-04 and IMP judge:
    every user of a federated domain signs in through Okta, so a licence makes no user a
    better sample of how the domain routes."""
    excluded = set(cfg.expect.excluded_accounts) | {cfg.expect.service_account}
    candidates = sorted(
        upn_of(u) for u in graph_users if in_scope(u, cfg.expect.domains_to_federate, excluded)
    )
    samples = []
    for domain in cfg.expect.domains_to_federate:
        samples += [upn for upn in candidates if domain_of(upn) == domain][:1]
    return samples + sorted(excluded)
