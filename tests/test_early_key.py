"""cli/early.py: ``okta-m365-audit run`` starts the run's first DPoP key before pytest starts,
only when a tenant file of the run asks for DPoP and this process will read Okta; the key
is then the one the first DPoP tenant takes (core/dpop_keys.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from okta_m365_audit.cli import early
from okta_m365_audit.core import dpop_keys


@pytest.fixture
def started(monkeypatch) -> list[str]:
    """Keys started early, recorded instead of made."""
    calls: list[str] = []
    monkeypatch.setattr(dpop_keys, "start_first_key_early", lambda: calls.append("key"))
    return calls


def _tenant(folder: Path, name: str, dpop: object, method: str = "private_key_jwt") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"name": name, "okta": {"auth": {"method": method, "dpop": dpop}}}
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data))


def _run(argv: list[str], cwd: Path) -> bool:
    thread = early.start_dpop_key_if_asked(argv, str(cwd))
    if thread is not None:
        thread.join(10)
    return thread is not None


def test_a_dpop_tenant_starts_one_key(tmp_path, started):
    _tenant(tmp_path / "tenants", "acme", True)
    _tenant(tmp_path / "tenants", "beta", True)
    assert _run(["tests_integration"], tmp_path) and started == ["key"]


@pytest.mark.parametrize(
    ("dpop", "method"),
    [(False, "private_key_jwt"), ("true", "private_key_jwt"), (True, "api_token")],
)
def test_no_key_without_a_tenant_asking_for_dpop(tmp_path, started, dpop, method):
    _tenant(tmp_path / "tenants", "acme", dpop, method)
    (tmp_path / "tenants" / "broken.yaml").write_text("okta: [unclosed\n")
    _run([], tmp_path)
    assert started == []


def test_the_tenants_chosen_and_the_folder_given(tmp_path, started):
    _tenant(tmp_path / "elsewhere", "acme", False)
    _tenant(tmp_path / "elsewhere", "beta", True)
    _run(["--tenants-dir", str(tmp_path / "elsewhere"), "--tenant", "acme"], tmp_path)
    assert started == []
    _run([f"--tenants-dir={tmp_path / 'elsewhere'}", "--tenant", "beta"], tmp_path)
    assert started == ["key"]


@pytest.mark.parametrize(
    "argv",
    [["-n", "2"], ["-n2"], ["--numprocesses=2"], ["--offline"], ["--from-snapshot", "x.json"],
     ["--collect-only"], ["--help"]],
)  # fmt: skip
def test_no_key_where_this_process_reads_no_okta(tmp_path, started, argv):
    _tenant(tmp_path / "tenants", "acme", True)
    assert not _run(argv, tmp_path) and started == []


def test_a_key_started_early_is_the_first_taken_and_counts_as_one(monkeypatch):
    """make_keys_ahead(2) after an early key: one more is made ahead, not two."""
    made: list[object] = []

    class Key:
        def __init__(self) -> None:
            made.append(self)

    monkeypatch.setattr(dpop_keys, "KeyInTheMaking", Key)
    monkeypatch.setattr(dpop_keys, "_AHEAD", [])
    monkeypatch.setattr(dpop_keys, "_MORE", [0])
    dpop_keys.start_first_key_early()
    dpop_keys.make_keys_ahead(2)
    assert len(made) == 1
    first = dpop_keys.take_key()
    assert first is made[0] and len(made) == 2  # the second tenant's, started now
    second = dpop_keys.take_key()
    assert second is made[1] and len(made) == 2  # nothing more ahead: two tenants in all


def test_the_key_size_is_the_sdks():
    from okta.dpop import RSA_KEY_SIZE_BITS

    assert dpop_keys.DPOP_KEY_BITS == RSA_KEY_SIZE_BITS


def test_the_template_is_not_a_tenant(tmp_path, started):
    """tenants/example.yaml asks for DPoP but is a template (the loader skips it too)."""
    _tenant(tmp_path / "tenants", "example", True)
    _tenant(tmp_path / "tenants", "acme", False)
    _run([], tmp_path)
    assert started == []
