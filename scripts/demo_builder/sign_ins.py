"""Entra's sign-in log of the demo tenant (FED-13).

The golden read is what the collector's filter returns: no sign-in failed with a federation
error in the window, so ``[]``. A sign-in in the documented shape (microsoft-graph-docs-
contrib api-reference/v1.0/api/signin-list.md, example response; resources/signin.md) is
built by :func:`sign_in`, for the scenarios that add one; :func:`not_licensed_read` is what
Graph answers a tenant without Entra ID P1 (403, body as microsoft-graph-docs-contrib issue
3808 shows it).
"""

from __future__ import annotations

from typing import Any

from okta_m365_audit.snapshot import document as snap

CODE = snap.NOT_LICENSED_CODES[0]
MESSAGE = "Neither tenant is B2C or tenant doesn't have premium license"
EXCHANGE_ONLINE = "00000002-0000-0ff1-ce00-000000000000"


def sign_in_reads(read: Any) -> dict[str, Any]:
    """The snapshot's sign-in read, made with assemble's ``read``: nothing failed."""
    return {"signIns": read("graph", "signIns", [])}


def sign_in(sign_in_id: str, when: str, user: dict[str, Any], error_code: int = 0,
            failure_reason: str | None = None) -> dict[str, Any]:  # fmt: skip
    """One interactive browser sign-in to Exchange Online of ``user`` (a Graph user)."""
    return {
        "id": sign_in_id,
        "createdDateTime": when,
        "userDisplayName": user.get("displayName"),
        "userPrincipalName": user["userPrincipalName"],
        "userId": user["id"],
        "appId": EXCHANGE_ONLINE,
        "appDisplayName": "Office 365 Exchange Online",
        "clientAppUsed": "Browser",
        "correlationId": sign_in_id[::-1],
        "conditionalAccessStatus": "success" if error_code == 0 else "notApplied",
        "isInteractive": True,
        "status": {
            "errorCode": error_code,
            "failureReason": failure_reason,
            "additionalDetails": None,
        },
    }


def not_licensed_read(request: str, status: int = 403) -> dict[str, Any]:
    """The sign-in read of a tenant without Entra ID P1, as the collector records it."""
    body = {"error": {"code": CODE, "message": MESSAGE}}
    error = {"status": status, "code": CODE, "needs": "AuditLog.Read.All", "body": body,
             "message": f"{MESSAGE} (the tenant's licence does not cover this read: Entra ID "
                        "P1 needed)"}  # fmt: skip
    return snap.make_read(request, status, ok=False, pages=0, requests=1, error=error)
