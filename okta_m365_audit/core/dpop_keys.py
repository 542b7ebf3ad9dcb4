"""The run's DPoP keys, made ahead of need on threads of their own (OpenSSL releases the GIL).

An RSA 3072 key, the okta SDK's size for DPoP (``okta.dpop.RSA_KEY_SIZE_BITS``; tests hold
``DPOP_KEY_BITS`` to it), takes 0.03-0.4 s of CPU to make (0.2 s on average on this
project's 2-core machine), longer while the cores are busy. A small tenant's first token is
asked for less than a second into the run, so a key made then sets the run's pace (issue
16). Keys are therefore started before they are needed:

- ``start_first_key_early``: by ``okta-m365-audit run`` itself, before pytest starts, when
  a tenant file of the run asks for DPoP (cli/early.py), so the first key is made while
  Python and pytest import;
- ``make_keys_ahead``: by the plugin at configure, for the tenants of the run that use
  DPoP, one at a time: each next key while the tenant before it is read and checked.

A key is never shared between tenants (nor their Okta orgs): each tenant's client takes one
(``take_key``) and the next is started then. At most one key made ahead goes unused.
Layer 0: nothing of the package is imported here.
"""

from __future__ import annotations

import base64
import threading

from cryptography.hazmat.primitives.asymmetric import rsa

#: the okta SDK's DPoP key size (okta/dpop.py RSA_KEY_SIZE_BITS), without importing the SDK
DPOP_KEY_BITS = 3072


class KeyObject:
    """What the SDK's generator signs with: it calls ``export_key()`` and hands the result to
    PyJWT, which takes a ``cryptography`` key object as well as PEM bytes."""

    def __init__(self, key: rsa.RSAPrivateKey):
        self._key = key

    def export_key(self) -> rsa.RSAPrivateKey:
        return self._key

    def __repr__(self) -> str:  # never the key, whatever prints it
        return "<DPoP key (in memory)>"


class KeyInTheMaking:
    """A DPoP key pair being made on a daemon thread: ``result()`` waits for it (and raises
    what making it raised)."""

    def __init__(self, bits: int = DPOP_KEY_BITS):
        self._bits = bits
        self._out: tuple[KeyObject, dict[str, str]] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._make, name="dpop-key", daemon=True)
        self._thread.start()

    def _make(self) -> None:
        try:
            key = rsa.generate_private_key(public_exponent=65537, key_size=self._bits)
            numbers = key.public_key().public_numbers()
            jwk = {"kty": "RSA", "n": _b64_int(numbers.n), "e": _b64_int(numbers.e)}
            self._out = (KeyObject(key), jwk)
        except BaseException as exc:  # handed to the thread that waits for the key
            self._error = exc

    def result(self) -> tuple[KeyObject, dict[str, str]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._out is not None
        return self._out


def _b64_int(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


#: a key started before any client needed it, taken by the next (at most one at a time)
_AHEAD: list[KeyInTheMaking] = []
#: how many more keys this process will need, to start ahead one at a time
_MORE = [0]
_LOCK = threading.Lock()


def start_first_key_early() -> None:
    """Start one key now, if none is under way: the run's first DPoP tenant takes it."""
    with _LOCK:
        if not _AHEAD:
            _AHEAD.append(KeyInTheMaking())


def make_keys_ahead(count: int) -> None:
    """``count`` tenants of the run use DPoP: their keys are made ahead, one at a time (a
    key started early counts as the first)."""
    with _LOCK:
        _MORE[0] = max(0, count - len(_AHEAD))
    _start_next()


def take_key() -> KeyInTheMaking:
    """The key made ahead (else one started now), for one tenant's client; the next tenant's
    is started, to be made while this one is read and checked."""
    with _LOCK:
        key = _AHEAD.pop() if _AHEAD else KeyInTheMaking()
    _start_next()
    return key


def _start_next() -> None:
    with _LOCK:
        if not _AHEAD and _MORE[0] > 0:
            _MORE[0] -= 1
            _AHEAD.append(KeyInTheMaking())
