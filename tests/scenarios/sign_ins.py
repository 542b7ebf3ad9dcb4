"""Sign-in log scenarios (FED-13): a federation error of a federated user after go-live,
realistic sign-ins that must not fail it, and the read's outcomes: a tenant without Entra
ID P1 (skipped, ACCESS-04 unchanged), a refused permission and a refused filter (ERROR,
ACCESS-04 fails)."""

from __future__ import annotations

import sys
from typing import Any

from tests.conftest import ROOT

from . import Scenario
from .helpers import graph_user

sys.path.insert(0, str(ROOT / "scripts"))
from demo_builder.sign_ins import not_licensed_read, sign_in

FED13 = "test_fed_13_no_federation_errors_in_sign_in_log[demo]"
ACCESS04 = "test_access_04_graph_read_allowed[demo-signIns]"
AMELIA = "amelia.clarke@contoso.com"
BREAK_GLASS_1 = "breakglass1@contosodemo.onmicrosoft.com"
#: the golden's collection time is 2026-11-20T06:00:00Z (demo_builder/facts.AS_OF)
TWO_DAYS_BEFORE = "2026-11-18T06:14:03Z"
TEN_DAYS_BEFORE = "2026-11-10T08:14:03Z"


def _add(doc: dict[str, Any], upn: str, when: str, code: int, reason: str) -> None:
    n = len(doc["graph"]["signIns"]["data"])
    sid = f"66ea54eb-6301-4ee5-be62-ff5a759b{n:04d}"
    doc["graph"]["signIns"]["data"].append(sign_in(sid, when, graph_user(doc, upn), code, reason))


def immutable_id_mismatch(doc: dict[str, Any]) -> None:
    """AADSTS51004 for a federated user two days ago: the user Okta asserted is not in the
    directory (immutable ID mismatch)."""
    _add(doc, AMELIA, TWO_DAYS_BEFORE, 51004,
         "The user account does not exist in the directory.")  # fmt: skip


def excluded_account_realm_error(doc: dict[str, Any]) -> None:
    """A 50107 of a break-glass account on the onmicrosoft domain (not federated)."""
    _add(doc, BREAK_GLASS_1, TWO_DAYS_BEFORE, 50107,
         "Requested federation realm object does not exist.")  # fmt: skip


def old_federation_error(doc: dict[str, Any]) -> None:
    """A 51004 of a federated user ten days ago, before the 7-day window (fixed since)."""
    _add(doc, AMELIA, TEN_DAYS_BEFORE, 51004,
         "The user account does not exist in the directory.")  # fmt: skip


def bad_password(doc: dict[str, Any]) -> None:
    """A 50126 (wrong password) and a successful sign-in of a federated user: not
    federation errors (the filter leaves them out; the view would too)."""
    _add(doc, AMELIA, TWO_DAYS_BEFORE, 50126, "Invalid username or password.")
    _add(doc, AMELIA, TWO_DAYS_BEFORE, 0, None)  # type: ignore[arg-type]


def not_licensed(doc: dict[str, Any]) -> None:
    """A tenant without Entra ID P1: Graph answers the premium-licence 403."""
    doc["graph"]["signIns"] = not_licensed_read(doc["graph"]["signIns"]["request"])


def _refused(doc: dict[str, Any], status: int, code: str, message: str) -> None:
    read = doc["graph"]["signIns"]
    read.update(status=status, ok=False, data=None, pages=0)
    read["error"] = {"status": status, "code": code, "message": message,
                     "needs": "AuditLog.Read.All",
                     "body": {"error": {"code": code, "message": message}}}  # fmt: skip


def permission_refused(doc: dict[str, Any]) -> None:
    """AuditLog.Read.All not consented: Graph's permission 403."""
    _refused(doc, 403, "Authorization_RequestDenied",
             "Insufficient privileges to complete the operation.")  # fmt: skip


def filter_refused(doc: dict[str, Any]) -> None:
    """Graph refuses the `or` across status/errorCode (unconfirmed on real Graph)."""
    _refused(doc, 400, "Request_UnsupportedQuery", "Invalid filter clause")


SCENARIOS = [
    Scenario(
        "a federated user's sign-in failed with AADSTS51004 two days ago",
        {FED13: "failed"},
        mutate=immutable_id_mismatch,
        checks=("FED-13",),
    ),
    Scenario(
        "a break-glass account's AADSTS50107 on the onmicrosoft domain (stays green)",
        {},
        mutate=excluded_account_realm_error,
        checks=("FED-13",),
    ),
    Scenario(
        "an AADSTS51004 older than the sign-in window (stays green)",
        {},
        mutate=old_federation_error,
        checks=("FED-13",),
    ),
    Scenario(
        "a federated user's wrong password and a successful sign-in (stays green)",
        {},
        mutate=bad_password,
        checks=("FED-13",),
    ),
    Scenario(
        "the sign-in log not licensed: no Entra ID P1",
        {FED13: "skipped"},
        mutate=not_licensed,
        checks=("FED-13",),
    ),
    Scenario(
        "AuditLog.Read.All refused",
        {FED13: "error", ACCESS04: "failed"},
        mutate=permission_refused,
        checks=("FED-13",),
    ),
    Scenario(
        "Graph refuses the sign-in log's filter",
        {FED13: "error", ACCESS04: "failed"},
        mutate=filter_refused,
        checks=("FED-13",),
    ),
]
