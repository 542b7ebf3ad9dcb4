"""Configuration, the first stage of the flow: tenant YAML files, validated into a typed model.

The flow is config -> clients -> collect -> snapshot/views -> checks -> outputs.
May import: core (``errors``, ``names``, ``normalize``, ``redact``) and third-party
libraries; never a later stage.

A typo must never disable a check silently, so unknown keys are errors, and every error
names the file, the field (with its line where known) and the fix. Secrets are held only
by reference: the name of an environment variable, or the path of a key or certificate
file; the values are read when a client is built (see ``clients``), never stored here.

- ``model``: TenantConfig, the whole file, and the emulator section.
- ``network``: the extra CA and the endpoint overrides (a gateway, the standalone emulator).
- ``credentials``: the Okta org and the M365 tenant, and how the suite signs in to each.
- ``network``: how the APIs are reached (proxy, CA bundle) and where (endpoint overrides).
- ``expectations``: what the runbook promises (``expect:``) and the API limits.
- ``fields``: the strict base model and the patterns and validators the parts share.
- ``yaml_loader``: safe reading of the YAML (encoding, tags, nesting, alias bombs,
  duplicate keys, the line of each key path).
- ``messages``: pydantic's errors as one-line ConfigError messages (file, line, field, fix).
- ``loading``: load_tenant, and the tenants of a folder (load_tenants, discover_tenants).
- ``schema``: the JSON Schema of tenant files.
- ``waiver``: a waiver of a check or of one of its items.
- ``tenant_copy``: the tenant file as loaded, written back with secret references only
  (what an evidence bundle keeps, so a replay judges against the same expectations).
"""

from .credentials import (
    GRAPH_READ_PERMISSIONS,
    OKTA_READ_SCOPES,
    GraphAuth,
    GraphCertificateAuth,
    GraphClientSecretAuth,
    GraphDefaultCredentialAuth,
    M365Config,
    OktaApiTokenAuth,
    OktaAuth,
    OktaConfig,
    OktaPrivateKeyAuth,
)
from .expectations import (
    FEDERATION_ERROR_CODES,
    SIGN_IN_LOG_DAYS,
    ApiLimits,
    Expectations,
    Office365AppExpectation,
    OnPremAD,
    OrgFacts,
    ProvisioningExpectation,
    Windows,
)
from .fields import ENV_NAME_RE, GUID_RE, ORIGIN_RE
from .loading import discover_tenants, load_tenant, load_tenants
from .messages import MAX_ERRORS_SHOWN, ConfigErrors
from .model import EmulatedBackend, TenantConfig
from .network import (
    EndpointOverrides,
    NetworkConfig,
    ca_file_problem,
    no_proxy_problem,
    proxy_url_problem,
)
from .schema import tenant_json_schema, write_schema
from .waiver import Waiver
from .yaml_loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

__all__ = [
    "ENV_NAME_RE",
    "FEDERATION_ERROR_CODES",
    "GRAPH_READ_PERMISSIONS",
    "GUID_RE",
    "MAX_DEPTH",
    "MAX_ERRORS_SHOWN",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "OKTA_READ_SCOPES",
    "ORIGIN_RE",
    "SIGN_IN_LOG_DAYS",
    "ApiLimits",
    "ConfigErrors",
    "EmulatedBackend",
    "EndpointOverrides",
    "Expectations",
    "GraphAuth",
    "GraphCertificateAuth",
    "GraphClientSecretAuth",
    "GraphDefaultCredentialAuth",
    "M365Config",
    "NetworkConfig",
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
    "ca_file_problem",
    "discover_tenants",
    "load_tenant",
    "load_tenants",
    "no_proxy_problem",
    "proxy_url_problem",
    "tenant_json_schema",
    "write_schema",
]
