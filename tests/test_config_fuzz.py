"""Property-based tests of the tenant file loader: whatever the file holds, ``load_tenant``
returns a TenantConfig or raises a ConfigError that names the file, the field and a fix;
never any other exception (an operator must never get a traceback for a bad file).

Inputs: random YAML documents (nested mappings, lists and scalars), a valid tenant with
random structural mutations (a field dropped, renamed, retyped, unknown keys injected),
the valid tenant's text with random edits (syntax errors at known lines), random text in
YAML's own punctuation, and random bytes. Bounded: a few hundred examples, no example
database, a few seconds in all.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_m365_audit.config import (
    MAX_ERRORS_SHOWN,
    ConfigErrors,
    TenantConfig,
    load_tenant,
    load_tenants,
)
from okta_m365_audit.core.errors import ConfigError

from .test_config import CERTIFICATE_AUTH, GOLDEN, PRIVATE_KEY_AUTH, waiver

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: A valid tenant using every section, so mutations reach every model.
FULL: dict[str, Any] = copy.deepcopy(GOLDEN) | {
    "name": "acme",
    "waivers": [waiver()],
    "emulator": {"snapshot": "acme.snapshot.json", "granted_okta_scopes": ["okta.apps.read"]},
}
FULL["okta"]["auth"] = dict(PRIVATE_KEY_AUTH)
FULL["m365"]["auth"] = dict(CERTIFICATE_AUTH)
FULL["expect"] |= {
    "phase": 4,
    "on_prem_ad": {"domain": "corp.acme.com"},
    "org": {"company_name": "Acme", "subdomain": "acme"},
    "provisioning": {"create": True, "assignment_groups": ["M365 Users"]},
    "windows": {"certificate_expiry_days": 30},
}

_counter = itertools.count()
#: What YAML counts as a line break (a lone CR too), for the bound on reported lines.
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write(folder: Path, content: str | bytes) -> Path:
    path = folder / f"t{next(_counter)}.yaml"
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    path.write_bytes(content)
    return path


def assert_clear(path: Path, known_checks: tuple[str, ...] | None = None) -> None:
    """The property: a config, or ConfigError(s) each naming file, field and fix."""
    try:
        cfg = load_tenant(path, known_checks=known_checks)
    except ConfigError as err:
        errors = err.errors if isinstance(err, ConfigErrors) else [err]
        assert errors
        text = path.read_bytes().decode("utf-8", "replace")
        lines = len(YAML_LINE_BREAK.findall(text)) + 1
        for e in errors:
            assert e.file == str(path)
            assert e.field and e.field.strip()
            assert e.fix and e.fix.strip()
            assert e.problem and e.problem.strip()
            assert e.line is None or 1 <= e.line <= lines, (e.line, lines)
        shown = str(err).splitlines()
        assert [str(e) for e in errors[:MAX_ERRORS_SHOWN]] == shown[:MAX_ERRORS_SHOWN]
        assert "Traceback" not in str(err)
    else:
        assert isinstance(cfg, TenantConfig)


# --- strategies ------------------------------------------------------------------------------

KEYS = sorted(
    {"name", "okta", "m365", "expect", "waivers", "emulator", "auth", "method", "org_url"}
    | {"tenant_id", "client_id", "token_env", "phase", "check", "expires", "<<", "on", "1"}
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from([*KEYS, "https://acme.okta.com", "2027-02-30", "api_token", "~", "null"]),
    st.dates(min_value=dt.date(1, 1, 1)),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=12), st.integers(), st.booleans())
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=30,
)


def key_paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a value of a document (mapping keys and list indices)."""
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += key_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += key_paths(v, (*path, i))
    return out


@st.composite
def mutated_tenants(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(FULL)
    for _ in range(draw(st.integers(1, 4))):
        paths = key_paths(doc)
        if not paths:
            break
        *parents, last = draw(st.sampled_from(paths))
        parent: Any = doc
        for p in parents:
            parent = parent[p]
        op = draw(st.sampled_from(["drop", "rename", "retype", "inject", "wrap"]))
        if op == "drop":
            del parent[last]
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(keys)] = parent.pop(last)
        elif op == "retype":
            parent[last] = draw(values)
        elif op == "inject" and isinstance(parent[last], dict):
            parent[last][draw(keys)] = draw(values)
        elif op == "wrap":
            parent[last] = [parent[last]] if draw(st.booleans()) else {"value": parent[last]}
    return doc


def dump(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


FULL_TEXT = dump(FULL)
PUNCTUATION = ":-?[]{},&*!|>'\"%@`#\t\n  abcAZ019._~\\"


@st.composite
def edited_text(draw: st.DrawFn) -> str:
    """The valid tenant's text with a few characters inserted, deleted or replaced."""
    text = FULL_TEXT
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(text)))
        piece = draw(st.text(alphabet=PUNCTUATION, min_size=1, max_size=4))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + len(piece) :]
        else:
            text = text[:i] + piece + text[i + len(piece) :]
    return text


# --- properties --------------------------------------------------------------------------------


def test_full_tenant_is_valid(folder: Path) -> None:
    """The starting point of the mutations loads (else every mutation is trivially an error)."""
    assert isinstance(load_tenant(write(folder, FULL_TEXT)), TenantConfig)


@FUZZ
@given(doc=values)
def test_random_documents(folder: Path, doc: Any) -> None:
    """When the file is any YAML document: a config or a clear error, never a traceback."""
    assert_clear(write(folder, dump(doc)))


@FUZZ
@given(doc=mutated_tenants(), known=st.sampled_from([None, ("FED-06",), ()]))
def test_mutated_tenants(folder: Path, doc: dict, known: tuple | None) -> None:
    """When a valid tenant has fields dropped, renamed, retyped or added: same property."""
    assert_clear(write(folder, dump(doc)), known_checks=known)


@FUZZ
@given(text=edited_text())
def test_edited_text(folder: Path, text: str) -> None:
    """When the valid tenant's text is edited at random (broken syntax): same property."""
    assert_clear(write(folder, text))


#: Pieces of YAML that reach the loader's corners: explicit tags (whose constructors
#: raise ValueError/KeyError), anchors, aliases, merge keys, complex keys, documents.
FRAGMENTS = [
    "&a [",
    "&b {x: ",
    "*a",
    "*b",
    "<<: *b",
    "]",
    "}",
    ", ",
    "\n",
    "\n- ",
    "\n  ",
    "x: ",
    "okta: ",
    "expect: ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!binary ",
    "!!timestamp ",
    "!!str ",
    "!!set ",
    "!!omap ",
    "!!python/object:os.system ",
    "!custom ",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "abc",
    "2027-02-30",
    "9" * 5000,
    "|\n  text",
    "'q'",
    '"\\x"',
]


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.text(alphabet=PUNCTUATION, max_size=200),
        st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    )
)
def test_random_text(folder: Path, text: str) -> None:
    """When the file is random text (tags, anchors and aliases included): same property."""
    assert_clear(write(folder, text))


@settings(FUZZ, max_examples=30)
@given(
    depth=st.integers(0, 3000),
    style=st.sampled_from(["flow-seq", "flow-map", "block-seq", "block-map", "unclosed"]),
)
def test_deep_nesting(folder: Path, depth: int, style: str) -> None:
    """When the document nests deeply (PyYAML's composer recurses): same property."""
    text = {
        "flow-seq": "okta: " + "[" * depth + "]" * depth,
        "flow-map": "okta: " + "{a: " * depth + "}" * depth,
        "block-seq": "- " * depth + "x",
        "block-map": "".join(" " * i + "k:\n" for i in range(min(depth, 500))),
        "unclosed": "[" * depth,
    }[style]
    assert_clear(write(folder, text))


@settings(FUZZ, max_examples=60)
@given(width=st.integers(1, 12), levels=st.integers(1, 12), cycle=st.booleans())
def test_alias_bombs(folder: Path, width: int, levels: int, cycle: bool) -> None:
    """When aliases repeat a value width**levels times ("billion laughs") or refer to
    themselves: same property, and at once (measured on the alias graph, never expanded)."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    if cycle:
        lines.append("c: &c [1, *c]")
    lines.append(f"okta: *a{levels}")
    assert_clear(write(folder, "\n".join(lines) + "\n"))


@FUZZ
@given(
    raw=st.one_of(st.binary(max_size=200), st.binary(max_size=50).map(FULL_TEXT.encode().__add__))
)
def test_random_bytes(folder: Path, raw: bytes) -> None:
    """When the file holds bytes that may not be UTF-8: same property."""
    assert_clear(write(folder, raw))


@settings(FUZZ, max_examples=30)
@given(docs=st.lists(st.one_of(mutated_tenants(), st.just(FULL)), min_size=1, max_size=4))
def test_folders(tmp_path_factory: pytest.TempPathFactory, docs: list[dict]) -> None:
    """When a folder holds several (possibly broken, possibly same-named) tenants: load_tenants
    returns configs and errors, never raises, and every error names a file, field and fix."""
    folder = tmp_path_factory.mktemp("folder")
    for i, doc in enumerate(docs):
        (folder / f"t{i}.yaml").write_text(dump(doc), encoding="utf-8")
    configs, errors = load_tenants(folder)
    assert len(configs) + len({e.file for e in errors}) >= 1
    for name, cfg in configs.items():
        assert cfg.name == name
    for err in errors:
        assert err.file and err.field and err.fix
        assert isinstance(err.tenant, str)
    names = [d.get("name") for d in docs]
    if names.count("acme") > 1:
        assert "acme" not in configs
