"""What tells a consent-based Office 365 provisioning connection from a legacy one, shared by
the collector (what to read) and the views (CRED-02, CRED-03). Imports nothing of the package.

- The connection's ``_links.authorize.href`` carries the OAuth client id of the app that was
  (or is to be) consented in Entra: ``...oauth2/authorize?...&client_id=<client_id>&...``.
  This is an inference from the spec's links (okta-management-openapi.yaml,
  ProvisioningConnectionOauthResponseEx, HrefObjectAuthorizeLink; api-facts.md,
  Corrections, "Provisioning connection"), not a documented contract: where the link or its
  ``client_id`` is absent, nothing here guesses one.
- Okta's legacy admin-credential flow left "Okta AAD Service Principal:<appId>" objects in
  Entra, which may hold Global Administrator (api-facts.md, Corrections, "Okta's Entra
  service principals"; support.okta.com "identifying okta aad service principal account").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

#: Office 365's own credential and Graph-client failure event types (Okta's event-type
#: catalogue as copied in elastic/integrations packages/okta/data_stream/system/
#: elasticsearch/ingest_pipeline/ecs_category_type.yml; api-facts.md Corrections; CRED-04)
OFFICE365_CREDENTIAL_FAILURES = (
    "app.office365.api.error.validate.creds",
    "app.office365.api.error.validate.admin.creds",
    "app.office365.api.error.validate.creds.unknown.exception",
    "app.office365.graph.api.error.service.principal.msgraph.authentication.failure",
    "app.office365.service.principal.cleanup.job.invalid.credentials",
    "app.office365.api.error.unable.to.create.graph.client",
)

#: display-name prefix of Okta's legacy service principals ("Okta AAD Service Principal:<appId>")
LEGACY_PRINCIPAL_PREFIX = "Okta AAD Service Principal"


def authorize_href(connection: object) -> str | None:
    """The connection's ``_links.authorize.href``, or None when it has none."""
    links = connection.get("_links") if isinstance(connection, dict) else None
    link = links.get("authorize") if isinstance(links, dict) else None
    href = link.get("href") if isinstance(link, dict) else None
    return href if isinstance(href, str) and href else None


def authorize_client_id(connection: object) -> str | None:
    """The ``client_id`` query parameter of the connection's authorize link (inferred: see the
    module docstring), or None when the link or the parameter is absent or not one value."""
    href = authorize_href(connection)
    if href is None:
        return None
    values = parse_qs(urlsplit(href).query).get("client_id") or []
    return values[0].strip() if len(values) == 1 and values[0].strip() else None


def connection_client_ids(connection_reads: object) -> list[str]:
    """Client ids of the successfully read connections (``okta.appConnection`` entries keyed
    by app id), each once, in order: the appIds whose service principals the collector reads."""
    out: list[str] = []
    for read in connection_reads.values() if isinstance(connection_reads, dict) else []:
        if not isinstance(read, dict) or not read.get("ok"):
            continue
        client = authorize_client_id(read.get("data"))
        if client is not None and client.lower() not in (c.lower() for c in out):
            out.append(client)
    return out


def is_legacy_principal(sp: Any) -> bool:
    """Whether a service principal is one of Okta's legacy "Okta AAD Service Principal" ones
    (by its display name: that name is what identifies them, see the module docstring)."""
    name = sp.get("displayName") if isinstance(sp, dict) else None
    return isinstance(name, str) and name.lower().startswith(LEGACY_PRINCIPAL_PREFIX.lower())


def role_read_principal_ids(principals: Any, client_ids: Any) -> list[str]:
    """Ids of the Okta service principals whose directory roles are read
    (legacyPrincipalRoles), each once, in order: every legacy one (CRED-02) and every other
    one whose appId is not the client id of a current connection (CRED-05: a former
    provisioning principal may keep a role). The current client's roles are not judged."""
    clients = {str(c).lower() for c in client_ids or ()}
    out: list[str] = []
    for sp in principals if isinstance(principals, list) else []:
        sid = sp.get("id") if isinstance(sp, dict) else None
        if not isinstance(sid, str) or sid in out:
            continue
        if is_legacy_principal(sp) or str(sp.get("appId") or "").lower() not in clients:
            out.append(sid)
    return out
