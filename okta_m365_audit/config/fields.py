"""The building blocks every tenant-file model shares: the strict base, the patterns of
GUIDs, environment-variable names and https origins (and their validator), and the
file-path validator.

A tenant file's unknown keys are errors (every model forbids extra keys): a misspelt key
would otherwise silently disable a check.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
ENV_NAME_RE = r"^[A-Za-z_][A-Za-z0-9_]*$"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ORIGIN_RE = re.compile(
    rf"(?i:https)://(?P<host>(?:{_LABEL}\.)*{_LABEL})(?::(?P<port>\d{{1,5}}))?/?"
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def https_origin(url: str, like: str) -> str:
    """An https origin (scheme, host, optional port; no path, query or user), as the
    ``org_url`` validator judges it; the trailing slash dropped."""
    if not url.lower().startswith("https://"):
        raise ValueError(f"must be an https:// origin ({like}); the suite only uses TLS")
    match = ORIGIN_RE.fullmatch(url)
    if match is None:
        raise ValueError(f"must be an https:// origin with no path, query or user ({like})")
    if match["port"] is not None and not 0 < int(match["port"]) < 65536:
        raise ValueError(f"has port {match['port']}, outside 1-65535 ({like})")
    return "https://" + url[len("https://") :].rstrip("/")


def file_path(value: Any) -> Any:
    """Before-validator of the file fields: text that can name a file."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("is empty; give the path of the file")
        if "\x00" in value:
            raise ValueError("contains a NUL character, which no file path can hold")
    return value


def check_guid(value: str) -> str:
    if not GUID_RE.match(value):
        raise ValueError("must be a GUID like 00000000-0000-0000-0000-000000000000")
    return value.lower()
