"""Configuration, the first stage of the flow: tenant YAML files, validated into a typed model.

The flow is config -> clients -> collect -> snapshot/views -> checks -> outputs.
May import: core (``errors``, ``names``, ``normalize``) and third-party libraries; never a
later stage.

A typo must never disable a check silently, so unknown keys are errors, and every error
names the file, the field (with its line where known) and the fix. Secrets are held only
by reference: the name of an environment variable, or the path of a key or certificate
file; the values are read when a client is built (see ``clients``), never stored here.

- ``model``: TenantConfig and its parts, with their validators.
- ``yaml_loader``: safe reading of the YAML (encoding, tags, nesting, alias bombs,
  duplicate keys, the line of each key path).
- ``messages``: pydantic's errors as one-line ConfigError messages (file, line, field, fix).
- ``loading``: load_tenant, and the tenants of a folder (load_tenants, discover_tenants).
- ``schema``: the JSON Schema of tenant files.
- ``waiver``: a waiver of a check or of one of its items.
- ``tenant_copy``: the tenant file as loaded, written back with secret references only
  (what an evidence bundle keeps, so a replay judges against the same expectations).
"""

from .loading import discover_tenants, load_tenant, load_tenants
from .messages import MAX_ERRORS_SHOWN, ConfigErrors
from .model import (
    ENV_NAME_RE,
    GRAPH_READ_PERMISSIONS,
    GUID_RE,
    OKTA_READ_SCOPES,
    ORIGIN_RE,
    ApiLimits,
    EmulatedBackend,
    Expectations,
    GraphAuth,
    GraphCertificateAuth,
    GraphClientSecretAuth,
    GraphDefaultCredentialAuth,
    M365Config,
    Office365AppExpectation,
    OktaApiTokenAuth,
    OktaAuth,
    OktaConfig,
    OktaPrivateKeyAuth,
    OnPremAD,
    OrgFacts,
    ProvisioningExpectation,
    TenantConfig,
    Waiver,
    Windows,
)
from .schema import tenant_json_schema, write_schema
from .yaml_loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

__all__ = [
    "ENV_NAME_RE",
    "GRAPH_READ_PERMISSIONS",
    "GUID_RE",
    "MAX_DEPTH",
    "MAX_ERRORS_SHOWN",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "OKTA_READ_SCOPES",
    "ORIGIN_RE",
    "ApiLimits",
    "ConfigErrors",
    "EmulatedBackend",
    "Expectations",
    "GraphAuth",
    "GraphCertificateAuth",
    "GraphClientSecretAuth",
    "GraphDefaultCredentialAuth",
    "M365Config",
    "Office365AppExpectation",
    "OktaApiTokenAuth",
    "OktaAuth",
    "OktaConfig",
    "OktaPrivateKeyAuth",
    "OnPremAD",
    "OrgFacts",
    "ProvisioningExpectation",
    "TenantConfig",
    "Waiver",
    "Windows",
    "discover_tenants",
    "load_tenant",
    "load_tenants",
    "tenant_json_schema",
    "write_schema",
]
