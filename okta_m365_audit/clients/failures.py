"""Why a read failed, in words safe to store: what the collector records for an answer it
cannot use.

Everything here is drawn from what the network sent, which is untrusted (DESIGN.md, "Trust
boundaries"): each text passes the redactor's untrusted net (``redact.redact_untrusted``)
and each error body its tree walk (``redact.redact_tree``) before it is returned, because
a 403 may echo the request's Authorization header in its body or ``WWW-Authenticate``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from ..catalog.resources import NOT_LICENSED_CODES, Resource, licence_needed
from ..core.redact import redact_tree, redact_untrusted
from .origins import Origin, origin_of, origin_text, redirect_target
from .responses import RawResponse


def error_of(res: Resource, resp: RawResponse) -> dict[str, Any]:
    """Status, code and message of a failed read, in both APIs' shapes, plus what it needs."""
    body = redact_tree(resp.body)
    code, message = None, f"HTTP {resp.status}"
    if isinstance(body, dict) and "errorCode" in body:  # Okta
        code = _text(body.get("errorCode")) or None
        listed = body.get("errorCauses") if isinstance(body.get("errorCauses"), list) else []
        causes = "; ".join(_text(c.get("errorSummary") if isinstance(c, dict) else c)
                           for c in listed)  # fmt: skip
        message = _text(body.get("errorSummary", message)) + (f" ({causes})" if causes else "")
    elif isinstance(body, dict) and isinstance(body.get("error"), dict):  # Graph
        code = _text(body["error"].get("code")) or None
        message = _text(body["error"].get("message", message))
    elif isinstance(body, str) and body:
        message = f"HTTP {resp.status}: {body[:200]}"  # cut after redaction: no half token
    # the redactor takes the long licence code for a secret: compare the sent one with the
    # known constants (only a constant is stored, never the untrusted text)
    if _raw_graph_code(resp.body) in NOT_LICENSED_CODES:
        code = _raw_graph_code(resp.body)
    # 401/403 Authentication_RequestFromNonPremiumTenantOrB2CTenant: Entra ID P1; 400
    # AadPremiumLicenseRequired on a PIM read: Entra ID P2 (sources: catalog/resources.py,
    # NOT_LICENSED_ANSWERS, e.g. JulianHayward/Azure-MG-Sub-Governance-Reporting issue 114)
    licence = licence_needed(resp.status, code)
    if licence:
        message += f" (the tenant's licence does not cover this read: {licence} needed)"
    elif resp.status == 403:
        www = redact_untrusted(resp.header("www-authenticate"))
        kind = "scope" if res.api == "okta" else "application permission"
        message += f" (needs {kind} {res.needs})" + (f" [{www}]" if www else "")
    return {
        "status": resp.status,
        "code": code,
        "message": redact_untrusted(message),
        "needs": res.needs,
        "body": body,
    }


def _raw_graph_code(body: Any) -> Any:
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _text(value: Any) -> str:
    """A field of an error body as text, whatever type a hostile answer gave it."""
    return value if isinstance(value, str) else "" if value is None else str(value)[:200]


def shape_problem(res: Resource, body: Any) -> str | None:
    """Why a 2xx body is not what the endpoint sends, or None."""
    if res.api == "graph" and res.kind == "list":
        ok = isinstance(body, dict) and isinstance(body.get("value"), list)
    elif res.kind == "list":
        ok = isinstance(body, list)
    else:
        ok = isinstance(body, dict)
    if ok:
        return None
    shown = redact_untrusted(body) if isinstance(body, str) else type(body).__name__
    return f"the answer is not the JSON {res.kind} the API sends: {shown[:120]!r}"


def redirect_problem(resp: RawResponse, own: Origin | None, base: str) -> str:
    """A 3xx on a read: never followed (clients.transport); named by where it pointed."""
    where, same = redirect_target(resp.url or base, resp.header("location"), own)
    if same:
        return redact_untrusted(f"redirect to {where} not followed (no redirect is followed)")
    return f"redirect to another origin: {redact_untrusted(where)}"


def next_link(
    resp: RawResponse, own: Origin | None, base: str, in_body: bool = False
) -> tuple[str | None, str | None]:
    """The absolute URL of a page's next link (relative ones resolve on the page's URL), or
    why it is refused: any origin but the API's own. ``in_body``: a wrapped Okta list
    (``{"value": [...], "_links": {"next": {"href": ...}}}``, spec RoleAssignedUsers) may
    carry it in its body instead of a Link header."""
    found = resp.next_url
    if found is None and in_body and isinstance(resp.body, dict):
        nxt = (resp.body.get("_links") or {}).get("next")
        href = nxt.get("href") if isinstance(nxt, dict) else None
        found = href if isinstance(href, str) and href else None
    if found is None:
        return None, None
    url = urljoin(resp.url or base, found)
    if origin_of(url) != own:
        return None, f"next link to another origin: {redact_untrusted(origin_text(url))}"
    return url, None
