"""Entra's sign-in log read (FED-13) end to end through the emulator, and its read outcome
in the snapshot: the filter the collector sends returns exactly the federation errors in
the window (the emulator's backing log holds others, so the filter is exercised), the
emulator pages as List signIns documents, and ``outcome`` is validated."""

from __future__ import annotations

import asyncio
import copy
import sys

import pytest

from okta_m365_audit.collect.collector import collect
from okta_m365_audit.config import load_tenant
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.emulator.sign_ins import UnsupportedFilter, sign_in_filter
from okta_m365_audit.snapshot import document as snap

from .conftest import DEMO_YAML, ROOT
from .scenarios.helpers import graph_user

sys.path.insert(0, str(ROOT / "scripts"))
from demo_builder.sign_ins import not_licensed_read, sign_in

AMELIA = "amelia.clarke@contoso.com"


def _log(doc, n_matching: int = 1):
    user = graph_user(doc, AMELIA)
    log = [
        sign_in("00000000-0000-4000-8000-000000000001", "2026-11-19T08:14:03Z", user, 0),
        sign_in("00000000-0000-4000-8000-000000000002", "2026-11-19T08:15:03Z", user, 50126),
        sign_in("00000000-0000-4000-8000-000000000003", "2026-11-01T08:14:03Z", user, 51004),
    ]
    log += [
        sign_in(f"00000000-0000-4000-9000-{i:012d}", f"2026-11-18T{i % 24:02d}:00:00Z", user,
                51004, "The user account does not exist in the directory.")
        for i in range(n_matching)
    ]  # fmt: skip
    return log


def _collect(doc):
    cfg = load_tenant(DEMO_YAML)
    with Emulator(doc, registrations_for(cfg)) as emu:
        return asyncio.run(collect(cfg, emu.endpoints(), emu.as_of, offline=True))


def test_the_filter_returns_only_federation_errors_in_the_window(golden):
    doc = copy.deepcopy(golden)
    doc["graph"]["signIns"]["data"] = _log(doc)
    read = _collect(doc)["graph"]["signIns"]
    assert read["ok"] and read["pages"] == 1
    assert [s["status"]["errorCode"] for s in read["data"]] == [51004]


def test_more_than_a_page_of_sign_ins_is_read_newest_first(golden):
    doc = copy.deepcopy(golden)
    doc["graph"]["signIns"]["data"] = _log(doc, n_matching=1001)
    read = _collect(doc)["graph"]["signIns"]
    assert read["ok"] and read["pages"] == 2 and read["requests"] == 2
    times = [s["createdDateTime"] for s in read["data"]]
    assert len(times) == 1001 and times == sorted(times, reverse=True)


def test_not_licensed_is_recorded_as_its_own_outcome(golden):
    doc = copy.deepcopy(golden)
    doc["graph"]["signIns"] = not_licensed_read(doc["graph"]["signIns"]["request"])
    out = _collect(doc)
    read = out["graph"]["signIns"]
    assert read["outcome"] == snap.NOT_LICENSED and read["status"] == 403
    assert snap.needs_hint(read) is None
    assert out["graph"]["users"]["ok"], "a licence answer stops no other read"


@pytest.mark.parametrize(
    "expr",
    [
        "status/errorCode eq 1 or userPrincipalName eq 'a@b.c'",
        "createdDateTime ge yesterday",
        "startswith(userPrincipalName,'a')",
    ],
)
def test_the_emulator_refuses_other_filters(expr):
    with pytest.raises(UnsupportedFilter):
        sign_in_filter(expr)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"outcome": "maybe"}, "is not 'not_licensed'"),
        ({"outcome": "not_licensed", "ok": True}, "on a read recorded ok"),
        ({"outcome": 3}, "expected a string"),
    ],
)
def test_snapshot_validation_knows_the_outcome(golden, change, problem):
    doc = copy.deepcopy(golden)
    doc["graph"]["signIns"].update(change)
    with pytest.raises(snap.SnapshotError, match=problem):
        snap.validate(doc, "x.snapshot.json")
