"""The standalone emulator a tenant file reaches as it would a real tenant.

A tenant file written for it (rehearsal.py) names the emulator's fixed ports, its CA and
two credential files, so all three must outlive a restart: the state folder keeps the CA's
key and certificate and the two service apps' keys, made on first start and reused after
(private keys 0600, the folder 0700). The emulator registers the two apps with fixed IDs
(``OKTA_CLIENT_ID``, ``GRAPH_CLIENT_ID``), as an admin registers a real audit app.

A run against it takes its clock from the machine, as against a real tenant, so the served
tenant is moved to today (``move_to``): every timestamp of the snapshot shifted by the
time since it was collected, and its log windows, sign-ins and expiries stay where the
checks expect them, whenever the rehearsal is run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..config import GRAPH_READ_PERMISSIONS, OKTA_READ_SCOPES
from ..core import safe_files
from ..core.certs import self_signed
from ..snapshot import document as snap
from .tokens import GraphApp, OktaServiceApp, Registrations

DEFAULT_STATE_DIR = Path("emulator-state")
#: the rehearsal's Okta API service app (an Okta client ID: 0oa + 17 characters)
OKTA_CLIENT_ID = "0oarehearsalaudit001"
OKTA_KEY_ID = "okta-m365-audit-rehearsal-1"
#: the rehearsal's Entra app registration (a fixed GUID: a written tenant file stays valid)
GRAPH_CLIENT_ID = "2f0c5b1e-7a3d-4e8b-9c61-5d4f3a2b1c0e"
CERT_DAYS = 825  #: the Graph app's certificate, remade when it has expired
PRIVATE = 0o600


class StateError(ValueError):
    """The state folder cannot be used; the text is one line naming the path and the fix."""


@dataclass(frozen=True)
class StateDir:
    """The files a restarted emulator reuses, so a tenant file written for it stays valid."""

    root: Path

    @property
    def ca_file(self) -> Path:
        return self.root / "emulator-ca.pem"

    @property
    def ca_key_file(self) -> Path:
        return self.root / "emulator-ca.key.pem"

    @property
    def okta_key_file(self) -> Path:
        return self.root / "okta-service-app.pem"

    @property
    def graph_cert_file(self) -> Path:
        return self.root / "graph-app.pem"

    @classmethod
    def open(cls, root: Path) -> StateDir:
        """The state folder, made (0700) with its CA and keys when missing."""
        root = Path(root)
        if root.exists() and (root.is_symlink() or not root.is_dir()):
            raise StateError(f"{root}: the state folder is not a folder; give --state-dir DIR")
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"{root}: cannot create the state folder ({exc.strerror})") from None
        state = cls(root)
        state._ensure()
        return state

    def _ensure(self) -> None:
        if not (self.ca_file.is_file() and self.ca_key_file.is_file()):
            ca = trustme.CA(organization_name="okta-m365-audit rehearsal emulator")
            safe_files.write_bytes(self.ca_key_file, ca.private_key_pem.bytes(), PRIVATE)
            safe_files.write_bytes(self.ca_file, ca.cert_pem.bytes())
        if not self.okta_key_file.is_file():
            safe_files.write_bytes(self.okta_key_file, _pkcs8(_rsa()), PRIVATE)
        if not self.graph_cert_file.is_file() or _expired(self.graph_cert_file):
            safe_files.write_bytes(self.graph_cert_file, _self_signed(), PRIVATE)

    def ca(self) -> trustme.CA:
        try:
            return trustme.CA.from_pem(self.ca_file.read_bytes(), self.ca_key_file.read_bytes())
        except (OSError, ValueError) as exc:
            raise StateError(
                f"{self.ca_file}: the emulator's CA cannot be read ({exc}); delete the state "
                "folder to make a new one (and write the tenant file again)"
            ) from None

    def register(self, reg: Registrations, dpop: bool = True) -> Registrations:
        """Register the rehearsal's two apps: Okta learns the public key, Entra the
        certificate (the halves an admin uploads)."""
        key = serialization.load_pem_private_key(self.okta_key_file.read_bytes(), None)
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        reg.okta_apps[OKTA_CLIENT_ID] = OktaServiceApp(
            OKTA_CLIENT_ID, public, OKTA_READ_SCOPES, requires_dpop=dpop
        )
        cert = x509.load_pem_x509_certificate(self.graph_cert_file.read_bytes())
        reg.graph_apps[GRAPH_CLIENT_ID] = GraphApp(
            GRAPH_CLIENT_ID,
            GRAPH_READ_PERMISSIONS,
            certificate_pem=cert.public_bytes(serialization.Encoding.PEM),
        )
        return reg


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pkcs8(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _self_signed() -> bytes:
    """The Graph app's certificate and its private key, in one PEM (as Entra apps use)."""
    key = _rsa()
    now = dt.datetime.now(dt.UTC)
    cert = self_signed(
        key,
        "okta-m365-audit rehearsal",
        now - dt.timedelta(days=1),
        now + dt.timedelta(days=CERT_DAYS),
    )
    return cert.public_bytes(serialization.Encoding.PEM) + _pkcs8(key)


def _expired(path: Path) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return True
    return cert.not_valid_after_utc <= dt.datetime.now(dt.UTC) + dt.timedelta(days=1)


# --- the tenant's clock -------------------------------------------------------------------

_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z?)$")


def move_to(doc: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """``doc`` with every timestamp shifted by ``now`` minus its collection time (in place:
    the emulator serves it uncopied). Timestamps keep their form (fraction digits, Z)."""
    delta = now - snap.parse_time(doc["meta"]["collectedAt"])
    delta = dt.timedelta(seconds=round(delta.total_seconds()))  # whole seconds: tidy stamps

    def shift(text: str) -> str:
        match = _STAMP.match(text)
        if match is None:
            return text
        base, fraction, zone = match.groups()
        micro = int(((fraction or ".")[1:] + "000000")[:6])
        when = dt.datetime.fromisoformat(base).replace(microsecond=micro) + delta
        out = when.strftime("%Y-%m-%dT%H:%M:%S")
        if fraction:
            digits = len(fraction) - 1
            out += "." + f"{when.microsecond:06d}{'0' * digits}"[:digits]
        return out + zone

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                node[key] = walk(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                node[i] = walk(value)
        elif isinstance(node, str) and len(node) >= 19 and node[4:5] == "-":
            return shift(node)
        return node

    return walk(doc)
