"""The one rule for tenant names, wherever a name enters the suite.

A tenant's name becomes part of file names (snapshots, bundles, request logs), of test IDs,
and of HTML pages. It comes from places the suite does not control: a tenant file's
``name:``, the file's own stem, ``--tenant``, a snapshot's ``meta.tenant`` (replayed bundles
are handed around), and results files the fleet page reads back. So every one of them goes
through :func:`tenant_name` before it is used, and a name that passes is safe as a path
component (no separator, no dot-dot, no NUL, bounded length) and as HTML text.

Imports nothing of the package: every stage may use it.
"""

from __future__ import annotations

import re
from typing import Any

#: lower-case letters, digits, ``_`` and ``-``; starts with a letter or digit; 1 to 63 long
TENANT_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
TENANT_NAME_RULE = "1 to 63 characters of a-z, 0-9, '_' and '-', starting with a letter or a digit"
_NAME = re.compile(TENANT_NAME_PATTERN)


class InvalidName(ValueError):
    """A tenant name that breaks the rule; its text names where the name came from."""


def is_tenant_name(value: Any) -> bool:
    """True when value is a str that follows the rule (``fullmatch``: no trailing newline)."""
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


def tenant_name(value: Any, source: str) -> str:
    """Return value when it is a valid tenant name; otherwise raise with one line that names
    the source (``"--tenant"``, ``"snapshot x.json: meta.tenant"``) and the rule.

    >>> tenant_name("contoso-prod", "--tenant")
    'contoso-prod'
    """
    if is_tenant_name(value):
        return value
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    if isinstance(value, str) and len(value) > 80:
        shown = repr(value[:60]) + f"... ({len(value)} characters)"
    raise InvalidName(f"{source}: {shown} is not a valid tenant name ({TENANT_NAME_RULE})")
