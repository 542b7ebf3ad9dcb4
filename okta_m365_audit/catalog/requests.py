"""The plan of every read's first request: its query parameters and its request line.

Beside catalog/resources.py (what is read) because it also holds the windows the reads ask
for: the System Log's and the change logs' ``[as_of - log_days, as_of]``, and the filter of
Entra's sign-in log (window and error codes).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Sequence

from ..config.expectations import FEDERATION_ERROR_CODES, SIGN_IN_LOG_DAYS
from .resources import Resource, iso_z


def request_params(
    res: Resource,
    key: str | None,
    as_of: dt.datetime,
    log_days: int,
    sign_in_days: int = SIGN_IN_LOG_DAYS,
    error_codes: Sequence[int] = FEDERATION_ERROR_CODES,
) -> list[tuple[str, str]]:
    """Query parameters of a resource's first request: the plan every collection follows.

    The largest page size the endpoint allows, and for the System Log a closed window
    ``[as_of - log_days, as_of]`` (with ``until`` set, Okta stops paging at the end); for
    Entra's sign-in log the same closed window of ``sign_in_days`` and the error codes
    judged (``sign_in_filter``).
    """
    since = as_of - dt.timedelta(days=log_days)
    window = {"{key}": key or "", "{since}": iso_z(since), "{until}": iso_z(as_of)}
    params = [(k, _fill(v, window)) for k, v in res.query]
    if res.api == "graph" and res.name == "signIns":
        params.append(("$filter", sign_in_filter(as_of, sign_in_days, error_codes)))
    if res.page_size_param:
        params.append((res.page_size_param, str(res.max_page_size)))
    if res.api == "okta" and res.name in OKTA_LOG_READS:
        params += [("since", iso_z(since)), ("until", iso_z(as_of)), ("sortOrder", "ASCENDING")]
    return params


def sign_in_filter(as_of: dt.datetime, days: int, error_codes: Sequence[int]) -> str:
    """``createdDateTime ge .. and createdDateTime le .. and (status/errorCode eq N or ..)``:
    the window written as Graph's examples write it (seconds, Z), the codes joined by ``or``
    (status/errorCode supports ``eq``: Learn Get-AzureADAuditSignInLogs example 4; the
    ``or`` is unconfirmed, README "What is not known")."""
    since = as_of - dt.timedelta(days=days)
    window = f"createdDateTime ge {graph_time(since)} and createdDateTime le {graph_time(as_of)}"
    codes = " or ".join(f"status/errorCode eq {int(c)}" for c in error_codes)
    return f"{window} and ({codes})"


def graph_time(t: dt.datetime) -> str:
    """A Graph $filter date-time literal: UTC, whole seconds, Z."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: the System Log reads, each in the window [as_of - log_days, as_of]
OKTA_LOG_READS = ("logs", "office365Logs", "changeLogs")


def _fill(value: str, window: dict[str, str]) -> str:
    for placeholder, text in window.items():
        value = value.replace(placeholder, text)
    return value


def request_line(res: Resource, key: str | None, params: list[tuple[str, str]]) -> str:
    query = urllib.parse.urlencode(params, safe="$,'():", quote_via=urllib.parse.quote)
    return f"GET {res.url_path(key)}" + (f"?{query}" if query else "")
