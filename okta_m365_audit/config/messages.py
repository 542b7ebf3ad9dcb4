"""Pydantic's validation errors as one-line ConfigError messages: file, line, field, fix.

Also the words shared with the YAML reader (what a value is, a key path as a dotted field
name) and ConfigErrors, all problems of one file at once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core.errors import ConfigError
from ..core.suite import TEMPLATE_HINT
from .credentials import (
    GraphCertificateAuth,
    GraphClientSecretAuth,
    GraphDefaultCredentialAuth,
    OktaApiTokenAuth,
    OktaPrivateKeyAuth,
)
from .model import TenantConfig

#: Problems listed in one message (the rest are counted).
MAX_ERRORS_SHOWN = 20

_FIXES: dict[str, str] = {
    "extra_forbidden": "remove the key or correct its spelling (allowed keys: {allowed})",
    "missing": f"add it (see {TEMPLATE_HINT})",
    "union_tag_invalid": "set method to one of: {expected}",
    "union_tag_not_found": "add a method key (one of: {expected})",
    "literal_error": "use one of: {expected}",
    "string_pattern_mismatch": f"use the documented format (see {TEMPLATE_HINT})",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
    "date_from_datetime_inexact": "write the date as YYYY-MM-DD, without a time",
    "date_parsing": "write the date as YYYY-MM-DD",
    "date_type": "write the date as YYYY-MM-DD",
}

#: Clearer words than pydantic's for a value of the wrong type (which names model classes).
_TYPE_PROBLEMS: dict[str, str] = {
    "model_type": "must be a mapping of keys",
    "model_attributes_type": "must be a mapping of keys",
    "dict_type": "must be a mapping of keys",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "string_type": "must be text",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "path_type": "must be a file path (text)",
}


def _kind(value: Any) -> str:
    """What a YAML value is, in words, without its content (it may be a secret)."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dotted(path: tuple) -> str:
    """A key path as the dotted field name of messages (odd keys quoted, long ones cut)."""
    parts = [p if re.fullmatch(r"[\w<>-]+", str(p)) else repr(p) for p in path]
    return _short(".".join(str(p) for p in parts)) or "(document)"


def _allowed_keys(loc: tuple) -> str:
    """Names of the fields allowed beside the unknown key at loc."""
    cur: Any = TenantConfig
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if part in _TAGS:
            cur = _TAGS[part]
            continue
        field = cur.model_fields.get(part) if cur is not None else None
        cur = _model_of(field.annotation) if field is not None else None
    if cur is None:
        return f"see {TEMPLATE_HINT}"
    return ", ".join(k for k, f in cur.model_fields.items() if not f.exclude)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation like `X | None` or `tuple[X, ...]` (None for unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    models = {m for a in getattr(annotation, "__args__", ()) if (m := _model_of(a)) is not None}
    return models.pop() if len(models) == 1 else None


def _strip_tags(loc: tuple) -> tuple:
    """loc without the union tags pydantic inserts after a discriminated field (okta.auth)."""
    return tuple(p for i, p in enumerate(loc) if not (p in _TAGS and _union_members(loc[:i])))


def _union_members(loc: tuple) -> tuple:
    """Models of the discriminated union that loc ends on (e.g. ("okta", "auth")), else ()."""
    cur: Any = TenantConfig
    members: tuple = ()
    for part in loc:
        if isinstance(part, int):
            continue
        if members and part in _TAGS:  # the tag pydantic inserts after a union field
            cur, members = _TAGS[part], ()
            continue
        field = cur.model_fields.get(part) if cur is not None else None
        if field is None:
            return ()
        members = getattr(field.annotation, "__args__", ()) if field.discriminator else ()
        cur = _model_of(field.annotation)
    return members


def _tags_of(loc: tuple) -> str:
    """'a', 'b': the method values allowed at the discriminated union at loc."""
    members = _union_members(loc)
    return ", ".join(repr(t) for t, m in _TAGS.items() if m in members)


def _to_config_errors(file: str, err: ValidationError, lines: dict) -> list[ConfigError]:
    out = []
    for e in err.errors():
        loc = _strip_tags(e["loc"])
        field = _dotted(loc)
        line = None
        for n in range(len(loc), 0, -1):
            line = lines.get(loc[:n])
            if line:
                break
        ctx = e.get("ctx") or {}
        fix = _FIXES.get(e["type"], "correct the value (see " + TEMPLATE_HINT + ")").format(
            allowed=_allowed_keys(e["loc"]),
            expected=ctx.get("expected_tags") or ctx.get("expected") or _tags_of(e["loc"]),
        )
        problem = e["msg"]
        if e["type"] == "extra_forbidden":
            problem = "unknown key (a misspelt key would silently disable a check)"
        elif e["type"] == "missing":
            problem = "required field is missing"
        elif e["type"] in _TYPE_PROBLEMS:
            problem = f"{_TYPE_PROBLEMS[e['type']]}, not {_kind(e.get('input'))}"
        elif e["type"] == "string_pattern_mismatch" and str(loc[-1]).endswith("_env"):
            problem = "must be the NAME of an environment variable, like ACME_OKTA_TOKEN"
            fix = (
                "put the secret in an environment variable and write its name here; "
                "never write the secret itself into the YAML"
            )
        elif problem.startswith("Value error, "):
            problem = problem[len("Value error, ") :]
        out.append(ConfigError(file, field, problem, fix, line))
    return out


_TAGS: dict[str, type[BaseModel]] = {
    "private_key_jwt": OktaPrivateKeyAuth,
    "api_token": OktaApiTokenAuth,
    "certificate": GraphCertificateAuth,
    "client_secret": GraphClientSecretAuth,
    "default_credential": GraphDefaultCredentialAuth,
}


class ConfigErrors(ConfigError):
    """All problems of one tenant file at once, so the operator fixes them in one go."""

    def __init__(self, errors: list[ConfigError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.field, first.problem, first.fix, first.line)
        shown = [str(e) for e in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(
                f"{first.file}: ... and {len(errors) - MAX_ERRORS_SHOWN} more problems. "
                "Fix: correct the ones above first (is this really a tenant file?)"
            )
        self.args = ("\n".join(shown),)


def _one(errors: list[ConfigError]) -> ConfigError:
    return errors[0] if len(errors) == 1 else ConfigErrors(errors)
