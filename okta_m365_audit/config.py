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
from collections.abc import Iterable
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

GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
ENV_NAME_RE = r"^[A-Za-z_][A-Za-z0-9_]*$"

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
        if not re.match(r"^https://[A-Za-z0-9.-]+(:\d+)?/?$", url):
            raise ValueError("must be an https:// origin with no path, like https://acme.okta.com")
        return url.rstrip("/")


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


class TenantConfig(_Strict):
    """One customer: an Okta org, an M365 tenant, and what the runbook promises about them."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Short id used in test ids.")
    okta: OktaConfig
    m365: M365Config
    expect: Expectations
    waivers: tuple[Waiver, ...] = ()
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

_FIXES: dict[str, str] = {
    "extra_forbidden": "remove the key or correct its spelling (allowed keys: {allowed})",
    "missing": "add it (see tenants/example.yaml)",
    "union_tag_invalid": "set method to one of: {expected}",
    "union_tag_not_found": "add a method key (one of: {expected})",
    "literal_error": "use one of: {expected}",
    "string_pattern_mismatch": "use the documented format (see tenants/example.yaml)",
    "date_from_datetime_parsing": "write the date as YYYY-MM-DD",
    "date_parsing": "write the date as YYYY-MM-DD",
    "date_type": "write the date as YYYY-MM-DD",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date (2027-02-30) as text for the model to report."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _line_index(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict:
    """Map each key path of a YAML document to its 1-based line."""
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            out[sub] = key.start_mark.line + 1
            _line_index(value, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[(*path, i)] = item.start_mark.line + 1
            _line_index(item, (*path, i), out)
    return out


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
        field = ".".join(str(p) for p in loc) or "(document)"
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
        self.args = ("\n".join(str(e) for e in errors),)


def load_tenant(path: str | os.PathLike, known_checks: Iterable[str] | None = None) -> TenantConfig:
    """Read and validate one tenant file; raise ConfigError naming file, field and fix.

    With ``known_checks``, a waiver naming any other check ID is an error too (a waiver
    for a misspelt ID would leave the real check unwaived, or worse, hide the typo).
    """
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            file, "(file)", f"cannot be read ({exc.strerror})", "check the path"
        ) from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            file,
            "(syntax)",
            f"invalid YAML: {problem}",
            "fix the YAML syntax at that line",
            mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            file, "(document)", "must be a mapping of keys", "start from tenants/example.yaml", 1
        )
    lines = _line_index(node) if node is not None else {}
    if "name" not in data:
        if not re.match(r"^[a-z0-9][a-z0-9_-]*$", path.stem):
            raise ConfigError(
                file, "name", f"the file name {path.stem!r} is not a valid tenant name",
                "rename the file to lowercase letters, digits, '-' and '_' (like acme-corp.yaml), "
                "or set name: in it",
            )  # fmt: skip
        data["name"] = path.stem
    try:
        cfg = TenantConfig.model_validate(data)
    except ValidationError as err:
        errors = _to_config_errors(file, err, lines)
        raise (errors[0] if len(errors) == 1 else ConfigErrors(errors)) from None
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


def discover_tenants(directory: str | os.PathLike) -> dict[str, Path]:
    """Tenant files of a folder, by tenant name (the file stem); example.yaml is a template."""
    directory = Path(directory)
    found = {}
    for p in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        if p.stem == "example":
            continue
        found[p.stem] = p
    return found


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
