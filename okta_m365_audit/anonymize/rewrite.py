"""The walk: every value of a snapshot rewritten by its rule (rules.py), keys of per-parent
reads included, every field's type and null-versus-absent kept.

The document is walked twice with the same tables. The first walk meets every domain,
name, id and certificate where a structured field holds it; the second rewrites again,
now able to find those originals inside free text, error messages and request lines
(a domain first seen in ``federationConfiguration`` is also replaced in the 404 message
of another read). Before both, the values that must stay (Microsoft's constant GUIDs) and
the kids derived from certificates are settled, so every occurrence agrees.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ..catalog.consent import LEGACY_PRINCIPAL_PREFIX, is_legacy_principal
from ..snapshot import document as snap
from .certificates import Certificates
from .identities import Identities, guid_base64, is_ip
from .pseudonyms import Pseudonyms
from .rules import KEPT_GUID_FIELDS, KEPT_GUIDS, PUBLIC_APP_NAMES, classify, id_form, is_enum
from .rules import kind_of as rule_kind

_PER_KEY_KIND = {"office365 app": "id", "domain": "domain", "service principal": "id",
                 "login": "email", "connection client id": "id", "break-glass account": "id",
                 "group excluded by Conditional Access": "id",
                 # the policy ids in apps' _links.accessPolicy; the admins' user ids
                 "admin console policy": "id", "office365 app policy": "id",
                 "Okta admin": "id"}  # fmt: skip


class Anonymizer:
    """One run's mapping: pseudonyms, composite mappers, certificates; reusable for the
    tenant file (tenantfile.py) so both agree."""

    def __init__(self, salt: str, service_patterns: tuple[str, ...] = ()):
        self.pseudonyms = Pseudonyms(salt)
        self.ids = Identities(self.pseudonyms, service_patterns)
        self.certs = Certificates(self.ids)
        self.kids: dict[str, str] = {}
        self.ids.kept_guids.update(g.lower() for g in KEPT_GUIDS)

    # --- the document ---

    def snapshot(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The anonymized copy of a (validated) snapshot; ``doc`` is not changed."""
        self._prepare(doc, ())
        self._document(doc)
        return self._document(doc)

    def _document(self, doc: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for section, body in doc.items():
            if section in snap.APIS and isinstance(body, dict):
                out[section] = {name: self._resource(section, name, entry)
                                for name, entry in body.items()}  # fmt: skip
            elif section == "meta":
                out[section] = self.value(body, ("meta",), "meta")
            else:
                out[section] = body  # format, schemaVersion, and fields of newer writers
        return out

    def _resource(self, api: str, name: str, entry: Any) -> Any:
        res = snap.BY_NAME.get((api, name))
        if res is None or not res.per_parent or not isinstance(entry, dict):
            return self.value(entry, (api, name), name)
        kind = _PER_KEY_KIND.get(res.per or "", "value")
        return {self.string(key, kind, (api, name), name): self.value(read, (api, name), name)
                for key, read in entry.items()}  # fmt: skip

    def _prepare(self, value: Any, path: tuple[str, ...]) -> None:
        """Settle what must agree everywhere before the walks: kept GUIDs, derived kids."""
        if isinstance(value, dict):
            if "kty" in value and "x5c" in value and isinstance(value.get("kid"), str):
                new = self.certs.kid_for(value)
                if new is not None:
                    self.kids[value["kid"]] = new
            for key, item in value.items():
                field = str(key)
                keep_all = field in KEPT_GUID_FIELDS or (field == "id" and "appRoles" in path)
                if keep_all:
                    for guid in item if isinstance(item, list) else [item]:
                        if isinstance(guid, str):
                            self.ids.kept_guids.add(guid.lower())
                self._prepare(item, (*path, field))
        elif isinstance(value, list):
            for item in value:
                self._prepare(item, path)

    # --- values ---

    def value(self, value: Any, path: tuple[str, ...], field: str) -> Any:
        """Any JSON value at ``path`` (keys from the root) under field name ``field``."""
        if isinstance(value, dict):
            if "kty" in value and "x5c" in value:
                return self.certs.jwk(value, lambda k, v: self.value(v, (*path, k), k))
            return {k: self.value(v, (*path, str(k)), str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, path, field) for v in value]
        if isinstance(value, str):
            return self.string(value, rule_kind(path, field), path, field)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._number(value, rule_kind(path, field))
        return value

    def _number(self, value: float, kind: str) -> float:
        if kind == "coordinate":
            return self.pseudonyms.number("coordinate", value, -60.0, 60.0)
        if kind == "asn":
            return self.pseudonyms.number("asn", value, 64512, 65534)
        return value

    def string(self, value: str, kind: str, path: tuple[str, ...], field: str) -> str:
        """A string rewritten as ``kind`` (rules.py names the kinds)."""
        ids = self.ids
        if not value or kind == "keep":
            return value
        if kind == "value":
            kind = classify(value, ids)
        if kind == "label":
            kind = "keep" if is_enum(value) else "name"
        match kind:
            case "keep":
                return value
            case "name":
                return self.name(value)
            case "sp-name":
                if value in PUBLIC_APP_NAMES:
                    return value
                if is_legacy_principal({"displayName": value}):  # CRED-02 finds it by name
                    cut = len(LEGACY_PRINCIPAL_PREFIX)
                    return value[:cut] + self.ids.words(value[cut:])
                if value.startswith("Okta"):
                    return "Okta" + self.ids.words(value[4:])
                return self.name(value)
            case "email":
                return ids.email(value) if "@" in value or " " not in value else ids.text(value)
            case "domain":
                return ids.domain(value) if " " not in value else ids.text(value)
            case "tenant-label":
                return ids.tenant_label(value)
            case "msft-tenant":
                return ids.domain(value) if "." in value else ids.tenant_label(value)
            case "tenant":
                return self.pseudonyms.tenant_name(value)
            case "id":
                return self.identifier(value)
            case "ca-ref":
                return self.identifier(value) if id_form(value) == "guid" else value
            case "b64guids":
                return self._b64guids(value)
            case "kid":
                return self.kids.get(value) or ids.opaque(value)
            case "immutable":
                return self.immutable_id(value)
            case "cert":
                return self.certs.reissue_b64(value) or ids.opaque(value)
            case "url":
                return ids.url(value) if "://" in value else ids.expr(value)
            case "expr":
                return ids.expr(value)
            case "request":
                return ids.request(value)
            case "phone":
                return self.phone(value)
            case "user-agent":
                return self.pseudonyms.unique(
                    "user-agent", value, lambda b: f"Mozilla/5.0 (anonymized {b[:4].hex()})"
                )
            case "ip":
                return self.pseudonyms.ip(value) if is_ip(value) else ids.opaque(value)
            case _:
                return ids.text(value)

    def name(self, value: str) -> str:
        """A name: by shape an address, a domain or an id, else word by word."""
        kind = classify(value, self.ids)
        if kind in ("email", "url", "ip", "cert") or (kind == "id" and " " not in value):
            return self.string(value, kind, (), "")
        if " " not in value and "." in value and id_form(value) == "domain":
            return self.ids.domain(value)
        return self.ids.words(value)

    def identifier(self, value: str) -> str:
        if value in ("default", "/") or value.lower() in self.ids.kept_guids:
            return value
        match id_form(value):
            case "guid":
                return self.ids.guid(value)
            case "okta":
                return self.ids.okta_id(value)
            case "email":
                return self.ids.email(value)
            case "domain":
                return self.ids.domain(value)
        return self.ids.opaque(value)

    def immutable_id(self, value: str) -> str:
        """onPremisesImmutableId / profile.immutableId: base64 of an AD objectGUID stays
        base64 of the mapped GUID (so the join with a GUID elsewhere holds); an Okta id (Okta
        as the source) is mapped as the Okta id it is."""
        raw = guid_base64(value)
        if raw is not None:
            return base64.b64encode(self.ids.guid_bytes(raw)).decode()
        return self.identifier(value)

    def _b64guids(self, value: str) -> str:
        """Graph's composite ids (role assignment = role + principal, base64url of GUID bytes):
        each GUID inside mapped, so the composition holds."""
        m = re.fullmatch(r"(.+?)(-\d+)?", value)
        body, tail = (m.group(1), m.group(2) or "") if m else (value, "")
        chunks = (
            [body[i : i + 22] for i in range(0, len(body), 22)] if len(body) % 22 == 0 else [body]
        )
        out = []
        for chunk in chunks:
            try:
                raw = base64.urlsafe_b64decode(chunk + "=" * (-len(chunk) % 4))
            except (binascii.Error, ValueError):
                return self.ids.opaque(value)
            if len(raw) % 16 or not raw:
                return self.ids.opaque(value)
            mapped = b"".join(self.ids.guid_bytes(raw[i : i + 16]) for i in range(0, len(raw), 16))
            out.append(base64.urlsafe_b64encode(mapped).decode().rstrip("=")[: len(chunk)])
        return "".join(out) + tail

    def phone(self, value: str) -> str:
        """Digits replaced (a leading + and the layout kept), the same number alike."""
        digits = "".join(c for c in value if c.isdigit())
        if not digits:
            return self.ids.text(value)
        mapped = iter(self.pseudonyms.digits(digits))
        return "".join(next(mapped) if c.isdigit() else c for c in value)
