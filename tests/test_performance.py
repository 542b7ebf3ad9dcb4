"""Issue 6: collection reaches its floors, and the parts the benchmark relies on are sound.

Times are measured by benchmarks/run.py, never asserted here (shared machines are noisy);
what is deterministic is asserted: the requests a collection makes equal the pagination
floor, the synthetic tenants are reproducible and golden, the emulator's latency and its
child process behave, and a large snapshot is written without being held twice.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import sys
import time
from pathlib import Path

import pytest

from okta_m365_audit.collect import costs
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.config import load_tenant
from okta_m365_audit.emulator import Emulator, Latency, emulator_for, registrations_for
from okta_m365_audit.emulator.process import EmulatorError, EmulatorProcess
from okta_m365_audit.snapshot import document as snap

from .conftest import DEMO_YAML, ROOT, golden_doc, golden_verdicts, run_suite

sys.path.insert(0, str(ROOT / "scripts"))
import build_synthetic_tenant as synthetic


@pytest.fixture(scope="module")
def tenant_1k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic tenant of 1,000 in-scope users (in-process emulator, no latency)."""
    return synthetic.build(1000, tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="module")
def tenant_300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic tenant of 300 users: the size ``make bench-quick`` (CI) measures."""
    return synthetic.build(300, tmp_path_factory.mktemp("synthetic-300"))


def _collect_counting(tenant_file: Path) -> tuple[dict, dict, list]:
    cfg = load_tenant(tenant_file)
    served = snap.load(cfg.resolve(cfg.emulator.snapshot))
    with emulator_for(cfg) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of, offline=False))
        log = emu.requests
    return served, doc, log


# --- the pagination floor ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["demo", "300", "1k"])
def test_requests_made_equal_the_pagination_floor(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Every GET the emulator saw is one the floor counts: the largest page sizes, no
    per-object reads where a list serves, no page read twice (300 users: what CI's
    ``make bench-quick`` measures)."""
    tenant = DEMO_YAML if which == "demo" else request.getfixturevalue(f"tenant_{which}")
    served, doc, log = _collect_counting(tenant)
    gets = [r for r in log if r.method == "GET"]
    assert not doc["meta"]["partial"]
    assert len(gets) == costs.floor_of(served).requests
    # the two tokens; the demo's Okta service app requires DPoP, so Okta's token endpoint
    # first answers with its nonce challenge (use_dpop_nonce), once per run
    posts = [(r.method, r.path) for r in log if r.method != "GET"]
    okta_token = ("POST", "/oauth2/v1/token")
    assert posts.count(okta_token) == 2 and len(posts) == 3, posts


def test_every_read_uses_the_largest_page_size(tenant_1k: Path) -> None:
    """A read whose list needs more than one page asks for the endpoint's maximum."""
    log = _collect_counting(tenant_1k)[2]
    first_pages = {r.path: r.query for r in log if r.method == "GET" and "after=" not in r.query}
    users = first_pages["/api/v1/users"]
    assert "limit=200" in users
    graph_users = first_pages["/v1.0/users"]
    assert "%24top=999" in graph_users or "$top=999" in graph_users
    assert "%24select" in graph_users or "$select" in graph_users
    for res in snap.RESOURCES:
        if res.page_size_param:
            assert res.max_page_size and res.max_page_size > 1, res.name


def test_floor_counts_pages_objects_and_the_longest_chain() -> None:
    doc = snap.new_snapshot({"collectedAt": "2026-11-20T06:00:00.000Z"})
    read = snap.make_read
    doc["okta"] = {
        "org": read("GET /api/v1/org", 200, ok=True, data={"id": "00o"}),
        "users": read("GET /api/v1/users", 200, ok=True, data=[{}] * 401),  # 200 a page: 3
        "groups": read("GET /api/v1/groups", 200, ok=True, data=[]),  # empty: still 1
        "office365Apps": read("GET /api/v1/apps", 200, ok=True, data=[{"id": "0oa1"}]),
        "appUsers": {"0oa1": read("GET /api/v1/apps/0oa1/users", 200, ok=True, data=[{}] * 1001)},
        "domains": read("GET /api/v1/domains", 200, ok=True, data={"domains": [{}, {}]}),
    }
    floor = costs.floor_of(doc)
    assert floor.per_read["okta.users"] == 3
    assert floor.per_read["okta.groups"] == 1
    assert floor.per_read["okta.appUsers[0oa1]"] == 3  # 500 a page
    assert floor.per_read["okta.domains"] == 1  # not paged
    # the DEPROVISIONED users are always asked for (a plain list omits them), even when
    # an older snapshot holds no such read
    assert floor.per_read["okta.deprovisionedUsers"] == 1
    assert floor.requests == 1 + 3 + 1 + 1 + 1 + 3 + 1
    assert floor.objects == 1 + 401 + 0 + 1 + 1001 + 2
    # app users wait for the app list: 1 + 3 pages, not longer than users' 3 pages alone
    assert (floor.chain, floor.chain_of) == (4, "okta.office365Apps then okta.appUsers")
    assert floor.latency_floor(0.1) == pytest.approx(0.4)


def test_the_chain_follows_reads_across_apis_at_any_depth() -> None:
    """The provisioning client's Entra principal needs the connection, which needs the app
    list; its permissions need the principal: four requests one after another, the longest
    here (the golden tenant's pages are one each)."""
    floor = costs.floor_of(golden_doc())
    assert floor.chain == 4
    assert floor.chain_of == (
        "okta.office365Apps then okta.appConnection then graph.oktaClientPrincipal "
        "then graph.appRoleAssignments"
    )


# --- the synthetic tenants -----------------------------------------------------------------


def test_synthetic_tenant_is_reproducible_and_seeded(tmp_path: Path) -> None:
    a = synthetic.build(200, tmp_path / "a")
    b = synthetic.build(200, tmp_path / "b")
    c = synthetic.build(200, tmp_path / "c", seed=7)

    def digest(tenant_file: Path) -> str:
        return hashlib.sha256(
            (tenant_file.parent / "synthetic-200/snapshot.json").read_bytes()
        ).hexdigest()

    assert digest(a) == digest(b)
    assert digest(a) != digest(c)


def test_synthetic_tenant_joins_up(tenant_1k: Path) -> None:
    """Okta users, app users and Entra users are the same 1,000 people."""
    doc = snap.load(tenant_1k.parent / "synthetic-1k" / "snapshot.json")
    okta_logins = {u["profile"]["login"] for u in doc["okta"]["users"]["data"]}
    (app_users,) = doc["okta"]["appUsers"].values()
    graph = {u["userPrincipalName"]: u for u in doc["graph"]["users"]["data"]}
    assert len(okta_logins) == 1000
    assert {a["credentials"]["userName"] for a in app_users["data"]} == okta_logins
    assert okta_logins <= set(graph)
    for a in app_users["data"]:
        user = graph[a["credentials"]["userName"]]
        assert a["externalId"] == user["id"]
        assert a["profile"]["immutableId"] == user["onPremisesImmutableId"]
    sources = {u["credentials"]["provider"]["type"] for u in doc["okta"]["users"]["data"]}
    assert sources == {"ACTIVE_DIRECTORY", "OKTA"}


def test_synthetic_tenant_is_golden(pytester: pytest.Pytester, tenant_1k: Path) -> None:
    """Every check gives the demo's verdict on the grown tenant: the benchmark measures a
    whole, green run."""
    result = run_suite(pytester, tenant_1k.parent)
    expected = {
        k.replace("[demo", "[synthetic-1k"): v for k, v in golden_verdicts(pytester).items()
    }
    assert result.verdicts == expected
    assert result.ret == 0


# --- the emulator's latency and its child process -------------------------------------------


def test_latency_delays_every_answer_with_seeded_jitter() -> None:
    a, b = Latency(100, 50, seed=3), Latency(100, 50, seed=3)
    delays = [a.next_delay() for _ in range(20)]
    assert delays == [b.next_delay() for _ in range(20)]
    assert all(0.1 <= d <= 0.15 for d in delays)
    assert len(set(delays)) > 1
    assert Latency().active is False
    with pytest.raises(ValueError, match=">= 0"):
        Latency(-1)


def test_latency_is_felt_by_the_sdks(golden: dict) -> None:
    """A collection through a 150 ms emulator cannot be faster than its chain of requests."""
    cfg = load_tenant(DEMO_YAML)
    chain = costs.floor_of(golden).chain
    with Emulator(golden, registrations_for(cfg), latency=Latency(150)) as emu:
        started = time.perf_counter()
        asyncio.run(collect(cfg, emu.endpoints(), emu.as_of, offline=True))
        elapsed = time.perf_counter() - started
    assert elapsed >= 0.15 * chain


def test_emulator_in_a_child_process_serves_the_run(golden: dict) -> None:
    cfg = load_tenant(DEMO_YAML)
    with EmulatorProcess(cfg.resolve(cfg.emulator.snapshot), DEMO_YAML) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of, offline=True))
        log = emu.requests
        proc = emu._proc
    assert not doc["meta"]["partial"]
    assert emu.as_of == snap.parse_time(golden["meta"]["collectedAt"])
    assert {r.method for r in log} == {"GET", "POST"} and len(log) > 20
    assert proc is not None and proc.poll() is not None  # gone once the run is over


def test_emulator_process_that_cannot_start_says_why(tmp_path: Path) -> None:
    with pytest.raises(EmulatorError, match=r"did not start.*cannot be read"):
        EmulatorProcess(tmp_path / "missing.json", DEMO_YAML).start()


def test_separate_process_and_latency_from_the_tenant_file(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    tenants = tmp_path / "tenants"
    synthetic.build(100, tenants, latency_ms=5, separate_process=True, name="far")
    result = run_suite(pytester, tenants)
    assert result.ret == 0
    assert set(result.verdicts.values()) == {"passed", "skipped"}


# --- collection internals -------------------------------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_collection_leaves_the_garbage_collector_as_it_found_it(golden: dict, enabled: bool):
    cfg = load_tenant(DEMO_YAML)
    if not enabled:
        gc.disable()
    try:
        with Emulator(golden, registrations_for(cfg)) as emu:
            asyncio.run(collect(cfg, emu.endpoints(), emu.as_of, offline=True))
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_snapshot_is_streamed_in_a_readable_layout_and_digested_canonically(
    golden: dict, tmp_path: Path
) -> None:
    path = snap.save(golden, tmp_path / "s.json")
    text = path.read_text()
    assert json.loads(text) == golden
    # every API object on a line of its own, so a reviewer can grep a user
    upn = golden["graph"]["users"]["data"][0]["userPrincipalName"]
    (line,) = [ln for ln in text.splitlines() if f'"userPrincipalName": "{upn}"' in ln]
    assert json.loads(line.strip().rstrip(",")) == golden["graph"]["users"]["data"][0]
    canonical = json.dumps(golden, sort_keys=True, separators=(",", ":")).encode()
    assert snap.digest(golden) == hashlib.sha256(canonical).hexdigest()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": [1, "\\u00e9"]}', {"a": [1, "é"]}),
        ('{"a": 1}', {"a": 1}),
        (b'{"n": NaN}', "nan"),  # orjson refuses NaN; the standard library reads it
        (
            b'{"i64": -9223372036854775808, "u64": 18446744073709551615}',
            {"i64": -(2**63), "u64": 2**64 - 1},
        ),  # 64-bit integers stay exact
        (b'{"cut": [1, 2', '{"cut": [1, 2'),  # not JSON: kept as text, judged malformed later
        ("<html>upstream error</html>", "<html>upstream error</html>"),
        (b"", None),
    ],
)
def test_bodies_parse_as_the_standard_library_would(raw, expected) -> None:
    from okta_m365_audit.clients import parse_json

    got = parse_json(raw)
    if expected == "nan":
        assert got["n"] != got["n"]
    else:
        assert got == expected


def test_every_per_parent_read_has_its_parent_in_the_floor():
    """A new per-parent read names what it is read per; the floor must know that parent."""
    from okta_m365_audit.catalog.resources import RESOURCES

    assert {(r.api, r.per) for r in RESOURCES if r.per} - set(costs.PARENT) == set()
