"""Entra's sign-in log after go-live (FED-13): federated users' sign-ins that failed with an
error meaning federation is broken.

What is judged: a sign-in in the window (``expect.windows.sign_in_log_days`` back from the
collection) whose ``status.errorCode`` is one of ``expect.federation_error_codes`` and whose
``userPrincipalName`` is on a declared domain that Entra reports Federated (or a child of
one). The read asks Graph for exactly those (catalog/resources.sign_in_filter), but the
view judges every returned sign-in again, so a service that ignored the filter (or a
snapshot edited by hand) cannot make a failure vanish or appear. Field names:
microsoft-graph-docs-contrib api-reference/v1.0/resources/signin.md (createdDateTime,
userPrincipalName, status{errorCode, failureReason}).

The log needs Entra ID P1 (resources/signin.md). Without it Graph answers 401/403
``Authentication_RequestFromNonPremiumTenantOrB2CTenant`` (snapshot: outcome not_licensed):
:attr:`sign_in_log_missing` is then the reason to skip FED-13, never a pass. Any other failed
read is "cannot tell" (DataUnavailable): a 400 names the filter, whose ``or`` across error
codes is unconfirmed on real Graph.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core.normalize import domain_name, login, parents
from ..snapshot import document as snap
from .base import BaseView, DataUnavailable, describe_read

#: how many UPNs a failing group lists (the count says how many there were)
MAX_UPNS = 10
FEDERATED = "Federated"  #: Graph domain ``authenticationType`` of a federated domain


class SignInsView(BaseView):
    """FED-13: the sign-in log's federation errors of federated users."""

    @property
    def sign_in_log_missing(self) -> str | None:
        """Why the tenant has no sign-in log to read (its licence), or None: the skip reason
        of the checks that need it."""
        read = self.read("graph", "signIns")
        if not snap.not_licensed(read):
            return None
        code = (read.get("error") or {}).get("code") or snap.NOT_LICENSED_CODES[0]
        return f"the tenant's sign-in log is not available: {code} (Entra ID P1 needed)"

    def _sign_ins(self) -> list[dict[str, Any]]:
        read = self.read("graph", "signIns")
        if read["ok"]:
            return [s for s in read["data"] if isinstance(s, dict)]
        if read.get("status") == 400:
            raise DataUnavailable(
                f"{describe_read(read)}; Graph refused the sign-in log's $filter (its `or` "
                "across status/errorCode is unconfirmed: README, What is not known)"
            )
        raise DataUnavailable(describe_read(read))

    @property
    def federated_declared_domains(self) -> list[str]:
        """The declared domains Entra reports Federated (GET /domains authenticationType);
        DataUnavailable naming the field when a declared domain came back without it (read
        as "not federated", its users' errors would go unjudged)."""
        found = []
        for name in self.cfg.expect.domains_to_federate:
            domain = self.domains.get(domain_name(name))  # type: ignore[attr-defined]
            if domain is None:
                continue  # not in the tenant: no user can be on it (FED-01 fails)
            kind = domain.get("authenticationType")
            if not isinstance(kind, str) or not kind:
                raise DataUnavailable(
                    f"GET /domains returned {name} without authenticationType: cannot tell "
                    "whether its users sign in through federation"
                )
            if kind == FEDERATED:
                found.append(domain_name(name))
        return found

    def sign_in_window(self) -> tuple[dt.datetime, dt.datetime]:
        days = self.cfg.expect.windows.sign_in_log_days
        return self.as_of - dt.timedelta(days=days), self.as_of

    def federation_errors(self) -> dict[int, dict[str, Any]]:
        """Failing sign-ins grouped by error code: count, first and last time, up to
        MAX_UPNS UPNs, the failure reasons. DataUnavailable when the log could not be read
        or a returned sign-in lacks a field the judgement needs."""
        codes = set(self.cfg.expect.federation_error_codes)
        federated = set(self.federated_declared_domains)
        since, until = self.sign_in_window()
        groups: dict[int, dict[str, Any]] = {}
        for s in self._sign_ins():
            code, when, upn = _code(s), _time(s), login(s.get("userPrincipalName"))
            if code is None or when is None or not upn:
                raise DataUnavailable(
                    f"GET /auditLogs/signIns returned the sign-in {s.get('id')!r} without "
                    "status.errorCode, createdDateTime or userPrincipalName: cannot tell "
                    "whether federation failed for it"
                )
            if code not in codes or not since <= when <= until:
                continue
            if not set(parents(upn.rsplit("@", 1)[-1])) & federated:
                continue
            g = groups.setdefault(
                code, {"count": 0, "first": when, "last": when, "upns": [], "reasons": []}
            )
            g["count"] += 1
            g["first"], g["last"] = min(g["first"], when), max(g["last"], when)
            if upn not in g["upns"] and len(g["upns"]) < MAX_UPNS:
                g["upns"].append(upn)
            reason = (s.get("status") or {}).get("failureReason")
            if isinstance(reason, str) and reason and reason not in g["reasons"]:
                g["reasons"].append(reason)
        for g in groups.values():
            g["first"], g["last"] = snap.iso_z(g["first"]), snap.iso_z(g["last"])
            g["upns"].sort()
        return dict(sorted(groups.items()))


def _code(sign_in: dict[str, Any]) -> int | None:
    status = sign_in.get("status")
    code = status.get("errorCode") if isinstance(status, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _time(sign_in: dict[str, Any]) -> dt.datetime | None:
    value = sign_in.get("createdDateTime")
    try:
        when = snap.parse_time(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return when if when is not None and when.tzinfo is not None else None
