"""The container image: built from the wheel on the official slim Python image.

Where a container engine runs, the image is built from this checkout and its command run
(``--version``, and ``init``/``validate`` in a mounted folder). Where none runs (this
project's CI machines have the docker client but no engine), those tests skip saying so,
and the Containerfile's promises are checked as text: the base image, the wheel (not the
checkout) installed, a non-root user, the command as entry point, and a build context that
can never carry a customer's tenant file, key or report.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from okta_m365_audit import __version__
from tests.conftest import ROOT

CONTAINERFILE = ROOT / "Containerfile"
IGNORE = ROOT / ".dockerignore"


@functools.cache
def engine() -> tuple[str | None, str]:
    """The first container engine that answers (docker, podman), or why none does."""
    reasons = []
    for name in ("docker", "podman"):
        exe = shutil.which(name)
        if exe is None:
            reasons.append(f"{name}: not installed")
            continue
        try:
            info = subprocess.run([exe, "info"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            reasons.append(f"{name} info: {exc}")
            continue
        if info.returncode == 0:
            return exe, ""
        last = (info.stderr.strip() or info.stdout.strip()).splitlines()[-1:] or ["no answer"]
        reasons.append(f"{name} info: {last[0][:160]}")
    return None, "no container engine runs here (" + "; ".join(reasons) + ")"


@pytest.fixture(scope="module")
def image() -> str:
    exe, why = engine()
    if exe is None:
        pytest.skip(why)
    tag = f"okta-m365-audit-test:{uuid.uuid4().hex[:8]}"
    build = subprocess.run(
        [exe, "build", "-f", str(CONTAINERFILE), "--build-arg", "WITH_PDF=0", "-t", tag,
         str(ROOT)], capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    yield tag
    subprocess.run([exe, "rmi", "-f", tag], capture_output=True, timeout=120)


def test_the_image_runs_the_command(image: str) -> None:
    exe, _ = engine()
    run = subprocess.run([exe, "run", "--rm", image, "--version"],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0 and __version__ in run.stdout, run.stderr


def test_the_image_writes_and_validates_a_tenant_file(image: str, tmp_path: Path) -> None:
    exe, _ = engine()
    tmp_path.chmod(0o777)  # the image's user (uid 10001) writes there
    mount = ["-v", f"{tmp_path}:/audit"]
    init = subprocess.run([exe, "run", "--rm", *mount, image, "init", "acme"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "tenants" / "acme.yaml").is_file()
    validate = subprocess.run([exe, "run", "--rm", *mount, image, "validate"],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    # the template's placeholders are reported, one line each, not a traceback
    assert "Traceback" not in validate.stderr and "acme.yaml" in validate.stdout + validate.stderr


# --- the Containerfile's promises, as text (no engine needed) ------------------------------


def _instructions() -> list[tuple[str, str]]:
    text = CONTAINERFILE.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def test_both_stages_are_the_official_slim_python() -> None:
    bases = [arg.split()[0] for op, arg in _instructions() if op == "FROM"]
    assert bases and all(b.startswith("docker.io/library/python:3.11-slim") for b in bases)


def test_the_run_stage_installs_the_wheel_only() -> None:
    ops = _instructions()
    run_stage = ops[max(i for i, (op, _) in enumerate(ops) if op == "FROM") :]
    copies = [arg for op, arg in run_stage if op == "COPY"]
    assert copies == ["--from=build /wheels /wheels"]  # nothing of the checkout
    assert any("pip install" in arg and "/wheels/*.whl" in arg for op, arg in run_stage)


def test_it_runs_the_command_as_a_user() -> None:
    ops = dict(_instructions()[::-1])  # the last of each instruction wins
    assert ops["ENTRYPOINT"] == '["okta-m365-audit"]'
    assert ops["USER"] not in ("root", "0")


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("okta_m365_audit/cli/main.py", True),
        ("okta_m365_audit/schemas/tenant.schema.json", True),
        ("tests_integration/test_org.py", True),
        ("tenants/example.yaml", True),
        ("tenants/demo/golden.snapshot.json", True),
        ("tenants/demo.yaml", True),
        ("pyproject.toml", True),
        ("tenants/acme.yaml", False),
        ("tenants/acme-okta.pem", False),
        ("reports/acme-20261129-101010/snapshot.json", False),
        (".venv/bin/python", False),
        (".git/config", False),
        ("okta_m365_audit/__pycache__/x.cpython-311.pyc", False),
    ],
)
def test_the_build_context_holds_sources_only(path: str, kept: bool, tmp_path: Path) -> None:
    """.dockerignore (read by docker, podman and buildah), as the Docker SDK's own
    implementation of the engine's rules reads it."""
    from docker.utils.build import exclude_paths

    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text("x")
    patterns = [p for p in IGNORE.read_text().splitlines() if p.strip() and p[0] != "#"]
    assert (path in exclude_paths(str(tmp_path), patterns, dockerfile="Containerfile")) is kept
