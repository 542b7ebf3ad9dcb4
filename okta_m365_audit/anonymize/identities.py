"""Pseudonyms of the composite values: domains, email addresses and UPNs, URLs, names, and
free text that carries any of them.

A domain is mapped label by label from the right, each label keyed by its whole parent, so
the hierarchy survives (``login.contoso.com`` stays under ``contoso.com``, FED-07's parent
domains and ORG-03's custom domain stay related), and every customer TLD becomes
``example``. The labels of tenant-named service hosts are mapped by one table
(:meth:`Identities.tenant_label`): ``<sub>.okta.com`` and the Okta ``subdomain`` field,
``<prefix>.onmicrosoft.com`` (``.us``, ``.cn``: the suffix is kept) and the Office 365
app's ``msftTenant``, so the joins between them hold. Public service hosts
(PUBLIC_SUFFIXES: Microsoft's and Okta's own) are kept: they name no customer.

An address is its local part split into words (each mapped by the word table shared with
people's names, so ``amelia.clarke`` follows ``Amelia`` / ``Clarke``) at the mapped domain.
ESS-04 judges local parts with fnmatch patterns (``svc-*``); a local part keeps exactly the
patterns it matched (:meth:`Identities.local_part`).

Free text is scanned for URLs, addresses, GUIDs, IPs, hosts of known domains, Okta ids and
known ids, and (``text`` only) words of known names; ``expr`` leaves words alone (a
username template, an issuer URI).
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import ipaddress
import re
import urllib.parse
import uuid

from .pseudonyms import KEEP_WORDS, Pseudonyms, case_like

#: Hosts under these are public services, kept as they are.
PUBLIC_SUFFIXES = (
    "microsoft.com", "microsoft.us", "microsoftonline.com", "microsoftonline.us",
    "microsoftonline.cn", "microsoftonline-p.com", "chinacloudapi.cn", "windows.net",
    "azure.com", "azure.us", "office.com", "office.net", "office365.com", "live.com",
    "msauth.net", "msftauth.net", "oktacdn.com", "okta-cdn.com", "localhost",
)  # fmt: skip
#: Service domains whose next label names a tenant (mapped by the tenant-label table).
TENANT_SUFFIXES = (
    "mail.onmicrosoft.com", "onmicrosoft.com", "onmicrosoft.us", "onmicrosoft.cn",
    "partner.onmschina.cn", "sharepoint.com", "sharepoint.us", "sharepoint.cn",
    "okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil",
    "trexcloud.com",
)  # fmt: skip
#: Labels of Okta's own hosts under okta.com (not an org's subdomain).
OKTA_PUBLIC_LABELS = frozenset({"www", "login", "developer", "help", "support", "status",
                                "trust", "system"})  # fmt: skip
#: Tenant-label variants: the Admin Console (``-admin``), OneDrive (``-my``).
_LABEL_SUFFIXES = ("-admin", "-my")
#: ESS-04's default patterns (config model); a tenant file's own are added to these.
DEFAULT_SERVICE_PATTERNS = ("sync_*", "svc-*", "svc_*", "adsync*")

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_RE = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]")
EMAIL_RE = re.compile(rf"[A-Za-z0-9._%+'#-]+@{HOST_RE.pattern}")
GUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
OKTA_ID_RE = re.compile(r"[A-Za-z0-9]{20}")
_SCAN = re.compile(
    r"(?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+)"
    rf"|(?P<email>{EMAIL_RE.pattern})"
    rf"|(?P<guid>(?<![0-9A-Za-z-]){GUID_RE.pattern}(?![0-9A-Za-z-]))"
    r"|(?P<ip4>(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]))"
    r"|(?P<ip6>(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:]))"
    rf"|(?P<host>(?<![\w.-]){HOST_RE.pattern}(?![\w-]))"
    r"|(?P<token>(?<![\w-])[A-Za-z0-9][A-Za-z0-9_-]*)"
    r"|(?P<word>[^\W\d_]+)"
)
_WORD_SPLIT = re.compile(r"([^\W\d_]+|\d+)")


def okta_id_shaped(value: str) -> bool:
    """Twenty base62 characters with a digit, a lower- and an upper-case letter."""
    return bool(
        OKTA_ID_RE.fullmatch(value)
        and any(c.isdigit() for c in value)
        and any(c.islower() for c in value)
        and any(c.isupper() for c in value)
    )


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def guid_base64(value: str) -> bytes | None:
    """The 16 bytes of a base64 GUID (an AD objectGUID as immutableId), or None."""
    if len(value) != 24 or not value.endswith("=="):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 16 else None


class Identities:
    """The composite mappers of one run, over its :class:`Pseudonyms`."""

    def __init__(self, pseudonyms: Pseudonyms, service_patterns: tuple[str, ...] = ()):
        self.p = pseudonyms
        self.patterns = tuple(dict.fromkeys(DEFAULT_SERVICE_PATTERNS + service_patterns))
        self.domains: set[str] = set()  #: customer domains seen (lower case, registrable)
        self.name_words: set[str] = set()  #: words of names seen (lower case)
        self.ids: dict[str, str] = {}  #: ids seen, exact -> kind ("okta", "opaque")
        self.kept_guids: set[str] = set()  #: GUIDs kept (Microsoft's constants), lower

    # --- domains ---

    @staticmethod
    def public(host: str) -> bool:
        h = host.lower()
        return any(h == s or h.endswith("." + s) for s in PUBLIC_SUFFIXES) or h in (
            "okta.com", "oktapreview.com", "okta-emea.com",
        ) or any(h == f"{label}.okta.com" for label in OKTA_PUBLIC_LABELS)  # fmt: skip

    def known_domain(self, host: str) -> bool:
        """Is ``host`` a customer domain seen so far, or under one, or tenant-named?"""
        labels = host.lower().rstrip(".").split(".")
        suffixes = {".".join(labels[i:]) for i in range(len(labels))}
        if suffixes & self.domains:
            return True
        return any(host.lower().endswith("." + s) for s in TENANT_SUFFIXES) and not self.public(
            host
        )

    def tenant_label(self, label: str) -> str:
        """The pseudonym of a tenant's label (Okta subdomain, initial-domain prefix)."""
        for suffix in _LABEL_SUFFIXES:
            if label.lower().endswith(suffix) and len(label) > len(suffix):
                return self.tenant_label(label[: -len(suffix)]) + case_like(suffix, label[-3:])
        for word in re.split(r"[^a-z0-9]+", label.lower()):
            if word and word not in KEEP_WORDS and len(word) >= 3:
                self.name_words.add(word)
        return case_like(self.p.unique("tenant-label", label.lower(), _label_word), label)

    def domain(self, host: str) -> str:
        """The pseudonym of a DNS name (see the module docstring)."""
        if not host or self.public(host) or is_ip(host.strip("[]")):
            return host
        trailing = "." if host.endswith(".") else ""
        labels = host.rstrip(".").split(".")
        lower = [x.lower() for x in labels]
        for suffix in TENANT_SUFFIXES:
            parts = suffix.split(".")
            if len(lower) > len(parts) and lower[-len(parts) :] == parts:
                head = labels[: -len(parts)]
                mapped = [self.tenant_label(head[-1])]
                parent = ".".join(lower[-len(parts) - 1 :])
                for label in reversed(head[:-1]):
                    mapped.insert(0, case_like(self.p.label(parent, label), label))
                    parent = f"{label.lower()}.{parent}"
                return ".".join([*mapped, *labels[-len(parts) :]]) + trailing
        self.domains.add(".".join(lower[-2:]) if len(lower) >= 2 else lower[0])
        if len(lower) >= 2:
            self.name_words.add(lower[-2])
        mapped = ["example" if len(labels) > 1 else self.p.label("", labels[0])]
        parent = lower[-1]
        for label in reversed(labels[:-1]):
            mapped.insert(0, case_like(self.p.label(parent, label), label))
            parent = f"{label.lower()}.{parent}"
        return ".".join(mapped) + trailing

    # --- people ---

    def words(self, value: str) -> str:
        """A name word by word (letters and digit runs mapped, the rest kept)."""

        def one(m: re.Match[str]) -> str:
            token = m.group(0)
            if token.isdigit():
                return self.p.digits(token)
            if len(token) >= 3 and token.lower() not in KEEP_WORDS:
                self.name_words.add(token.lower())
            return self.p.word(token)

        return _WORD_SPLIT.sub(one, value)

    def local_part(self, local: str) -> str:
        """An address's local part: word by word, keeping the ESS-04 patterns it matches
        (and matching no other)."""
        wanted = self._patterns_of(local)
        mapped = self.words(local)
        if self._patterns_of(mapped) == wanted:
            return mapped
        key = local.lower()
        for pattern in [p for p in self.patterns if p.lower() in wanted] or [""]:

            def make(b: bytes, pattern: str = pattern) -> str:
                word = _label_word(b)
                return "".join(word if c == "*" else "x" if c in "?[]" else c
                               for c in pattern.lower()) or word  # fmt: skip

            def fits(candidate: str) -> bool:
                return self._patterns_of(candidate) == wanted

            found = self.p.unique(f"local:{pattern}", key, make, fits)
            if fits(found):
                return case_like(found, local)
        return mapped

    def _patterns_of(self, local: str) -> frozenset[str]:
        low = local.lower()
        return frozenset(p.lower() for p in self.patterns if fnmatch.fnmatchcase(low, p.lower()))

    def email(self, value: str) -> str:
        """An address or UPN (guest UPNs ``x_domain#EXT#@tenant`` included); a login
        without ``@`` is mapped as a local part."""
        if "@" not in value:
            return self.local_part(value)
        local, _, host = value.rpartition("@")
        marker = local.upper().find("#EXT#")
        if marker > 0 and "_" in local[:marker]:
            guest_local, _, guest_host = local[:marker].rpartition("_")
            guest = self.email(f"{guest_local}@{guest_host}").replace("@", "_")
            return f"{guest}{local[marker:]}@{self.domain(host)}"
        if self.public(host) and local.lower() in KEEP_WORDS:
            return value  # system@okta.com: Okta's own principal
        return f"{self.local_part(local)}@{self.domain(host)}"

    # --- ids ---

    def guid(self, value: str) -> str:
        if value.lower() in self.kept_guids:
            return value
        return self.p.guid(value)

    def okta_id(self, value: str) -> str:
        self.ids[value] = "okta"
        return self.p.okta_id(value)

    def opaque(self, value: str) -> str:
        if len(value) >= 6:
            self.ids[value] = "opaque"
        return self.p.opaque(value)

    def guid_bytes(self, raw: bytes) -> bytes:
        """16 GUID bytes (little-endian, as Microsoft encodes objectGUIDs) mapped as a GUID."""
        mapped = self.guid(str(uuid.UUID(bytes_le=raw)))
        return uuid.UUID(mapped).bytes_le

    # --- URLs and text ---

    def url(self, value: str) -> str:
        """A URL: its host as a domain, its path, query and fragment as ``expr`` text."""
        try:
            parts = urllib.parse.urlsplit(value)
            host = parts.hostname
            port = parts.port
        except ValueError:
            return self.expr(value)
        if not parts.scheme or not host:
            return self.expr(value)
        netloc = self.domain(host) if not is_ip(host) else self.p.ip(host)
        if ":" in netloc and is_ip(netloc):
            netloc = f"[{netloc}]"
        if port is not None:
            netloc += f":{port}"
        if parts.username:
            netloc = self.local_part(parts.username) + "@" + netloc
        rest = value[value.index(parts.netloc) + len(parts.netloc) :] if parts.netloc else ""
        return f"{parts.scheme}://{netloc}{self._quoted(rest)}"

    def _quoted(self, text: str) -> str:
        """URL path/query text: each piece between delimiters rewritten, percent-encoded
        pieces decoded first and encoded again as they were."""

        def piece(m: re.Match[str]) -> str:
            raw = m.group(0)
            if "%" not in raw:
                return self.expr(raw)
            safe = "".join(sorted({c for c in raw if not c.isalnum() and c != "%"}))
            return urllib.parse.quote(self.expr(urllib.parse.unquote(raw)), safe=safe)

        return re.sub(r"[^/?&=#;]+", piece, text)

    def request(self, value: str) -> str:
        """A request line ``GET /path?query``."""
        method, sep, target = value.partition(" ")
        return f"{method}{sep}{self._quoted(target)}" if sep else self._quoted(value)

    def expr(self, value: str) -> str:
        """Structured text: identifiers rewritten, words kept."""
        return self._scan(value, words=False)

    def text(self, value: str) -> str:
        """Free text: identifiers and the words of known names rewritten."""
        return self._scan(value, words=True)

    def _scan(self, value: str, words: bool) -> str:
        def one(m: re.Match[str]) -> str:
            kind, found = m.lastgroup, m.group(0)
            if kind == "url":
                return self.url(found)
            if kind == "email":
                return self.email(found)
            if kind == "guid":
                return self.guid(found)
            if kind in ("ip4", "ip6"):
                return self.p.ip(found) if is_ip(found) else found
            if kind == "host":
                if self.known_domain(found):
                    return self.domain(found)
                return ".".join(self._token(t, words) for t in found.split("."))
            return self._token(found, words)

        return _SCAN.sub(one, value)

    def _token(self, token: str, words: bool) -> str:
        kind = self.ids.get(token)
        if kind == "okta" or (kind is None and okta_id_shaped(token)):
            return self.okta_id(token)
        if kind == "opaque":
            return self.opaque(token)
        if not words:
            return token

        def one(m: re.Match[str]) -> str:
            part = m.group(0)
            if part.lower() in self.name_words:
                return self.p.word(part)
            return part

        return re.sub(r"[^\W\d_]+", one, token)


def _label_word(b: bytes) -> str:
    """A DNS-safe pseudo-word with a short digit tail (tenant labels, pattern fills)."""
    syllables = "".join(
        "bcdfghjklmnprstvz"[b[1 + 2 * i] % 17] + "aeiou"[b[2 + 2 * i] % 5] for i in range(3)
    )
    return f"{syllables}{b[10] % 100:02d}"
