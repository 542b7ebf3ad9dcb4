"""Certificates compare as certificates whatever the encoding, and the messages of FED-04
(rollover in progress), FED-06 (no default on either side), ORG-03 (certificate not yet
issued) and PROV-03 (not declared: the observed value shown) say what a reader needs.

The verdicts are proven by tests/scenarios/fed_trust.py (and org.py, prov.py); here the
suite runs once on a tenant broken in several of those ways at once, and the messages are
read from its results file."""

from __future__ import annotations

import json
import textwrap

import pytest

from okta_m365_audit.anonymize import Anonymizer
from okta_m365_audit.views import Certificate, DataUnavailable, cert_summary

from .conftest import golden_doc, run_suite, write_tenant
from .scenarios import fed_trust, org, prov
from .scenarios.helpers import federation


def _active_b64() -> str:
    doc = golden_doc()
    return fed_trust._keys(doc)[0]


# --- Certificate: the encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda b: b,
        lambda b: "\n".join(textwrap.wrap(b, 64)),
        lambda b: "\r\n".join(textwrap.wrap(b, 76)) + "\r\n",
        lambda b: f"  {b}\t",
        fed_trust.pem,
        lambda b: fed_trust.pem(b).replace("\r\n", "\n"),
    ],
    ids=["der", "wrapped-64", "wrapped-76-crlf", "padded", "pem-crlf", "pem-lf"],
)
def test_same_certificate_whatever_the_encoding(encode):
    """When a certificate is written with line breaks, spaces or PEM armour: it is the same
    certificate as its plain base64 DER (same DER, same thumbprint)."""
    b64 = _active_b64()
    plain, other = Certificate(b64), Certificate(encode(b64), "signingCertificate")
    assert (other.same_as(plain), other == plain, other.sha1, other.b64) == (
        True, True, plain.sha1, b64)  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not a certificate",
        None,
        42,
        "MIIB" + "A" * 400,
        "@@@" + "A" * 300,
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
        "two",
        "key",
    ],
    ids=[
        "empty",
        "text",
        "none",
        "number",
        "base64-not-der",
        "not-base64",
        "cut-armour",
        "two-pem-blocks",
        "private-key-armour",
    ],
)
def test_not_a_certificate_is_unavailable_naming_the_field(value):
    """When a value holds no single certificate: DataUnavailable naming the field (the
    check ERRORs), never a certificate."""
    b64 = _active_b64()
    if value == "two":
        value = fed_trust.pem(b64) + fed_trust.pem(b64)
    elif value == "key":
        value = fed_trust.pem(b64).replace("CERTIFICATE", "PRIVATE KEY")
    with pytest.raises(DataUnavailable, match=r"^contoso\.com signingCertificate is not a cert"):
        Certificate(value, "contoso.com signingCertificate")


def test_cert_summary_of_nothing_and_of_pem():
    """cert_summary shows nothing for no value and the same summary for any encoding."""
    b64 = _active_b64()
    assert (cert_summary(None), cert_summary(fed_trust.pem(b64))) == ({}, cert_summary(b64))


def test_anonymizer_reissues_a_pem_certificate_as_the_same_key():
    """When Entra holds the certificate in PEM armour: the anonymizer re-issues it as it
    re-issues Okta's x5c (written as base64 DER), so the anonymized snapshot keeps FED-04's
    verdict."""
    doc = golden_doc()
    federation(doc, "contoso.com")["signingCertificate"] = fed_trust.pem(fed_trust._keys(doc)[0])
    out = Anonymizer("test-salt").snapshot(doc)
    app = out["okta"]["office365Apps"]["data"][0]
    kid = app["credentials"]["signing"]["kid"]
    keys = out["okta"]["appKeys"][app["id"]]["data"]
    new_active = next(k["x5c"][0] for k in keys if k["kid"] == kid)
    trusted = {
        f["data"][0]["signingCertificate"]
        for f in out["graph"]["federationConfiguration"].values()
        if f.get("data")
    }
    assert trusted == {new_active}


# --- the messages, from a run of the suite -------------------------------------------------------


def _messages(pytester, doc, patch=None):
    """testId -> (verdict, message) of one run of the suite on ``doc``."""
    files = write_tenant(pytester.path / "tenants", doc, patch)
    run = run_suite(pytester, files.dir, out="messages")
    [results] = run.outdir.glob("demo-*/results.json")
    return {
        r["testId"]: (r["verdict"], r["message"] or "")
        for r in json.loads(results.read_text())["results"]
    }


C = "[demo-contoso.com]"
F = "[demo-fabrikam.com]"


def test_messages_of_rollover_unset_mfa_dns_only_domain_undeclared_type(pytester):
    """When Okta signs with Entra's nextSigningCertificate (contoso.com), fabrikam.com's
    federatedIdpMfaBehavior is null, the custom domain is only VERIFIED and the tenant file
    declares no provisioning type: each verdict says why, in the words a reader needs."""
    doc = golden_doc()
    active, older = (Certificate(c) for c in fed_trust._keys(doc))
    fed_trust.rollover_in_progress(doc)
    federation(doc, "fabrikam.com")["federatedIdpMfaBehavior"] = None
    org.custom_domain_dns_verified_only(doc)
    got = _messages(pytester, doc, prov.provisioning_type_undeclared)
    wanted = {
        f"test_fed_04_certificate_is_oktas_active_key{C}": ("failed", [
            "rollover in progress", active.sha1, older.sha1]),
        f"test_fed_06_mfa_behavior_as_declared{F}": ("error", [
            "cannot tell; set federatedIdpMfaBehavior explicitly"]),
        "test_org_03_custom_domain_certificate_issued[demo]": ("failed", [
            "DNS verified, certificate not yet issued"]),
        "test_prov_03_provisioning_type_as_declared[demo]": ("skipped", [
            "not declared; observed 'PROFILE_SYNC'"]),
    }  # fmt: skip
    seen = {
        k: (got[k][0], [w for w in words if w in got[k][1]]) for k, (_, words) in wanted.items()
    }
    assert seen == wanted, {k: got[k] for k in wanted}


def test_messages_of_undeclared_mfa_and_a_certificate_that_is_none(pytester):
    """When the tenant file declares no mfa_behavior and fabrikam.com's signingCertificate
    is no certificate: FED-06 ERRORs asking to declare it, FED-04 and FED-05 ERROR naming the
    field."""
    doc = golden_doc()
    federation(doc, "fabrikam.com")["signingCertificate"] = "MIIC" + "Q" * 300
    got = _messages(pytester, doc, fed_trust.mfa_behavior_undeclared)
    field = "fabrikam.com signingCertificate is not a certificate"
    wanted = {
        f"test_fed_06_mfa_behavior_as_declared{C}": ("error", ["declare expect.mfa_behavior"]),
        f"test_fed_04_certificate_is_oktas_active_key{F}": ("error", [field]),
        f"test_fed_05_certificates_not_expiring{F}": ("error", [field]),
    }
    seen = {
        k: (got[k][0], [w for w in words if w in got[k][1]]) for k, (_, words) in wanted.items()
    }
    assert seen == wanted, {k: got[k] for k in wanted}
