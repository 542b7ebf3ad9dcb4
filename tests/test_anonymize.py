"""The anonymizer (python -m okta_m365_audit.anonymize): a snapshot rewritten with consistent
pseudonyms keeps every shape and every verdict, and no original name, id or domain survives.

The verdict matrix runs every scenario of tests/scenarios, original and anonymized side by
side, in ONE in-process session (--from-snapshot, a tenant per scenario and side): start-up
is paid once, and both sides go through the same runner. The emulator test serves the
anonymized golden tenant with its anonymized tenant file, as a customer's snapshot would be
replayed, FED-09's home-realm probe included.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from okta_m365_audit.anonymize import Anonymizer, tenantfile
from okta_m365_audit.anonymize.__main__ import main
from okta_m365_audit.anonymize.certificates import jwk_thumbprint
from okta_m365_audit.anonymize.identities import TENANT_SUFFIXES, Identities
from okta_m365_audit.anonymize.pseudonyms import KEEP_WORDS
from okta_m365_audit.anonymize.rules import KEPT_GUIDS, PUBLIC_APP_NAMES
from okta_m365_audit.snapshot import document as snap

from .conftest import DEMO_YAML, GOLDEN, demo_yaml_data, golden_doc, golden_verdicts, run_suite
from .scenarios import all_scenarios

SALT = "test-salt"
SCENARIOS = all_scenarios()

# --- what counts as an original that must not survive (independent of rules.py) -------------

NAME_FIELDS = {"displayName", "firstName", "lastName", "givenName", "surname", "label",
               "companyName", "FederationBrandName", "asOrg", "isp", "principalDisplayName",
               "city", "street", "address1", "postalCode"}  # fmt: skip
DOMAIN_FIELDS = {"domain", "domains", "namingContext", "DomainName", "msftTenant", "subdomain"}
CERT_FIELDS = {"x5c", "signingCertificate", "nextSigningCertificate", "n", "kid", "x5t#S256"}
#: Microsoft's catalogue GUIDs, the same in every tenant: kept on purpose (README).
CATALOGUE_FIELDS = {"appRoleId", "skuId", "servicePlanId", "roleDefinitionId", "disabledPlans"}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
EMAIL = re.compile(r"[^@\s]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
OKTA_ID = re.compile(r"[A-Za-z0-9]{20}")
PUBLIC_URL = re.compile(r"https://([a-z0-9.-]+)[^\"\s]*")
TIMEZONE = re.compile(r"\b(?:Europe|America|Asia|Africa|Australia|Pacific)/[A-Za-z_]+")


def public(host: str) -> bool:
    """Microsoft's and Okta's own hosts (the README's keep-list), kept on purpose."""
    return Identities.public(host)


def only_kept_words(value: str) -> bool:
    words = re.findall(r"[^\W\d_]+", value)
    return all(w.lower() in KEEP_WORDS for w in words)


def originals(doc: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(exact needles, case-insensitive needles): every identifier, name, domain, address,
    GUID, IP and certificate string of ``doc`` that the anonymizer must replace."""
    exact: set[str] = set()
    folded: set[str] = set()

    def domain(host: str) -> None:
        host = host.lower().strip(".")
        if host and not public(host):
            folded.add(host)
            labels = host.split(".")
            tenant = [s for s in TENANT_SUFFIXES if host.endswith("." + s)]
            if tenant:  # the tenant's label: contoso-demo.okta.com, contosodemo.onmicrosoft.com
                label = host.removesuffix("." + tenant[0]).split(".")[-1].removesuffix("-admin")
                folded.add(label) if len(label) >= 5 else None
            elif len(labels) >= 2 and len(labels[-2]) >= 4 and labels[-2] != "example":
                folded.add(labels[-2])  # the registrable label: "contoso" ("example" is ours)

    def walk(value: Any, path: tuple[str, ...]) -> None:
        field = path[-1] if path else ""
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "label" and str(v).lower() == str(value.get("name")).lower():
                    continue  # an app labelled as its catalogue name (Jeli): public
                walk(v, (*path, str(k)))
            return
        if isinstance(value, list):
            for v in value:
                walk(v, path)
            return
        if (
            not isinstance(value, str)
            or value in ("", "default")
            or "graphServicePrincipal" in path
        ):
            return  # "default": the Okta org domain's id, a constant
        if field in CATALOGUE_FIELDS or value in KEPT_GUIDS:
            return
        if field in CERT_FIELDS:
            exact.add(value)
        if GUID.fullmatch(value):
            folded.add(value)
        elif m := EMAIL.fullmatch(value):
            if value != "system@okta.com":
                folded.update({value, urllib.parse.quote(value, safe="")})
            domain(m.group(1))
        elif IPV4.fullmatch(value) and not value.startswith("127."):
            exact.add(value)
        elif value.startswith("https://"):
            domain(urllib.parse.urlsplit(value).hostname or "")
        elif field in DOMAIN_FIELDS or (field == "id" and "domains" in path):
            for host in value.split(","):
                domain(host.strip()) if "." in host else folded.add(host.strip().lower())
        elif OKTA_ID.fullmatch(value) and field in ("id", "externalId", "immutableId", "brandId",
                                                     "realmId", "poolId"):  # fmt: skip
            exact.add(value)
        elif field in NAME_FIELDS or path[-2:] == ("profile", "name"):
            if not only_kept_words(value) and value not in PUBLIC_APP_NAMES:
                folded.add(value.lower())
        elif field in ("onPremisesImmutableId", "immutableId", "phoneNumber", "rawUserAgent"):
            exact.add(value)

    walk(doc, ())
    for api in snap.APIS:  # per-parent keys: app ids, domains, service principals, logins
        for name, entry in doc.get(api, {}).items():
            if snap.BY_NAME[(api, name)].per_parent:
                for key in entry:
                    walk(key, (api, name, "domain" if "." in key and "@" not in key else "id"))
    return exact, folded


def leaks(original: dict[str, Any], anonymized: Any) -> list[str]:
    """The needles of ``original`` found in ``anonymized`` (never shown in full)."""
    text = (
        json.dumps(anonymized, ensure_ascii=False)
        if not isinstance(anonymized, str)
        else anonymized
    )
    lower = TIMEZONE.sub("", text).lower()  # Europe/London is a kept enumeration, not a city
    lower = PUBLIC_URL.sub(lambda m: "" if public(m.group(1)) else m.group(0), lower)
    exact, folded = originals(original)
    folded = {n for n in folded if n not in KEEP_WORDS and n != "example"}  # ours, or generic
    found = [n for n in exact if n in text] + [
        n
        for n in folded
        if n.lower() in lower
        and re.search(rf"(?<![a-z0-9]){re.escape(n.lower())}(?![a-z0-9])", lower)
    ]
    return sorted(n[:60] for n in found)


def same_shape(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two documents differ in keys, types, nulls or list lengths."""
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} != {type(b).__name__}"]
    if isinstance(a, dict):
        if len(a) != len(b):  # keys may be renamed (per-parent reads): compared in order
            return [f"{where}: {len(a)} keys != {len(b)}"]
        return [p for (ka, va), vb in zip(a.items(), b.values(), strict=True)
                for p in same_shape(va, vb, f"{where}.{ka}")]  # fmt: skip
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items != {len(b)}"]
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True))
                for p in same_shape(x, y, f"{where}[{i}]")]  # fmt: skip
    return []


# --- the document itself ---------------------------------------------------------------------


def test_same_salt_same_output_and_every_shape_kept():
    """When anonymized twice with one salt: byte-identical; with another salt: different;
    every field keeps its type, null-versus-absent and list length; the result loads."""
    doc = golden_doc()
    first = Anonymizer(SALT).snapshot(doc)
    assert json.dumps(first) == json.dumps(Anonymizer(SALT).snapshot(golden_doc()))
    assert json.dumps(first) != json.dumps(Anonymizer("other").snapshot(doc))
    assert doc == golden_doc(), "the input document was changed"
    assert same_shape(doc, first) == []
    snap.validate(first, "anonymized")
    assert first["meta"]["tenant"] != doc["meta"]["tenant"]


def test_golden_leaves_no_original_behind():
    """When the golden tenant is anonymized: no name, id, domain, address, GUID, IP or
    certificate of it survives, in the snapshot or the tenant file."""
    doc = golden_doc()
    anon = Anonymizer(SALT)
    out = anon.snapshot(doc)
    assert originals(doc)[0] and len(originals(doc)[1]) > 100  # the search is not vacuous
    assert leaks(doc, out) == []
    data = demo_yaml_data()
    tenant, _ = tenantfile.anonymize(anon, data, "x.snapshot.json", "x")
    text = yaml.safe_dump(tenant)
    ids = (
        data["m365"]["tenant_id"],
        data["okta"]["auth"]["client_id"],
        data["m365"]["auth"]["client_id"],
    )
    needles = ["contoso", "fabrikam", "Contoso Demo Ltd", "contosodemo", "contoso-demo", *ids]
    assert [n for n in needles if n.lower() in text.lower()] == []


def test_waiver_items_are_mapped_as_the_expectations_they_name():
    """When waivers name a domain (any case), an excluded account and a resource: the
    domain and the account are mapped exactly as expect.* maps them (so the waiver still
    matches its item), the resource name identifies nobody and is kept."""
    data = demo_yaml_data()
    base = {"reason": "r", "approver": "a", "ticket": "T-1", "expires": "2099-01-01"}
    data["waivers"] = [
        base | {"check": "FED-06", "item": "Contoso.COM."},
        base | {"check": "ESS-03", "item": "breakglass1@contosodemo.onmicrosoft.com"},
        base | {"check": "ACCESS-02", "item": "office365Apps"},
    ]
    tenant, _ = tenantfile.anonymize(Anonymizer(SALT), data, "x.snapshot.json", "x")
    items = [w["item"] for w in tenant["waivers"]]
    assert items[0] == tenant["expect"]["domains_to_federate"][0]
    assert items[1] in tenant["expect"]["excluded_accounts"]
    assert items[2] == "office365Apps"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_leaves_no_original_behind(scenario):
    """When a verdict-matrix scenario is anonymized: nothing of it survives either."""
    doc = golden_doc()
    if scenario.mutate:
        scenario.mutate(doc)
    assert leaks(doc, Anonymizer(SALT).snapshot(doc)) == []


RECORDED = Path(__file__).resolve().parents[2] / "shared" / "reference" / "okta-recorded"
#: recorded family -> the snapshot resource whose read holds such a body
FAMILIES = {"users": "users", "groups": "groups", "apps-list": "office365Apps",
            "apps-single": "office365Apps", "domains": "domains", "agentPools": "agentPools",
            "org": "org", "apps-users": "appUsers", "apps-credentials-keys": "appKeys",
            "apps-features": "appFeatures", "apps-connections-default": "appConnection",
            "apps-groups": "appGroups", "brands": "org", "policies": "org"}  # fmt: skip


@pytest.mark.skipif(not RECORDED.is_dir(), reason="../shared/reference/okta-recorded is absent")
def test_recorded_okta_shapes_leave_no_original_behind():
    """When each body Okta's own projects recorded (../shared/reference/okta-recorded: real
    orgs, real shapes this suite never made up) is anonymized as the read of its resource:
    it is rewritten without error, keeps its shape, and none of its names, ids, domains,
    addresses or certificates survives."""
    found = {}
    for family, resource in FAMILIES.items():
        for path in sorted((RECORDED / family).glob("*.json")):
            body = json.loads(path.read_text())["body"]
            doc = snap.new_snapshot({"tenant": "t", "collectedAt": "2026-11-20T06:00:00Z",
                                     "suiteVersion": "0"})  # fmt: skip
            read = snap.make_read("GET /x", 200, ok=True, data=body)
            per = snap.BY_NAME[("okta", resource)].per_parent
            doc["okta"][resource] = {"0oaRECORDEDAPP000001": read} if per else read
            out = Anonymizer(SALT).snapshot(doc)
            assert same_shape(doc, out) == [], path.name
            if problems := leaks({"body": body}, out):
                found[f"{family}/{path.name}"] = problems
    assert found == {}


def test_certificates_reissued_alike():
    """When certificates are re-issued: the same validity, key type and size, and serial
    length; the same original is the same new certificate in Okta and in Entra; kid and
    x5t#S256 are recomputed from it."""
    doc = golden_doc()
    out = Anonymizer(SALT).snapshot(doc)
    app = doc["okta"]["office365Apps"]["data"][0]["id"]
    new_app = out["okta"]["office365Apps"]["data"][0]["id"]
    old_keys, new_keys = (
        doc["okta"]["appKeys"][app]["data"],
        out["okta"]["appKeys"][new_app]["data"],
    )
    for old, new in zip(old_keys, new_keys, strict=True):
        a = x509.load_der_x509_certificate(base64.b64decode(old["x5c"][0]))
        b = x509.load_der_x509_certificate(base64.b64decode(new["x5c"][0]))
        assert (b.not_valid_before_utc, b.not_valid_after_utc) == (
            a.not_valid_before_utc, a.not_valid_after_utc)  # fmt: skip
        assert b.public_key().key_size == a.public_key().key_size
        assert type(b.public_key()) is type(a.public_key())
        assert b.serial_number.bit_length() == a.serial_number.bit_length()
        assert b.subject != a.subject and b.fingerprint(hashes.SHA256()) != a.fingerprint(
            hashes.SHA256())  # fmt: skip
        assert new["kid"] == jwk_thumbprint(b.public_key())
        digest = base64.urlsafe_b64encode(b.fingerprint(hashes.SHA256())).rstrip(b"=").decode()
        assert new["x5t#S256"] == digest
    active = out["okta"]["office365Apps"]["data"][0]["credentials"]["signing"]["kid"]
    [active_key] = [k for k in out["okta"]["appKeys"][new_app]["data"] if k["kid"] == active]
    for read in out["graph"]["federationConfiguration"].values():
        for fed in read["data"] or []:
            assert fed["signingCertificate"] == active_key["x5c"][0]


def test_ca_issued_ec_certificate_reissued_with_its_names_mapped():
    """When a CA-issued EC certificate with alternative names is re-issued: same curve and
    validity, every name mapped (the SAN's domain as the same domain elsewhere), and the
    same output again."""
    import datetime as dt

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP384R1())
    ca = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso Root CA")])
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "login.contoso.com")])
    san = x509.SubjectAlternativeName(
        [x509.DNSName("login.contoso.com"), x509.RFC822Name("amelia.clarke@contoso.com")]
    )
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=90))
        .add_extension(san, critical=False).sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    anon = Anonymizer(SALT)
    new_b64 = anon.certs.reissue_b64(b64)
    assert new_b64 == Anonymizer(SALT).certs.reissue_b64(b64)
    new = x509.load_der_x509_certificate(base64.b64decode(new_b64))
    assert new.public_key().curve.name == "secp384r1"
    assert new.not_valid_after_utc == cert.not_valid_after_utc
    [dns] = new.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ).value.get_values_for_type(x509.DNSName)
    assert dns == anon.ids.domain("login.contoso.com") and "contoso" not in new_b64
    assert "contoso" not in new.subject.rfc4514_string() + new.issuer.rfc4514_string()


def test_relations_hold():
    """Joins the views make survive: UPN = login = userName, externalId = Entra id,
    immutableId = Entra's, msftTenant = the initial domain's prefix, the custom domain under
    its federated domain, the WS-Fed key in every URI and the issuer."""
    out = Anonymizer(SALT).snapshot(golden_doc())
    app = out["okta"]["office365Apps"]["data"][0]
    entra = {u["id"]: u for u in out["graph"]["users"]["data"]}
    logins = {u["profile"]["login"].lower() for u in out["okta"]["users"]["data"]}
    joined = 0
    for a in out["okta"]["appUsers"][app["id"]]["data"]:
        user = entra.get(a["externalId"])
        if user:
            joined += 1
            assert a["credentials"]["userName"].lower() == user["userPrincipalName"].lower()
            assert a["profile"]["immutableId"] == user["onPremisesImmutableId"]
            assert user["userPrincipalName"].lower() in logins
    assert joined > 20
    [initial] = [d["name"] for d in out["graph"]["organization"]["data"][0]["verifiedDomains"]
                 if d["isInitial"]]  # fmt: skip
    assert initial == app["settings"]["app"]["msftTenant"] + ".onmicrosoft.com"
    [custom] = [
        d["domain"] for d in out["okta"]["domains"]["data"]["domains"] if d["id"] != "default"
    ]
    fed = out["graph"]["federationConfiguration"][app["settings"]["app"]["domain"]]["data"][0]
    assert custom.endswith("." + app["settings"]["app"]["domain"])
    key = fed["passiveSignInUri"].split("/")[5]
    assert fed["passiveSignInUri"] == f"https://{custom}/app/office365/{key}/sso/wsfed/passive"
    assert fed["issuerUri"] == f"{app['settings']['app']['domain']}:{key}" and key.startswith("exk")
    org = out["okta"]["org"]["data"]
    assert out["meta"]["okta"]["orgUrl"] == f"https://{org['subdomain']}.okta.com"


# --- the command line ------------------------------------------------------------------------


def test_cli_writes_snapshot_and_tenant_file(tmp_path, capsys):
    """When run on the golden snapshot and the demo tenant file: both are written, the
    tenant file names the snapshot and keys beside it, and no original is printed."""
    out = tmp_path / "anon" / "x.snapshot.json"
    out.parent.mkdir()
    assert main([str(GOLDEN), "-o", str(out), "--tenant-file", str(DEMO_YAML), "--salt", "s"]) == 0
    printed = capsys.readouterr()
    assert "contoso" not in (printed.out + printed.err).lower()
    doc = snap.load(out)
    [tenant_file] = out.parent.glob("*.yaml")
    assert tenant_file.stem == doc["meta"]["tenant"]
    data = yaml.safe_load(tenant_file.read_text())
    assert data["emulator"]["snapshot"] == "x.snapshot.json"
    assert (out.parent / data["okta"]["auth"]["private_key_file"]).is_file()
    assert (out.parent / data["m365"]["auth"]["certificate_file"]).is_file()


@pytest.mark.parametrize(
    "content, field",
    [
        (None, "No such file"),
        ("{not json", "not valid JSON"),
        ("BAD_TENANT", "meta.tenant"),
        ("BAD_SECTION", "graph"),
    ],
)
def test_cli_bad_input_is_one_line_without_values(tmp_path, capsys, content, field):
    """When the snapshot cannot be read: exit 2, one line naming the file and the field,
    and no value of the file in it."""
    bad = tmp_path / "bad.snapshot.json"
    if content in ("BAD_TENANT", "BAD_SECTION"):
        doc = golden_doc()
        if content == "BAD_TENANT":
            doc["meta"]["tenant"] = "Contoso Secret Prod"
        else:
            doc["graph"] = ["contoso.com"]
        bad.write_text(json.dumps(doc))
    elif content is not None:
        bad.write_text(content)
    assert main([str(bad), "-o", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert str(bad) in err and "contoso" not in err.lower()
    assert field.lower() in err.lower() or content is None


def test_cli_in_another_process_gives_the_same_bytes(tmp_path):
    """When the command runs as ``python -m`` with the same salt: byte-identical output
    (keys are derived from the salt, not drawn from the OS)."""
    import subprocess
    import sys

    here, there = tmp_path / "here.json", tmp_path / "there.json"
    assert main([str(GOLDEN), "-o", str(here), "--salt", SALT]) == 0
    done = subprocess.run(
        [sys.executable, "-m", "okta_m365_audit.anonymize", str(GOLDEN), "-o", str(there),
         "--salt", SALT],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert here.read_bytes() == there.read_bytes()


def test_cli_refuses_to_overwrite_its_input(tmp_path):
    copy_of = tmp_path / "g.json"
    copy_of.write_text(GOLDEN.read_text())
    assert main([str(copy_of), "-o", str(copy_of)]) == 2


# --- verdicts --------------------------------------------------------------------------------


def _split(test_id: str, tenant: str) -> tuple[str, str] | None:
    """(test function, parameter after the tenant) of a test id of ``tenant``, or None."""
    m = re.fullmatch(r"(.+?)\[(.+)\]", test_id)
    if not m or not (m.group(2) == tenant or m.group(2).startswith(tenant + "-")):
        return None
    return m.group(1), m.group(2)[len(tenant) + 1 :]


def _mapped_param(anon: Anonymizer, param: str) -> str:
    if "@" in param:
        return anon.ids.email(param)
    return anon.ids.domain(param) if "." in param else param


def compare(verdicts: dict[str, str], name: str, anon_name: str, anon: Anonymizer) -> dict:
    """Verdicts of the original (ids mapped) against the anonymized tenant's: differences."""
    want, got = {}, {}
    for test_id, verdict in verdicts.items():
        if (orig := _split(test_id, name)) is not None:
            want[(orig[0], _mapped_param(anon, orig[1]))] = verdict
        elif (mine := _split(test_id, anon_name)) is not None:
            got[mine] = verdict
    assert want, f"no verdicts for {name}"
    return {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}


def test_every_scenario_keeps_its_verdicts(pytester):
    """When every verdict-matrix scenario (and the golden tenant) is anonymized: each check
    gives the same verdict on the anonymized snapshot as on the original, run side by side
    with --from-snapshot in one session (scenario arguments such as --offline do not apply
    to a replay)."""
    folder = pytester.path / "matrix"
    folder.mkdir()
    files, pairs = [], []
    for i, scenario in enumerate([None, *SCENARIOS]):
        doc, data = golden_doc(), demo_yaml_data()
        if scenario and scenario.mutate:
            scenario.mutate(doc)
        if scenario and scenario.patch:
            scenario.patch(data)
        name = f"s{i:02d}"
        doc["meta"]["tenant"] = data["name"] = name
        original = snap.save(doc, folder / f"{name}.snapshot.json")
        data["emulator"] = {"snapshot": original.name}
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        anon = Anonymizer(SALT, tenantfile.service_patterns(data))
        out = anon.snapshot(doc)
        anon_name = out["meta"]["tenant"]
        anon_file = snap.save(out, folder / f"{anon_name}.snapshot.json")
        tenant, keys = tenantfile.anonymize(anon, data, anon_file.name, anon_name)
        tenantfile.write(folder / f"{anon_name}.yaml", tenant, keys)
        files += [original, anon_file]
        pairs.append((scenario.name if scenario else "golden", name, anon_name, anon))
    args = [a for f in files for a in ("--from-snapshot", str(f))]
    run = run_suite(pytester, folder, *args, "-q", "--tb=no")
    differences = {label: d for label, name, anon_name, anon in pairs
                   if (d := compare(run.verdicts, name, anon_name, anon))}  # fmt: skip
    assert differences == {}
    failed = sum(v == "failed" for v in run.verdicts.values())
    assert failed > len(SCENARIOS), "the scenarios' failures did not show: the run proves nothing"


def test_emulator_serves_the_anonymized_golden(pytester, tmp_path):
    """When the anonymized golden snapshot and tenant file are run through the emulator
    (the real SDKs, FED-09's home-realm probe included): the golden verdicts, mapped."""
    folder = pytester.path / "anon-tenants"
    folder.mkdir()
    out = folder / "golden.anon.snapshot.json"
    assert main([str(GOLDEN), "-o", str(out), "--tenant-file", str(DEMO_YAML), "--salt", SALT]) == 0
    anon = Anonymizer(SALT)
    anon.snapshot(golden_doc())  # the same tables, to map the test ids
    anon_name = snap.load(out)["meta"]["tenant"]
    run = run_suite(pytester, folder)
    baseline = golden_verdicts(pytester)
    assert compare({**baseline, **run.verdicts}, "demo", anon_name, anon) == {}
    assert any(k.startswith("test_fed_09_") and v == "passed" for k, v in run.verdicts.items())
