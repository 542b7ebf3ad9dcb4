"""The tenant file beside an anonymized snapshot: the same expectations under the same
pseudonyms, and throwaway credentials, so the emulator serves the snapshot to the suite as
it serves any tenant.

Several checks compare the snapshot with the tenant file (ACCESS-03 the tenant ID, FED-03
the org URL and custom domain, ESS the service and excluded accounts, ORG-04 the company
name and subdomain, PROV-04 the group names...), so the file must be mapped by the very
tables that mapped the snapshot: one :class:`~.rewrite.Anonymizer` does both.

Credentials cannot be kept (a key path names a machine, an environment variable a
customer) and are not needed: the emulator registers whatever key the file names. So the
``auth`` blocks become ``private_key_jwt`` and ``certificate`` with keys derived from the
salt, written beside the file. Only ``dpop`` and ``scopes`` are kept: they change what the
emulator demands. An ``api_token`` or ``client_secret`` tenant is therefore replayed with
keys, which the README says.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization

from ..core.certs import self_signed
from ..core.normalize import domain_name, login
from .certificates import _rsa_key, jwk_thumbprint
from .rewrite import Anonymizer

#: expect.* fields -> kind (rewrite.Anonymizer.string); the rest of expect is kept.
EXPECT = {
    "domains_to_federate": "domain",
    "service_account": "email",
    "excluded_accounts": "email",
    "custom_domain": "domain",
    ("on_prem_ad", "domain"): "domain",
    ("org", "company_name"): "name",
    ("org", "subdomain"): "tenant-label",
    ("office365_app", "label"): "name",
    ("provisioning", "assignment_groups"): "name",
}
_SERVICE_APP_ID = "0oaANONYMIZEDSVCAPP0"  #: stands for a tenant without an Okta client id
_GRAPH_APP_ID = "00000000-0000-0000-0000-00000000a11d"


def service_patterns(data: dict[str, Any]) -> tuple[str, ...]:
    """ESS-04's patterns a tenant file declares (the anonymizer keeps them matching)."""
    expect = data.get("expect") if isinstance(data.get("expect"), dict) else {}
    patterns = expect.get("service_account_patterns") or ()
    return tuple(p for p in patterns if isinstance(p, str))


def read(path: Path) -> dict[str, Any]:
    """The raw data of a tenant file already validated by config.load_tenant."""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if "name" not in data:
        data["name"] = path.stem
    return data


def anonymize(anon: Anonymizer, data: dict[str, Any], snapshot_ref: str,
              key_prefix: str) -> tuple[dict[str, Any], dict[str, bytes]]:  # fmt: skip
    """The anonymized tenant data, and the key files it names (file name -> bytes)."""
    out: dict[str, Any] = {"name": anon.pseudonyms.tenant_name(str(data["name"]))}
    files = {}
    okta_key, okta_kid, graph_pem = credentials(anon.pseudonyms.key)
    okta = dict(data.get("okta") or {})
    old = okta.get("auth") or {}
    auth = {
        "method": "private_key_jwt",
        "client_id": anon.identifier(str(old.get("client_id") or _SERVICE_APP_ID)),
        "private_key_file": f"{key_prefix}.okta-service-app.pem",
        "key_id": okta_kid,
    }
    auth.update({k: old[k] for k in ("scopes", "dpop") if k in old})
    files[auth["private_key_file"]] = okta_key
    out["okta"] = {"org_url": anon.ids.url(str(okta.get("org_url", ""))), "auth": auth}
    m365 = dict(data.get("m365") or {})
    gold = m365.get("auth") or {}
    client = gold.get("client_id") or gold.get("managed_identity_client_id") or _GRAPH_APP_ID
    gauth = {
        "method": "certificate",
        "client_id": anon.identifier(str(client)),
        "certificate_file": f"{key_prefix}.graph-app.pem",
    }
    files[gauth["certificate_file"]] = graph_pem
    out["m365"] = {
        "tenant_id": anon.identifier(str(m365.get("tenant_id", ""))),
        **({"cloud": m365["cloud"]} if "cloud" in m365 else {}),
        "auth": gauth,
    }
    out["expect"] = _expect(anon, data.get("expect") or {})
    if data.get("waivers"):
        out["waivers"] = [_waiver(anon, w) for w in data["waivers"]]
    if "limits" in data:
        out["limits"] = data["limits"]
    emulator = {k: v for k, v in (data.get("emulator") or {}).items() if k != "snapshot"}
    out["emulator"] = {"snapshot": snapshot_ref, **emulator}
    for key, value in data.items():  # keys a newer version added: mapped by shape
        if key not in out and key not in ("okta", "m365", "waivers"):
            out[key] = anon.value(value, ("tenant", key), key)
    return out, files


def _expect(anon: Anonymizer, expect: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in expect.items():
        if isinstance(value, dict):
            out[key] = {
                sub: _mapped(anon, EXPECT.get((key, sub)), item) for sub, item in value.items()
            }
        else:
            out[key] = _mapped(anon, EXPECT.get(key), value)
    return out


def _mapped(anon: Anonymizer, kind: str | None, value: Any) -> Any:
    if kind is None:
        return value
    if isinstance(value, list | tuple):
        return [_mapped(anon, kind, v) for v in value]
    if isinstance(value, str):
        return anon.string(value, kind, ("tenant",), "")
    return value


def _waiver(anon: Anonymizer, waiver: Any) -> Any:
    if not isinstance(waiver, dict):
        return waiver
    out = dict(waiver)
    for key in ("reason", "approver"):
        if isinstance(out.get(key), str):
            out[key] = anon.name(out[key])
    if isinstance(out.get("ticket"), str):
        out["ticket"] = anon.ids.opaque(out["ticket"])
    item = out.get("item")
    if isinstance(item, str) and ("@" in item or "." in item):
        # a login or a domain, mapped as the expectations it names are (so it still matches);
        # a resource or capability name identifies nobody and is kept
        email = "@" in item
        same = login(item) if email else domain_name(item)  # as the expectations are written
        out["item"] = _mapped(anon, "email" if email else "domain", same)
    return out


@functools.cache
def credentials(salt_key: bytes) -> tuple[bytes, str, bytes]:
    """Throwaway emulator credentials derived from the salt: the Okta service app's private
    key (PEM) and its kid, and the Graph app's certificate and key (PEM). Cached: two RSA
    key searches."""
    okta = _rsa_key(2048, 65537, hashlib.sha256(salt_key + b"\0okta service app").digest())
    graph = _rsa_key(2048, 65537, hashlib.sha256(salt_key + b"\0graph app").digest())
    serial = int.from_bytes(hashlib.sha256(salt_key + b"\0graph serial").digest()[:8], "big")
    cert = self_signed(
        graph,
        "okta-m365-audit anonymized",
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2099, 12, 31, tzinfo=dt.UTC),
        serial | 1,
    )
    pkcs8 = serialization.PrivateFormat.PKCS8
    none = serialization.NoEncryption()
    return (
        okta.private_bytes(serialization.Encoding.PEM, pkcs8, none),
        jwk_thumbprint(okta.public_key()) or "anonymized",
        cert.public_bytes(serialization.Encoding.PEM)
        + graph.private_bytes(serialization.Encoding.PEM, pkcs8, none),
    )


def write(out_file: Path, data: dict[str, Any], files: dict[str, bytes]) -> None:
    """The tenant file and its key files (keys readable by their owner only)."""
    folder = out_file.parent
    for name, content in files.items():
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(content)
    header = (
        "# Anonymized by python -m okta_m365_audit.anonymize: every name, domain and id is a\n"
        "# pseudonym, mapped as in the snapshot it names. The credentials are throwaway keys\n"
        "# for the emulator, not the customer's.\n"
    )
    out_file.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
