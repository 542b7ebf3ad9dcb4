"""Tenant YAML files, validated into a typed model.

A typo must never disable a check silently, so unknown keys are errors, and every error
names the file, the field (with its line where known) and the fix. Secrets are held only
by reference: the name of an environment variable, or the path of a key or certificate
file; the values are read when a client is built (see ``clients``), never stored here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .errors import ConfigError
from .names import TENANT_NAME_PATTERN, is_tenant_name

GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
ENV_NAME_RE = r"^[A-Za-z_][A-Za-z0-9_]*$"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ORIGIN_RE = re.compile(
    rf"(?i:https)://(?P<host>(?:{_LABEL}\.)*{_LABEL})(?::(?P<port>\d{{1,5}}))?/?"
)

#: Okta scopes the collector needs, one per family of reads (reference/api-facts.md §8).
OKTA_READ_SCOPES: tuple[str, ...] = (
    "okta.orgs.read",
    "okta.apps.read",
    "okta.users.read",
    "okta.groups.read",
    "okta.domains.read",
    "okta.agentPools.read",
    "okta.logs.read",
)

#: Graph application permissions the collector needs (reference/api-facts.md §15).
GRAPH_READ_PERMISSIONS: tuple[str, ...] = (
    "Organization.Read.All",
    "Domain.Read.All",
    "User.Read.All",
    "RoleManagement.Read.Directory",
    "Application.Read.All",
    "Directory.Read.All",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _file_path(value: Any) -> Any:
    """Before-validator of the file fields: text that can name a file."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("is empty; give the path of the file")
        if "\x00" in value:
            raise ValueError("contains a NUL character, which no file path can hold")
    return value


# --- Okta --------------------------------------------------------------------------------


class OktaPrivateKeyAuth(_Strict):
    """OAuth 2.0 service app, client credentials with private_key_jwt (recommended)."""

    method: Literal["private_key_jwt"]
    client_id: str = Field(min_length=1, description="Client ID of the Okta API service app.")
    private_key_file: Path = Field(
        description="PEM (PKCS#8 or PKCS#1) or JWK file of the service app's private key; "
        "relative paths are resolved from the tenant file's folder."
    )
    key_id: str | None = Field(None, description="The key's kid, as registered in Okta.")
    scopes: tuple[str, ...] = Field(
        OKTA_READ_SCOPES,
        description="Scopes to request; defaults to every read scope the suite needs.",
    )

    _path = field_validator("private_key_file", mode="before")(_file_path)

    @field_validator("scopes")
    @classmethod
    def _read_only_scopes(cls, scopes: tuple[str, ...]) -> tuple[str, ...]:
        bad = [s for s in scopes if not (s.startswith("okta.") and s.endswith(".read"))]
        if bad:
            raise ValueError(f"only read scopes are allowed, not {', '.join(bad)}")
        return scopes


class OktaApiTokenAuth(_Strict):
    """An SSWS API token, read from an environment variable."""

    method: Literal["api_token"]
    token_env: str = Field(pattern=ENV_NAME_RE, description="Environment variable with the token.")


OktaAuth = Annotated[OktaPrivateKeyAuth | OktaApiTokenAuth, Field(discriminator="method")]


class OktaConfig(_Strict):
    org_url: str = Field(description="https://<subdomain>.okta.com (or your custom domain).")
    auth: OktaAuth

    @field_validator("org_url")
    @classmethod
    def _https_origin(cls, url: str) -> str:
        like = "like https://acme.okta.com"
        if not url.lower().startswith("https://"):
            raise ValueError(f"must be an https:// origin ({like}); the suite only uses TLS")
        match = ORIGIN_RE.fullmatch(url)
        if match is None:
            raise ValueError(f"must be an https:// origin with no path, query or user ({like})")
        if match["port"] is not None and not 0 < int(match["port"]) < 65536:
            raise ValueError(f"has port {match['port']}, outside 1-65535 ({like})")
        first_label = match["host"].split(".", 1)[0].lower()
        if first_label.endswith("-admin") and "okta" in match["host"].lower():
            raise ValueError(
                f"is the Admin Console's address; the API is on the org URL without -admin ({like})"
            )
        return "https://" + url[len("https://") :].rstrip("/")


# --- Microsoft 365 / Graph ---------------------------------------------------------------


class GraphCertificateAuth(_Strict):
    """Entra app registration with a certificate credential (recommended)."""

    method: Literal["certificate"]
    client_id: str = Field(description="Application (client) ID of the Entra app registration.")
    certificate_file: Path = Field(
        description="PEM holding the certificate and its private key (or PKCS#12 .pfx)."
    )
    certificate_password_env: str | None = Field(
        None, pattern=ENV_NAME_RE, description="Environment variable with the file's password."
    )

    _path = field_validator("certificate_file", mode="before")(_file_path)

    @field_validator("client_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return _check_guid(v)


class GraphClientSecretAuth(_Strict):
    """Entra app registration with a client secret, read from an environment variable."""

    method: Literal["client_secret"]
    client_id: str
    client_secret_env: str = Field(pattern=ENV_NAME_RE)

    @field_validator("client_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return _check_guid(v)


class GraphDefaultCredentialAuth(_Strict):
    """azure-identity's DefaultAzureCredential: workload identity, managed identity, CLI."""

    method: Literal["default_credential"]
    managed_identity_client_id: str | None = Field(
        None, description="Client ID of a user-assigned managed identity, if any."
    )


GraphAuth = Annotated[
    GraphCertificateAuth | GraphClientSecretAuth | GraphDefaultCredentialAuth,
    Field(discriminator="method"),
]


class M365Config(_Strict):
    tenant_id: str = Field(description="Directory (tenant) ID, a GUID.")
    cloud: Literal["global", "usgov", "usgov-dod", "china"] = "global"
    auth: GraphAuth

    @field_validator("tenant_id")
    @classmethod
    def _guid(cls, v: str) -> str:
        return _check_guid(v)


def _check_guid(value: str) -> str:
    if not GUID_RE.match(value):
        raise ValueError("must be a GUID like 00000000-0000-0000-0000-000000000000")
    return value.lower()


# --- Expectations (CATALOG.md) -----------------------------------------------------------


class OnPremAD(_Strict):
    domain: str = Field(description="The AD domain, as the active_directory app's label.")


class OrgFacts(_Strict):
    company_name: str | None = None
    subdomain: str | None = None


class Office365AppExpectation(_Strict):
    ws_fed_configure_type: str = Field("AUTO", description="AUTO, or your manual mode's value.")
    label: str | None = Field(None, description="Label of the instance, if several exist.")


class ProvisioningExpectation(_Strict):
    create: bool = True
    update_profile: bool = True
    deactivate: bool = True
    password_push: bool = False
    provisioning_type: str | None = Field(
        None, description="settings.app.office365ProvisioningType, when you want it checked."
    )
    assignment_groups: tuple[str, ...] = ()


class Windows(_Strict):
    certificate_expiry_days: int = Field(30, ge=1, le=3650)
    custom_domain_certificate_days: int = Field(30, ge=1, le=3650)
    system_log_days: int = Field(7, ge=1, le=90)


class ApiLimits(_Strict):
    """How patient and how polite the suite is with this tenant's APIs."""

    timeout_seconds: float = Field(60.0, gt=0, le=600, description="Per request attempt.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries of one read.")
    max_retry_seconds: float = Field(120.0, gt=0, le=3600, description="One read, in all.")
    okta_requests_per_minute: int = Field(300, ge=1, le=100000)
    graph_requests_per_minute: int = Field(1200, ge=1, le=100000)


class Expectations(_Strict):
    phase: int = Field(5, ge=1, le=5, description="Last runbook phase the tenant completed.")
    domains_to_federate: tuple[str, ...] = Field(min_length=1)
    service_account: str = Field(description="UPN of the M365 service account (ESS-01).")
    excluded_accounts: tuple[str, ...] = Field(
        (), description="Service and break-glass accounts that must stay out of Okta."
    )
    service_account_patterns: tuple[str, ...] = Field(
        ("sync_*", "svc-*", "svc_*", "adsync*"),
        description="fnmatch patterns of UPN local parts that look like service accounts.",
    )
    min_break_glass_admins: int = Field(2, ge=0)
    on_prem_ad: OnPremAD | None = None
    custom_domain: str | None = Field(None, description="Custom Okta domain, e.g. login.acme.com")
    org: OrgFacts = OrgFacts()
    office365_app: Office365AppExpectation = Office365AppExpectation()
    mfa_behavior: Literal[
        "acceptIfMfaDoneByFederatedIdp", "enforceMfaByFederatedIdp", "rejectMfaByFederatedIdp"
    ] = "acceptIfMfaDoneByFederatedIdp"
    provisioning: ProvisioningExpectation = ProvisioningExpectation()
    windows: Windows = Windows()

    @field_validator("domains_to_federate", "excluded_accounts")
    @classmethod
    def _lower(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.lower() for v in values)

    @field_validator("service_account")
    @classmethod
    def _upn(cls, v: str, info: ValidationInfo) -> str:
        if "@" not in v:
            raise ValueError("must be a UPN like svc-okta@contoso.onmicrosoft.com")
        v = v.lower()
        domain = v.split("@", 1)[1]
        if domain in info.data.get("domains_to_federate", ()):
            raise ValueError(
                f"is on {domain}, a domain to federate; the service account must stay on the "
                "initial onmicrosoft.com domain"
            )
        return v


class Waiver(_Strict):
    check: str = Field(pattern=r"^[A-Z]+-\d{2}$", description="Check ID, e.g. FED-06.")
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    ticket: str = Field(min_length=1)
    expires: dt.date


class EmulatedBackend(_Strict):
    """Run this tenant against the bundled emulator instead of the real services."""

    snapshot: Path = Field(description="Snapshot file the emulator serves (relative to the YAML).")
    granted_okta_scopes: tuple[str, ...] | None = Field(
        None, description="Scopes the emulated Okta grants the service app (default: all)."
    )
    granted_graph_permissions: tuple[str, ...] | None = Field(
        None, description="Application permissions consented in the emulated tenant (default: all)."
    )
    latency_ms: float = Field(
        0, ge=0, le=60000, description="Delay the emulator adds to every request, in ms."
    )
    latency_jitter_ms: float = Field(
        0, ge=0, le=60000, description="Up to this much more delay per request (uniform, seeded)."
    )
    separate_process: bool = Field(
        False,
        description="Serve from a child process, so the audit's own CPU and memory are "
        "measured alone (benchmarks, large tenants).",
    )

    _path = field_validator("snapshot", mode="before")(_file_path)


class TenantConfig(_Strict):
    """One customer: an Okta org, an M365 tenant, and what the runbook promises about them."""

    name: str = Field(pattern=TENANT_NAME_PATTERN, description="Short id used in test ids.")
    okta: OktaConfig
    m365: M365Config
    expect: Expectations
    waivers: tuple[Waiver, ...] = ()
    limits: ApiLimits = ApiLimits()
    emulator: EmulatedBackend | None = None
    _source_file: Path | None = PrivateAttr(None)

    @property
    def source_file(self) -> Path | None:
        """The tenant file this config was loaded from (set by load_tenant)."""
        return self._source_file

    def resolve(self, path: Path) -> Path:
        """A path from the YAML, relative to the YAML's own folder."""
        if path.is_absolute() or self.source_file is None:
            return path
        return (self.source_file.parent / path).resolve()


# --- loading -----------------------------------------------------------------------------

#: Bounds on a tenant file, far above any real one (a few KB, about a hundred values, six
#: levels deep), so that a wrong file, a deep nesting or an alias bomb ("billion laughs")
#: is refused at once instead of exhausting the stack, the memory or the time of a run.
MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_NODES = 10_000
#: Problems listed in one message (the rest are counted).
MAX_ERRORS_SHOWN = 20

_FIXES: dict[str, str] = {
    "extra_forbidden": "remove the key or correct its spelling (allowed keys: {allowed})",
    "missing": "add it (see tenants/example.yaml)",
    "union_tag_invalid": "set method to one of: {expected}",
    "union_tag_not_found": "add a method key (one of: {expected})",
    "literal_error": "use one of: {expected}",
    "string_pattern_mismatch": "use the documented format (see tenants/example.yaml)",
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


class _LimitExceeded(yaml.YAMLError):
    """The document exceeds a bound (MAX_DEPTH, MAX_NODES) while it is being composed."""

    def __init__(self, problem: str, mark: yaml.Mark | None):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _Loader(yaml.SafeLoader):
    """SafeLoader that never raises anything but YAMLError on any input.

    It keeps an impossible date (2027-02-30) as text for the model to report, turns the
    ValueError/KeyError/IndexError of a bad explicit tag (``!!int abc``, ``!!bool maybe``,
    a bare ``!!int``, an integer of 5000 digits) into a ConstructorError with its line,
    and refuses nesting deeper than MAX_DEPTH (PyYAML's composer recurses: a deep
    document would otherwise end in RecursionError) or more than MAX_NODES values while
    composing.
    """

    _depth = 0
    _composed = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        self._composed += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _LimitExceeded(f"nested deeper than {MAX_DEPTH} levels", mark)
            if self._composed > MAX_NODES:
                mark = self.peek_event().start_mark
                raise _LimitExceeded(f"holds more than {MAX_NODES} values", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # any constructor's failure on its scalar (IndexError: "!!int")
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"cannot read this value as {tag} ({type(exc).__name__})",
                node.start_mark,
            ) from None

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _measure(root: yaml.Node) -> tuple[int, int, yaml.Node | None]:
    """(values, depth) of the document with every alias expanded, and the node of an alias
    cycle if there is one. Iterative and memoised: linear in the composed nodes, however
    many times aliases repeat them (so an alias bomb is measured, never expanded)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(key)
            continue
        if key in size:
            continue
        if key in on_path:
            return 0, 0, node
        on_path.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in on_path:
                return 0, 0, kid
            if id(kid) not in size:
                stack.append((kid, False))
    return size[id(root)], depth[id(root)], None


def _scan_tree(file: str, node: yaml.Node) -> tuple[dict, list[ConfigError]]:
    """Lines of each key path, and the structural problems of the tree: keys that are not
    text (``on:``, ``1:``, ``null:``) and keys given twice in one mapping (PyYAML keeps
    the last silently, so a second ``expect:`` would replace the first)."""
    lines: dict[tuple, int] = {}
    problems: list[ConfigError] = []

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode) and key.tag == _MERGE_TAG:
                    walk(value, path)  # "<<: *defaults" merges keys into this mapping
                    continue
                if not (isinstance(key, yaml.ScalarNode) and key.tag == _STR_TAG):
                    where = _dotted(path)
                    shown = key.value if isinstance(key, yaml.ScalarNode) else "a list or mapping"
                    problems.append(
                        ConfigError(
                            file, where,
                            f"the key {_short(str(shown), 40)!r} is not text (YAML reads it as "
                            f"{key.tag.rsplit(':', 1)[-1]})",
                            "quote the key, or correct it: every key of a tenant file is a "
                            "name like org_url",
                            line,
                        )
                    )  # fmt: skip
                    continue
                sub = (*path, key.value)
                if key.value in seen:
                    problems.append(
                        ConfigError(
                            file, _dotted(sub),
                            f"key given twice in the same mapping (first at line "
                            f"{seen[key.value]}); YAML would silently keep only this one",
                            "keep one of the two (merge their values into it)",
                            line,
                        )
                    )  # fmt: skip
                else:
                    seen[key.value] = line
                    lines[sub] = line
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines.setdefault((*path, i), item.start_mark.line + 1)
                walk(item, (*path, i))

    walk(node, ())
    return lines, problems


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
        return "see tenants/example.yaml"
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
        fix = _FIXES.get(e["type"], "correct the value (see tenants/example.yaml)").format(
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


def _read_text(path: Path) -> str:
    file = str(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            file, "(file)", f"cannot be read ({exc.strerror or type(exc).__name__})",
            "check the path",
        ) from None  # fmt: skip
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(
            file, "(file)", f"is larger than {MAX_FILE_BYTES // 1024} KiB, far more than a "
            "tenant file holds", "check that this is the tenant file (start from "
            "tenants/example.yaml)",
        )  # fmt: skip
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            problem, line = "is UTF-16 text, not UTF-8", None
        else:
            column = exc.start - raw.rfind(b"\n", 0, exc.start)
            problem = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column})"
            line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(file, "(file)", problem, "save the file as UTF-8 text", line) from None


def _yaml_error(file: str, text: str, exc: yaml.YAMLError) -> ConfigError:
    if isinstance(exc, _LimitExceeded):
        mark = exc.problem_mark
        return ConfigError(
            file, "(document)", exc.problem, "a tenant file holds about a hundred values, a "
            "few levels deep: check that this is the tenant file (see tenants/example.yaml)",
            mark.line + 1 if mark else None,
        )  # fmt: skip
    if isinstance(exc, yaml.reader.ReaderError):  # a control character, e.g. NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        return ConfigError(
            file, "(syntax)",
            f"invalid YAML: character #x{exc.character:04x} is not allowed (column {column})",
            "remove the control character (the file must be plain UTF-8 text)", line,
        )  # fmt: skip
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    where = f" (column {mark.column + 1})" if mark else ""
    return ConfigError(
        file, "(syntax)",
        f"invalid YAML: {problem}{where}" + (f", {context}" if context else ""),
        "fix the YAML syntax at that line",
        mark.line + 1 if mark else None,
    )  # fmt: skip


def _read_document(path: Path) -> tuple[dict, dict, list[ConfigError]]:
    """The file's mapping, the line of each key path, and its structural problems.

    Raises ConfigError when there is no usable mapping at all (unreadable, not UTF-8,
    too large, too deep, an alias bomb or cycle, not YAML, not a mapping).
    """
    file = str(path)
    text = _read_text(path)
    try:
        loader = _Loader(text)  # its reader refuses control characters here already
        try:
            node = loader.get_single_node()
            if node is None:
                data = None
            else:
                values, depth, cycle = _measure(node)
                if cycle is not None:
                    raise ConfigError(
                        file, "(document)", "an alias refers to a value that contains it "
                        "(a cycle)", "replace the alias (*name) with the values it stands for",
                        cycle.start_mark.line + 1,
                    )  # fmt: skip
                if values > MAX_NODES or depth > MAX_DEPTH:
                    raise ConfigError(
                        file, "(document)",
                        f"expands to {values} values nested {depth} levels deep with its "
                        f"aliases (*name) resolved; the limit is {MAX_NODES} values and "
                        f"{MAX_DEPTH} levels", "a tenant file needs at most a few hundred "
                        "values: remove the repeated aliases", None,
                    )  # fmt: skip
                # before constructing: PyYAML's construction flattens merge keys (<<) in place
                lines, problems = _scan_tree(file, node)
                data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(file, text, exc) from None
    except RecursionError:  # not expected past the bounds above; never a traceback
        raise ConfigError(
            file, "(document)", "is nested too deeply to read", "simplify the file"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            file, "(document)",
            "is empty: it must be a mapping of keys" if data is None else
            f"must be a mapping of keys, not {_kind(data)}",
            "start from tenants/example.yaml", 1,
        )  # fmt: skip
    return data, lines, problems


def _validate(
    path: Path,
    data: dict,
    lines: dict,
    problems: list[ConfigError],
    known_checks: Iterable[str] | None,
) -> TenantConfig:
    file = str(path)
    if problems and any(not isinstance(k, str) for k in _all_keys(data)):
        raise _one(problems)  # non-text keys: the rest would only be noise
    if "name" not in data:
        if not is_tenant_name(path.stem):
            raise ConfigError(
                file, "name", f"the file name {path.stem!r} is not a valid tenant name",
                "rename the file to lowercase letters, digits, '-' and '_' (like acme-corp.yaml), "
                "or set name: in it",
            )  # fmt: skip
        data["name"] = path.stem
    try:
        cfg = TenantConfig.model_validate(data)
    except ValidationError as err:
        raise _one(problems + _to_config_errors(file, err, lines)) from None
    if problems:
        raise _one(problems)
    cfg._source_file = path.resolve()
    if known_checks is not None:
        known = set(known_checks)
        for i, waiver in enumerate(cfg.waivers):
            if waiver.check not in known:
                raise ConfigError(
                    file, f"waivers.{i}.check", f"unknown check ID {waiver.check}",
                    "use an ID from the README's check table, e.g. FED-06",
                    lines.get(("waivers", i, "check")),
                )  # fmt: skip
    return cfg


def _all_keys(value: Any) -> Iterator[Any]:
    """Every mapping key of a (bounded, acyclic) document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _all_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_keys(item)


def load_tenant(path: str | os.PathLike, known_checks: Iterable[str] | None = None) -> TenantConfig:
    """Read and validate one tenant file; raise ConfigError naming file, field and fix.

    Any input gives a TenantConfig or a ConfigError (ConfigErrors for several problems),
    never another exception: tests/test_config_fuzz.py holds it to that.

    With ``known_checks``, a waiver naming any other check ID is an error too (a waiver
    for a misspelt ID would leave the real check unwaived, or worse, hide the typo).
    """
    path = Path(path)
    data, lines, problems = _read_document(path)
    return _validate(path, data, lines, problems, known_checks)


def _tenant_files(directory: Path) -> list[Path]:
    """Tenant files of a folder, in discovery order; example.yaml is a template."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    return [p for p in files if p.stem != "example"]


def discover_tenants(directory: str | os.PathLike) -> dict[str, Path]:
    """Tenant files of a folder, by tenant name (the file stem); example.yaml is a template."""
    return {p.stem: p for p in _tenant_files(Path(directory))}


def load_tenants(
    directory: str | os.PathLike, known_checks: Iterable[str] | None = None
) -> tuple[dict[str, TenantConfig], list[ConfigError]]:
    """Load every tenant file of a folder: the configs by tenant name, and the errors.

    Each error carries ``tenant``, the name it concerns (the file's ``name:`` when it
    could be read, else the file stem), so a caller can report it against that tenant.
    Besides each file's own problems, it reports names that are not unique: two files
    with the same name (a ``name:`` or the file stem it defaults to, acme.yaml beside
    acme.yml included), or a ``name:`` equal to another file's stem. No config is
    returned for an ambiguous name.
    """
    directory = Path(directory)
    if not directory.is_dir():
        err = ConfigError(
            str(directory), "(folder)", "is not a folder of tenant files",
            "pass the folder that holds the tenant YAML files (--tenants-dir)",
        )  # fmt: skip
        err.tenant = ""  # type: ignore[attr-defined]
        return {}, [err]
    known = None if known_checks is None else frozenset(known_checks)
    entries: list[_Entry] = []
    errors: list[ConfigError] = []
    for path in _tenant_files(directory):
        entry = _Entry(path, path.stem)
        try:
            data, lines, problems = _read_document(path)
            declared = data.get("name")
            # a rejected file's name still labels its errors (test IDs, bundle folders):
            # only a name that follows the rule may (names.py), else the file stem does
            if is_tenant_name(declared):
                entry.name, entry.declared = declared, True
                entry.line = lines.get(("name",))
            entry.cfg = _validate(path, data, lines, problems, known)
            entry.name = entry.cfg.name
        except ConfigError as exc:
            exc.tenant = entry.name  # type: ignore[attr-defined]
            errors.append(exc)
        entries.append(entry)

    by_name: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_name.setdefault(entry.name, []).append(entry)
    stems = {e.path.stem: e for e in entries}
    for name, group in by_name.items():
        if len(group) > 1:
            blamed = ([e for e in group if e.declared] or group)[-1]
            err = ConfigError(
                str(blamed.path), "name",
                f"tenant name {name!r} is used by {len(group)} files: "
                + ", ".join(str(e.path) for e in group),
                "give each tenant file its own name: set a different name: in one of them "
                "(the name defaults to the file name), or remove the copy",
                blamed.line,
            )  # fmt: skip
        elif group[0].declared and (other := stems.get(name)) not in (None, group[0]):
            blamed = group[0]
            err = ConfigError(
                str(blamed.path), "name",
                f"tenant name {name!r} is the file name of {other.path}, which is tenant "
                f"{other.name!r}, so --tenant {name} would be ambiguous",
                "choose a name: that is no other tenant file's name, or rename the files "
                "so that each name is its own file's name",
                blamed.line,
            )  # fmt: skip
            group = [blamed]
        else:
            continue
        err.tenant = name  # type: ignore[attr-defined]
        errors.append(err)
        for entry in group:
            entry.cfg = None
    configs = {e.name: e.cfg for e in entries if e.cfg is not None}
    return configs, errors


@dataclass
class _Entry:
    path: Path
    name: str
    declared: bool = False
    line: int | None = None
    cfg: TenantConfig | None = None


def tenant_json_schema() -> dict:
    """JSON Schema for tenant files, for editors (yaml-language-server) and docs."""
    schema = TenantConfig.model_json_schema(mode="validation")
    schema["properties"].pop("source_file", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://okta-m365-audit.invalid/schemas/tenant.schema.json"
    schema["title"] = "okta-m365-audit tenant file"
    schema["required"] = [r for r in schema.get("required", []) if r != "name"]

    def drop_path_format(node: Any) -> None:  # pydantic's "format": "path" is not JSON Schema
        if isinstance(node, dict):
            if node.get("format") == "path":
                del node["format"]
            for value in node.values():
                drop_path_format(value)
        elif isinstance(node, list):
            for value in node:
                drop_path_format(value)

    drop_path_format(schema)
    return schema


def write_schema(path: str | os.PathLike) -> None:
    Path(path).write_text(json.dumps(tenant_json_schema(), indent=2) + "\n", encoding="utf-8")
