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
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import okta_m365_audit  # noqa: E402
from okta_m365_audit import snapshot as snap  # noqa: E402
from okta_m365_audit.collect import realm_logins  # noqa: E402
from okta_m365_audit.config import load_tenant  # noqa: E402

TENANTS = ROOT / "tenants"
DEMO = TENANTS / "demo"

# --- the fixed facts of the demo tenant ---------------------------------------------------

AS_OF = dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=dt.UTC)  #: snapshot collectedAt
LOG_DAYS = 7  #: the default System Log window (Windows.system_log_days)

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://okta-m365-audit.invalid/tenants/demo")

OKTA_SUBDOMAIN = "contoso-demo"
OKTA_HOST = f"{OKTA_SUBDOMAIN}.okta.com"
OKTA_ORG_URL = f"https://{OKTA_HOST}"
OKTA_ADMIN_HOST = f"{OKTA_SUBDOMAIN}-admin.okta.com"
COMPANY_NAME = "Contoso Demo Ltd"
CUSTOM_DOMAIN = "login.contoso.com"
AD_DOMAIN = "corp.contoso.com"
ASSIGNMENT_GROUP = "M365 Licensed Users"
PROVISIONING_TYPE = "PROFILE_SYNC"  #: assumed API string of "Profile Sync" (unconfirmed)

MSFT_TENANT = "contosodemo"
INITIAL_DOMAIN = f"{MSFT_TENANT}.onmicrosoft.com"
FEDERATED_DOMAINS = ("contoso.com", "fabrikam.com")
SERVICE_ACCOUNT = f"svc-okta@{INITIAL_DOMAIN}"
BREAK_GLASS = (f"breakglass1@{INITIAL_DOMAIN}", f"breakglass2@{INITIAL_DOMAIN}")

#: Client ID of the demo Okta API service app (private_key_jwt), and its key's kid.
OKTA_SERVICE_CLIENT_ID = "0oademoauditsvc00001"
OKTA_SERVICE_KEY_ID = "okta-m365-audit-demo-1"

#: Microsoft's public identifiers (the same in every tenant).
E3_SKU_ID = "6fd2c87f-b296-42f0-b197-1e91e994b900"  # ENTERPRISEPACK (Office 365 E3)
GRAPH_APP_ROLES = {  # value: (id, displayName, description)
    "Application.Read.All": (
        "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
        "Read all applications",
        "Allows the app to read all applications and service principals without a signed-in user.",
    ),
    "Directory.Read.All": (
        "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
        "Read directory data",
        "Allows the app to read data in your organization's directory, such as users, "
        "groups and apps, without a signed-in user.",
    ),
    "Domain.Read.All": (
        "dbb9058a-0e50-45d7-ae91-66909b5d4664",
        "Read domains",
        "Allows the app to read all domain properties without a signed-in user.",
    ),
    "Domain.ReadWrite.All": (
        "7e05723c-0bb0-42da-be95-ae9f08a6e53c",
        "Read and write domains",
        "Allows the app to read and write all domain properties without a signed in user. "
        "Also allows the app to add, verify and remove domains.",
    ),
    "Group.ReadWrite.All": (
        "62a82d76-70ea-41e2-9197-370581804d09",
        "Read and write all groups",
        "Allows the app to create groups, read all group properties and memberships, "
        "update group properties and memberships, and delete groups. Also allows the app "
        "to read and write conversations. All of these operations can be performed by "
        "the app without a signed-in user.",
    ),
    "GroupMember.ReadWrite.All": (
        "dbaae8cf-10b5-4b86-a4a1-f871c94c6695",
        "Read and write all group memberships",
        "Allows the app to list groups, read basic properties, read and update the "
        "membership of the groups this app has access to without a signed-in user. Group "
        "properties and owners cannot be updated and groups cannot be deleted.",
    ),
    "Organization.Read.All": (
        "498476ce-e0fe-48b0-b801-37ba7e2685c6",
        "Read organization information",
        "Allows the app to read the organization and related resources, without a "
        "signed-in user. Related resources include things like subscribed skus and "
        "tenant branding information.",
    ),
    "RoleManagement.ReadWrite.Directory": (
        "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
        "Read and write all directory RBAC settings",
        "Allows the app to read and manage the role-based access control (RBAC) settings "
        "for your company's directory, without a signed-in user. This includes "
        "instantiating directory roles and managing directory role membership, and "
        "reading directory role templates, directory roles and memberships.",
    ),
    "User.Read.All": (
        "df021288-bdef-4463-88db-98f22de89214",
        "Read all users' full profiles",
        "Allows the app to read user profiles without a signed in user.",
    ),
    "User.ReadWrite.All": (
        "741f803b-c850-494e-b5df-cde7c675a1ca",
        "Read and write all users' full profiles",
        "Allows the app to read and update user profiles without a signed in user.",
    ),
}
#: Application permissions consented to Okta's two multi-tenant apps (api-facts.md §13).
OKTA_SP_PERMISSIONS = {
    "Okta Graph API Client - Federation": (
        "Domain.ReadWrite.All",
        "RoleManagement.ReadWrite.Directory",
    ),
    "Okta Microsoft Graph Client": (
        "User.ReadWrite.All",
        "Group.ReadWrite.All",
        "GroupMember.ReadWrite.All",
        "Organization.Read.All",
        "Application.Read.All",
        "RoleManagement.ReadWrite.Directory",
        "Directory.Read.All",
    ),
}  # fmt: skip
#: Plans of the tenant's E3 subscription: (service, servicePlanId).
E3_PLANS = (
    ("exchange", "efb87545-963c-4e0d-99df-69c6916d9eb0"),
    ("SharePoint", "5dbe027f-2339-4123-9542-606e4d348a72"),
    ("TeamspaceAPI", "57ff2da0-773e-42df-b2af-ffb7a2317929"),
    ("MicrosoftOffice", "43de0ff5-c92c-492b-9116-175376d08c38"),
)


# --- deterministic identifiers and times --------------------------------------------------

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
OKTA_ID_SUFFIX = "0x7"  #: Okta ids end in a cell-specific suffix; this one is invented


def _digest(label: str) -> bytes:
    return hashlib.sha256(f"okta-m365-audit demo:{label}".encode()).digest()


def number(label: str, modulo: int) -> int:
    """A stable pseudo-random number in [0, modulo) for a label."""
    return int.from_bytes(_digest(label)[:8], "big") % modulo


def guid(label: str) -> str:
    """A stable GUID for a label (uuid5 in the demo namespace)."""
    return str(uuid.uuid5(NAMESPACE, label))


def okta_id(prefix: str, label: str) -> str:
    """A 20-character Okta id: 3-character type prefix, 14 characters, cell suffix."""
    n = int.from_bytes(_digest(f"{prefix}:{label}"), "big")
    chars = []
    for _ in range(20 - len(prefix) - len(OKTA_ID_SUFFIX)):
        n, r = divmod(n, len(_B62))
        chars.append(_B62[r])
    return prefix + "".join(chars) + OKTA_ID_SUFFIX


def hex_id(label: str, length: int = 32) -> str:
    return _digest(label).hex()[:length]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def at(text: str) -> dt.datetime:
    """A UTC time written as ISO 8601 without zone, e.g. "2026-04-14T09:12:31"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def okta_time(t: dt.datetime) -> str:
    return snap.iso_z(t)


def graph_time(t: dt.datetime) -> str:
    """Graph directory timestamps: whole seconds, "Z"."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def graph_time_7(t: dt.datetime, label: str) -> str:
    """Graph timestamps with 100 ns precision (appRoleAssignment.createdDateTime)."""
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{number(label, 10**7):07d}Z"


def jitter(t: dt.datetime, label: str, seconds: int) -> dt.datetime:
    return t + dt.timedelta(seconds=number(label, seconds))


def time_uuid(t: dt.datetime, label: str) -> str:
    """A version-1 UUID for time t, as Okta gives System Log events."""
    ticks = int((t - dt.datetime(1582, 10, 15, tzinfo=dt.UTC)).total_seconds() * 10**7)
    ticks += number(label, 10**4)
    clock_seq = 0x8000 | number(f"clock:{label}", 0x3FFF)
    node = int.from_bytes(_digest("log node")[:6], "big")
    return str(
        uuid.UUID(
            fields=(
                ticks & 0xFFFFFFFF,
                (ticks >> 32) & 0xFFFF,
                ((ticks >> 48) & 0x0FFF) | 0x1000,
                clock_seq >> 8,
                clock_seq & 0xFF,
                node,
            )
        )
    )


TENANT_ID = guid("m365 tenant")
GRAPH_CLIENT_ID = guid("entra app registration: okta-m365-audit")
OKTA_TENANT_ID = guid("okta's own entra tenant")  # appOwnerOrganizationId of Okta's apps

ORG_ID = okta_id("00o", "org")
O365_APP_ID = okta_id("0oa", "app office365")
AD_APP_ID = okta_id("0oa", "app active_directory")  # the AD agent pool shares this id
WSFED_KEY = okta_id("exk", "office365 ws-fed key")
DEFAULT_BRAND_ID = okta_id("bnd", "default brand")
CUSTOM_BRAND_ID = okta_id("bnd", f"brand {CUSTOM_DOMAIN}")
CUSTOM_DOMAIN_ID = okta_id("OcD", CUSTOM_DOMAIN)
USER_TYPE_ID = okta_id("oty", "default user type")
REALM_ID = okta_id("guo", "default realm")
ENROLLMENT_POLICY_ID = okta_id("rst", "profile enrollment policy")

ORG_CREATED = at("2026-02-09T14:31:07")
AD_APP_CREATED = at("2026-03-02T10:04:51")
AD_IMPORT = at("2026-03-03T08:20:00")
O365_APP_CREATED = at("2026-04-14T09:12:31")
GROUP_CREATED = at("2026-04-20T13:40:12")
M365_IMPORT = at("2026-05-12T09:05:00")  # phase 3: M365 users imported and matched
ACTIVATION = at("2026-05-20T07:30:00")  # phase 3: Okta users activated
GROUP_ASSIGNED = at("2026-05-26T10:11:49")  # phase 4: assignment group pushed
FEDERATION = at("2026-06-01T19:02:10")  # phase 5: WS-Fed go-live
KEY_ROTATED = at("2026-10-06T08:47:22")  # the app's signing key rotated; Entra updated
TENANT_CREATED = at("2021-06-08T15:26:41")


# --- people ---------------------------------------------------------------------------------

CONTOSO_PEOPLE = (  # on-premises AD users (credentials.provider ACTIVE_DIRECTORY)
    ("Amelia", "Clarke"), ("Oliver", "Bennett"), ("Isla", "Murphy"), ("Noah", "Patel"),
    ("Ava", "Thompson"), ("Leo", "Hughes"), ("Mia", "Robinson"), ("Arthur", "Wright"),
    ("Grace", "Walker"), ("Oscar", "Evans"), ("Freya", "Hall"), ("Henry", "Green"),
    ("Sophie", "Turner"), ("Jack", "Cooper"), ("Chloe", "Ward"), ("Theo", "Morgan"),
    ("Ella", "Price"), ("Samuel", "Brooks"), ("Lily", "Foster"), ("Daniel", "Reid"),
)  # fmt: skip
FABRIKAM_PEOPLE = (  # Okta-mastered users (credentials.provider OKTA)
    ("Lucas", "Moreau"), ("Emma", "Laurent"), ("Hugo", "Bernard"), ("Lea", "Dubois"),
    ("Nathan", "Girard"), ("Chloe", "Fontaine"), ("Louis", "Mercier"), ("Manon", "Lefevre"),
    ("Jules", "Garnier"), ("Camille", "Rousseau"), ("Adam", "Faure"), ("Sarah", "Chevalier"),
)  # fmt: skip
NEW_HIRE = "sarah.chevalier@fabrikam.com"  # created, assigned and pushed inside the log window
NEW_HIRE_AT = AS_OF - dt.timedelta(days=5) + dt.timedelta(hours=2, minutes=14)
OKTA_ADMIN = "okta.admin@contoso.com"  # an Okta admin who is also an in-scope M365 user


@dataclass(frozen=True)
class Person:
    """An in-scope user: an Okta user, an Office 365 app user and an Entra user."""

    first: str
    last: str
    domain: str
    ad: bool  #: sourced from on-premises AD (else Okta-mastered)
    local: str = ""

    @property
    def upn(self) -> str:
        return f"{self.local or f'{self.first}.{self.last}'.lower()}@{self.domain}"

    @property
    def display_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def okta_id(self) -> str:
        return okta_id("00u", self.upn)

    @property
    def graph_id(self) -> str:
        return guid(f"entra user {self.upn}")

    @property
    def immutable_id(self) -> str:
        """AD users: base64 of the objectGUID bytes; Okta-mastered users: the Okta user id."""
        if self.ad:
            object_guid = uuid.UUID(guid(f"ad objectGUID {self.upn}"))
            return base64.b64encode(object_guid.bytes_le).decode()
        return self.okta_id

    @property
    def is_new_hire(self) -> bool:
        return self.upn == NEW_HIRE

    @property
    def graph_created(self) -> dt.datetime:
        if self.is_new_hire:
            return NEW_HIRE_AT + dt.timedelta(seconds=7)
        if self.ad:
            start, span = at("2021-07-01T08:00:00"), 4 * 365 * 86400
        else:
            start, span = at("2024-09-02T08:00:00"), 500 * 86400
        return jitter(start, f"graph created {self.upn}", span)

    @property
    def okta_created(self) -> dt.datetime:
        if self.is_new_hire:
            return NEW_HIRE_AT - dt.timedelta(minutes=9)
        if self.ad:
            return jitter(AD_IMPORT, f"okta created {self.upn}", 600)
        return jitter(M365_IMPORT, f"okta created {self.upn}", 900)

    @property
    def assigned(self) -> dt.datetime:
        """When the Office 365 app user was created (import match, or assignment)."""
        if self.is_new_hire:
            return NEW_HIRE_AT
        return jitter(M365_IMPORT, f"app user {self.upn}", 900)


def people() -> list[Person]:
    everyone = [Person(f, s, "contoso.com", ad=True) for f, s in CONTOSO_PEOPLE]
    everyone.append(Person("Okta", "Administrator", "contoso.com", ad=True, local="okta.admin"))
    everyone += [Person(f, s, "fabrikam.com", ad=False) for f, s in FABRIKAM_PEOPLE]
    return sorted(everyone, key=lambda p: p.upn)


# --- key material (loaded when present, generated when missing) ---------------------------

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----\n?", re.S)


def _private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def okta_service_key() -> rsa.RSAPrivateKey:
    """The demo Okta API service app's key pair (private_key_jwt)."""
    path = DEMO / "okta-service-app.pem"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    else:
        key = _new_key()
        path.write_bytes(_private_pem(key))
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (DEMO / "okta-service-app.pub.pem").write_bytes(public)
    return key


def graph_app_certificate() -> x509.Certificate:
    """The Entra app registration's certificate credential: certificate + key, one PEM."""
    path = DEMO / "graph-app.pem"
    if path.exists():
        return x509.load_pem_x509_certificate(path.read_bytes())
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "okta-m365-audit demo Graph app")])
    start = AS_OF - dt.timedelta(days=365)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3652))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + _private_pem(key))
    return cert


#: The Office 365 app's signing keys: (label, created). The last one is active.
SIGNING_KEYS = (("original", O365_APP_CREATED), ("rotated", KEY_ROTATED))


def _okta_signing_certificate(key: rsa.RSAPrivateKey, created: dt.datetime) -> x509.Certificate:
    """A certificate shaped like Okta's app signing certificates (10 years, serial = ms)."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "California"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "San Francisco"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Okta"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "SSOProvider"),
            x509.NameAttribute(NameOID.COMMON_NAME, OKTA_SUBDOMAIN),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, "info@okta.com"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(created.timestamp() * 1000))
        .not_valid_before(created - dt.timedelta(minutes=1))
        .not_valid_after(created.replace(year=created.year + 10))
        .sign(key, hashes.SHA256())
    )


def okta_signing_certificates() -> list[x509.Certificate]:
    """The app's signing certificates, stored as certificate + private key pairs."""
    path = DEMO / "okta-app-signing-keys.pem"
    if path.exists():
        blocks = [m.group(0) for m in _PEM_BLOCK.finditer(path.read_bytes())]
        certs = [x509.load_pem_x509_certificate(b) for b in blocks if b"CERTIFICATE" in b[:30]]
        if len(certs) == len(SIGNING_KEYS):
            return certs
        raise SystemExit(
            f"{path}: expected {len(SIGNING_KEYS)} certificates; delete it to regenerate"
        )
    certs, out = [], b""
    for _label, created in SIGNING_KEYS:
        key = _new_key()
        cert = _okta_signing_certificate(key, created)
        certs.append(cert)
        out += cert.public_bytes(serialization.Encoding.PEM) + _private_pem(key)
    path.write_bytes(out)
    return certs


def jwk_fields(cert: x509.Certificate) -> dict[str, str]:
    """kid (RFC 7638 thumbprint), x5c, x5t#S256, e and n of a signing certificate."""
    der = cert.public_bytes(serialization.Encoding.DER)
    numbers = cert.public_key().public_numbers()

    def _b(n: int) -> str:
        return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    e, n = _b(numbers.e), _b(numbers.n)
    thumbprint = json.dumps({"e": e, "kty": "RSA", "n": n}, separators=(",", ":"))
    return {
        "kid": b64url(hashlib.sha256(thumbprint.encode()).digest()),
        "x5c": base64.b64encode(der).decode(),
        "x5t#S256": b64url(hashlib.sha256(der).digest()),
        "e": e,
        "n": n,
    }


# --- Okta objects -------------------------------------------------------------------------


def href(path: str, *allow: str, host: str = OKTA_HOST) -> dict[str, Any]:
    link: dict[str, Any] = {"href": f"https://{host}{path}"}
    if allow:
        link["hints"] = {"allow": list(allow)}
    return link


def cdn(label: str) -> str:
    return f"https://ok14static.oktacdn.com/fs/bcg/4/{okta_id('gfs', label)}"


def okta_org() -> dict[str, Any]:
    return {
        "id": ORG_ID,
        "subdomain": OKTA_SUBDOMAIN,
        "companyName": COMPANY_NAME,
        "status": "ACTIVE",
        "expiresAt": None,
        "created": okta_time(ORG_CREATED),
        "lastUpdated": okta_time(at("2026-02-10T09:15:52")),
        "website": "https://www.contoso.com",
        "phoneNumber": "+44 20 7946 0100",
        "endUserSupportHelpURL": "https://support.contoso.com/okta",
        "supportPhoneNumber": "+44 20 7946 0199",
        "address1": "1 Contoso Way",
        "address2": None,
        "city": "London",
        "state": None,
        "country": "United Kingdom",
        "postalCode": "EC2A 1AA",
        "_links": {
            "preferences": href("/api/v1/org/preferences"),
            "uploadLogo": href("/api/v1/org/logo", "POST"),
            "oktaCommunication": href("/api/v1/org/privacy/oktaCommunication"),
            "logo": {"href": f"https://ok14static.oktacdn.com/fs/bco/1/{okta_id('fs0', 'logo')}"},
            "oktaSupport": href("/api/v1/org/privacy/oktaSupport"),
            "contacts": href("/api/v1/org/contacts"),
        },
    }


def _vpn_notifications() -> dict[str, Any]:
    return {"vpn": {"network": {"connection": "DISABLED"}, "message": None, "helpUrl": None}}


def _app_links(app_id: str, name: str) -> dict[str, Any]:
    return {
        "uploadLogo": href(f"/api/v1/apps/{app_id}/logo", "POST"),
        "appLinks": [],
        "profileEnrollment": href(f"/api/v1/policies/{ENROLLMENT_POLICY_ID}"),
        "policies": href(f"/api/v1/apps/{app_id}/policies", "PUT"),
        "groups": href(f"/api/v1/apps/{app_id}/groups"),
        "logo": [{"name": "medium", "href": cdn(f"logo {name}"), "type": "image/png"}],
        "accessPolicy": href(f"/api/v1/policies/{okta_id('rst', f'access policy {name}')}"),
        "users": href(f"/api/v1/apps/{app_id}/users"),
        "deactivate": href(f"/api/v1/apps/{app_id}/lifecycle/deactivate"),
    }


APP_LINK_NUMBER = 1000 + number("office365 login app link", 9000)


def office365_app(active_kid: str) -> dict[str, Any]:
    """The Office 365 app in WS-Federation AUTO mode (signOnMode SAML_1_1), provisioning on."""
    links = _app_links(O365_APP_ID, "office365")
    links["appLinks"] = [
        {
            "name": "login",
            "href": f"https://{OKTA_HOST}/home/office365/{O365_APP_ID}/{APP_LINK_NUMBER}",
            "type": "text/html",
        }
    ]
    help_path = f"/app/office365/{O365_APP_ID}/setup/help/SAML_1_1/instructions"
    links = {"help": {**href(help_path, host=OKTA_ADMIN_HOST), "type": "text/html"}, **links}
    app_links = (
        "calendar", "mail", "teams", "sites", "delve", "sway", "login", "powerbi", "people",
        "excel", "yammer", "newsfeed", "onedrive", "word", "planner", "powerpoint", "tasks",
        "forms", "crm",
    )  # fmt: skip
    return {
        "id": O365_APP_ID,
        "orn": f"orn:okta:idp:{ORG_ID}:apps:office365:{O365_APP_ID}",
        "name": "office365",
        "label": "Microsoft Office 365",
        "status": "ACTIVE",
        "lastUpdated": okta_time(KEY_ROTATED),
        "created": okta_time(O365_APP_CREATED),
        "accessibility": {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None},
        "licensing": {"seatCount": 0},
        "visibility": {
            "autoLaunch": False,
            "autoSubmitToolbar": False,
            "hide": {"iOS": False, "web": False},
            "appLinks": {name: name == "login" for name in app_links},
        },
        "features": [
            "PUSH_NEW_USERS",
            "PUSH_PROFILE_UPDATES",
            "PUSH_USER_DEACTIVATION",
            "REACTIVATE_USERS",
            "IMPORT_NEW_USERS",
            "IMPORT_USER_SCHEMA",
            "GROUP_PUSH",
        ],
        "signOnMode": "SAML_1_1",
        "credentials": {
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {"kid": active_kid},
        },
        "universalLogout": {
            "status": "DISABLED",
            "supportType": "PARTIAL",
            "identityStack": "SHARED",
            "protocol": "PROPRIETARY",
        },
        "settings": {
            "app": {
                "tenantType": None,
                "wsFedConfigureType": "AUTO",
                "occSettings": None,
                "windowsTransportEnabled": False,
                "domain": FEDERATED_DOMAINS[0],
                "msftTenant": MSFT_TENANT,
                "domains": list(FEDERATED_DOMAINS),
                # The console's "Profile Sync" (preselected when provisioning is set up).
                # The API strings of the provisioning types are unconfirmed (api-facts.md
                # §1): the demo assumes this one, and declares it in demo.yaml (PROV-03).
                "office365ProvisioningType": PROVISIONING_TYPE,
                "requireAdminConsent": True,
                "office365FlexibleProvisioningMode": None,
            },
            "notifications": _vpn_notifications(),
            "manualProvisioning": False,
            "implicitAssignment": False,
            "emOptInStatus": "NONE",
            "notes": {"admin": None, "enduser": None},
            "signOn": {
                "defaultRelayState": None,
                "ssoAcsUrlOverride": None,
                "audienceOverride": None,
                "recipientOverride": None,
            },
        },
        "_links": links,
    }


def active_directory_app() -> dict[str, Any]:
    return {
        "id": AD_APP_ID,
        "orn": f"orn:okta:idp:{ORG_ID}:apps:active_directory:{AD_APP_ID}",
        "name": "active_directory",
        "label": AD_DOMAIN,
        "status": "ACTIVE",
        "lastUpdated": okta_time(AD_APP_CREATED + dt.timedelta(minutes=4, seconds=12)),
        "created": okta_time(AD_APP_CREATED),
        "accessibility": {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None},
        "visibility": {
            "autoSubmitToolbar": False,
            "hide": {"iOS": False, "web": False},
            "appLinks": {},
        },
        "features": [
            "IMPORT_PROFILE_UPDATES",
            "PROFILE_MASTERING",
            "OUTBOUND_DEL_AUTH",
            "IMPORT_USER_SCHEMA",
            "IMPORT_NEW_USERS",
        ],
        "signOnMode": None,
        "credentials": {
            "userNameTemplate": {
                "template": 'substringBefore(user.login, "@") + "@" + target_app.namingContext',
                "type": "CUSTOM",
                "pushStatus": "NOT_CONFIGURED",
            },
            "signing": {},
        },
        "universalLogout": {"status": "UNSUPPORTED"},
        "settings": {
            "app": {
                "jitGroupsAcrossDomains": False,
                "password": None,
                "scanRate": None,
                "searchOrgUnit": None,
                "filterGroupsByOU": False,
                "namingContext": AD_DOMAIN,
                "login": None,
                "activationEmail": None,
            },
            "notifications": _vpn_notifications(),
            "manualProvisioning": False,
            "implicitAssignment": False,
            "emOptInStatus": "NONE",
        },
        "_links": _app_links(AD_APP_ID, "active_directory"),
    }


def app_keys(certs: list[x509.Certificate]) -> list[dict[str, Any]]:
    """GET /apps/{id}/credentials/keys: newest first, as Okta lists them."""
    keys = []
    for (_label, created), cert in zip(SIGNING_KEYS, certs, strict=True):
        jwk = jwk_fields(cert)
        keys.append(
            {
                "kty": "RSA",
                "created": okta_time(created),
                "lastUpdated": okta_time(created),
                "expiresAt": okta_time(cert.not_valid_after_utc),
                "kid": jwk["kid"],
                "use": "sig",
                "x5c": [jwk["x5c"]],
                "x5t#S256": jwk["x5t#S256"],
                "e": jwk["e"],
                "n": jwk["n"],
            }
        )
    return keys[::-1]


def app_features() -> list[dict[str, Any]]:
    def feature_link(name: str) -> dict[str, Any]:
        return {"self": href(f"/api/v1/apps/{O365_APP_ID}/features/{name}", "GET", "PUT")}

    return [
        {
            "name": "USER_PROVISIONING",
            "status": "ENABLED",
            "description": "User provisioning settings from Okta to a downstream application",
            "capabilities": {
                "create": {"lifecycleCreate": {"status": "ENABLED"}},
                "update": {
                    "profile": {"status": "ENABLED"},
                    "lifecycleDeactivate": {"status": "ENABLED"},
                    "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"},
                },
            },
            "_links": feature_link("USER_PROVISIONING"),
        },
        {
            "name": "INBOUND_PROVISIONING",
            "status": "ENABLED",
            "description": "In-bound provisioning settings for provisioning users from an "
            "application to Okta",
            "capabilities": {
                "importSettings": {
                    "username": {"userNameFormat": "EMAIL"},
                    "schedule": {
                        "status": "ENABLED",
                        "fullImport": {"expression": "0 3 * * 0", "timezone": "Europe/London"},
                        "incrementalImport": {
                            "expression": "0 4 * * *",
                            "timezone": "Europe/London",
                        },
                    },
                },
                "importRules": {
                    "userCreateAndMatch": {
                        "exactMatchCriteria": "USERNAME",
                        "allowPartialMatch": False,
                        "autoConfirmPartialMatch": False,
                        "autoConfirmExactMatch": True,
                        "autoConfirmNewUsers": False,
                        "autoActivateNewUsers": False,
                    }
                },
            },
            "_links": feature_link("INBOUND_PROVISIONING"),
        },
    ]


def app_connection() -> dict[str, Any]:
    base = f"/api/v1/apps/{O365_APP_ID}/connections/default"
    authorize = (
        f"https://login.microsoftonline.com/{INITIAL_DOMAIN}/oauth2/authorize"
        f"?response_type=code&state={hex_id('consent state')}"
        f"&client_id={guid('okta multi-tenant app Okta Microsoft Graph Client')}"
        f"&redirect_uri=https%3A%2F%2F{OKTA_ADMIN_HOST}%2Fadmin%2Fapp%2Foffice365%2Foauth%2Fcallback"
        "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&prompt=admin_consent"
    )
    return {
        "status": "ENABLED",
        "profile": {"authScheme": "OAUTH2"},
        "_links": {
            "self": href(base, "GET", "POST"),
            "deactivate": href(f"{base}/lifecycle/deactivate", "POST"),
            "authorize": {
                "href": authorize,
                "hints": {"allow": ["GET"]},
                "guidance": [
                    "Specifies the URI to invoke in a browser for granting scope consent "
                    "required to complete the OAuth 2.0 connection."
                ],
            },
        },
    }


def okta_user(p: Person) -> dict[str, Any]:
    """A user as GET /api/v1/users lists it (list items carry only the self link)."""
    created = p.okta_created
    activated = created if p.ad or p.is_new_hire else jitter(ACTIVATION, f"act {p.upn}", 1800)
    last_login = AS_OF - dt.timedelta(seconds=3600 + number(f"login {p.upn}", 4 * 86400))
    if p.ad:
        provider = {"type": "ACTIVE_DIRECTORY", "name": AD_DOMAIN}
        password_changed = None
        last_updated = jitter(FEDERATION, f"updated {p.upn}", 86400)
    else:
        provider = {"type": "OKTA", "name": "OKTA"}
        password_changed = activated + dt.timedelta(minutes=3 + number(f"pw {p.upn}", 600))
        last_updated = password_changed
    return {
        "id": p.okta_id,
        "status": "ACTIVE",
        "created": okta_time(created),
        "activated": okta_time(activated),
        "statusChanged": okta_time(activated),
        "lastLogin": okta_time(last_login),
        "lastUpdated": okta_time(last_updated),
        "passwordChanged": okta_time(password_changed) if password_changed else None,
        "realmId": REALM_ID,
        "type": {"id": USER_TYPE_ID},
        "profile": {
            "firstName": p.first,
            "lastName": p.last,
            "mobilePhone": None,
            "secondEmail": None,
            "login": p.upn,
            "email": p.upn,
        },
        "credentials": {"password": {}, "provider": provider},
        "_links": {"self": href(f"/api/v1/users/{p.okta_id}")},
    }


def _group(gid: str, gtype: str, name: str, description: str, created: dt.datetime,
           membership: dt.datetime) -> dict[str, Any]:  # fmt: skip
    logo = "https://ok14static.oktacdn.com/assets/img/logos/groups/odyssey/okta-{}.png"
    return {
        "id": gid,
        "created": okta_time(created),
        "lastUpdated": okta_time(created),
        "lastMembershipUpdated": okta_time(membership),
        "objectClass": ["okta:user_group"],
        "type": gtype,
        "profile": {"name": name, "description": description},
        "_links": {
            "logo": [
                {"name": size, "href": logo.format(size), "type": "image/png"}
                for size in ("medium", "large")
            ],
            "owners": href(f"/api/v1/groups/{gid}/owners"),
            "users": href(f"/api/v1/groups/{gid}/users"),
            "apps": href(f"/api/v1/groups/{gid}/apps"),
        },
    }


ASSIGNMENT_GROUP_ID = okta_id("00g", ASSIGNMENT_GROUP)


def okta_groups() -> list[dict[str, Any]]:
    new_member = NEW_HIRE_AT - dt.timedelta(minutes=2)
    return [
        _group(okta_id("00g", "Everyone"), "BUILT_IN", "Everyone",
               "All users in your organization", ORG_CREATED, new_member),
        _group(okta_id("00g", "Okta Administrators"), "BUILT_IN", "Okta Administrators",
               "Okta manages this group, which contains all administrators in your "
               "organization.", ORG_CREATED, ORG_CREATED + dt.timedelta(minutes=1)),
        _group(ASSIGNMENT_GROUP_ID, "OKTA_GROUP", ASSIGNMENT_GROUP,
               "Users licensed for Microsoft 365 (assigned to the Office 365 app)",
               GROUP_CREATED, new_member),
    ]  # fmt: skip


def app_groups() -> list[dict[str, Any]]:
    base = f"/api/v1/apps/{O365_APP_ID}"
    return [
        {
            "id": ASSIGNMENT_GROUP_ID,
            "lastUpdated": okta_time(GROUP_ASSIGNED),
            "priority": 0,
            "profile": {},
            "_links": {
                "app": href(base),
                "self": href(f"{base}/groups/{ASSIGNMENT_GROUP_ID}"),
                "group": href(f"/api/v1/groups/{ASSIGNMENT_GROUP_ID}"),
            },
        }
    ]


def app_user(p: Person) -> dict[str, Any]:
    """An Office 365 app user: assigned through the group, provisioned, in sync."""
    created = p.assigned
    status_changed = created + dt.timedelta(seconds=9) if p.is_new_hire else GROUP_ASSIGNED
    last_sync = AS_OF - dt.timedelta(seconds=3700 + number(f"sync {p.upn}", 86400))
    return {
        "id": p.okta_id,
        "externalId": p.graph_id,
        "created": okta_time(created),
        "lastUpdated": okta_time(last_sync),
        "scope": "GROUP",
        "status": "PROVISIONED",
        "statusChanged": okta_time(jitter(status_changed, f"status {p.upn}", 60)),
        "passwordChanged": None,
        "syncState": "SYNCHRONIZED",
        "lastSync": okta_time(last_sync),
        "credentials": {"userName": p.upn},
        "profile": {
            "immutableId": p.immutable_id,
            "displayName": p.display_name,
            "firstName": p.first,
            "lastName": p.last,
            "email": p.upn,
            "usageLocation": "FR" if p.domain == "fabrikam.com" else "GB",
        },
        "_links": {
            "app": href(f"/api/v1/apps/{O365_APP_ID}"),
            "user": href(f"/api/v1/users/{p.okta_id}"),
        },
    }


def okta_domains(cert_expiry: dt.datetime) -> dict[str, Any]:
    """GET /api/v1/domains: the custom domain and the org's own (id "default")."""

    def links(did: str, brand: str, *allow: str) -> dict[str, Any]:
        return {
            "self": href(f"/api/v1/domains/{did}", *allow),
            "brand": href(f"/api/v1/brands/{brand}", "GET", "PUT", "DELETE"),
        }

    fingerprint = hashlib.sha256(f"{CUSTOM_DOMAIN} certificate".encode()).hexdigest().upper()
    return {
        "domains": [
            {
                "id": CUSTOM_DOMAIN_ID,
                "domain": CUSTOM_DOMAIN,
                "certificateSourceType": "OKTA_MANAGED",
                "validationStatus": "VERIFIED",
                "brandId": CUSTOM_BRAND_ID,
                "publicCertificate": {
                    "subject": f"CN={CUSTOM_DOMAIN}",
                    "fingerprint": ":".join(re.findall("..", fingerprint)),
                    "expiration": okta_time(cert_expiry),
                },
                "_links": links(CUSTOM_DOMAIN_ID, CUSTOM_BRAND_ID, "GET", "DELETE"),
            },
            {
                "id": "default",
                "domain": OKTA_HOST,
                "certificateSourceType": "OKTA_MANAGED",
                "validationStatus": "COMPLETED",
                "brandId": DEFAULT_BRAND_ID,
                "_links": links("default", DEFAULT_BRAND_ID, "GET"),
            },
        ]
    }


#: Okta-managed certificates are short-lived (90 days) and renewed automatically.
CUSTOM_DOMAIN_CERT_EXPIRY = at("2027-02-01T03:14:09")


def agent_pools() -> list[dict[str, Any]]:
    def agent(name: str, seconds_ago: int) -> dict[str, Any]:
        return {
            "latestGAedVersion": True,
            "id": okta_id("a53", f"agent {name}"),
            "type": "AD",
            "operationalStatus": "OPERATIONAL",
            "updateStatus": "Success",
            "updateMessage": None,
            "version": "3.22.0",
            "lastConnection": int((AS_OF - dt.timedelta(seconds=seconds_ago)).timestamp() * 1000),
            "isLatestGAedVersion": True,
            "poolId": AD_APP_ID,
            "name": name,
            "isHidden": False,
        }

    return [
        {
            "id": AD_APP_ID,
            "name": AD_DOMAIN,
            "type": "AD",
            "operationalStatus": "OPERATIONAL",
            "agents": [agent("CORP-DC01", 38), agent("CORP-DC02", 51)],
            "disruptedAgents": 0,
            "inactiveAgents": 0,
            "_links": {"self": href(f"/api/v1/agentPools/{AD_APP_ID}")},
        }
    ]


# --- System Log -----------------------------------------------------------------------------

SYSTEM_ACTOR = {
    "id": "system@okta.com",
    "type": "SystemPrincipal",
    "alternateId": "system@okta.com",
    "displayName": "Okta System",
    "detailEntry": None,
}


def log_event(
    t: dt.datetime,
    event_type: str,
    legacy: str,
    message: str,
    *,
    actor: Person | None = None,
    user: Person | None = None,
) -> dict[str, Any]:
    """One System Log event naming the Office 365 app; system jobs unless an actor acts."""
    label = f"{event_type} {okta_time(t)}"
    request_id = hex_id(f"request {label}")
    targets: list[dict[str, Any]] = [
        {
            "id": O365_APP_ID,
            "type": "AppInstance",
            "alternateId": "Microsoft Office 365",
            "displayName": "Microsoft Office 365",
            "detailEntry": None,
        }
    ]
    if user is not None:
        targets += [
            {
                "id": okta_id("0ua", f"app user {user.upn}"),
                "type": "AppUser",
                "alternateId": user.upn,
                "displayName": user.display_name,
                "detailEntry": None,
            },
            {
                "id": user.okta_id,
                "type": "User",
                "alternateId": user.upn,
                "displayName": user.display_name,
                "detailEntry": None,
            },
        ]
    if actor is None:
        actor_json = SYSTEM_ACTOR
        client: dict[str, Any] = {
            "userAgent": None,
            "zone": None,
            "device": None,
            "id": None,
            "ipAddress": None,
            "geographicalContext": None,
        }
        security: dict[str, Any] = {
            "asNumber": None,
            "asOrg": None,
            "isp": None,
            "domain": None,
            "isProxy": None,
        }
        ip_chain: list[dict[str, Any]] = []
        session = None
        transaction = {"type": "JOB", "id": request_id, "detail": {}}
    else:
        actor_json = {
            "id": actor.okta_id,
            "type": "User",
            "alternateId": actor.upn,
            "displayName": actor.display_name,
            "detailEntry": None,
        }
        geo = {
            "city": "London",
            "state": "England",
            "country": "United Kingdom",
            "postalCode": "EC2A",
            "geolocation": {"lat": 51.5223, "lon": -0.0836},
        }
        ip = "198.51.100.23"
        client = {
            "userAgent": {
                "rawUserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "os": "Windows 10",
                "browser": "EDGE",
            },
            "zone": None,
            "device": "Computer",
            "id": None,
            "ipAddress": ip,
            "geographicalContext": geo,
        }
        security = {
            "asNumber": 64500,
            "asOrg": "contoso ltd",
            "isp": "contoso ltd",
            "domain": "contoso.com",
            "isProxy": False,
        }
        ip_chain = [{"ip": ip, "geographicalContext": geo, "version": "V4", "source": None}]
        session = f"idx{b64url(_digest(f'session {actor.upn}'))[:22]}"
        transaction = {"type": "WEB", "id": request_id, "detail": {}}
    return {
        "actor": actor_json,
        "client": client,
        "device": None,
        "authenticationContext": {
            "authenticationProvider": None,
            "credentialProvider": None,
            "credentialType": None,
            "issuer": None,
            "interface": None,
            "authenticationStep": 0,
            "rootSessionId": session,
            "externalSessionId": session,
        },
        "displayMessage": message,
        "eventType": event_type,
        "outcome": {"result": "SUCCESS", "reason": None},
        "published": okta_time(t),
        "securityContext": security,
        "severity": "INFO",
        "debugContext": {"debugData": {"requestId": request_id}},
        "legacyEventType": legacy,
        "transaction": transaction,
        "uuid": time_uuid(t, label),
        "version": "0",
        "request": {"ipChain": ip_chain},
        "target": targets,
    }


def system_log(everyone: list[Person]) -> list[dict[str, Any]]:
    """Provisioning and import events of the last week: all SUCCESS, none failing."""
    by_upn = {p.upn: p for p in everyone}
    admin, hire = by_upn[OKTA_ADMIN], by_upn[NEW_HIRE]
    renamed, moved = by_upn["isla.murphy@contoso.com"], by_upn["hugo.bernard@fabrikam.com"]

    def day(n: int, hhmmss: str) -> dt.datetime:
        h, m, s = (int(x) for x in hhmmss.split(":"))
        return AS_OF.replace(hour=h, minute=m, second=s) - dt.timedelta(days=n)

    def import_done(t: dt.datetime) -> dict[str, Any]:
        return log_event(t, "system.import.complete", "app.generic.import.complete",
                         "Import completed")  # fmt: skip

    events = [
        import_done(day(6, "04:00:41") + dt.timedelta(milliseconds=212)),
        log_event(NEW_HIRE_AT, "application.user_membership.add",
                  "app.generic.provision.assign_user_to_app",
                  "Add user to application membership", actor=admin, user=hire),
        log_event(NEW_HIRE_AT + dt.timedelta(seconds=4, milliseconds=377),
                  "application.provision.user.push", "app.user_management.push_new_user",
                  "Push new user to external application", user=hire),
        log_event(NEW_HIRE_AT + dt.timedelta(seconds=7, milliseconds=905),
                  "app.user_management.push_new_user_success",
                  "app.user_management.push_new_user_success",
                  "Push new user to external application successful", user=hire),
        import_done(day(4, "04:00:38") + dt.timedelta(milliseconds=640)),
        log_event(day(3, "13:27:05") + dt.timedelta(milliseconds=81),
                  "application.provision.user.push_profile",
                  "app.user_management.push_profile_success",
                  "Push user profile to external application", user=renamed),
        import_done(day(2, "04:00:44") + dt.timedelta(milliseconds=19)),
        log_event(day(1, "10:52:33") + dt.timedelta(milliseconds=506),
                  "application.provision.user.push_profile",
                  "app.user_management.push_profile_success",
                  "Push user profile to external application", user=moved),
        import_done(day(0, "04:00:42") + dt.timedelta(milliseconds=345)),
    ]  # fmt: skip
    return sorted(events, key=lambda e: e["published"])


# --- Microsoft Graph objects ----------------------------------------------------------------


def graph_domains() -> list[dict[str, Any]]:
    def domain(name: str, *, federated: bool, default: bool, initial: bool,
               services: list[str]) -> dict[str, Any]:  # fmt: skip
        return {
            "authenticationType": "Federated" if federated else "Managed",
            "availabilityStatus": None,
            "id": name,
            "isAdminManaged": True,
            "isDefault": default,
            "isInitial": initial,
            "isRoot": True,
            "isVerified": True,
            "passwordNotificationWindowInDays": None if federated else 14,
            "passwordValidityPeriodInDays": None if federated else 2147483647,
            "supportedServices": services,
            "state": None,
        }

    mail = ["Email", "OfficeCommunicationsOnline"]
    return [
        domain("contoso.com", federated=True, default=True, initial=False,
               services=[*mail, "OrgIdAuthentication", "Intune"]),
        domain("fabrikam.com", federated=True, default=False, initial=False,
               services=[*mail, "OrgIdAuthentication"]),
        domain(INITIAL_DOMAIN, federated=False, default=False, initial=True, services=mail),
    ]  # fmt: skip


def graph_organization() -> dict[str, Any]:
    verified = [
        {
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": d["isDefault"],
            "isInitial": d["isInitial"],
            "name": d["id"],
            "type": d["authenticationType"],
        }
        for d in graph_domains()
    ]
    plans_at = at("2021-06-08T15:40:02")
    return {
        "id": TENANT_ID,
        "deletedDateTime": None,
        "businessPhones": ["+44 20 7946 0100"],
        "city": "London",
        "country": None,
        "countryLetterCode": "GB",
        "createdDateTime": graph_time(TENANT_CREATED),
        "defaultUsageLocation": None,
        "displayName": "Contoso Demo",
        "marketingNotificationEmails": [],
        "onPremisesLastSyncDateTime": None,
        "onPremisesSyncEnabled": None,
        "postalCode": "EC2A 1AA",
        "preferredLanguage": "en",
        "securityComplianceNotificationMails": [],
        "securityComplianceNotificationPhones": [],
        "state": None,
        "street": "1 Contoso Way",
        "technicalNotificationMails": ["it-admin@contoso.com"],
        "tenantType": "AAD",
        "privacyProfile": None,
        "assignedPlans": [
            {
                "assignedDateTime": graph_time(plans_at),
                "capabilityStatus": "Enabled",
                "service": service,
                "servicePlanId": plan,
            }
            for service, plan in E3_PLANS
        ],
        "provisionedPlans": [
            {"capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": service}
            for service, _plan in E3_PLANS
        ],
        "verifiedDomains": verified,
    }


def graph_user(
    upn: str,
    display_name: str,
    given: str | None,
    surname: str | None,
    mail: str | None,
    *,
    created: dt.datetime,
    enabled: bool = True,
    user_type: str = "Member",
    immutable_id: str | None = None,
    licensed: bool = False,
    object_id: str | None = None,
) -> dict[str, Any]:
    """A user with exactly the $select-ed fields (snapshot.GRAPH_USER_FIELDS)."""
    values = {
        "id": object_id or guid(f"entra user {upn}"),
        "userPrincipalName": upn,
        "displayName": display_name,
        "givenName": given,
        "surname": surname,
        "mail": mail,
        "accountEnabled": enabled,
        "userType": user_type,
        "onPremisesImmutableId": immutable_id,
        "onPremisesSyncEnabled": None,
        "assignedLicenses": [{"disabledPlans": [], "skuId": E3_SKU_ID}] if licensed else [],
        "createdDateTime": graph_time(created),
    }
    assert tuple(values) == snap.GRAPH_USER_FIELDS
    return values


def graph_users(everyone: list[Person]) -> list[dict[str, Any]]:
    users = [
        graph_user(p.upn, p.display_name, p.first, p.last, p.upn, created=p.graph_created,
                   immutable_id=p.immutable_id, licensed=True, object_id=p.graph_id)
        for p in everyone
    ]  # fmt: skip
    cloud_only = at("2021-06-08T15:31:12")
    users += [
        graph_user(SERVICE_ACCOUNT, "Okta Service Account", "Okta", "Service", None,
                   created=at("2026-04-10T16:22:05")),
        graph_user(BREAK_GLASS[0], "Break Glass 1", None, None, None, created=cloud_only),
        graph_user(BREAK_GLASS[1], "Break Glass 2", None, None, None,
                   created=cloud_only + dt.timedelta(minutes=3, seconds=41)),
        graph_user("shared.reception@contoso.com", "Reception", None, None,
                   "shared.reception@contoso.com", created=at("2022-01-11T10:48:30"),
                   enabled=False),
        graph_user(f"vendor_partner.example#EXT#@{INITIAL_DOMAIN}", "Vendor Contact", None, None,
                   "vendor@partner.example", created=at("2025-03-04T14:05:59"),
                   user_type="Guest"),
    ]  # fmt: skip
    return sorted(users, key=lambda u: u["userPrincipalName"])


def global_admin_assignments() -> list[dict[str, Any]]:
    role = uuid.UUID(snap.GLOBAL_ADMIN_ROLE_TEMPLATE)
    out = []
    for upn in sorted((SERVICE_ACCOUNT, *BREAK_GLASS)):
        principal = uuid.UUID(guid(f"entra user {upn}"))
        out.append(
            {
                # Directory role assignment ids: role id + principal id (bytes_le), base64url
                "id": f"{b64url(role.bytes_le)}{b64url(principal.bytes_le)}-1",
                "directoryScopeId": "/",
                "principalId": str(principal),
                "roleDefinitionId": snap.GLOBAL_ADMIN_ROLE_TEMPLATE,
            }
        )
    return out


GRAPH_SP_ID = guid("service principal Microsoft Graph")


def okta_service_principals() -> list[dict[str, Any]]:
    out = []
    for name in sorted(OKTA_SP_PERMISSIONS):
        values = {
            "id": guid(f"service principal {name}"),
            "appId": guid(f"okta multi-tenant app {name}"),
            "displayName": name,
            "appOwnerOrganizationId": OKTA_TENANT_ID,
            "accountEnabled": True,
            "servicePrincipalType": "Application",
        }
        assert tuple(values) == snap.GRAPH_SP_FIELDS
        out.append(values)
    return out


def graph_service_principal() -> list[dict[str, Any]]:
    return [
        {
            "id": GRAPH_SP_ID,
            "appId": snap.MICROSOFT_GRAPH_APP_ID,
            "displayName": "Microsoft Graph",
            "appRoles": [
                {
                    "allowedMemberTypes": ["Application"],
                    "description": description,
                    "displayName": display,
                    "id": role_id,
                    "isEnabled": True,
                    "origin": "Application",
                    "value": value,
                }
                for value, (role_id, display, description) in sorted(GRAPH_APP_ROLES.items())
            ],
        }
    ]


def app_role_assignments(sp: dict[str, Any]) -> list[dict[str, Any]]:
    consented = FEDERATION - dt.timedelta(days=49) if "Federation" in sp["displayName"] else (
        GROUP_ASSIGNED - dt.timedelta(days=2)
    )  # fmt: skip
    principal = uuid.UUID(sp["id"])
    out = []
    for value in OKTA_SP_PERMISSIONS[sp["displayName"]]:
        label = f"{sp['displayName']} {value}"
        out.append(
            {
                "id": b64url(principal.bytes_le + _digest(f"assignment {label}")[:16]),
                "appRoleId": GRAPH_APP_ROLES[value][0],
                "createdDateTime": graph_time_7(jitter(consented, label, 5), label),
                "deletedDateTime": None,
                "principalDisplayName": sp["displayName"],
                "principalId": sp["id"],
                "principalType": "ServicePrincipal",
                "resourceDisplayName": "Microsoft Graph",
                "resourceId": GRAPH_SP_ID,
            }
        )
    return out


def federation_configuration(domain: str, active_x5c: str) -> dict[str, Any]:
    """The internalDomainFederation Okta writes in AUTO mode (api-facts.md §11)."""
    base = f"https://{CUSTOM_DOMAIN}/app/office365/{WSFED_KEY}/sso/wsfed"
    return {
        "@odata.type": "#microsoft.graph.internalDomainFederation",
        "id": guid(f"federation {domain}"),
        "displayName": domain,
        "issuerUri": f"{domain}:{WSFED_KEY}",
        "metadataExchangeUri": f"{base}/mex",
        "signingCertificate": active_x5c,
        "passiveSignInUri": f"{base}/passive",
        "preferredAuthenticationProtocol": "wsFed",
        "activeSignInUri": f"{base}/active",
        "signOutUri": f"https://{CUSTOM_DOMAIN}/login/signout",
        "promptLoginBehavior": "nativeSupport",
        "isSignedAuthenticationRequestRequired": False,
        "nextSigningCertificate": None,
        "signingCertificateUpdateStatus": {
            "certificateUpdateResult": "Success",
            "lastRunDateTime": graph_time_7(
                KEY_ROTATED + dt.timedelta(minutes=2, seconds=number(domain, 50)), domain
            ),
        },
        "federatedIdpMfaBehavior": "acceptIfMfaDoneByFederatedIdp",
        "passwordResetUri": None,
    }


def no_federation_error(domain: str) -> dict[str, Any]:
    """Graph's 404 for a managed domain's federationConfiguration (a definitive answer)."""
    message = (
        f"Resource '{domain}' does not exist or one of its queried reference-property "
        "objects are not present."
    )
    when = AS_OF - dt.timedelta(seconds=2)
    return {
        "status": 404,
        "code": "Request_ResourceNotFound",
        "message": message,
        "needs": snap.resource("graph", "federationConfiguration").needs,
        "body": {
            "error": {
                "code": "Request_ResourceNotFound",
                "message": message,
                "innerError": {
                    "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
                    "request-id": guid(f"request federationConfiguration {domain}"),
                    "client-request-id": guid(f"client request federationConfiguration {domain}"),
                },
            }
        },
    }


# --- the snapshot ---------------------------------------------------------------------------


def request_for(api: str, name: str, key: str | None = None) -> str:
    """The first request line the collector sends for a resource (and parent key)."""
    res = snap.resource(api, name)
    return snap.request_line(res, key, snap.request_params(res, key, AS_OF, LOG_DAYS))


def read(api: str, name: str, data: Any, key: str | None = None) -> dict[str, Any]:
    """A successful one-page Read."""
    return snap.make_read(request_for(api, name, key), 200, ok=True, pages=1, data=data)


def federation_read(domain: dict[str, Any], active_x5c: str) -> dict[str, Any]:
    name = domain["id"]
    if domain["authenticationType"] == "Federated":
        config = [federation_configuration(name, active_x5c)]
        return read("graph", "federationConfiguration", config, name)
    request = request_for("graph", "federationConfiguration", name)
    return snap.make_read(
        request, 404, ok=True, pages=0, requests=1, data=None, error=no_federation_error(name)
    )


def user_realm(login: str) -> dict[str, Any]:
    """Microsoft's public getuserrealm.srf answer (json=1) for a login of the tenant."""
    domain = login.rsplit("@", 1)[1]
    cloud = {"CloudInstanceName": "microsoftonline.com",
             "CloudInstanceIssuerUri": "urn:federation:MicrosoftOnline"}  # fmt: skip
    if domain in FEDERATED_DOMAINS:
        passive = f"https://{CUSTOM_DOMAIN}/app/office365/{WSFED_KEY}/sso/wsfed/passive"
        auth = (f"{passive}?username={login.replace('@', '%40')}&wa=wsignin1.0"
                "&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=")  # fmt: skip
        return {"State": 3, "UserState": 2, "Login": login, "NameSpaceType": "Federated",
                "DomainName": domain, "FederationGlobalVersion": -1, "AuthURL": auth,
                "FederationBrandName": "Contoso Demo", "AuthNForwardType": 1} | cloud  # fmt: skip
    return {"State": 4, "UserState": 1, "Login": login, "NameSpaceType": "Managed",
            "DomainName": domain, "FederationBrandName": "Contoso Demo"} | cloud  # fmt: skip


def permission_grants(sp: dict[str, Any]) -> list[dict[str, Any]]:
    """Delegated grants: the federation client's sign-in consent (User.Read, tenant-wide)."""
    if "Federation" not in sp["displayName"]:
        return []
    return [
        {
            "clientId": sp["id"],
            "consentType": "AllPrincipals",
            "id": b64url(_digest(f"grant {sp['id']}"))[:43],
            "principalId": None,
            "resourceId": GRAPH_SP_ID,
            "scope": "User.Read",
        }
    ]


def build_snapshot(
    signing_certs: list[x509.Certificate],
    everyone: list[Person] | None = None,
    extra_events: list[dict[str, Any]] = (),  # type: ignore[assignment]
    tenant: str = "demo",
) -> dict[str, Any]:
    """The golden snapshot; ``everyone`` and ``extra_events`` grow it into a synthetic
    tenant (scripts/build_synthetic_tenant.py) that stays golden: every check passes."""
    everyone = people() if everyone is None else everyone
    keys = app_keys(signing_certs)
    active = keys[0]  # newest first; the app signs with it
    doc = snap.new_snapshot(
        {
            "tenant": tenant,
            "suiteVersion": okta_m365_audit.__version__,
            "runId": guid("golden snapshot run"),
            "collectedAt": okta_time(AS_OF),
            "source": "file",
            "partial": False,
            "okta": {"orgUrl": OKTA_ORG_URL},
            "graph": {
                "tenantId": TENANT_ID,
                "cloud": "global",
                "baseUrl": "https://graph.microsoft.com/v1.0",
            },
        }
    )

    okta_users = sorted((okta_user(p) for p in everyone), key=lambda u: u["profile"]["login"])
    per_app = {  # keyed by the Office 365 app id
        "appKeys": keys,
        "appFeatures": app_features(),
        "appConnection": app_connection(),
        "appUsers": [app_user(p) for p in everyone],
        "appGroups": app_groups(),
        "logs": sorted(system_log(everyone) + list(extra_events), key=lambda e: e["published"]),
    }
    doc["okta"] = {
        "org": read("okta", "org", okta_org()),
        "office365Apps": read("okta", "office365Apps", [office365_app(active["kid"])]),
        "adApps": read("okta", "adApps", [active_directory_app()]),
        "users": read("okta", "users", okta_users),
        "groups": read("okta", "groups", okta_groups()),
        "domains": read("okta", "domains", okta_domains(CUSTOM_DOMAIN_CERT_EXPIRY)),
        "agentPools": read("okta", "agentPools", agent_pools()),
    }
    for name, data in per_app.items():
        doc["okta"][name] = {O365_APP_ID: read("okta", name, data, O365_APP_ID)}

    sps = okta_service_principals()
    doc["graph"] = {
        "organization": read("graph", "organization", [graph_organization()]),
        "domains": read("graph", "domains", graph_domains()),
        "federationConfiguration": {
            d["id"]: federation_read(d, active["x5c"][0]) for d in graph_domains()
        },
        "users": read("graph", "users", graph_users(everyone)),
        "globalAdminAssignments": read(
            "graph", "globalAdminAssignments", global_admin_assignments()
        ),
        "oktaServicePrincipals": read("graph", "oktaServicePrincipals", sps),
        "graphServicePrincipal": read("graph", "graphServicePrincipal", graph_service_principal()),
        "appRoleAssignments": {
            sp["id"]: read("graph", "appRoleAssignments", app_role_assignments(sp), sp["id"])
            for sp in sps
        },
        "oauth2PermissionGrants": {
            sp["id"]: read("graph", "oauth2PermissionGrants", permission_grants(sp), sp["id"])
            for sp in sps
        },
    }

    # Home-realm discovery of the logins the collector samples (its plan, not its code path)
    cfg = load_tenant(TENANTS / "demo.yaml")
    logins = realm_logins(cfg, doc["graph"]["users"]["data"])
    doc["realm"] = {
        "userRealm": {
            login: read("realm", "userRealm", user_realm(login), login) for login in logins
        }
    }

    # Put each section in RESOURCES order, and make sure none is missing.
    for api in snap.APIS:
        order = [r.name for r in snap.RESOURCES if r.api == api]
        missing = set(order) - set(doc[api])
        assert not missing, f"{api} resources without data: {sorted(missing)}"
        doc[api] = {name: doc[api][name] for name in order}
    return snap.validate(doc, "golden snapshot")


# --- the tenant file and the README ---------------------------------------------------------

DEMO_YAML = f"""\
# yaml-language-server: $schema=../okta_m365_audit/schemas/tenant.schema.json
#
# The demo tenant: a fictional, fully live Okta-mastered Microsoft 365 integration
# (Okta org contoso-demo, M365 tenant contosodemo.onmicrosoft.com) that the bundled
# emulator serves from demo/golden.snapshot.json. No real Okta org or M365 tenant is
# contacted: the emulator answers on 127.0.0.1 and every check passes.
#
# GENERATED by scripts/build_demo_tenant.py; edit that script, not this file.
# Start a real customer's file from tenants/example.yaml instead.

name: demo

okta:
  org_url: {OKTA_ORG_URL}
  auth:
    method: private_key_jwt
    client_id: {OKTA_SERVICE_CLIENT_ID}
    private_key_file: demo/okta-service-app.pem  # demo-only key, see demo/README.md
    key_id: {OKTA_SERVICE_KEY_ID}

m365:
  tenant_id: {TENANT_ID}
  cloud: global
  auth:
    method: certificate
    client_id: {GRAPH_CLIENT_ID}
    certificate_file: demo/graph-app.pem  # demo-only certificate, see demo/README.md

expect:
  phase: 5
  domains_to_federate: [{", ".join(FEDERATED_DOMAINS)}]
  service_account: {SERVICE_ACCOUNT}
  excluded_accounts:
    - {SERVICE_ACCOUNT}
    - {BREAK_GLASS[0]}
    - {BREAK_GLASS[1]}
  min_break_glass_admins: 2
  on_prem_ad:
    domain: {AD_DOMAIN}
  custom_domain: {CUSTOM_DOMAIN}
  org:
    company_name: {COMPANY_NAME}
    subdomain: {OKTA_SUBDOMAIN}
  mfa_behavior: acceptIfMfaDoneByFederatedIdp
  provisioning:  # create, update_profile, deactivate on; password push off (defaults)
    provisioning_type: {PROVISIONING_TYPE}  # the demo's assumed string (unconfirmed API value)
    assignment_groups: ["{ASSIGNMENT_GROUP}"]

emulator:
  snapshot: demo/golden.snapshot.json
"""

README = f"""\
# The demo tenant (emulated)

`tenants/demo.yaml` describes a fictional Okta org (`{OKTA_SUBDOMAIN}`) and Microsoft 365
tenant (`{INITIAL_DOMAIN}`). The suite runs it against the bundled emulator, which serves
`golden.snapshot.json`; nothing outside this machine is contacted.

Every file here is generated by `scripts/build_demo_tenant.py`. Key files are reused when
present, so the snapshot stays byte-identical between runs; delete one to regenerate it
(the snapshot then changes accordingly).

- `okta-service-app.pem`, `okta-service-app.pub.pem`: key pair of the demo Okta API
  service app (client ID `{OKTA_SERVICE_CLIENT_ID}`, kid `{OKTA_SERVICE_KEY_ID}`), used
  with private_key_jwt;
- `graph-app.pem`: self-signed certificate and private key of the demo Entra app
  registration (client ID `{GRAPH_CLIENT_ID}`);
- `okta-app-signing-keys.pem`: the Office 365 app's two signing certificates, each
  followed by its private key;
- `golden.snapshot.json`: the golden snapshot; every check passes on it.

**DEMO ONLY.** These private keys are published in this repository. They are registered
only with the local emulator, never with a real Okta org or Entra tenant, and must never
be used for one. A real tenant's keys stay outside the repository.
"""


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
