"""The CI examples in examples/ci/ cannot run here (they need GitHub / Azure DevOps and real
tenants), so this checks what can be checked: each is well-formed YAML with the structure
the README promises (a nightly schedule, a matrix of tenant shards each running the suite,
reports uploaded even when checks failed, JUnit XML published, and a fleet page built from
every shard's results after the audit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "ci"
GITHUB = EXAMPLES / "github-actions-nightly.yml"
AZURE = EXAMPLES / "azure-devops-pipeline.yml"
FLEET = "python -m okta_m365_audit.fleet"


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path}: not a YAML mapping"
    return doc


@pytest.mark.parametrize("path", [GITHUB, AZURE], ids=lambda p: p.name)
def test_example_is_yaml_and_commented(path: Path) -> None:
    load(path)
    text = path.read_text(encoding="utf-8")
    assert "\t" not in text, f"{path.name}: YAML must be indented with spaces"
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 30, f"{path.name}: explain the example in comments"


# --- GitHub Actions ------------------------------------------------------------------------


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(f"{action}@")]


def test_github_workflow_runs_nightly() -> None:
    doc = load(GITHUB)
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert isinstance(on, dict), "no `on:` triggers"
    crons = [entry["cron"] for entry in on["schedule"]]
    assert crons and all(len(c.split()) == 5 for c in crons), crons
    assert doc["permissions"] == {"contents": "read"}


def test_github_audit_job_is_a_matrix_of_tenant_shards() -> None:
    job = load(GITHUB)["jobs"]["audit"]
    strategy = job["strategy"]
    assert strategy["fail-fast"] is False, "one failing shard must not cancel the others"
    shards = strategy["matrix"]["include"]
    assert len(shards) >= 2
    for shard in shards:
        assert shard["shard"] and "--tenant " in shard["tenants"], shard
    run = next(s["run"] for s in job["steps"] if "tests_integration" in str(s.get("run", "")))
    assert "pytest tests_integration ${{ matrix.tenants }}" in run
    assert '--reports-dir "reports/${{ matrix.shard }}"' in run


def test_github_secrets_reach_files_and_environment_only() -> None:
    job = load(GITHUB)["jobs"]["audit"]
    writer = next(s for s in job["steps"] if "/run/secrets" in str(s.get("run", "")))
    assert all("${{ secrets." in v for v in writer["env"].values())
    assert "umask 077" in writer["run"]
    assert any("${{ secrets." in str(v) for v in job["env"].values())
    for step in job["steps"]:  # a secret is never expanded into a command line
        assert "secrets." not in str(step.get("run", "")), step.get("name")


def test_github_reports_are_uploaded_even_on_failure() -> None:
    job = load(GITHUB)["jobs"]["audit"]
    (upload,) = steps_using(job, "actions/upload-artifact")
    assert upload["if"] == "always()"
    assert upload["with"]["path"].rstrip("/") == "reports/${{ matrix.shard }}"
    assert upload["with"]["name"] == "audit-${{ matrix.shard }}"


def test_github_fleet_job_follows_the_audit() -> None:
    jobs = load(GITHUB)["jobs"]
    fleet = jobs["fleet"]
    needs = fleet["needs"]
    assert "audit" in ([needs] if isinstance(needs, str) else needs)
    assert fleet["if"] == "always()", "the fleet page is built when shards failed too"
    (download,) = steps_using(fleet, "actions/download-artifact")
    assert download["with"]["pattern"] == "audit-*"
    assert download["with"]["path"].rstrip("/") == "artifacts"
    runs = [str(s.get("run", "")) for s in fleet["steps"]]
    assert f"{FLEET} artifacts/ -o fleet/index.html" in runs
    (upload,) = steps_using(fleet, "actions/upload-artifact")
    assert "fleet/" in upload["with"]["path"]


# --- Azure Pipelines -----------------------------------------------------------------------


def tasks(steps: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [s for s in steps if str(s.get("task", "")).split("@")[0] == name]


def azure_stage(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in doc["stages"] if s["stage"] == name)


def test_azure_pipeline_runs_nightly_only() -> None:
    doc = load(AZURE)
    assert doc["trigger"] == "none" and doc["pr"] == "none"
    (schedule,) = doc["schedules"]
    assert len(schedule["cron"].split()) == 5
    assert schedule["branches"]["include"] == ["main"]
    assert {"group": "tenant-audit-secrets"} in doc["variables"]


def test_azure_audit_job_is_a_matrix_of_tenant_shards() -> None:
    (job,) = azure_stage(load(AZURE), "audit")["jobs"]
    matrix = job["strategy"]["matrix"]
    assert len(matrix) >= 2
    for entry in matrix.values():
        assert entry["shard"] and "--tenant " in entry["tenants"], entry
    steps = job["steps"]
    assert len(tasks(steps, "DownloadSecureFile")) >= 1
    run = next(s for s in steps if "tests_integration" in str(s.get("script", "")))
    assert "pytest tests_integration $(tenants)" in run["script"]
    assert '--reports-dir "reports/$(shard)"' in run["script"]
    # secret variables reach the script only through an explicit env mapping
    assert run["env"]["GLOBEX_GRAPH_CLIENT_SECRET"] == "$(GLOBEX_GRAPH_CLIENT_SECRET)"


def test_azure_publishes_junit_and_reports_even_on_failure() -> None:
    (job,) = azure_stage(load(AZURE), "audit")["jobs"]
    (junit,) = tasks(job["steps"], "PublishTestResults")
    assert junit["condition"] in ("always()", "succeededOrFailed()")
    assert junit["inputs"]["testResultsFormat"] == "JUnit"
    assert junit["inputs"]["testResultsFiles"].startswith("reports/**/")
    assert junit["inputs"]["testResultsFiles"].endswith("junit.xml")
    (artifact,) = tasks(job["steps"], "PublishPipelineArtifact")
    assert artifact["condition"] == "always()"
    assert artifact["inputs"]["targetPath"] == "reports/$(shard)"
    assert artifact["inputs"]["artifact"] == "audit-$(shard)"


def test_azure_fleet_stage_follows_the_audit() -> None:
    fleet = azure_stage(load(AZURE), "fleet")
    assert fleet["dependsOn"] == "audit" and fleet["condition"] == "always()"
    (job,) = fleet["jobs"]
    (download,) = tasks(job["steps"], "DownloadPipelineArtifact")
    assert download["inputs"]["itemPattern"] == "audit-*/**"
    scripts = [str(s.get("script", "")) for s in job["steps"]]
    assert any(s.startswith(f"{FLEET} ") and "-o fleet/index.html" in s for s in scripts)
    (publish,) = tasks(job["steps"], "PublishPipelineArtifact")
    assert publish["inputs"]["targetPath"] == "fleet"
