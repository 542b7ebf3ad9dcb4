"""Build the emulated demo tenant: its keys, its golden snapshot and tenants/demo.yaml.

The demo tenant is a fictional, fully go-live Okta-mastered Microsoft 365 integration on
which every check of CATALOG.md passes: Okta org ``contoso-demo`` with an on-premises AD
(``corp.contoso.com``) and a custom domain (``login.contoso.com``), and the M365 tenant
``contosodemo.onmicrosoft.com`` with ``contoso.com`` and ``fabrikam.com`` federated to one
Office 365 app in WS-Federation AUTO mode, provisioning on, 33 users imported, assigned
and in sync.

Run it from the repository root::

    .venv/bin/python scripts/build_demo_tenant.py

Output (all under ``tenants/``):

- ``demo/okta-service-app.pem`` / ``.pub.pem``: the Okta API service app's key pair;
- ``demo/graph-app.pem``: the Entra app's self-signed certificate and private key;
- ``demo/okta-app-signing-keys.pem``: the Office 365 app's two signing certificates,
  each followed by its private key;
- ``demo/README.md``: what those keys are (demo only);
- ``demo/golden.snapshot.json``: the golden snapshot the emulator serves;
- ``demo.yaml``: the tenant file.

Key material cannot be reproduced, so existing key files are loaded, and only missing
ones are generated. Everything else is derived from fixed names (uuid5 and SHA-256 of a
label), never from the clock or a random source: running the script twice writes the
same bytes. Shapes follow the recorded Okta responses in reference/okta-recorded and the
msgraph-sdk models; no value is copied from the recordings.

The builder itself is the package ``scripts/demo_builder/`` (one module for each part of
the tenant it builds); this file is its command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # demo_builder, however loaded

from demo_builder import (  # re-exported: build_synthetic_tenant.py imports them from here
    AS_OF,
    DEMO,
    DEMO_YAML,
    LOG_DAYS,
    O365_APP_ID,
    README,
    ROOT,
    TENANT_ID,
    TENANTS,
    WSFED_KEY,
    Person,
    build_snapshot,
    graph_app_certificate,
    log_event,
    okta_service_key,
    okta_signing_certificates,
    people,
)

from okta_m365_audit.snapshot import document as snap

__all__ = [
    "AS_OF",
    "DEMO",
    "DEMO_YAML",
    "LOG_DAYS",
    "ROOT",
    "TENANTS",
    "Person",
    "build_snapshot",
    "log_event",
    "main",
    "okta_signing_certificates",
    "people",
]


def main() -> None:
    DEMO.mkdir(parents=True, exist_ok=True)
    okta_service_key()
    graph_app_certificate()
    signing_certs = okta_signing_certificates()
    (TENANTS / "demo.yaml").write_text(DEMO_YAML, encoding="utf-8")  # the snapshot reads it
    doc = build_snapshot(signing_certs)
    snap.save(doc, DEMO / "golden.snapshot.json")
    (DEMO / "README.md").write_text(README, encoding="utf-8")

    active = doc["okta"]["office365Apps"]["data"][0]["credentials"]["signing"]["kid"]
    print(f"wrote {DEMO.relative_to(ROOT)}/ and tenants/demo.yaml")
    print(f"  tenant id      {TENANT_ID}")
    print(f"  office365 app  {O365_APP_ID}  (ws-fed key {WSFED_KEY}, active kid {active})")
    print(f"  snapshot       sha256 {snap.digest(doc)}")


if __name__ == "__main__":
    main()
