"""A read waits for nothing it does not need (issue 16): each round trip a collection waits
for is one its tenant's latency makes it pay.

- Each stream signs in (obtains its token) before any read, then reads everything at once
  (collect/collector.py ``_signed_in``): the first read (Okta's org, Graph's organization)
  costs no round trip of its own before the others, and bad credentials are still found
  once: one token exchange, then every read of the stream fails with its cause and sends
  nothing.
- The Entra principal of the provisioning connection's client is read once the connections
  are (collect/apps.py), not once every page of the app's users is.
- The Okta stream signs in and reads while the Graph client is built (a few tenths of a
  second of imports and key loading, on a thread): the chain's Okta links do not wait for
  it (collect/late_graph.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time

import pytest

from okta_m365_audit import clients
from okta_m365_audit import emulator as emulator_pkg
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.faults import Fault

from .conftest import write_tenant
from .scenarios.access import dpop_required_but_not_declared

SLOW = 2.0  #: the first read's answer is held this long


def _arrivals(emu: Emulator, service: str) -> list[tuple[str, dt.datetime]]:
    return [
        (r.path, dt.datetime.fromisoformat(r.time.replace("Z", "+00:00")))
        for r in emu.requests
        if r.service == service and r.method == "GET"
    ]


def test_the_first_read_goes_out_with_the_others(pytester, golden):
    """The org and organization reads are held 2 s: every other read of the stream has
    still been sent before they answer (sequential, the next would come after)."""
    files = write_tenant(pytester.path / "tenants", golden)
    cfg = files.config()
    slow = [
        Fault("slow", "okta", r"^/api/v1/org$", seconds=SLOW),
        Fault("slow", "graph", r"^/v1.0/organization$", seconds=SLOW),
    ]
    with Emulator(golden, registrations_for(cfg), slow) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        for service, first in (("okta", "/api/v1/org"), ("graph", "/v1.0/organization")):
            gets = _arrivals(emu, service)
            sent = dict(gets)[first]
            others = [t for path, t in gets if path in ("/api/v1/users", "/v1.0/users")]
            assert others and all(t < sent + dt.timedelta(seconds=SLOW / 2) for t in others)
    assert doc["okta"]["org"]["ok"] and doc["graph"]["organization"]["ok"]


def test_a_refused_sign_in_is_one_token_exchange_and_sends_no_read(pytester, golden, monkeypatch):
    """The app requires DPoP, the tenant file says it does not: Okta refuses the token once;
    the org read records that refusal as its own, every other Okta read fails with it, and
    no Okta API request is sent. Graph is untouched."""
    files = dpop_required_but_not_declared(monkeypatch, pytester, golden)
    cfg = files.config()
    with Emulator(golden, emulator_pkg.registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        okta = [(r.method, r.path) for r in emu.requests if r.service == "okta"]
    assert okta == [("POST", "/oauth2/v1/token")]
    org = doc["okta"]["org"]
    assert not org["ok"] and org["error"]["code"] == "token_request_failed"
    assert "DPoP" in org["error"]["message"]
    reads = [r for name, r in doc["okta"].items() if name != "org" and "ok" in r]
    assert reads and all(r["error"]["code"] == "token_request_failed" for r in reads)
    assert doc["graph"]["organization"]["ok"]


def test_the_connection_client_principal_waits_for_the_connections_alone(pytester, golden):
    """The app users' answer is held 2 s: the principal found by the connection's client id
    has been asked for before it comes."""
    files = write_tenant(pytester.path / "tenants", golden)
    cfg = files.config()
    slow = [Fault("slow", "okta", r"^/api/v1/apps/[^/]+/users$", seconds=SLOW)]
    with Emulator(golden, registrations_for(cfg), slow) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        okta = _arrivals(emu, "okta")
        graph_app = "00000003-0000-0000-c000-000000000000"  # the Graph principal's own read
        by_app_id = [
            dt.datetime.fromisoformat(r.time.replace("Z", "+00:00"))
            for r in emu.requests
            if r.path == "/v1.0/servicePrincipals"
            and "appId eq" in r.query
            and graph_app not in r.query
        ]
    [app_users] = [t for path, t in okta if path.endswith("/users") and "/apps/" in path]
    assert by_app_id and all(t < app_users + dt.timedelta(seconds=SLOW / 2) for t in by_app_id)
    assert doc["graph"]["oktaClientPrincipal"] and doc["meta"]["partial"] is False


def _graph_built_slowly(monkeypatch, fails: bool = False) -> list[float]:
    """GraphApi takes SLOW seconds to build (and then raises, when ``fails``); the returned
    list gets the wall-clock time its building ended."""
    ended: list[float] = []

    class SlowGraphApi(clients.GraphApi):
        def __init__(self, *args, **kwargs):
            time.sleep(SLOW)
            ended.append(time.time())
            if fails:
                raise ValueError("the Graph client could not be built")
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(clients, "GraphApi", SlowGraphApi)
    return ended


def _sent_at(record) -> float:
    return dt.datetime.fromisoformat(record.time.replace("Z", "+00:00")).timestamp()


def test_okta_reads_while_the_graph_client_is_built(pytester, golden, monkeypatch):
    """The Graph client takes 2 s to build: Okta's token, its app list and the app's
    connection were all asked for long before it is built (after it, in the old order), and
    the collection reads everything as before."""
    files = write_tenant(pytester.path / "tenants", golden)
    cfg = files.config()
    ended = _graph_built_slowly(monkeypatch)
    with Emulator(golden, registrations_for(cfg)) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        okta = [r for r in emu.requests if r.service == "okta"]
    token = next(r for r in okta if r.method == "POST")
    connection = next(r for r in okta if r.path.endswith("/connections/default"))
    assert _sent_at(token) < ended[0] - SLOW / 2
    assert _sent_at(connection) < ended[0] - SLOW / 2
    assert doc["meta"]["partial"] is False and doc["graph"]["oktaClientPrincipal"]


def test_a_graph_client_that_cannot_be_built_ends_the_collection(
    pytester, golden, monkeypatch, caplog
):
    """Building the Graph client fails after 2 s: the collection raises that error, as it
    did when the client was built before any read; the Okta reads started meanwhile are
    cancelled (asyncio reports no task left with an error nobody read)."""
    files = write_tenant(pytester.path / "tenants", golden)
    cfg = files.config()
    _graph_built_slowly(monkeypatch, fails=True)
    with Emulator(golden, registrations_for(cfg)) as emu, caplog.at_level(logging.ERROR):
        with pytest.raises(ValueError, match="could not be built"):
            asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        graph_reads = [r for r in emu.requests if r.service == "graph" and r.method == "GET"]
    assert graph_reads == []
    assert "never retrieved" not in caplog.text


def test_the_connection_read_goes_ahead_of_the_leaves_waiting_for_a_place(pytester, golden):
    """Every Okta read but the app list and its connection is held 1 s, and there are
    about twenty of them for eight places (clients/gate.py): in line behind them the
    connection read would go out in their third round, 2 s in; urgent, it takes the first
    place freed, 1 s in."""
    files = write_tenant(pytester.path / "tenants", golden)
    cfg = files.config()
    held = 1.0
    leaves = r"^/api/v1/(?!apps$|apps/[^/]+/connections/default$).+"
    with Emulator(
        golden, registrations_for(cfg), [Fault("slow", "okta", leaves, count=None, seconds=held)]
    ) as emu:
        doc = asyncio.run(collect(cfg, emu.endpoints(), emu.as_of))
        gets = _arrivals(emu, "okta")
    start = min(t for _, t in gets)
    [connection] = [t for path, t in gets if path.endswith("/connections/default")]
    queued_behind = [t for path, t in gets if t > start + dt.timedelta(seconds=held * 1.5)]
    assert queued_behind, "the leaves did not need a third round: the test proves nothing"
    assert connection < start + dt.timedelta(seconds=held * 1.5)
    assert doc["okta"]["appConnection"] and doc["meta"]["partial"] is False
