"""Keep secrets out of logs and error messages.

Two nets, both replacing with ``[REDACTED]``:

- known values: every secret the suite reads (API token, client secret, certificate
  password, private key) is ``register``-ed at the moment it is read, and any occurrence
  of it, or of its URL- or JSON-escaped form, is replaced;
- shapes: Authorization header values (Bearer, SSWS, DPoP, Basic), ``client_secret=``,
  ``client_assertion=`` and other credential fields of forms, JSON and reprs, PEM private
  key blocks, JWTs (the access tokens of Okta and Entra), and the documented formats of
  Okta API tokens and Entra client secrets, so that a token the suite never saw as such
  (one an SDK obtained) is caught too.

``redact(text)`` is for exception messages and any text about to be written;
``redact_untrusted(text)`` and ``redact_tree(value)`` are for what the network sent back
(error bodies and headers, exception texts): a third net, shapes too loose for logs in
general, catches an echoed credential the suite never registered; ``SecretRedactor`` is the
logging.Filter; ``install()`` puts it where every log record passes (see its docstring for
why a filter on the named loggers alone is not enough).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from typing import Any
from urllib.parse import quote, quote_plus

REDACTED = "[REDACTED]"

#: Shorter values are not registered: redacting "abc" everywhere would mangle the logs
#: and protects nothing (no credential the suite reads is that short).
MIN_SECRET_LENGTH = 6

#: Loggers of the SDKs and HTTP stacks the suite drives (the filter is also put on the
#: root logger and its handlers, and on the log record factory: see ``install``).
SDK_LOGGERS: tuple[str, ...] = (
    "okta",
    "okta-sdk-python",
    "azure",
    "azure.identity",
    "azure.core",
    "azure.core.pipeline.policies.http_logging_policy",
    "msal",
    "httpx",
    "httpcore",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.connection",
    "httpcore.proxy",
    "aiohttp",
    "aiohttp.client",
    "kiota",
    "kiota_http",
    "kiota_abstractions",
    "kiota_authentication_azure",
    "msgraph",
    "msgraph_core",
    "urllib3",
)

_TOKEN = r"[A-Za-z0-9\-._~+/]"
_KEY_NAMES = (
    r"access_token|refresh_token|id_token|client_secret|client_assertion|assertion"
    r"|password|passwd|token|api_token|apitoken|private_key|privatekey|secret"
    r"|certificate_password|code_verifier"
)
#: Redacting twice changes nothing: a value already [REDACTED] is not matched again (the
#: atomic groups (?>...) keep a pattern from backtracking around this check).
_NOT_REDACTED = r"(?!\[REDACTED\])"
_SCHEMES = "bearer|ssws|dpop|basic|negotiate"


def _header(m: re.Match[str]) -> str:
    scheme = m.group("scheme")
    return m.group("name") + (f"{scheme} " if scheme else "") + REDACTED


def _quoted(m: re.Match[str]) -> str:
    quote_char = m.group("q")
    return f"{m.group('key')}{quote_char}{REDACTED}{quote_char}"


#: A PEM private key block (PKCS#8, RSA, EC, ENCRYPTED); an RSA 4096 key is about 3.3 KB,
#: and the bound keeps a text of many BEGIN lines from a quadratic scan.
_PEM_KEY_BLOCK = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.{0,8000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----",
    re.DOTALL,
)

#: (pattern, replacement) pairs, applied in order.
PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # PEM private key blocks (any kind: PKCS#8, RSA, EC, ENCRYPTED), also inside a repr
    (_PEM_KEY_BLOCK, REDACTED),
    # ... and a block cut short (a truncated log line): the base64 after its header
    (re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[A-Za-z0-9+/=\s\\]*"), REDACTED),
    # Authorization / Proxy-Authorization header values, the scheme kept; as "Name: value",
    # 'Name': 'value' (a dict's repr) or (b'Name', b'value') (httpcore's header lists)
    (
        re.compile(
            r"(?i)(?P<name>(?>\b(?:proxy-)?authorization[\"']?\s*(?:[:=]|,\s*b?)\s*[\"']?))"
            rf"(?>(?:(?P<scheme>{_SCHEMES})\s+)?){_NOT_REDACTED}[^\s\"',;}}\]]+"
        ),
        _header,
    ),
    # a scheme and its credential anywhere else ("SSWS 00abc...", "Bearer eyJ..."); the
    # credential must look like one (16 characters or more, a digit among them) so that
    # prose ("Bearer authentication", "Bearer expires_in=3600") is left alone
    (
        re.compile(rf"(?<![A-Za-z])(Bearer|SSWS|DPoP)\s+(?={_TOKEN}*[0-9]){_TOKEN}{{16,}}=*"),
        lambda m: f"{m.group(1)} {REDACTED}",
    ),
    # form fields and query parameters: client_secret=...&client_assertion=...
    (
        re.compile(rf"(?i)(?<![A-Za-z0-9_])((?:{_KEY_NAMES})=){_NOT_REDACTED}[^&\s\"',;]+"),
        lambda m: m.group(1) + REDACTED,
    ),
    # JSON and repr: "access_token": "...", 'privateKey': '...'
    (
        re.compile(
            rf"(?i)(?<![A-Za-z0-9_])(?P<key>[\"']?(?:{_KEY_NAMES})[\"']?\s*:\s*)"
            r"(?P<q>[\"'])(?:(?!(?P=q))[^\\]|\\.){0,16384}(?P=q)"
        ),
        _quoted,
    ),
    # cookies (Okta session cookies are credentials)
    (
        re.compile(rf"(?i)((?>\b(?:set-)?cookie[\"']?\s*[:=]\s*[\"']?)){_NOT_REDACTED}[^\"'\n]+"),
        lambda m: m.group(1) + REDACTED,
    ),
    # JWTs, signed (3 parts) or encrypted (5): Okta and Entra access tokens, assertions
    (
        re.compile(
            r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}"
        ),
        REDACTED,
    ),
    # Okta API tokens: 00 and 40 more characters
    (re.compile(r"(?<![A-Za-z0-9_-])00[A-Za-z0-9_-]{40}(?![A-Za-z0-9_-])"), REDACTED),
    # Entra client secrets: 3 characters, a digit, Q~, 31-34 more
    (re.compile(r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}"), REDACTED),
)

_lock = threading.Lock()
_secrets: set[str] = set()
_known: tuple[str, ...] = ()
#: secrets were registered since ``_known`` was ordered: ordered again at the next use, not
#: at every registration
_stale = False


_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=_-]{16,}")
_JWK_PRIVATE = ("d", "p", "q", "dp", "dq", "qi", "k")


def _forms(value: str) -> set[str]:
    """The value as it can appear in text: raw, URL-encoded (form bodies, queries), JSON-
    and repr-escaped (bodies, reprs of dicts); for a PEM file the base64 lines of its
    private key blocks too (not of its certificate, which is public and may be evidence),
    and for a JWK its private members (a log line may hold a piece rather than the file)."""
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    forms.add(repr(value)[1:-1])
    if "-----BEGIN" in value:  # only the private key blocks: a certificate is public
        chunks = [m.group(0) for m in _PEM_KEY_BLOCK.finditer(value)]
    else:
        chunks = [value] if "\n" in value else []
    for chunk in chunks:
        body = [ln.strip() for ln in chunk.splitlines() if _BASE64_LINE.fullmatch(ln.strip())]
        forms.update(body)
        if body:
            forms.add("".join(body))
    if value.startswith("{"):
        try:
            jwk = json.loads(value)
        except ValueError:
            jwk = None
        if isinstance(jwk, dict):
            forms.update(v for k, v in jwk.items() if k in _JWK_PRIVATE and isinstance(v, str))
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def register(value: str | bytes | None) -> None:
    """Redact this secret value (and its escaped forms) from now on, wherever it appears.

    Bytes that are not UTF-8 text (a PKCS#12 file) are registered in base64, the form
    they would take in JSON or a log line.
    """
    global _stale
    if value is None:
        return
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            encoded = base64.b64encode(value).decode()
            for form in (encoded, base64.urlsafe_b64encode(value).decode()):
                register(form)
            return
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        before = len(_secrets)
        _secrets.update(_forms(value))
        if len(_secrets) != before:
            _stale = True


def _known_secrets() -> tuple[str, ...]:
    """The registered values, longest first: each replaced whole before any shorter one that
    overlaps it. Literal replacement, not one alternation regex: compiling that regex over a
    PEM key's forms cost 0.1-0.2 s of every run, for the same result."""
    global _known, _stale
    if _stale:
        with _lock:
            if _stale:
                _known = tuple(sorted(_secrets, key=len, reverse=True))
                _stale = False
    return _known


def forget_all() -> None:
    """Drop every registered value (for tests)."""
    global _known, _stale
    with _lock:
        _secrets.clear()
        _known, _stale = (), False


def redact(text: Any) -> str:
    """``text`` (or its str()) with registered secrets and secret-shaped values replaced."""
    text = text if isinstance(text, str) else str(text)
    for secret in _known_secrets():
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# --- what the network sends back -----------------------------------------------------------

#: Caught in untrusted text only (error bodies and headers, exception texts), where a false
#: positive costs a word of an error message; never in successful reads (an Okta key's x5c
#: certificates are long base64 and are evidence).
UNTRUSTED_PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # an Authorization scheme and whatever credential follows, digits or not (an echoed
    # header); a parameter name (Bearer authorization_uri="...", RFC 6750 §3) is not one
    (
        re.compile(rf"(?<![A-Za-z])(Bearer|SSWS|DPoP|Basic)\s+(?>{_TOKEN}{{16,}})(?!=)"),
        lambda m: f"{m.group(1)} {REDACTED}",
    ),
    # a JWT cut short (a message truncated mid-token): its header alone gives it away
    (re.compile(r"eyJ[A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*)*"), REDACTED),
    # any long random-looking token (an SSWS token in another format, a session id): 32 or
    # more base64url characters with upper and lower case letters and digits; GUIDs and
    # Okta error ids are shorter or lower case
    (
        re.compile(
            r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])"
            r"(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{32,}"
        ),
        REDACTED,
    ),
)

#: Names whose values are credentials wherever they appear in a body or a header set.
_CREDENTIAL_NAME = re.compile(
    rf"(?i)(?:{_KEY_NAMES}|(?:proxy-)?authorization|(?:set-)?cookie|dpop|x-api-key)"
)


def redact_untrusted(text: Any) -> str:
    """``redact`` plus the shapes of ``UNTRUSTED_PATTERNS``: for text the network sent."""
    text = redact(text)
    for pattern, replacement in UNTRUSTED_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


#: Error bodies nested deeper than this are replaced whole (no API nests so deep; a hostile
#: body that does must not exhaust the interpreter's recursion limit).
MAX_TREE_DEPTH = 64


def redact_tree(value: Any, depth: int = 0) -> Any:
    """A parsed body or a header mapping with every string passed through
    ``redact_untrusted`` and the value of every credential-named member replaced."""
    if isinstance(value, str):
        return redact_untrusted(value)
    if isinstance(value, list | dict) and depth >= MAX_TREE_DEPTH:
        return REDACTED
    if isinstance(value, list):
        return [redact_tree(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {
            redact_untrusted(k): REDACTED
            if isinstance(v, str) and _CREDENTIAL_NAME.fullmatch(str(k))
            else redact_tree(v, depth + 1)
            for k, v in value.items()
        }
    return value


def redact_exception(exc: BaseException) -> str:
    """An exception as ``Type: message``, redacted: for messages written to reports."""
    return redact(f"{type(exc).__name__}: {exc}")


class SecretRedactor(logging.Filter):
    """Redacts each record's message (its msg with its args merged), exception text and
    stack; never drops a record. A record without a secret is left exactly as it was."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_okta_m365_audit_redacted", False):
        return record
    try:
        message = record.getMessage()
        clean = redact(message)
    except Exception:  # a bad format string: logging would print msg and args as they are
        message, clean = None, redact(f"{record.msg!s} {record.args!r}")
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None:
        # format the traceback now, redacted; a Formatter appends exc_text as it is
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text, record.exc_info = redact(text), None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._okta_m365_audit_redacted = True
    return record


_filter = SecretRedactor()
_installed = False
_previous_factory: Any = None


def install() -> SecretRedactor:
    """Redact every log record of the process from now on; idempotent.

    A filter on a logger only sees the records logged on that very logger, not those of
    its children that propagate to it (``azure`` does not see ``azure.identity._internal``),
    and handlers are added later by pytest (caplog, the live log, the report). So besides
    putting the filter on the root logger, its current handlers and ``SDK_LOGGERS``, this
    wraps the log record factory: every record is redacted when it is created, whichever
    logger made it and whichever handler will write it.
    """
    global _installed, _previous_factory
    with _lock:
        if _installed:
            return _filter
        _installed = True
        previous = _previous_factory = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return redact_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
    root = logging.getLogger()
    for logger in [root, *(logging.getLogger(n) for n in SDK_LOGGERS)]:
        if _filter not in logger.filters:
            logger.addFilter(_filter)
    for handler in root.handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)
    return _filter


def uninstall() -> None:
    """Undo ``install`` (for tests): the previous record factory, no filter left behind."""
    global _installed
    with _lock:
        if not _installed:
            return
        _installed = False
        logging.setLogRecordFactory(_previous_factory)
    root = logging.getLogger()
    for logger in [root, *(logging.getLogger(n) for n in SDK_LOGGERS)]:
        logger.removeFilter(_filter)
    for handler in root.handlers:
        handler.removeFilter(_filter)
