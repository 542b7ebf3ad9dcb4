"""The demo tenant's builder, split by what it builds; scripts/build_demo_tenant.py runs it.

- ``facts``: the fixed facts of the demo (names, hosts, phase dates, Microsoft's public
  identifiers, the ids derived from them) and where its files are written;
- ``ids``: deterministic identifiers and times (every id and timestamp from a label);
- ``people``: the in-scope people, each an Okta user, an app user and an Entra user;
- ``keys``: key material (loaded when present, generated when missing) and JWK fields;
- ``okta_org``: the Okta org, its users, groups, domains and AD agent pool;
- ``okta_apps``: the Office 365 and AD apps, and the Office 365 app's keys, features,
  connection, assigned group and app users;
- ``system_log``: the Okta System Log events of the last week;
- ``entra``: the Entra side (organization, domains, federation, users, role assignments,
  service principals, permissions);
- ``realm``: Microsoft's home-realm discovery answers;
- ``assemble``: the golden snapshot made of all of the above;
- ``tenant_file``: tenants/demo.yaml and the demo folder's README.

The names below are what other scripts (build_demo_tenant.py, build_synthetic_tenant.py)
use; everything else is imported from its module.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # okta_m365_audit, when run without installing it

from .assemble import build_snapshot  # noqa: E402
from .facts import (  # noqa: E402
    AS_OF,
    DEMO,
    LOG_DAYS,
    O365_APP_ID,
    TENANT_ID,
    TENANTS,
    WSFED_KEY,
)
from .keys import graph_app_certificate, okta_service_key, okta_signing_certificates  # noqa: E402
from .people import Person, people  # noqa: E402
from .system_log import log_event  # noqa: E402
from .tenant_file import DEMO_YAML, README  # noqa: E402

__all__ = [
    "AS_OF",
    "DEMO",
    "DEMO_YAML",
    "LOG_DAYS",
    "O365_APP_ID",
    "README",
    "ROOT",
    "TENANTS",
    "TENANT_ID",
    "WSFED_KEY",
    "Person",
    "build_snapshot",
    "graph_app_certificate",
    "log_event",
    "okta_service_key",
    "okta_signing_certificates",
    "people",
]
