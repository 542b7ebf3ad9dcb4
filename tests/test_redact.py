"""Secrets never reach a log line or an error message (okta_m365_audit.core.redact).

Each kind of secret goes through a real logger (an SDK's, or a child of one, as the SDKs
log) and is looked for in what pytest's caplog captured: the records and the formatted
text. Ordinary log lines must come out exactly as they went in.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from okta_m365_audit.core import redact
from okta_m365_audit.core.redact import REDACTED, SecretRedactor

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tenants" / "demo"
PRIVATE_KEY_PEM = (DEMO / "okta-service-app.pem").read_text()
CERT_AND_KEY_PEM = (DEMO / "graph-app.pem").read_text()

SSWS_TOKEN = "00Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789AbCd"  # Okta's format: 00 + 40
SHORT_TOKEN = "00ssws-SECRET-token-value-4d7e1c9a"  # not Okta's format: registered only
CLIENT_SECRET = "abc8Q~Zx0yW9vU8tS7rQ6pO5nM4lK3jI2hG1fE0d"  # Entra's format
ODD_SECRET = "p@ss w/rd+&=%~ü"  # escapes differently in a form, a URL and JSON
CERT_PASSWORD = "pfx-password-s3cret"
JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"
    ".eyJzdWIiOiIwb2FkZW1vIiwic2NwIjpbIm9rdGEuYXBwcy5yZWFkIl19"
    ".c2lnbmF0dXJlLWJ5dGVzLW9mLXRoZS10b2tlbg"
)


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    redact.forget_all()
    yield
    redact.forget_all()


@pytest.fixture
def installed() -> Iterator[None]:
    redact.install()
    yield
    redact.uninstall()


def secret_parts() -> list[str]:
    """Every secret of this module, and the base64 body of the private key."""
    body = [line for line in PRIVATE_KEY_PEM.splitlines() if line and not line.startswith("-----")]
    return [SSWS_TOKEN, SHORT_TOKEN, CLIENT_SECRET, CERT_PASSWORD, JWT, *body]


def assert_clean(text: str, *secrets: str) -> None:
    for secret in secrets or secret_parts():
        assert secret not in text, f"{secret[:12]}... leaked in:\n{text}"


# --- what a log line may carry ------------------------------------------------------------

#: (id, message template, args, the secret it carries): shapes the SDKs and HTTP stacks use.
LINES = [
    ("bearer-header", "request headers: Authorization: Bearer %s", (JWT,), JWT),
    ("ssws-header", "Authorization: SSWS %s", (SSWS_TOKEN,), SSWS_TOKEN),
    ("dpop-header", "Authorization: DPoP %s\nDPoP: %s", (JWT, JWT), JWT),
    ("basic-header", "Authorization: Basic %s", (base64.b64encode(b"id:pw-123").decode(),),
     base64.b64encode(b"id:pw-123").decode()),
    ("headers-dict", "headers=%r", ({"Authorization": f"SSWS {SSWS_TOKEN}",
                                     "Accept": "application/json"},), SSWS_TOKEN),
    ("httpcore-tuple", "send_request_headers.started %r",
     ([(b"Host", b"acme.okta.com"), (b"Authorization", f"Bearer {JWT}".encode())],), JWT),
    ("ssws-in-prose", "retrying with SSWS %s after 429", (SSWS_TOKEN,), SSWS_TOKEN),
    ("client-secret-form", "POST body: %s", (urlencode({"grant_type": "client_credentials",
     "client_id": "abc", "client_secret": CLIENT_SECRET}),), CLIENT_SECRET),
    ("client-assertion-form", "token request %s", (urlencode({
     "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
     "client_assertion": JWT, "scope": "okta.apps.read"}),), JWT),
    ("access-token-json", "response %s", (json.dumps({"token_type": "Bearer",
     "expires_in": 3600, "access_token": JWT}),), JWT),
    ("sdk-config-repr", "config %r", ({"orgUrl": "https://acme.okta.com",
     "token": SHORT_TOKEN, "privateKey": PRIVATE_KEY_PEM},), SHORT_TOKEN),
    ("pem-key", "loaded key:\n%s", (PRIVATE_KEY_PEM,), PRIVATE_KEY_PEM.splitlines()[1]),
    ("pem-key-truncated", "key starts %s", (PRIVATE_KEY_PEM[:300],),
     PRIVATE_KEY_PEM.splitlines()[2]),
    ("cert-and-key-pem", "certificate file %s", (CERT_AND_KEY_PEM,),
     CERT_AND_KEY_PEM.split("-----BEGIN PRIVATE KEY-----")[1].splitlines()[1]),
    ("jwt-alone", "token=%s...", (JWT,), JWT),
    ("jwt-in-url", "GET https://login.example/cb#id_token=%s&state=1", (JWT,), JWT),
    ("okta-token-format", "value %s", (SSWS_TOKEN,), SSWS_TOKEN),
    ("entra-secret-format", "credential %s", (CLIENT_SECRET,), CLIENT_SECRET),
    ("cookie", "Set-Cookie: sid=%s; Path=/", ("102abcSESSIONid0987",), "102abcSESSIONid0987"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "args", "secret"), [x[1:] for x in LINES],
                         ids=[x[0] for x in LINES])  # fmt: skip
@pytest.mark.parametrize(
    "logger_name", ["okta-sdk-python", "azure.identity._internal.msal_client", "httpcore.http11"]
)
def test_log_records_are_redacted_by_shape(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, installed: None,
    logger_name: str, template: str, args: tuple, secret: str,
) -> None:  # fmt: skip
    """When an SDK logs a credential of a known shape (none registered): the record and the
    captured text hold [REDACTED] instead, whichever logger (a child too) logged it."""
    # the okta SDK disables its logger unless its own logging is on; this is that case
    monkeypatch.setattr(logging.getLogger(logger_name), "disabled", False)
    with caplog.at_level(logging.DEBUG, logger=logger_name):
        logging.getLogger(logger_name).debug(template, *args)
    [record] = caplog.records
    assert REDACTED in record.getMessage()
    assert secret not in record.getMessage()
    assert secret not in caplog.text
    assert record.args is None or secret not in repr(record.args)


@pytest.mark.parametrize(
    "secret", [SHORT_TOKEN, CERT_PASSWORD, ODD_SECRET, "graph~SECRET~client~secret~9f31b2"]
)
def test_registered_values_are_redacted_in_every_form(
    caplog: pytest.LogCaptureFixture, installed: None, secret: str
) -> None:
    """When a registered value (of no known shape) is logged raw, URL-encoded, in a form
    body or in JSON: none of those forms is left in the log."""
    redact.register(secret)
    logger = logging.getLogger("msal.application")
    with caplog.at_level(logging.DEBUG):
        logger.debug("value %s", secret)
        logger.debug("form %s", urlencode({"p": secret}))
        logger.debug("json %s", json.dumps({"p": secret}))
        logger.debug("repr %r", {"p": secret})
        logger.info("https://x.example/?p=%s", urlencode({"p": secret})[2:])
    for record in caplog.records:
        assert REDACTED in record.getMessage(), record.getMessage()
    forms = {secret, urlencode({"p": secret})[2:], json.dumps(secret)[1:-1]}
    assert_clean(caplog.text, *forms)


def test_registered_private_key_lines_are_redacted(
    caplog: pytest.LogCaptureFixture, installed: None
) -> None:
    """When one line of a registered key file is logged alone: it is redacted too."""
    redact.register(PRIVATE_KEY_PEM.encode())
    line = PRIVATE_KEY_PEM.splitlines()[5]
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("okta").debug("chunk %s", line)
    assert line not in caplog.text


def test_registered_certificate_file_keeps_the_certificate() -> None:
    """When a certificate-and-key PEM is registered: its key lines are redacted wherever they
    appear, its certificate lines are not (public, and evidence in reports)."""
    redact.register(CERT_AND_KEY_PEM.encode())
    cert_part, key_part = CERT_AND_KEY_PEM.split("-----BEGIN PRIVATE KEY-----")
    cert_line, key_line = cert_part.splitlines()[3], key_part.splitlines()[3]
    assert redact.redact(f"x5c {cert_line}") == f"x5c {cert_line}"
    assert redact.redact(f"chunk {key_line}") == f"chunk {REDACTED}"


def test_registered_jwk_private_members_are_redacted() -> None:
    """When a JWK private key file is registered: each private member is redacted alone."""
    jwk = {"kty": "RSA", "n": "public-modulus-abc", "e": "AQAB", "d": "private-exponent-xyz123",
           "p": "prime-one-456789", "q": "prime-two-987654"}  # fmt: skip
    redact.register(json.dumps(jwk))
    text = redact.redact("d=private-exponent-xyz123 p prime-one-456789 n public-modulus-abc")
    assert "private-exponent" not in text and "prime-one" not in text
    assert "public-modulus-abc" in text


def test_registered_binary_is_redacted_as_base64() -> None:
    """When a PKCS#12 file (bytes, not text) is registered: its base64 form is redacted."""
    pfx = bytes(range(256)) * 2
    redact.register(pfx)
    encoded = base64.b64encode(pfx).decode()
    assert redact.redact(f'{{"certificate": "{encoded}"}}') == f'{{"certificate": "{REDACTED}"}}'


def test_exception_logged_with_traceback_is_redacted(
    caplog: pytest.LogCaptureFixture, installed: None, capsys: pytest.CaptureFixture
) -> None:
    """When logger.exception() carries an exception whose message has a token: the
    traceback text in the log holds [REDACTED], and the record no longer holds exc_info."""
    redact.register(SHORT_TOKEN)
    logger = logging.getLogger("kiota_http.middleware")
    with caplog.at_level(logging.DEBUG):
        try:
            raise RuntimeError(f"401 for token {SHORT_TOKEN} (Authorization: Bearer {JWT})")
        except RuntimeError:
            logger.exception("request failed")
    [record] = caplog.records
    assert "RuntimeError" in caplog.text and REDACTED in caplog.text
    assert record.exc_info is None and record.exc_text
    assert_clean(caplog.text)


def test_bad_format_string_does_not_print_its_args(
    installed: None, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture
) -> None:
    """When a record's format string does not match its args: logging would print both to
    stderr ("--- Logging error ---"); the secret among them is redacted first."""
    redact.register(SHORT_TOKEN)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("aiohttp.client").warning("%s and %s", SHORT_TOKEN)
    captured = capsys.readouterr()
    assert_clean(captured.err + captured.out + caplog.text, SHORT_TOKEN)


def test_filter_alone_on_a_logger(caplog: pytest.LogCaptureFixture) -> None:
    """When SecretRedactor is attached to a logger (no install): its records are redacted,
    msg and args both."""
    redact.register(CERT_PASSWORD)
    logger = logging.getLogger("okta_m365_audit.test_redact.alone")
    redactor = SecretRedactor()
    logger.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("password %s, header %s", CERT_PASSWORD, f"SSWS {SSWS_TOKEN}")
    finally:
        logger.removeFilter(redactor)
    [record] = caplog.records
    assert record.getMessage() == f"password {REDACTED}, header SSWS {REDACTED}"
    assert_clean(caplog.text)


def test_install_is_idempotent_and_reaches_new_handlers(caplog: pytest.LogCaptureFixture) -> None:
    """When install() runs twice and a handler is added afterwards: one filter per logger,
    and the new handler gets redacted records (the record factory did it)."""
    try:
        first, second = redact.install(), redact.install()
        assert first is second
        assert logging.getLogger("azure").filters.count(first) == 1
        records: list[logging.LogRecord] = []
        handler = logging.Handler()
        handler.emit = records.append  # type: ignore[method-assign]
        late = logging.getLogger("okta_m365_audit.late.child")
        late.addHandler(handler)
        late.setLevel(logging.INFO)
        try:
            late.info("Authorization: Bearer %s", JWT)
        finally:
            late.removeHandler(handler)
        assert [r.getMessage() for r in records] == [f"Authorization: Bearer {REDACTED}"]
    finally:
        redact.uninstall()
    assert first not in logging.getLogger("azure").filters


# --- exception messages and plain text ------------------------------------------------------


def test_exception_text_is_redacted() -> None:
    """When an exception message carries secrets: redact() and redact_exception() give it
    without them, the rest kept."""
    redact.register(SHORT_TOKEN)
    exc = ValueError(
        f"token {SHORT_TOKEN} refused; body client_secret={CLIENT_SECRET}&scope=okta.apps.read"
    )
    text = redact.redact(exc)
    assert text == (f"token {REDACTED} refused; body client_secret={REDACTED}&scope=okta.apps.read")
    assert redact.redact_exception(exc) == f"ValueError: {text}"


NOT_SECRETS = [
    'HTTP Request: GET https://graph.microsoft.com/v1.0/domains "HTTP/1.1 200 OK"',
    "GET /api/v1/apps?filter=name+eq+%22office365%22&limit=200 429 X-Rate-Limit-Reset: 1700000000",
    "tenant ca6cd030-f238-5ac3-9d97-5e9745503f7b, app 0oademoauditsvc00001",
    "user 00u1a2b3c4d5e6f7g8h9 in group 00g1a2b3c4d5e6f7g8h9",
    "svc-okta@contosodemo.onmicrosoft.com is excluded; Retry-After: 5",
    "okta.auth.token_env: environment variable ACME_OKTA_TOKEN is not set",
    "Bearer authentication failed: invalid_client (AADSTS7000215)",
    "the SSWS token expired; request a new one",
    "token_type=Bearer expires_in=3600 scope=okta.apps.read",
    '{"token_type": "Bearer", "expires_in": 3600, "password_push": false}',
    "page_token=abc123def next_link=https://graph.microsoft.com/v1.0/users?$skiptoken=X1",
    CERT_AND_KEY_PEM.split("-----BEGIN PRIVATE KEY-----")[0],  # a certificate is public
    "FED-04: signing certificate MIIC... is not the Office 365 app's active key",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_non_secrets_are_untouched(
    text: str, caplog: pytest.LogCaptureFixture, installed: None
) -> None:
    """When a line holds no secret: redact() returns it as it is, and a logged record keeps
    its msg and args."""
    redact.register(SHORT_TOKEN)  # something is registered, just not in these lines
    assert redact.redact(text) == text
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info("%s", text)
    [record] = caplog.records
    assert (record.msg, record.args) == ("%s", (text,))


@pytest.mark.parametrize(("template", "args", "secret"), [x[1:] for x in LINES],
                         ids=[x[0] for x in LINES])  # fmt: skip
def test_redacting_twice_changes_nothing(template: str, args: tuple, secret: str) -> None:
    """When a redacted text is redacted again (a filter and the factory both ran): same text."""
    once = redact.redact(template % args)
    assert redact.redact(once) == once


def test_short_values_are_not_registered() -> None:
    """When a value shorter than MIN_SECRET_LENGTH is registered: nothing is redacted (it
    would mangle every log line), and no error."""
    redact.register("abc")
    redact.register("")
    redact.register(None)
    assert redact.redact("abc abcdef") == "abc abcdef"


@settings(max_examples=100, deadline=None, database=None)
@given(
    secret=st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="[]"), min_size=6, max_size=40
    ),
    prefix=st.text(max_size=20),
    suffix=st.text(max_size=20),
)
def test_registered_value_never_survives(secret: str, prefix: str, suffix: str) -> None:
    """Whatever the registered value and its surroundings: it is not in the redacted text."""
    assume(secret.strip() == secret and secret not in REDACTED)
    redact.forget_all()
    redact.register(secret)
    assert secret not in redact.redact(prefix + secret + suffix)
