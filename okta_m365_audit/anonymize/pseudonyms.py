"""Deterministic pseudonyms: one secret salt, one HMAC, the same original always mapped to
the same pseudonym, and two originals never mapped to one.

Every pseudonym is derived from ``HMAC-SHA256(salt, kind + original)``, so a run with the
same salt gives byte-identical output, and without the salt a pseudonym cannot be checked
against a guessed original (a plain hash of "Adam" could). Each kind keeps its own table of
pseudonyms handed out; a collision draws again with a counter, so the mapping is one to one
per kind (relations such as "these two UPNs differ" survive).

Pseudonyms keep the *form* of the original, because the checks and the emulator read it:
a GUID stays a GUID in the same letter case, an Okta id keeps its three-character prefix
and its length, an IP stays v4 or v6, a word keeps its letter case pattern (so two values
that differ only by case still differ, and case-insensitive joins still join). Lookups are
case-insensitive where the services compare case-insensitively (names, GUIDs, DNS labels)
and exact where they do not (Okta ids, opaque tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import string
from collections.abc import Callable

_CONSONANTS = "bcdfghjklmnprstvwxz"
_VOWELS = "aeiou"
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase

#: Words kept as they are wherever a name or a local part is split into words: product and
#: role words that say what an account or group is for, never who or which customer. ESS-04
#: judges service accounts by such words (svc-*, sync_*), and they keep an anonymized
#: snapshot readable. Matched case-insensitively, whole word only.
KEEP_WORDS = frozenset(
    """okta microsoft office graph azure entra windows admin admins administrator
    administrators svc sync adsync service services account accounts breakglass
    emergency access system everyone users user group groups licensed license app apps
    application applications client api federation provisioning integration directory
    active noreply helpdesk support it ext""".split()
)


def case_like(pseudo: str, original: str) -> str:
    """``pseudo`` (lower case) in the letter case pattern of ``original``: all lower, all
    upper, capitalised, or else position by position (wrapping over the original)."""
    letters = [c for c in original if c.isalpha()]
    if not letters or all(c.islower() for c in letters):
        return pseudo
    if all(c.isupper() for c in letters):
        return pseudo.upper()
    if original[0].isupper() and all(c.islower() for c in letters[1:]):
        return pseudo[:1].upper() + pseudo[1:]
    return "".join(
        c.upper() if original[i % len(original)].isupper() else c for i, c in enumerate(pseudo)
    )


class Pseudonyms:
    """The salted tables of one anonymization run (see the module docstring)."""

    def __init__(self, salt: str):
        self.key = hashlib.sha256(b"okta-m365-audit anonymize\0" + salt.encode()).digest()
        self._forward: dict[tuple[str, str], str] = {}
        self._owner: dict[tuple[str, str], str] = {}

    # --- the primitive ---

    def stream(self, kind: str, key: str, size: int = 32) -> bytes:
        """``size`` pseudo-random bytes for (kind, key): HMAC-SHA256 in counter mode."""
        out = b""
        block = 0
        while len(out) < size:
            msg = f"{kind}\0{key}\0{block}".encode("utf-8", "surrogatepass")
            out += hmac.new(self.key, msg, hashlib.sha256).digest()
            block += 1
        return out[:size]

    def unique(self, kind: str, key: str, make: Callable[[bytes], str],
               accept: Callable[[str], bool] | None = None) -> str:  # fmt: skip
        """The pseudonym of ``key`` in ``kind``: ``make(random bytes)``, drawn again while it
        is another key's pseudonym or ``accept`` refuses it."""
        found = self._forward.get((kind, key))
        if found is not None:
            return found
        value = key
        for attempt in range(10000):
            value = make(self.stream(kind, f"{key}\0{attempt}" if attempt else key, 64))
            owner = self._owner.get((kind, value))
            if (owner is None or owner == key) and (accept is None or accept(value)):
                break
        self._forward[(kind, key)] = value
        self._owner[(kind, value)] = key
        return value

    def known(self, kind: str, key: str) -> str | None:
        """The pseudonym already handed out for ``key``, if any."""
        return self._forward.get((kind, key))

    # --- forms ---

    def word(self, token: str) -> str:
        """A pronounceable pseudo-word for a word (case-insensitive, case pattern kept);
        KEEP_WORDS stay."""
        if token.lower() in KEEP_WORDS:
            return token
        pseudo = self.unique("word", token.lower(), _pronounceable)
        return case_like(pseudo, token)

    def digits(self, token: str) -> str:
        """As many pseudo-random digits."""
        return self.unique("digits", token, lambda b: "".join(str(x % 10) for x in b[: len(token)]))

    def label(self, namespace: str, label: str) -> str:
        """A DNS label's pseudonym within its parent (``namespace``), lower case."""
        return self.unique(f"label:{namespace}", label.lower(), _pronounceable)

    def guid(self, value: str) -> str:
        """A GUID for a GUID (case-insensitive; the letter case of the original kept)."""
        hexed = self.unique("guid", value.lower(), lambda b: b[:16].hex())
        text = f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:32]}"
        return text.upper() if value.isupper() else text

    def okta_id(self, value: str) -> str:
        """An Okta id for an Okta id: the type prefix (``00u``, ``0oa``, ``exk``...) and the
        length kept, the rest base62 (exact match: Okta ids are case-sensitive)."""
        prefix = value[:3]

        def make(b: bytes) -> str:
            return prefix + "".join(_BASE62[x % 62] for x in b[: len(value) - 3])

        return self.unique("okta-id", value, make)

    def opaque(self, value: str, keep_prefix: int = 0) -> str:
        """A token of the same length and character classes (digit for digit, letter for
        letter of the same case, hex for hex, punctuation kept)."""
        hexed = all(c in string.hexdigits or not c.isalnum() for c in value)
        hex_upper = hexed and any(c.isupper() for c in value)

        def make(b: bytes) -> str:
            out = list(value[:keep_prefix])
            for i, c in enumerate(value[keep_prefix:]):
                x = b[i % len(b)] ^ (i // len(b))
                if hexed and c.isalnum():
                    h = "0123456789abcdef"[x % 16]
                    out.append(h.upper() if hex_upper else h)
                elif c.isdigit():
                    out.append(str(x % 10))
                elif c.isascii() and c.islower():
                    out.append(string.ascii_lowercase[x % 26])
                elif c.isascii() and c.isupper():
                    out.append(string.ascii_uppercase[x % 26])
                else:
                    out.append(c)
            return "".join(out)

        return self.unique("opaque", value, make, lambda v: v != value or len(value) < 4)

    def ip(self, value: str) -> str:
        """An address of the same version: v4 into 10.0.0.0/8, v6 into 2001:db8::/32;
        loopback and unspecified addresses stay."""
        addr = ipaddress.ip_address(value)
        if addr.is_loopback or addr.is_unspecified:
            return value
        if addr.version == 4:
            return self.unique("ipv4", str(addr), lambda b: f"10.{b[0]}.{b[1]}.{b[2]}")
        return self.unique(
            "ipv6", str(addr),
            lambda b: str(ipaddress.IPv6Address(b"\x20\x01\x0d\xb8" + b[4:16])),
        )  # fmt: skip

    def number(self, kind: str, value: float | int, low: float, high: float) -> float | int:
        """A number of the same type in [low, high] (coordinates, AS numbers)."""
        b = self.stream(kind, repr(value), 8)
        fraction = int.from_bytes(b, "big") / 2**64
        if isinstance(value, int):
            return int(low + fraction * (high - low))
        return round(low + fraction * (high - low), 4)

    def tenant_name(self, value: str) -> str:
        """A tenant name that follows core/names.py's rule (``anon-`` and eight hex digits)."""
        return self.unique("tenant", value, lambda b: "anon-" + b[:4].hex())


def _pronounceable(b: bytes) -> str:
    """Two to four consonant-vowel syllables, from random bytes."""
    count = 2 + b[0] % 3
    return "".join(
        _CONSONANTS[b[1 + 2 * i] % len(_CONSONANTS)] + _VOWELS[b[2 + 2 * i] % len(_VOWELS)]
        for i in range(count)
    )
