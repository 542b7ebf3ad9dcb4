"""The real services' error bodies, one function per error (moto's exceptions.py idea)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from aiohttp import web


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body),
        content_type="application/json",
        headers=headers or {},
    )


# --- Okta ------------------------------------------------------------------------------------


def okta_error(
    status: int, code: str, summary: str, causes: tuple[str, ...] = (), headers: dict | None = None
) -> web.Response:
    """Okta's error shape: errorCode, errorSummary, errorLink, errorId, errorCauses."""
    body = {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": "oae" + uuid.uuid4().hex[:19],
        "errorCauses": [{"errorSummary": c} for c in causes],
    }
    return _json(status, body, headers)


def okta_invalid_token() -> web.Response:
    return okta_error(401, "E0000011", "Invalid token provided")


def okta_insufficient_scope(org: str, scope: str, path: str) -> web.Response:
    www = (
        f'Bearer authorization_uri="{org}/oauth2/v1/authorize", realm="IdpError", '
        f'scope="{scope}", error="insufficient_scope", '
        'error_description="The access token provided does not contain the required scopes.", '
        f'resource="{path}"'
    )
    return okta_error(
        403,
        "E0000006",
        "You do not have permission to perform the requested action",
        headers={"WWW-Authenticate": www},
    )


def okta_not_found(what: str) -> web.Response:
    return okta_error(404, "E0000007", f"Not found: Resource not found: {what}")


def okta_bad_request(summary: str, causes: tuple[str, ...] = ()) -> web.Response:
    return okta_error(400, "E0000001", f"Api validation failed: {summary}", causes)


def okta_invalid_paging() -> web.Response:
    return okta_error(400, "E0000029", "Invalid paging request.", ("Invalid cursor.",))


def okta_method_not_allowed(method: str) -> web.Response:
    return okta_error(405, "E0000022", "The endpoint does not support the provided HTTP method")


def oauth_error(status: int, error: str, description: str) -> web.Response:
    """Okta's OAuth 2.0 error shape (token endpoint)."""
    return _json(status, {"error": error, "error_description": description})


# --- Microsoft Graph ---------------------------------------------------------------------------


def graph_error(status: int, code: str, message: str, request_id: str) -> web.Response:
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": request_id,
            },
        }
    }
    return _json(status, body, {"request-id": request_id, "client-request-id": request_id})


# --- Entra ID token service --------------------------------------------------------------------


def entra_error(status: int, error: str, aadsts: int, description: str) -> web.Response:
    """The Entra token service's error shape, with its AADSTS code."""
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    text = (
        f"AADSTS{aadsts}: {description} Trace ID: {trace} Correlation ID: {corr} Timestamp: {now}"
    )
    return _json(
        status,
        {
            "error": error,
            "error_description": text,
            "error_codes": [aadsts],
            "timestamp": now,
            "trace_id": trace,
            "correlation_id": corr,
            "error_uri": f"https://login.microsoftonline.com/error?code={aadsts}",
        },
    )
