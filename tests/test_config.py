"""Unit tests of the tenant file loader (config.load_tenant) and of secret resolution (clients).

Each bad-input test starts from one small valid tenant (``GOLDEN``) and patches one thing,
then asserts that the error names the file, the field (dotted path), a fix, and the line
where it is known, since that is all an operator gets to repair the file.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from okta_m365_audit.clients import Endpoints, OktaApi, graph_credential, okta_private_key
from okta_m365_audit.config import ConfigErrors, TenantConfig, load_tenant, load_tenants
from okta_m365_audit.core.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
TENANTS = ROOT / "tenants"
DEMO_CERT = TENANTS / "demo" / "graph-app.pem"

#: A minimal valid tenant: no key or certificate files, secrets from environment variables.
GOLDEN: dict[str, Any] = {
    "okta": {
        "org_url": "https://acme.okta.com",
        "auth": {"method": "api_token", "token_env": "ACME_OKTA_TOKEN"},
    },
    "m365": {
        "tenant_id": "00000000-0000-0000-0000-000000000000",
        "auth": {
            "method": "client_secret",
            "client_id": "11111111-1111-1111-1111-111111111111",
            "client_secret_env": "ACME_GRAPH_SECRET",
        },
    },
    "expect": {
        "domains_to_federate": ["acme.com"],
        "service_account": "svc-okta@acme.onmicrosoft.com",
    },
}

PRIVATE_KEY_AUTH = {
    "method": "private_key_jwt",
    "client_id": "0oaXXXXXXXXXXXXXXXXX",
    "private_key_file": "keys/okta.pem",
}

CERTIFICATE_AUTH = {
    "method": "certificate",
    "client_id": "11111111-1111-1111-1111-111111111111",
    "certificate_file": "keys/graph.pem",
}


# --- helpers -----------------------------------------------------------------------------


def tenant_file(
    folder: Path,
    patch: Callable[[dict[str, Any]], Any] | None = None,
    *,
    text: str | None = None,
    stem: str = "acme",
) -> Path:
    """Write GOLDEN (after ``patch`` edits a deep copy of it), or raw ``text``, to a file."""
    folder.mkdir(parents=True, exist_ok=True)
    if text is None:
        data = copy.deepcopy(GOLDEN)
        if patch is not None:
            patch(data)
        text = yaml.safe_dump(data, sort_keys=False)
    path = folder / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """1-based number of the first line of ``path`` that contains ``needle`` (after the first
    line that contains ``after``, if given)."""
    started = after is None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if started and needle in line:
            return number
        started = started or (after is not None and after in line)
    raise AssertionError(f"{needle!r} not in {path}")


def load_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_tenant(path)
    return info.value


def only_error(path: Path) -> ConfigError:
    """The error of a file with exactly one problem (not a ConfigErrors bundle)."""
    err = load_error(path)
    assert not isinstance(err, ConfigErrors), f"expected one error, got:\n{err}"
    return err


def assert_names(err: ConfigError, file: Path | str, field: str, line: int | None) -> None:
    """err names the file, the field and the line, has a fix, and says so in its message."""
    assert err.file == str(file)
    assert err.field == field
    assert err.fix.strip(), "the error must say how to fix it"
    assert err.line == line
    where = f"{file}:{line}" if line else f"{file}"
    assert f"{where}: {field}: {err.problem}. Fix: {err.fix}" in str(err)


def set_in(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A patch that sets a dotted path of the tenant data (creating mappings on the way)."""

    def patch(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data.setdefault(key, {})
        data[last] = value

    return patch


def delete(path: str) -> Callable[[dict[str, Any]], None]:
    def patch(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        del data[last]

    return patch


def rename(path: str, new: str) -> Callable[[dict[str, Any]], None]:
    def patch(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        data[new] = data.pop(last)

    return patch


def waiver(**changes: Any) -> dict[str, Any]:
    base = {
        "check": "FED-06",
        "reason": "MFA enforced by Conditional Access during the migration",
        "approver": "Jane Doe (CISO)",
        "ticket": "CHG-12345",
        "expires": "2027-03-31",
    }
    return base | changes


# --- the file itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("okta:\n  org_url: https://acme.okta.com\n   auth: x\n", 3),
        ("okta:\n  org_url: https://acme.okta.com\n  auth: [api_token\nm365: {}\n", 4),
        ("okta:\n\torg_url: https://acme.okta.com\n", 2),
    ],
    ids=["bad-indent", "unclosed-list", "tab"],
)
def test_yaml_syntax_error(tmp_path: Path, text: str, line: int) -> None:
    """When the YAML does not parse: should fail because nothing can be checked, at its line."""
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)
    assert_names(err, path, "(syntax)", line)
    assert err.problem.startswith("invalid YAML")


@pytest.mark.parametrize("text", ["- okta\n- m365\n", "just a string\n", "", "# only\n"])
def test_document_not_a_mapping(tmp_path: Path, text: str) -> None:
    """When the document is a list, a scalar or empty: should fail because keys are expected."""
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)
    assert_names(err, path, "(document)", 1)
    assert "okta-m365-audit init" in err.fix


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_file(tmp_path: Path, kind: str) -> None:
    """When the path is not a readable file: should fail because there is nothing to load."""
    path = tmp_path / "nope.yaml"
    if kind == "directory":
        path.mkdir()
    err = only_error(path)
    assert_names(err, path, "(file)", None)
    assert "cannot be read" in err.problem


# --- keys ----------------------------------------------------------------------------------


def test_unknown_top_level_key(tmp_path: Path) -> None:
    """When a top-level key is misspelt (waiver): should fail because it would be ignored."""
    path = tenant_file(tmp_path, set_in("waiver", [waiver()]))
    err = only_error(path)
    assert_names(err, path, "waiver", line_of(path, "waiver:"))
    assert "unknown key" in err.problem
    assert "waivers" in err.fix and "expect" in err.fix  # lists the allowed keys


def test_unknown_nested_key_typo(tmp_path: Path) -> None:
    """When expect.domains_to_federate is misspelt: should fail because no domain gets checked."""
    path = tenant_file(tmp_path, rename("expect.domains_to_federate", "domains_to_federat"))
    err = load_error(path)
    assert isinstance(err, ConfigErrors)  # the typo, and the real key now missing
    by_field = {e.field: e for e in err.errors}
    assert set(by_field) == {"expect.domains_to_federate", "expect.domains_to_federat"}
    typo = by_field["expect.domains_to_federat"]
    assert_names(typo, path, "expect.domains_to_federat", line_of(path, "domains_to_federat:"))
    assert "unknown key" in typo.problem
    assert "allowed keys:" in typo.fix and "domains_to_federate," in typo.fix
    assert "source_file" not in typo.fix  # internal, not a key of the file


def test_unknown_key_in_auth_method(tmp_path: Path) -> None:
    """When a key of the chosen auth method is misspelt: should fail, listing that method's keys."""
    path = tenant_file(tmp_path, rename("okta.auth.token_env", "tokenenv"))
    err = load_error(path)
    typo = next(e for e in err.errors if e.field == "okta.auth.tokenenv")
    assert_names(typo, path, "okta.auth.tokenenv", line_of(path, "tokenenv:"))
    assert "allowed keys: method, token_env" in typo.fix


def test_key_named_like_an_auth_method(tmp_path: Path) -> None:
    """When an unknown key equals a method name (certificate): should fail naming that key."""
    path = tenant_file(tmp_path, set_in("m365.auth.certificate", "keys/graph.pem"))
    err = only_error(path)
    assert_names(err, path, "m365.auth.certificate", line_of(path, "certificate:"))
    assert "client_secret_env" in err.fix


def test_missing_required_nested_field(tmp_path: Path) -> None:
    """When m365.tenant_id is missing: should fail because Graph needs the tenant, at m365."""
    path = tenant_file(tmp_path, delete("m365.tenant_id"))
    err = only_error(path)
    assert_names(err, path, "m365.tenant_id", line_of(path, "m365:"))
    assert err.problem == "required field is missing"
    assert "add it" in err.fix


def test_missing_required_section(tmp_path: Path) -> None:
    """When the okta section is missing: should fail because Okta cannot be read (no line)."""
    path = tenant_file(tmp_path, delete("okta"))
    err = only_error(path)
    assert_names(err, path, "okta", None)
    assert err.problem == "required field is missing"


# --- values ----------------------------------------------------------------------------------


def test_wrong_type(tmp_path: Path) -> None:
    """When expect.phase is "five": should fail because the phase is a number."""
    path = tenant_file(tmp_path, set_in("expect.phase", "five"))
    err = only_error(path)
    assert_names(err, path, "expect.phase", line_of(path, "phase:"))
    assert "integer" in err.problem


@pytest.mark.parametrize("phase", [0, 6])
def test_phase_out_of_range(tmp_path: Path, phase: int) -> None:
    """When expect.phase is outside 1-5: should fail because the runbook has phases 1 to 5."""
    path = tenant_file(tmp_path, set_in("expect.phase", phase))
    err = only_error(path)
    assert_names(err, path, "expect.phase", line_of(path, "phase:"))
    assert "1" in err.problem or "5" in err.problem


@pytest.mark.parametrize(
    "url",
    [
        "http://acme.okta.com",
        "acme.okta.com",
        "https://acme.okta.com/admin",
        "https://acme.okta.com/oauth2/default",
        "https://acme-admin.okta.com/?x=1",
    ],
)
def test_org_url_not_an_https_origin(tmp_path: Path, url: str) -> None:
    """When okta.org_url is not https or has a path: should fail because it is the API origin."""
    path = tenant_file(tmp_path, set_in("okta.org_url", url))
    err = only_error(path)
    assert_names(err, path, "okta.org_url", line_of(path, "org_url:"))
    assert "https://" in err.problem


@pytest.mark.parametrize("value", ["acme.onmicrosoft.com", "00000000-0000-0000-0000", "1234"])
def test_tenant_id_not_a_guid(tmp_path: Path, value: str) -> None:
    """When m365.tenant_id is a domain or a short id: should fail because Entra wants the GUID."""
    path = tenant_file(tmp_path, set_in("m365.tenant_id", value))
    err = only_error(path)
    assert_names(err, path, "m365.tenant_id", line_of(path, "tenant_id:"))
    assert "GUID" in err.problem


@pytest.mark.parametrize(
    ("section", "method", "expected"),
    [
        ("okta", "password", ["'private_key_jwt'", "'api_token'"]),
        ("m365", "secret", ["'certificate'", "'client_secret'", "'default_credential'"]),
    ],
)
def test_unknown_auth_method(tmp_path: Path, section: str, method: str, expected: list) -> None:
    """When auth.method is not a known method: should fail, listing the methods there are."""
    path = tenant_file(tmp_path, set_in(f"{section}.auth.method", method))
    err = only_error(path)
    assert_names(err, path, f"{section}.auth", line_of(path, "auth:", after=f"{section}:"))
    for tag in expected:
        assert tag in err.fix


def test_missing_auth_method(tmp_path: Path) -> None:
    """When okta.auth has no method: should fail because the method picks the credential."""
    path = tenant_file(tmp_path, delete("okta.auth.method"))
    err = only_error(path)
    assert_names(err, path, "okta.auth", line_of(path, "auth:"))
    assert "'private_key_jwt', 'api_token'" in err.fix  # was "(one of: )"


@pytest.mark.parametrize(
    "field",
    [
        "okta.auth.token_env",
        "m365.auth.client_secret_env",
    ],
)
@pytest.mark.parametrize("name", ["MY-TOKEN", "1TOKEN", "$ACME_TOKEN", "ACME TOKEN"])
def test_env_var_name_invalid(tmp_path: Path, field: str, name: str) -> None:
    """When an *_env key is not a variable name: should fail because no variable can match it."""
    path = tenant_file(tmp_path, set_in(field, name))
    err = only_error(path)
    assert_names(err, path, field, line_of(path, field.rsplit(".", 1)[1] + ":"))


def test_write_scope_refused(tmp_path: Path) -> None:
    """When okta.auth.scopes has okta.users.manage: should fail because the suite only reads."""
    auth = PRIVATE_KEY_AUTH | {"scopes": ["okta.apps.read", "okta.users.manage"]}
    path = tenant_file(tmp_path, set_in("okta.auth", auth))
    err = only_error(path)
    assert_names(err, path, "okta.auth.scopes", line_of(path, "scopes:"))
    assert "okta.users.manage" in err.problem
    assert "okta.apps.read" not in err.problem


def test_service_account_on_federated_domain(tmp_path: Path) -> None:
    """When the service account is on a domain to federate: should fail (it would lose access)."""
    path = tenant_file(tmp_path, set_in("expect.service_account", "svc-okta@ACME.com"))
    err = only_error(path)
    assert_names(err, path, "expect.service_account", line_of(path, "service_account:"))
    assert "acme.com" in err.problem and "onmicrosoft.com" in err.problem


def test_service_account_not_a_upn(tmp_path: Path) -> None:
    """When expect.service_account has no @: should fail because it must be a UPN."""
    path = tenant_file(tmp_path, set_in("expect.service_account", "svc-okta"))
    err = only_error(path)
    assert_names(err, path, "expect.service_account", line_of(path, "service_account:"))
    assert "UPN" in err.problem


def test_name_bad_format(tmp_path: Path) -> None:
    """When name has spaces or capitals: should fail because it is used in test ids."""
    path = tenant_file(tmp_path, set_in("name", "Acme Corp"))
    err = only_error(path)
    assert_names(err, path, "name", line_of(path, "name:"))


@pytest.mark.parametrize("expires", ["31/03/2027", "next year", "2027-02-30", "2027-13-01"])
def test_waiver_bad_date(tmp_path: Path, expires: str) -> None:
    """When a waiver's expires is not a real YYYY-MM-DD date: should fail (no expiry to honour)."""
    text = yaml.safe_dump(GOLDEN | {"waivers": [waiver()]}, sort_keys=False)
    text = text.replace("'2027-03-31'", expires)  # unquoted, as people write dates in YAML
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)  # 2027-02-30 used to escape as a bare ValueError from PyYAML
    assert_names(err, path, "waivers.0.expires", line_of(path, "expires:"))
    assert "YYYY-MM-DD" in err.fix


@pytest.mark.parametrize("check", ["fed-06", "FED6", "FED-006", "FED06"])
def test_waiver_bad_check_id(tmp_path: Path, check: str) -> None:
    """When a waiver's check is not a check ID like FED-06: should fail (it waives nothing)."""
    path = tenant_file(tmp_path, set_in("waivers", [waiver(), waiver(check=check)]))
    err = only_error(path)
    assert_names(err, path, "waivers.1.check", line_of(path, f"check: {check}"))


@pytest.mark.parametrize(
    ("item", "kind"),
    [(["contoso.com", "fabrikam.com"], "a list"), (42, "a number"), ("2027-01-01", "a date"),
     ({"domain": "contoso.com"}, "a mapping")],
)  # fmt: skip
def test_waiver_bad_item_type(tmp_path: Path, item: Any, kind: str) -> None:
    """When a waiver's item is not one item as text: should fail on one line naming the file,
    waivers.0.item and its line, and saying to write one waiver per item (a list would
    otherwise waive more, or nothing, of what was approved)."""
    text = yaml.safe_dump(GOLDEN | {"waivers": [waiver(item=item)]}, sort_keys=False)
    text = text.replace("'2027-01-01'", "2027-01-01")  # unquoted: YAML reads a date
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)
    assert_names(err, path, "waivers.0.item", line_of(path, "item:"))
    assert f"not {kind}" in err.problem and "one waiver per item" in err.problem
    assert "\n" not in str(err)


def test_waiver_item_is_optional_and_kept_as_written(tmp_path: Path) -> None:
    """When one waiver names an item and another does not: both load; the item is kept as
    written (matched normalised at run time) and the other waiver is check-wide."""
    path = tenant_file(
        tmp_path, set_in("waivers", [waiver(item=" Contoso.COM. "), waiver(check="FED-04")])
    )
    cfg = load_tenant(path)
    assert cfg.waivers[0].item == "Contoso.COM." and cfg.waivers[1].item is None


def test_several_errors_reported_together(tmp_path: Path) -> None:
    """When a file has several problems: should fail listing all so they are fixed in one go."""

    def patch(data: dict[str, Any]) -> None:
        data["okta"]["org_url"] = "http://acme.okta.com"
        data["m365"]["tenant_id"] = "acme.onmicrosoft.com"
        data["expect"]["phase"] = 9
        data["expect"]["domains_to_federat"] = ["fabrikam.com"]

    path = tenant_file(tmp_path, patch)
    err = load_error(path)
    assert isinstance(err, ConfigErrors)
    expected = {
        "okta.org_url": "org_url:",
        "m365.tenant_id": "tenant_id:",
        "expect.phase": "phase:",
        "expect.domains_to_federat": "domains_to_federat:",
    }
    assert sorted(e.field for e in err.errors) == sorted(expected)
    for e in err.errors:
        assert_names(e, path, e.field, line_of(path, expected[e.field]))
        assert str(e) in str(err)  # every problem is in the one message
    assert len(str(err).splitlines()) == len(expected)
    assert (err.field, err.line) == (err.errors[0].field, err.errors[0].line)


# --- hostile or damaged files: bounded, one clear message, never a traceback ---------------


def test_yaml_syntax_error_gives_the_column(tmp_path: Path) -> None:
    """When the YAML does not parse: the problem says the column as well as the line."""
    path = tenant_file(tmp_path, text="okta:\n  org_url: https://acme.okta.com\n   auth: x\n")
    err = only_error(path)
    assert err.line == 3
    assert "(column " in err.problem


@pytest.mark.parametrize(
    ("raw", "line", "problem"),
    [
        (b"okta:\n  org_url: caf\xe9\n", 2, "byte 0xe9"),  # Latin-1, as Windows editors save
        ("okta: 1\n".encode("utf-16"), None, "UTF-16"),
    ],
    ids=["latin-1", "utf-16"],
)
def test_not_utf8(tmp_path: Path, raw: bytes, line: int | None, problem: str) -> None:
    """When the file is not UTF-8 text: should say so (and where), not raise UnicodeDecodeError."""
    path = tmp_path / "acme.yaml"
    path.write_bytes(raw)
    err = only_error(path)
    assert_names(err, path, "(file)", line)
    assert problem in err.problem
    assert "UTF-8" in err.fix


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    """When the file starts with a UTF-8 byte order mark (Notepad): should load."""
    path = tenant_file(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_tenant(path).name == "acme"


def test_control_character(tmp_path: Path) -> None:
    """When the file holds a NUL byte: should name its line and column."""
    path = tenant_file(tmp_path, text="okta:\n  org_url: https://acme\x00.okta.com\n")
    err = only_error(path)
    assert_names(err, path, "(syntax)", 2)
    assert "#x0000" in err.problem and "column 24" in err.problem


def test_file_too_large(tmp_path: Path) -> None:
    """When the file is far larger than a tenant file (a log, a dump): should refuse it
    without reading it all."""
    from okta_m365_audit.config import MAX_FILE_BYTES

    path = tenant_file(tmp_path, text="# " + "x" * MAX_FILE_BYTES + "\n")
    err = only_error(path)
    assert_names(err, path, "(file)", None)
    assert "KiB" in err.problem


@pytest.mark.parametrize(
    ("value", "tag"),
    [("!!int abc", "int"), ("!!int", "int"), ("!!bool maybe", "bool"), ("!!float x", "float"),
     ("9" * 5000, "int")],
    ids=["int", "bare-int", "bool", "float", "5000-digits"],
)  # fmt: skip
def test_value_that_yaml_cannot_construct(tmp_path: Path, value: str, tag: str) -> None:
    """When an explicit tag's value is malformed (PyYAML raised ValueError, KeyError or
    IndexError, a traceback): should fail at its line."""
    text = yaml.safe_dump(GOLDEN, sort_keys=False).replace("phase", "x") + f"extra: {value}\n"
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)
    assert_names(err, path, "(syntax)", line_of(path, "extra:"))
    assert f"as {tag}" in err.problem


@pytest.mark.parametrize(
    "text",
    [
        "okta: " + "[" * 5000 + "]" * 5000,
        "okta: " + "{a: " * 5000 + "}" * 5000,
        "- " * 5000 + "x",
        "".join(" " * i + "k:\n" for i in range(200)),
        "[" * 100_000,
    ],
    ids=["flow-lists", "flow-mappings", "block-lists", "block-mappings", "unclosed"],
)
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    """When the document nests thousands of levels deep: should refuse it at once (PyYAML's
    composer recurses: it used to end in RecursionError)."""
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)
    assert err.field == "(document)" and "nested deeper than" in err.problem
    assert err.line is not None


def test_too_many_values_is_refused(tmp_path: Path) -> None:
    """When the document holds tens of thousands of values: should refuse it while reading."""
    text = "".join(f"k{i}: v\n" for i in range(20_000))
    err = only_error(tenant_file(tmp_path, text=text))
    assert err.field == "(document)" and "more than" in err.problem


def test_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """When aliases expand to 10**9 values ("billion laughs"): SafeLoader accepts it (the
    objects are shared) but walking them never ends; should refuse it in well under a
    second, measured on the alias graph."""
    import time

    lines = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = tenant_file(tmp_path, text="\n".join([*lines, "okta: *a8", ""]))
    start = time.perf_counter()
    err = only_error(path)
    assert time.perf_counter() - start < 1.0
    assert_names(err, path, "(document)", None)
    assert "aliases" in err.problem
    assert int(err.problem.split()[2]) > 10**9  # "expands to N values"


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: [1, *x]}\n"])
def test_alias_cycle_is_refused(tmp_path: Path, text: str) -> None:
    """When an alias refers to a value that contains it: should refuse it (it used to end in
    RecursionError)."""
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)
    assert_names(err, path, "(document)", 1)
    assert "cycle" in err.problem


def test_anchors_and_merge_keys_still_load(tmp_path: Path) -> None:
    """When a file uses anchors, aliases and a merge key whose value it overrides: should
    load (an override after a merge is not a duplicate key)."""
    text = """\
okta:
  org_url: https://acme.okta.com
  auth: {method: api_token, token_env: ACME_OKTA_TOKEN}
m365:
  tenant_id: 00000000-0000-0000-0000-000000000000
  auth:
    method: client_secret
    client_id: 11111111-1111-1111-1111-111111111111
    client_secret_env: ACME_GRAPH_SECRET
expect:
  domains_to_federate: [acme.com]
  service_account: &svc svc-okta@acme.onmicrosoft.com
  excluded_accounts: [*svc, breakglass@acme.onmicrosoft.com]
  windows:
    <<: {certificate_expiry_days: 45, system_log_days: 7}
    system_log_days: 14
"""
    cfg = load_tenant(tenant_file(tmp_path, text=text))
    assert cfg.expect.excluded_accounts[0] == "svc-okta@acme.onmicrosoft.com"
    assert (cfg.expect.windows.certificate_expiry_days, cfg.expect.windows.system_log_days) == (
        45,
        14,
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "first", "second"),  # first, second: text on their lines
    [
        ("okta:\n", "name: acme\nname: acme2\nokta:\n", "name", "name: acme", "acme2"),
        ("expect:\n", "expect:\n  phase: 5\n  phase: 4\n", "expect.phase", "phase: 5", "phase: 4"),
        (
            "  auth:\n    method: api_token\n    token_env: ACME_OKTA_TOKEN\n",
            "  auth: {method: api_token, token_env: A, token_env: B}\n",
            "okta.auth.token_env", "token_env: A", "token_env: B",
        ),
    ],
    ids=["top-level", "nested", "flow"],
)  # fmt: skip
def test_duplicate_key(
    tmp_path: Path, old: str, new: str, field: str, first: str, second: str
) -> None:
    """When a key is given twice in one mapping: PyYAML keeps the last silently (a second
    token_env would replace the first); should fail at the second, naming the first."""
    text = yaml.safe_dump(GOLDEN, sort_keys=False)
    assert old in text
    path = tenant_file(tmp_path, text=text.replace(old, new, 1))
    err = only_error(path)
    assert_names(err, path, field, line_of(path, second))
    assert f"first at line {line_of(path, first)})" in err.problem
    assert "keep one" in err.fix


def test_duplicate_section_is_not_silently_merged(tmp_path: Path) -> None:
    """When a file has two expect: sections, both valid: should still fail (the first
    one's settings would be lost)."""
    golden = yaml.safe_dump(GOLDEN, sort_keys=False)
    path = tenant_file(tmp_path, text=golden + "expect:\n  domains_to_federate: [x.com]\n"
                       "  service_account: svc@acme.onmicrosoft.com\n")  # fmt: skip
    err = only_error(path)
    assert_names(err, path, "expect", line_of(path, "expect:", after="service_account"))


@pytest.mark.parametrize(("key", "tag"), [("on", "bool"), ("1", "int"), ("null", "null")])
def test_key_that_is_not_text(tmp_path: Path, key: str, tag: str) -> None:
    """When a key is read by YAML as a boolean, number or null (on:, 1:): should fail
    naming the mapping and the line, and say to quote it."""
    text = yaml.safe_dump(GOLDEN, sort_keys=False).replace("expect:\n", f"expect:\n  {key}: x\n")
    path = tenant_file(tmp_path, text=text)
    err = only_error(path)
    assert_names(err, path, "expect", line_of(path, f"{key}: x"))
    assert f"reads it as {tag}" in err.problem and "quote" in err.fix


def test_blank_key_is_quoted_in_the_field(tmp_path: Path) -> None:
    """When an unknown key is blank or odd: the field shows it quoted, never empty."""
    path = tenant_file(tmp_path, set_in("expect. ", 1))
    err = only_error(path)
    assert err.field == "expect.' '"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("expect.domains_to_federate", "acme.com", "must be a list, not text"),
        ("okta.auth", "api_token", "must be a mapping of keys, not text"),
        ("okta.org_url", ["https://acme.okta.com"], "must be text, not a list"),
        ("expect.provisioning.create", "sometimes", "must be true or false"),
        ("okta.auth.token_env", None, "must be text, not an empty value"),
    ],
)
def test_wrong_type_says_what_was_found(tmp_path: Path, field: str, value: Any, problem: str):
    """When a value has the wrong type: should say what is expected and what was found (not
    pydantic's "valid dictionary or instance of OktaApiTokenAuth")."""
    path = tenant_file(tmp_path, set_in(field, value))
    err = only_error(path)
    assert err.field == field
    assert err.problem == problem or err.problem.startswith(problem)
    assert "instance of" not in str(err)


def test_secret_written_instead_of_a_variable_name(tmp_path: Path) -> None:
    """When token_env holds the token itself: should say it takes a variable NAME, never
    echoing the value."""
    token = "00Ab3dEfGh1jKlMn0pQr-StUvWxYz0123456789Ab"
    path = tenant_file(tmp_path, set_in("okta.auth.token_env", token))
    err = only_error(path)
    assert_names(err, path, "okta.auth.token_env", line_of(path, "token_env:"))
    assert "NAME of an environment variable" in err.problem
    assert "never write the secret" in err.fix
    assert token not in str(err)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://acme-admin.okta.com", "Admin Console"),
        ("https://acme.okta.com:70000", "port 70000"),
        ("https://user:pw@acme.okta.com", "no path, query or user"),
        ("https://acme..okta.com", "no path, query or user"),
    ],
)
def test_org_url_other_mistakes(tmp_path: Path, url: str, problem: str) -> None:
    """When okta.org_url is the admin console, has a bad port, credentials or an empty
    label: should fail saying which."""
    path = tenant_file(tmp_path, set_in("okta.org_url", url))
    err = only_error(path)
    assert_names(err, path, "okta.org_url", line_of(path, "org_url:"))
    assert problem in err.problem
    assert "pw" not in err.problem


def test_org_url_scheme_in_capitals_is_normalised(tmp_path: Path) -> None:
    """When okta.org_url is written HTTPS://...: should load it as https://..."""
    cfg = load_tenant(tenant_file(tmp_path, set_in("okta.org_url", "HTTPS://acme.okta.com")))
    assert cfg.okta.org_url == "https://acme.okta.com"


@pytest.mark.parametrize(("value", "problem"), [("keys/ok\x00ta.pem", "NUL"), ("  ", "empty")])
def test_key_path_that_names_no_file(tmp_path: Path, value: str, problem: str) -> None:
    """When private_key_file has a NUL byte or is blank: should fail when loading (a NUL
    made the key read raise ValueError, a traceback, when the client was built)."""
    path = tenant_file(
        tmp_path, set_in("okta.auth", PRIVATE_KEY_AUTH | {"private_key_file": value})
    )
    err = only_error(path)
    assert_names(err, path, "okta.auth.private_key_file", line_of(path, "private_key_file:"))
    assert problem in err.problem


def test_many_problems_are_capped(tmp_path: Path) -> None:
    """When a file has hundreds of problems (not a tenant file at all): the message lists
    the first ones and counts the rest, and every problem is still in .errors."""
    from okta_m365_audit.config import MAX_ERRORS_SHOWN

    path = tenant_file(tmp_path, lambda d: d.update({f"key{i}": i for i in range(100)}))
    err = load_error(path)
    assert isinstance(err, ConfigErrors) and len(err.errors) == 100
    lines = str(err).splitlines()
    assert len(lines) == MAX_ERRORS_SHOWN + 1
    assert "and 80 more problems" in lines[-1]


def test_waiver_date_with_a_time(tmp_path: Path) -> None:
    """When a waiver's expires has a time of day: should ask for the date alone."""
    text = yaml.safe_dump(GOLDEN | {"waivers": [waiver()]}, sort_keys=False)
    path = tenant_file(tmp_path, text=text.replace("'2027-03-31'", "2027-03-31 12:30:00"))
    err = only_error(path)
    assert_names(err, path, "waivers.0.expires", line_of(path, "expires:"))
    assert "YYYY-MM-DD" in err.fix


# --- a folder of tenant files (load_tenants) ------------------------------------------------


def test_load_tenants_loads_every_file_and_reports_the_broken_ones(tmp_path: Path) -> None:
    """When a folder holds good files, a broken one and the example: should return the good
    configs by name and the broken file's error, tagged with its tenant name."""
    tenant_file(tmp_path, stem="acme")
    tenant_file(tmp_path, set_in("name", "globex"), stem="globex-corp")
    broken = tenant_file(tmp_path, set_in("okta.org_url", "http://x"), stem="initech")
    tenant_file(tmp_path, text="not: [valid", stem="example")  # the template is skipped
    configs, errors = load_tenants(tmp_path)
    assert sorted(configs) == ["acme", "globex"]
    [err] = errors
    assert (err.file, err.field, err.tenant) == (str(broken), "okta.org_url", "initech")


def test_load_tenants_same_name_in_two_files(tmp_path: Path) -> None:
    """When two files declare the same name: should report one error naming both files, at
    the name: line, and return no config for that name."""
    first = tenant_file(tmp_path, set_in("name", "acme"), stem="acme-eu")
    second = tenant_file(tmp_path, set_in("name", "acme"), stem="acme-us")
    tenant_file(tmp_path, stem="globex")
    configs, errors = load_tenants(tmp_path)
    assert sorted(configs) == ["globex"]
    [err] = errors
    assert_names(err, second, "name", line_of(second, "name:"))
    assert str(first) in err.problem and str(second) in err.problem
    assert err.tenant == "acme"


def test_load_tenants_name_equal_to_a_file_stem(tmp_path: Path) -> None:
    """When a file's default name (its stem) equals another file's name:, or a name: equals
    another file's stem: should report it naming both files."""
    plain = tenant_file(tmp_path, stem="acme")  # name: acme by default
    named = tenant_file(tmp_path, set_in("name", "acme"), stem="acme-new")
    configs, errors = load_tenants(tmp_path)
    assert configs == {}
    [err] = errors
    assert err.file == str(named) and str(plain) in err.problem

    other = tmp_path / "other"
    stem_of_other = tenant_file(other, set_in("name", "globex"), stem="initech")
    claims_it = tenant_file(other, set_in("name", "initech"), stem="acme")
    configs, errors = load_tenants(other)
    assert sorted(configs) == ["globex"]  # initech.yaml is tenant globex
    [err] = errors
    assert_names(err, claims_it, "name", line_of(claims_it, "name:"))
    assert str(stem_of_other) in err.problem and "ambiguous" in err.problem
    assert err.tenant == "initech"


def test_load_tenants_yaml_and_yml_with_one_stem(tmp_path: Path) -> None:
    """When acme.yaml and acme.yml both exist (discover_tenants keeps one silently): should
    report the clash naming both."""
    a = tenant_file(tmp_path, stem="acme")
    b = a.with_suffix(".yml")
    b.write_text(a.read_text(), encoding="utf-8")
    configs, errors = load_tenants(tmp_path)
    assert configs == {}
    [err] = errors
    assert str(a) in err.problem and str(b) in err.problem


def test_load_tenants_with_known_checks_and_a_missing_folder(tmp_path: Path) -> None:
    """When a waiver names an unknown check, or the folder does not exist: errors, no raise."""
    from okta_m365_audit.catalog.checks import BY_ID

    tenant_file(tmp_path, set_in("waivers", [waiver(check="FED-99")]))
    configs, errors = load_tenants(tmp_path, known_checks=BY_ID)
    assert configs == {} and errors[0].field == "waivers.0.check"
    configs, errors = load_tenants(tmp_path / "nope")
    assert configs == {} and errors[0].field == "(folder)"


# --- secrets, resolved when a client is built ----------------------------------------------


def test_api_token_env_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When okta.auth.token_env names an unset variable: should fail naming the variable."""
    monkeypatch.delenv("ACME_OKTA_TOKEN", raising=False)
    monkeypatch.setenv("ACME_GRAPH_SECRET", "graph-secret-value-123")
    path = tenant_file(tmp_path)
    cfg = load_tenant(path)
    with pytest.raises(ConfigError) as info:
        OktaApi(cfg, Endpoints.real(cfg))
    err = info.value
    assert_names(err, path.resolve(), "okta.auth.token_env", None)
    assert "ACME_OKTA_TOKEN" in err.problem
    assert "export ACME_OKTA_TOKEN" in err.fix
    assert "graph-secret-value-123" not in str(err)


def test_api_token_env_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the token variable is set but empty: should fail because an empty token is no token."""
    monkeypatch.setenv("ACME_OKTA_TOKEN", "")
    cfg = load_tenant(tenant_file(tmp_path))
    with pytest.raises(ConfigError) as info:
        OktaApi(cfg, Endpoints.real(cfg))
    assert info.value.field == "okta.auth.token_env"
    assert "ACME_OKTA_TOKEN" in str(info.value)


def test_client_secret_env_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When m365.auth.client_secret_env names an unset variable: should fail naming it."""
    monkeypatch.delenv("ACME_GRAPH_SECRET", raising=False)
    path = tenant_file(tmp_path)
    cfg = load_tenant(path)
    with pytest.raises(ConfigError) as info:
        graph_credential(cfg, Endpoints.real(cfg))
    assert_names(info.value, path.resolve(), "m365.auth.client_secret_env", None)
    assert "ACME_GRAPH_SECRET" in info.value.problem


def test_private_key_file_missing(tmp_path: Path) -> None:
    """When okta.auth.private_key_file does not exist: should fail with the resolved path."""
    path = tenant_file(tmp_path / "tenants", set_in("okta.auth", PRIVATE_KEY_AUTH))
    cfg = load_tenant(path)
    with pytest.raises(ConfigError) as info:
        OktaApi(cfg, Endpoints.real(cfg))
    err = info.value
    assert_names(err, path.resolve(), "okta.auth.private_key_file", None)
    assert str((tmp_path / "tenants" / "keys" / "okta.pem").resolve()) in err.problem
    assert "relative paths" in err.fix


@pytest.mark.parametrize(
    "content",
    [
        b"hunter2-not-a-key\n",
        b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----\n",
        b'{"kty": "oct", "k": "c2VjcmV0LWJ1dC1ub3QtYS1rZXk"}',
        DEMO_CERT.read_bytes().split(b"-----BEGIN PRIVATE KEY-----")[0],  # a certificate
    ],
    ids=["garbage", "bad-pem", "bad-jwk", "certificate"],
)
def test_private_key_file_not_a_key(tmp_path: Path, content: bytes) -> None:
    """When the private key file holds no RSA private key: should fail without echoing it."""
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "okta.pem").write_bytes(content)
    path = tenant_file(tmp_path, set_in("okta.auth", PRIVATE_KEY_AUTH))
    cfg = load_tenant(path)
    with pytest.raises(ConfigError) as info:
        OktaApi(cfg, Endpoints.real(cfg))
    err = info.value
    assert_names(err, path.resolve(), "okta.auth.private_key_file", None)
    assert "PEM" in err.fix
    for secret in (b"hunter2", b"c2VjcmV0LWJ1dC1ub3QtYS1rZXk", b"MII"):
        assert secret.decode() not in str(err)


def test_certificate_file_without_private_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When m365.auth.certificate_file lacks the private key: should fail (Entra needs both)."""
    cert_only = DEMO_CERT.read_bytes().split(b"-----BEGIN PRIVATE KEY-----")[0]
    assert b"CERTIFICATE" in cert_only
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "graph.pem").write_bytes(cert_only)
    monkeypatch.setenv("ACME_CERT_PASSWORD", "pfx-password-s3cret")
    auth = CERTIFICATE_AUTH | {"certificate_password_env": "ACME_CERT_PASSWORD"}
    path = tenant_file(tmp_path, set_in("m365.auth", auth))
    cfg = load_tenant(path)
    with pytest.raises(ConfigError) as info:
        graph_credential(cfg, Endpoints.real(cfg))
    err = info.value
    assert_names(err, path.resolve(), "m365.auth.certificate_file", None)
    assert "private key" in err.problem
    assert "pfx-password-s3cret" not in str(err)
    assert "MII" not in str(err)  # no certificate or key material either


def test_certificate_password_env_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When certificate_password_env names an unset variable: should fail naming it."""
    monkeypatch.delenv("ACME_CERT_PASSWORD", raising=False)
    auth = CERTIFICATE_AUTH | {"certificate_password_env": "ACME_CERT_PASSWORD"}
    path = tenant_file(tmp_path, set_in("m365.auth", auth))
    cfg = load_tenant(path)
    with pytest.raises(ConfigError) as info:
        graph_credential(cfg, Endpoints.real(cfg))
    assert_names(info.value, path.resolve(), "m365.auth.certificate_password_env", None)
    assert "ACME_CERT_PASSWORD" in info.value.problem


# --- happy paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["demo", "example"])
def test_shipped_tenant_files_load(stem: str) -> None:
    """When the shipped tenant files are loaded: should succeed (they are the documentation)."""
    cfg = load_tenant(TENANTS / f"{stem}.yaml")
    assert isinstance(cfg, TenantConfig)
    assert cfg.name == stem
    assert cfg.source_file == (TENANTS / f"{stem}.yaml").resolve()


def test_name_defaults_to_file_stem(tmp_path: Path) -> None:
    """When name is left out: should load with the file stem, which test ids use."""
    cfg = load_tenant(tenant_file(tmp_path, stem="acme-corp"))
    assert "name" not in GOLDEN
    assert cfg.name == "acme-corp"


def test_relative_paths_resolve_from_yaml_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When key paths are relative: should resolve from the YAML's folder, not the cwd."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    auth = PRIVATE_KEY_AUTH | {"private_key_file": "../keys/okta.pem"}
    path = tenant_file(tmp_path / "tenants" / "acme", set_in("okta.auth", auth))
    cfg = load_tenant(path)
    expected = (tmp_path / "tenants" / "keys" / "okta.pem").resolve()
    assert cfg.resolve(cfg.okta.auth.private_key_file) == expected
    absolute = tmp_path / "abs.pem"
    assert cfg.resolve(absolute) == absolute


def test_demo_secrets_resolve() -> None:
    """When the demo tenant's key files are read: should give a key and a credential."""
    cfg = load_tenant(TENANTS / "demo.yaml")
    assert okta_private_key(cfg, cfg.okta.auth).startswith("-----BEGIN PRIVATE KEY-----")
    credential = graph_credential(cfg, Endpoints.real(cfg))
    asyncio.run(credential.close())


def test_values_are_normalised(tmp_path: Path) -> None:
    """When values differ only in case or a trailing slash: should load them normalised."""

    def patch(data: dict[str, Any]) -> None:
        data["okta"]["org_url"] = "https://acme.okta.com/"
        data["m365"]["tenant_id"] = "ABCDEF00-0000-0000-0000-000000000000"
        data["expect"]["domains_to_federate"] = ["Acme.COM"]
        data["waivers"] = [waiver()]

    cfg = load_tenant(tenant_file(tmp_path, patch))
    assert cfg.okta.org_url == "https://acme.okta.com"
    assert cfg.m365.tenant_id == "abcdef00-0000-0000-0000-000000000000"
    assert cfg.expect.domains_to_federate == ("acme.com",)
    assert cfg.waivers[0].expires == dt.date(2027, 3, 31)


def test_source_file_is_not_a_key_of_the_file(tmp_path):
    """When a tenant file sets source_file: should fail, the loader alone decides where it is."""
    path = tenant_file(tmp_path, lambda d: d.update(source_file="/etc/passwd"))
    with pytest.raises(ConfigError) as err:
        load_tenant(path)
    assert err.value.field == "source_file"
    assert "unknown key" in err.value.problem


def test_file_name_that_is_not_a_tenant_name(tmp_path):
    """When the file is named 'Acme Corp.yaml' and sets no name: should say rename or set name."""
    path = tenant_file(tmp_path, stem="Acme Corp")
    with pytest.raises(ConfigError) as err:
        load_tenant(path)
    assert err.value.field == "name"
    assert "rename the file" in err.value.fix


def test_waiver_for_an_unknown_check_id(tmp_path):
    """When a waiver names a check the catalog does not have: should fail with its line,
    since the check the operator meant would run unwaived (or the typo hide a real one)."""
    from okta_m365_audit.catalog.checks import BY_ID

    waiver = {"check": "FED-99", "reason": "r", "approver": "a", "ticket": "T-1",
              "expires": "2099-01-01"}  # fmt: skip
    path = tenant_file(tmp_path, lambda d: d.update(waivers=[waiver]))
    assert load_tenant(path).waivers[0].check == "FED-99"  # alone, the format is fine
    with pytest.raises(ConfigError) as err:
        load_tenant(path, known_checks=BY_ID)
    assert err.value.field == "waivers.0.check"
    assert "FED-99" in err.value.problem
    assert err.value.line is not None
