"""Names become paths only through one rule, and outputs stay inside their folder.

Each source of a tenant name (``--tenant``, a snapshot's ``meta.tenant`` given to
``--from-snapshot`` or ``--baseline``, a tenant file's ``name:`` and its file name) is tried
with hostile values: ``../``, absolute paths, NUL, 300 characters, non-strings. Each run
happens in a folder of its own inside a "jail"; the jail's parent is listed before and after,
so a file written anywhere outside the reports folder is seen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okta_m365_audit.core import names, safe_files
from okta_m365_audit.snapshot import document as snap
from tests.conftest import SUITE, golden_doc, write_tenant

HOSTILE_NAMES = [
    "../escaped",
    "../../escaped",
    "/tmp/escaped-absolute",
    "a/../../escaped",
    "demo\x00.zip",
    "x" * 300,
    "Demo",
    "demo\n",
    "",
]
NOT_STRINGS = [["demo"], {"a": 1}, 42, None, True]


def listing(folder: Path) -> set[str]:
    """Every path under folder (links not followed), relative to it."""
    found = set()
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            found.add(str(Path(top, name).relative_to(folder)))
    return found


def audit(jail: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The suite in a process of its own, reports inside the jail."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(SUITE), "--reports-dir", str(jail / "reports"),
         "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q",
         *args],
        cwd=jail, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def jail(tmp_path: Path) -> Path:
    """tmp_path/outside/jail: a run may write inside jail/reports only; outside/ is watched."""
    folder = tmp_path / "outside" / "jail"
    folder.mkdir(parents=True)
    return folder


# --- the rule itself --------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_NAMES + NOT_STRINGS)
def test_the_rule_refuses_what_could_become_a_path(value: object) -> None:
    with pytest.raises(names.InvalidName) as caught:
        names.tenant_name(value, "--tenant")
    line = str(caught.value)
    assert line.startswith("--tenant: ") and "\n" not in line and len(line) < 250


@pytest.mark.parametrize("value", ["demo", "acme-corp", "a", "x" * 63, "tenant_01"])
def test_the_rule_keeps_ordinary_names(value: str) -> None:
    assert names.tenant_name(value, "--tenant") == value


@pytest.mark.parametrize("part", ["..", ".", "a/b", "", "a\x00b", "/etc"])
def test_output_paths_take_plain_names_only(tmp_path: Path, part: str) -> None:
    with pytest.raises(safe_files.OutputError):
        safe_files.inside(tmp_path, part)


def test_a_folder_planted_as_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "snapshots").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(safe_files.OutputError, match="outside"):
        safe_files.inside(tmp_path / "reports", "snapshots", "demo.snapshot.json")


def test_a_file_planted_as_a_link_is_replaced_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "reports").mkdir()
    planted = tmp_path / "reports" / "index.html"
    planted.symlink_to(target)
    safe_files.write_text(safe_files.inside(tmp_path / "reports", "index.html"), "page")
    assert target.read_text() == "keep me"
    assert not planted.is_symlink() and planted.read_text() == "page"


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("earlier")

    def pieces():
        yield "half"
        raise OSError(28, "No space left on device")

    with pytest.raises(safe_files.OutputError) as caught:
        safe_files.write_text(tmp_path / "old.json", pieces())
    assert (
        str(caught.value) == f"{tmp_path / 'old.json'}: cannot be written (No space left on device)"
    )
    assert (tmp_path / "old.json").read_text() == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json"]


# --- every source of a name, end to end -------------------------------------------------------


@pytest.mark.parametrize("name", ["../escaped", "/tmp/escaped-absolute", "x" * 300, "Demo"])
def test_tenant_option_is_a_usage_error(jail: Path, name: str) -> None:
    write_tenant(jail / "tenants", golden_doc())
    before = listing(jail.parent)
    run = audit(jail, "--tenants-dir", str(jail / "tenants"), "--tenant", name)
    assert run.returncode == 4, run.stdout[-2000:] + run.stderr[-2000:]
    assert "--tenant: " in run.stderr and "is not a valid tenant name" in run.stderr
    assert listing(jail.parent) == before  # not even a reports folder


@pytest.mark.parametrize(
    "meta_tenant", ["../../escaped", "/tmp/escaped-absolute", "demo\x00x", "x" * 300, ["demo"], 7]
)
@pytest.mark.parametrize("option", ["--from-snapshot", "--baseline"])
def test_snapshot_meta_tenant_is_checked(jail: Path, option: str, meta_tenant: object) -> None:
    files = write_tenant(jail / "tenants", golden_doc())
    doc = golden_doc()
    doc["meta"]["tenant"] = meta_tenant
    hostile = jail / "hostile.snapshot.json"
    hostile.write_text(json.dumps(doc), encoding="utf-8")
    before = listing(jail.parent) | {"jail/reports"}
    run = audit(jail, "--tenants-dir", str(files.dir), option, str(hostile))
    output = run.stdout + run.stderr
    if option == "--from-snapshot":  # a replay of a snapshot that names no tenant: refused
        assert run.returncode == 4, output[-3000:]
        assert "meta.tenant" in run.stderr
    else:  # a baseline that cannot be compared: said, and the audit goes on
        assert run.returncode == 0, output[-3000:]
        assert "not compared" in run.stdout and "meta.tenant" in run.stdout
    after = listing(jail.parent)
    outside = {p for p in after - before if not p.startswith("jail/reports")}
    assert not outside, f"written outside the reports folder: {outside}"
    assert not list(Path("/tmp").glob("escaped-absolute*"))


def test_a_rejected_tenant_files_name_never_labels_a_path(jail: Path) -> None:
    """name: ../../escaped is an error of that file, reported under its file name."""
    files = write_tenant(jail / "tenants", golden_doc(), name="acme")
    text = files.yaml.read_text().replace("name: acme", "name: ../../escaped")
    files.yaml.write_text(text)
    before = listing(jail.parent) | {"jail/reports"}
    run = audit(jail, "--tenants-dir", str(files.dir))
    assert run.returncode == 1, run.stdout[-3000:]
    assert "ERROR" in run.stdout and "[acme" in run.stdout
    bundles = sorted(p.name for p in (jail / "reports").glob("*.zip"))
    assert len(bundles) == 1 and bundles[0].startswith("acme-"), bundles
    outside = {p for p in listing(jail.parent) - before if not p.startswith("jail/reports")}
    assert not outside


def test_a_tenant_file_with_no_usable_name_is_a_usage_error(jail: Path) -> None:
    files = write_tenant(jail / "tenants", golden_doc(), name="acme")
    files.yaml.rename(files.dir / "Acme Corp.yaml")
    text = (files.dir / "Acme Corp.yaml").read_text().replace("name: acme", "name: ../x")
    (files.dir / "Acme Corp.yaml").write_text(text)
    run = audit(jail, "--tenants-dir", str(files.dir))
    assert run.returncode == 4, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Acme Corp.yaml" in run.stderr and "name" in run.stderr


def test_planted_links_in_the_reports_folder_are_not_followed(jail: Path) -> None:
    """reports/snapshots, reports/index.html and a predictable bundle folder planted as links
    to outside: the outside stays as it was; the run says why it could not write there."""
    files = write_tenant(jail / "tenants", golden_doc())
    outside_dir = jail.parent / "victim-folder"
    outside_dir.mkdir()
    victim = jail.parent / "victim.html"
    victim.write_text("victim")
    reports = jail / "reports"
    reports.mkdir()
    (reports / "index.html").symlink_to(victim)
    (reports / "snapshots").symlink_to(outside_dir)
    run = audit(jail, "--tenants-dir", str(files.dir))
    assert victim.read_text() == "victim"
    assert list(outside_dir.iterdir()) == []
    # the snapshot could not be kept as evidence: every check ERRORs, naming the path
    assert run.returncode == 1
    assert "outside" in run.stdout and "snapshots" in run.stdout
    assert not (reports / "index.html").is_symlink()


def test_a_snapshot_saved_to_the_default_folder_stays_inside(tmp_path: Path) -> None:
    saved = snap.save(golden_doc(), tmp_path / "reports" / "snapshots" / "demo.snapshot.json")
    assert saved.parent == tmp_path / "reports" / "snapshots"
