"""What a run leaves behind: results JSON (valid against its schema), the evidence bundle
(manifest hashes, zip), reproduction from the bundle's snapshot, and no secret anywhere."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from okta_m365_audit.core.safe_files import OutputError
from okta_m365_audit.outputs.results import results_json_schema, verify_manifest, write_bundle

from .conftest import run_suite, write_tenant
from .scenarios.fed import foreign_certificate

SECRET_TOKEN = "00ssws-SECRET-token-value-4d7e1c9a"
SECRET_GRAPH = "graph~SECRET~client~secret~9f31b2"


def _bundle(outdir: Path) -> Path:
    [folder] = [p for p in outdir.iterdir() if p.is_dir() and p.name.startswith("demo-")]
    return folder


def test_results_file_validates_and_tells_the_verdicts(pytester, golden):
    """When a tenant with a foreign certificate is audited: its results file validates
    against the shipped schema and says FED-04 failed, phase 5 failed, worst critical."""
    foreign_certificate(golden)
    files = write_tenant(pytester.path / "tenants", golden)
    run = run_suite(pytester, files.dir, "--reports-dir", str(pytester.path / "reports"))
    doc = json.loads((_bundle(pytester.path / "reports") / "results.json").read_text())
    Draft202012Validator(results_json_schema()).validate(doc)
    failed = {r["testId"] for r in doc["results"] if r["verdict"] == "failed"}
    assert failed == {"test_fed_04_certificate_is_oktas_active_key[demo-contoso.com]"}
    assert doc["summary"]["phases"]["5"] == "failed"
    assert doc["summary"]["worstFailing"] == "critical"
    fed04 = next(r for r in doc["results"] if r["testId"] in failed)
    assert "is not the Office 365 app's active key" in fed04["message"]
    assert fed04["evidence"]["observed"]
    assert len(doc["results"]) == len(run.verdicts)


def test_bundle_manifest_hashes_every_file_and_detects_tampering(pytester, golden):
    """The bundle's manifest holds each file's SHA-256; the zip holds the same files."""
    files = write_tenant(pytester.path / "tenants", golden)
    run_suite(pytester, files.dir, "--reports-dir", str(pytester.path / "reports"))
    folder = _bundle(pytester.path / "reports")
    names = {p.name for p in folder.iterdir()}
    assert names >= {"report.html", "results.json", "snapshot.json", "junit.xml", "manifest.json"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert verify_manifest(folder) == []
    with zipfile.ZipFile(folder.with_suffix(".zip")) as zf:
        assert {Path(n).name for n in zf.namelist()} == names
    (folder / "results.json").write_text("{}")
    assert verify_manifest(folder) == ["results.json"]


def _verdicts(folder: Path) -> dict[str, str]:
    doc = json.loads((folder / "results.json").read_text())
    return {r["testId"]: r["verdict"] for r in doc["results"]}


def test_bundle_alone_reproduces_every_verdict(pytester, golden):
    """When a failing tenant with a waived finding is audited, then its bundle replayed
    with --from-snapshot and no tenant file at all: the replay takes the expectations from
    the bundle's tenant.yaml and reproduces every verdict, FED-09 from its stored home-realm
    answers included (judged, not skipped). A tenant file changed since (a different MFA
    behaviour declared) does not change the replay: the bundle's expectations are used."""
    from .scenarios.across import mfa_enforced

    foreign_certificate(golden)
    mfa_enforced(golden)
    waiver = {"check": "FED-06", "item": "contoso.com", "reason": "r", "approver": "a",
              "ticket": "T-1", "expires": "2099-01-01"}  # fmt: skip
    files = write_tenant(pytester.path / "tenants", golden, lambda d: d.update(waivers=[waiver]))
    first = run_suite(pytester, files.dir, "--reports-dir", str(pytester.path / "first"))
    bundle = _bundle(pytester.path / "first")
    original = _verdicts(bundle)
    assert original == {k.split("::")[-1]: v for k, v in first.verdicts.items()}
    assert original["test_fed_06_mfa_behavior_as_declared[demo-contoso.com]"] == "waived"
    fed09 = {k: v for k, v in original.items() if k.startswith("test_fed_09_")}
    assert len(fed09) == 5 and set(fed09.values()) == {"passed"}

    empty = pytester.path / "no-tenants"
    empty.mkdir()
    again = run_suite(
        pytester, empty, "--from-snapshot", str(bundle / "snapshot.json"),
        "--reports-dir", str(pytester.path / "second"), out="second-out",
    )  # fmt: skip
    assert _verdicts(_bundle(pytester.path / "second")) == original
    assert again.ret == 1

    changed = write_tenant(pytester.path / "changed", golden, lambda d: d["expect"].update(
        mfa_behavior="enforceMfaByFederatedIdp"))  # fmt: skip
    run_suite(
        pytester, changed.dir, "--from-snapshot", str(bundle / "snapshot.json"),
        "--reports-dir", str(pytester.path / "third"), out="third-out",
    )  # fmt: skip
    assert _verdicts(_bundle(pytester.path / "third")) == original


def test_no_runner_path_in_any_bundle_file(pytester, golden):
    """When the tenant file names its key, certificate and snapshot by absolute paths (in the
    checkout and the temp folder): no bundle file, in the folder or the zip, names the temp
    folder, the checkout or the home folder; the snapshot is named relative to the bundle."""
    foreign_certificate(golden)  # a failure: messages and evidence are written too
    files = write_tenant(pytester.path / "tenants", golden)
    out = pytester.path / "reports"
    run_suite(pytester, files.dir, "--reports-dir", str(out))
    folder = _bundle(out)
    texts = {p.name: p.read_text("utf-8", "replace") for p in folder.iterdir()}
    with zipfile.ZipFile(folder.with_suffix(".zip")) as zf:
        texts |= {f"zip:{n}": zf.read(n).decode("utf-8", "replace") for n in zf.namelist()}
    assert "tenant.yaml" in texts and "zip:" + folder.name + "/tenant.yaml" in texts
    root = Path(__file__).resolve().parent.parent
    runner_paths = {str(pytester.path), str(root), str(Path.home()) + "/", "/tmp/"}
    for name, text in texts.items():
        found = [p for p in runner_paths if p in text]
        assert not found, f"{name} names {found}"
    doc = json.loads(texts["results.json"])
    assert doc["snapshot"]["file"] == "snapshot.json"
    assert "<td>snapshot.json (sha256 " in texts["report.html"]
    tenant = yaml.safe_load(texts["tenant.yaml"])
    assert tenant["okta"]["auth"]["private_key_file"] == "okta-service-app.pem"


def test_no_secret_in_any_output(pytester, golden, monkeypatch):
    """When the run uses an API token and a client secret: neither value, nor the private
    key material, appears in any file the run wrote (zips included) or in its output."""
    monkeypatch.setenv("DEMO_OKTA_TOKEN", SECRET_TOKEN)
    monkeypatch.setenv("DEMO_GRAPH_SECRET", SECRET_GRAPH)

    def secrets(data):
        data["okta"]["auth"] = {"method": "api_token", "token_env": "DEMO_OKTA_TOKEN"}
        data["m365"]["auth"] = {"method": "client_secret", "client_id": data["m365"]["auth"][
            "client_id"], "client_secret_env": "DEMO_GRAPH_SECRET"}  # fmt: skip

    foreign_certificate(golden)  # a failure, so messages and tracebacks are written too
    files = write_tenant(pytester.path / "tenants", golden, secrets)
    out = pytester.path / "reports"
    result = pytester.runpytest_inprocess(
        str(Path(__file__).resolve().parent.parent / "tests_integration"),
        "--tenants-dir", str(files.dir), "--reports-dir", str(out), "-p", "no:randomly",
        "-rA", "--log-level=DEBUG",
    )  # fmt: skip
    assert result.ret == 1
    outputs = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".zip" for p in outputs)
    texts = ["\n".join(result.outlines), "\n".join(result.errlines)]
    for p in outputs:
        if p.suffix == ".zip":
            with zipfile.ZipFile(p) as zf:
                texts += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
        else:
            texts.append(p.read_text("utf-8", "replace"))
    for secret in (SECRET_TOKEN, SECRET_GRAPH):
        assert not [t for t in texts if secret in t], f"{secret} leaked"
    # the bundle holds the tenant file used: the secrets' references, never their values
    [tenant_copy] = [p for p in outputs if p.name == "tenant.yaml"]
    auth = yaml.safe_load(tenant_copy.read_text())
    assert auth["okta"]["auth"] == {"method": "api_token", "token_env": "DEMO_OKTA_TOKEN"}
    assert auth["m365"]["auth"]["client_secret_env"] == "DEMO_GRAPH_SECRET"


def test_baseline_reports_what_changed_and_who(pytester, golden):
    """When run with --baseline on the handover snapshot: the drift (connection DISABLED by
    an admin) is in the results, the bundle's drift.json and the report."""
    from okta_m365_audit.snapshot import document as snap

    from .conftest import GOLDEN
    from .scenarios.cred import connection_disabled
    from .scenarios.helpers import add_log_event, app_id

    connection_disabled(golden)
    golden["meta"]["collectedAt"] = "2026-11-21T06:00:00.000Z"  # a day after the handover
    add_log_event(
        golden, "application.lifecycle.update", -20, "SUCCESS",  # 20 h after the handover
        actor={"id": "00uadmin", "type": "User", "alternateId": "ops.admin@contoso.com",
               "displayName": "Ops Admin", "detailEntry": None},
        target=[{"id": app_id(golden), "type": "AppInstance", "alternateId": "Microsoft Office 365",
                 "displayName": "Microsoft Office 365", "detailEntry": None}],
    )  # fmt: skip
    files = write_tenant(pytester.path / "tenants", golden)
    run_suite(pytester, files.dir, "--baseline", str(GOLDEN),
              "--reports-dir", str(pytester.path / "reports"))  # fmt: skip
    bundle = _bundle(pytester.path / "reports")
    doc = json.loads((bundle / "results.json").read_text())
    changes = doc["drift"]["changes"]
    conn = [c for c in changes if c["resource"] == "appConnection"]
    assert conn and conn[0]["kind"] == "changed"
    assert any(f["path"] == "status" and f["new"] == "DISABLED" for f in conn[0]["fields"])
    assert any("ops.admin@contoso.com" in json.dumps(w) for w in conn[0]["who"])
    assert json.loads((bundle / "drift.json").read_text())["summary"]["changed"] >= 1
    assert "DISABLED" in (bundle / "report.html").read_text()
    assert snap.load(GOLDEN)  # the baseline file itself is untouched and still valid


# --- write_bundle: contained, atomic, never through a planted symlink ----------------------


def _listing(folder: Path) -> list[str]:
    """Every entry under folder, not following symlinks."""
    return sorted(
        str(Path(d, n).relative_to(folder)) for d, ds, fs in os.walk(folder) for n in ds + fs
    )


def test_write_bundle_writes_folder_manifest_and_zip(tmp_path):
    """A bundle: its files, a manifest of exactly those files (not a leftover of an earlier
    run in the same folder, not a temporary file), and the zip named after the folder."""
    reports = tmp_path / "reports"
    source = tmp_path / "snap.json"
    source.write_text('{"meta": {}}')
    (reports / "acme-20270101-023000").mkdir(parents=True)
    (reports / "acme-20270101-023000" / "stale.txt").write_text("from an earlier run")
    files = {"results.json": "{}\n", "junit.xml": b"<testsuite/>", "snapshot.json": source}
    zip_path = write_bundle(reports, "acme-20270101-023000", files)
    assert zip_path == (reports / "acme-20270101-023000.zip").resolve()
    folder = reports / "acme-20270101-023000"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == set(files)
    assert manifest["files"]["junit.xml"]["bytes"] == len(b"<testsuite/>")
    assert verify_manifest(folder) == []
    with zipfile.ZipFile(zip_path) as zf:
        assert sorted(zf.namelist()) == sorted(
            f"acme-20270101-023000/{n}" for n in [*files, "manifest.json"]
        )
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    "name",
    ["../acme-1", "/tmp/acme-1", "acme/../../x", "acme-1.zip", "a\x00b", "a" * 300, "", "Acme", 7],
)
def test_write_bundle_refuses_names_that_are_not_bundle_names(tmp_path, name):
    """When the bundle name climbs out, is absolute, has a dot, NUL, 300 characters or is
    not a string: OutputError, and nothing is written anywhere (the parent folder listed
    before and after)."""
    reports = tmp_path / "reports"
    reports.mkdir()
    before = _listing(tmp_path)
    with pytest.raises(OutputError) as caught:
        write_bundle(reports, name, {"results.json": "{}"})
    assert "\n" not in str(caught.value)
    assert _listing(tmp_path) == before
    with pytest.raises(OutputError):  # and a file name that is a path
        write_bundle(reports, "acme-1", {"../results.json": "{}"})
    assert not (tmp_path / "results.json").exists()


def test_write_bundle_never_writes_through_a_planted_symlink(tmp_path):
    """When reports/<bundle> is a symlink to a folder outside, or reports/<bundle>.zip a
    symlink to a file outside: the folder is refused with OutputError (nothing written
    outside), and the zip link is replaced, its target untouched."""
    reports = tmp_path / "reports"
    reports.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("precious")
    (reports / "acme-1").symlink_to(outside, target_is_directory=True)
    before = _listing(outside)
    with pytest.raises(OutputError) as caught:
        write_bundle(reports, "acme-1", {"results.json": "{}"})
    assert "acme-1" in str(caught.value) and "\n" not in str(caught.value)
    assert _listing(outside) == before and (outside / "keep.txt").read_text() == "precious"
    assert not (reports / "acme-1.zip").exists()

    victim = outside / "customer.zip"
    victim.write_bytes(b"not ours")
    (reports / "globex-1.zip").symlink_to(victim)
    write_bundle(reports, "globex-1", {"results.json": "{}"})
    assert victim.read_bytes() == b"not ours"
    assert not (reports / "globex-1.zip").is_symlink()
    assert zipfile.is_zipfile(reports / "globex-1.zip")
    assert _listing(outside) == sorted([*before, "customer.zip"])


def test_write_bundle_that_fails_raises_one_line_and_leaves_no_partial_file(tmp_path):
    """When a source file cannot be read: OutputError naming it; no manifest or zip is
    written, so nothing hashes a half-written file."""
    reports = tmp_path / "reports"
    with pytest.raises(OutputError) as caught:
        write_bundle(reports, "acme-1", {"snapshot.json": tmp_path / "missing.json"})
    assert "missing.json" in str(caught.value) and "\n" not in str(caught.value)
    assert not (reports / "acme-1" / "manifest.json").exists()
    assert not (reports / "acme-1.zip").exists()
    assert not [p for p in (reports / "acme-1").iterdir()]


def test_a_config_error_in_the_bundle_names_the_file_not_its_folder(pytester, golden):
    """When the tenant file cannot be loaded: the bundle's results and report say which file
    and field, by the file's name, without the runner's folder."""
    files = write_tenant(pytester.path / "tenants", golden, lambda d: d.update(waivers=[
        {"check": "FED-06", "item": 42, "reason": "r", "approver": "a", "ticket": "T",
         "expires": "2099-01-01"}]))  # fmt: skip
    out = pytester.path / "reports"
    run_suite(pytester, files.dir, "--reports-dir", str(out))
    folder = _bundle(out)
    doc = json.loads((folder / "results.json").read_text())
    assert doc["configError"].startswith("demo.yaml:")
    assert "waivers.0.item" in doc["configError"]
    for p in folder.iterdir():
        assert str(pytester.path) not in p.read_text("utf-8", "replace"), p.name


def test_ad_agents_last_connection_is_shown_as_a_time(pytester, golden):
    """Okta gives an agent's lastConnection in Unix milliseconds (spec ``Agent``); the
    evidence of ORG-01 and ORG-09 shows it as a UTC time a reader can take in, and a value
    that is not a number as it came."""
    [pool] = golden["okta"]["agentPools"]["data"]
    first, second = pool["agents"][:2]
    first["lastConnection"] = 1795154362000
    second["lastConnection"] = "yesterday"
    files = write_tenant(pytester.path / "tenants", golden)
    run_suite(pytester, files.dir, "-k", "org_01_ad_agent or org_09", "--reports-dir",
              str(pytester.path / "reports"))  # fmt: skip
    doc = json.loads((_bundle(pytester.path / "reports") / "results.json").read_text())
    shown = {
        r["check"]: {a["agent"]: a["lastConnection"] for a in r["evidence"]["observed"]["agents"]}
        for r in doc["results"]
        if r["check"] in ("ORG-01", "ORG-09")
    }
    assert set(shown) == {"ORG-01", "ORG-09"}
    for agents in shown.values():
        assert agents[first["name"]] == "2026-11-20T05:59:22Z"  # date -u -d @1795154362
        assert agents[second["name"]] == "yesterday"
