"""The views on the real shapes Okta sends: every recorded response the views read (apps, keys,
features, connections, users, app users, app groups, domains, org, agent pools) goes through
every view without a crash. Missing data may raise DataUnavailable (the check ERRORs); any
other exception would turn a real tenant's quirk into a broken or, worse, silent check.

The recordings are Okta's own (../shared/reference/okta-recorded); they are read in place,
never copied into the project.
"""

from __future__ import annotations

import inspect
import json
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from okta_m365_audit.config import load_tenant
from okta_m365_audit.snapshot import document as snap
from okta_m365_audit.views import DataUnavailable, TenantView

from .conftest import DEMO_YAML, ROOT, golden_doc

RECORDED = ROOT.parent / "shared" / "reference" / "okta-recorded"

#: recorded family -> the snapshot resource its bodies stand for
FAMILIES: dict[str, str] = {
    "apps-list": "office365Apps",
    "apps-single": "office365Apps",
    "apps-credentials-keys": "appKeys",
    "apps-features": "appFeatures",
    "apps-connections-default": "appConnection",
    "users": "users",
    "apps-users": "appUsers",
    "apps-groups": "appGroups",
    "domains": "domains",
    "org": "org",
    "agentPools": "agentPools",
    "groups": "groups",
}


def _recordings() -> list[Path]:
    if not RECORDED.is_dir():
        return []
    return sorted(p for fam in FAMILIES for p in (RECORDED / fam).glob("*.json"))


pytestmark = pytest.mark.skipif(
    not RECORDED.is_dir(), reason=f"the recorded Okta responses are not here ({RECORDED})"
)


def _as_read(resource: snap.Resource, recording: dict[str, Any], key: str | None) -> dict:
    """The recording as the collector would have stored it."""
    status, body = recording["status"], recording["body"]
    line = snap.request_line(resource, key, [])
    if 200 <= status < 300:
        if resource.kind == "list" and isinstance(body, dict):
            body = [body]  # a single object of a list endpoint
        if resource.kind == "wrapped" and isinstance(body, list):
            body = {"domains": body}
        if resource.kind == "wrapped" and isinstance(body, dict) and "domains" not in body:
            body = {"domains": [body]}
        return snap.make_read(line, status, ok=True, data=body)
    error = {"status": status, "code": (body or {}).get("errorCode"), "body": body,
             "message": (body or {}).get("errorSummary", ""), "needs": resource.needs}  # fmt: skip
    return snap.make_read(line, status, ok=status in resource.answers, pages=0, error=error)


def _doc_with(path: Path) -> dict[str, Any]:
    doc = golden_doc()
    recording = json.loads(path.read_text())
    resource = snap.resource("okta", FAMILIES[path.parent.name])
    app_id = doc["okta"]["office365Apps"]["data"][0]["id"]
    if resource.name == "office365Apps":
        read = _as_read(resource, recording, None)
        if read["ok"]:
            # what the collector's two filtered queries would have returned
            apps = read["data"]
            doc["okta"]["office365Apps"]["data"] = [a for a in apps if a.get("name") == "office365"]
            doc["okta"]["adApps"]["data"] = [a for a in apps if a.get("name") == "active_directory"]
        else:
            doc["okta"]["office365Apps"] = read
        return doc
    if resource.per_parent:
        read = _as_read(resource, recording, app_id)
        doc["okta"][resource.name][app_id] = read
        if resource.name == "appKeys" and read["ok"] and read["data"]:
            # the app signs with the first recorded key, as a real app names one of its own
            app = doc["okta"]["office365Apps"]["data"][0]
            app["credentials"]["signing"]["kid"] = read["data"][0].get("kid")
        return doc
    doc["okta"][resource.name] = _as_read(resource, recording, None)
    return doc


def _exercise(view: TenantView) -> dict[str, str]:
    """Read every view property and the per-domain/per-user methods; name what raised."""
    outcomes: dict[str, str] = {}
    names = [n for n, v in inspect.getmembers(type(view))
             if isinstance(v, property | cached_property) and not n.startswith("_")]  # fmt: skip
    calls = [(n, lambda n=n: getattr(view, n)) for n in names]
    for d in view.cfg.expect.domains_to_federate:
        calls += [(f"domain({d})", lambda d=d: view.domain(d)),
                  (f"federation({d})", lambda d=d: view.federation(d))]  # fmt: skip
    calls += [("okta_certificates_of(app)", lambda: view.okta_certificates_of(view.office365_app)),
              ("orphaned_app_users()", view.orphaned_app_users)]  # fmt: skip
    for name, call in calls:
        try:
            call()
            outcomes[name] = "ok"
        except DataUnavailable as exc:
            outcomes[name] = f"DataUnavailable: {exc}"
    return outcomes


@pytest.fixture(scope="module")
def cfg():
    return load_tenant(DEMO_YAML)


@pytest.mark.parametrize("path", _recordings(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_views_survive_every_recorded_shape(path, cfg):
    """When a real recorded Okta response takes the golden one's place: no view crashes."""
    view = TenantView(cfg, _doc_with(path))
    outcomes = _exercise(view)
    assert outcomes  # every outcome is "ok" or a DataUnavailable with its reason


def _view_of(cfg, family: str, stem: str) -> TenantView:
    return TenantView(cfg, _doc_with(RECORDED / family / f"{stem}.json"))


def test_custom_saml_app_labelled_office365_is_not_the_office365_app(cfg):
    """When a custom SAML app is merely labelled office365: it is not taken for the app."""
    view = _view_of(cfg, "apps-single", "custom-saml_2_0-labelled-office365-not-oin")
    assert view.office365_apps == []
    with pytest.raises(DataUnavailable, match="no ACTIVE Office 365 app"):
        _ = view.office365_app


def test_swa_office365_app_is_seen_as_office365_in_browser_plugin_mode(cfg):
    """When the real Office 365 app is in SWA mode: it is an office365 app, BROWSER_PLUGIN."""
    view = _view_of(cfg, "apps-single", "office365-browser_plugin-active")
    assert [a["signOnMode"] for a in view.office365_apps] == ["BROWSER_PLUGIN"]


def test_app_with_null_sign_on_mode_is_not_office365(cfg):
    """When an app has signOnMode null (an HR or AD source app): views ignore it."""
    view = _view_of(cfg, "apps-single", "deelhr-signOnMode-null")
    assert view.office365_apps == []


def test_two_keys_the_active_one_is_chosen_by_kid(cfg):
    """When the app has two keys: the active one is the kid the app signs with."""
    view = _view_of(cfg, "apps-credentials-keys", "saml-app-two-keys-incl-sha1-cert-2022")
    kid = view.office365_app["credentials"]["signing"]["kid"]
    assert view.active_key["kid"] == kid
    assert view.active_certificate.not_after.year >= 2022


def test_unknown_connection_is_read_as_such(cfg):
    """When the connection answers UNKNOWN (no provisioning): the status is UNKNOWN."""
    view = _view_of(
        cfg, "apps-connections-default", "status-unknown-app-without-provisioning-sdkpy"
    )
    assert view.connection["status"] == "UNKNOWN"


def test_provisioning_not_supported_means_not_enabled(cfg):
    """When /features answers 400 E0000001: provisioning is not enabled (not an error)."""
    view = _view_of(
        cfg, "apps-features", "error-400-list-features-provisioning-not-supported-sdkpy"
    )
    assert view.provisioning_enabled is False


def test_rate_limited_features_read_is_unavailable(cfg):
    """When /features answered 429: the read failed, so checks that need it ERROR."""
    view = _view_of(cfg, "apps-features", "error-429-rate-limited-sdkpy")
    with pytest.raises(DataUnavailable, match="429"):
        _ = view.provisioning_enabled


# --- served back: each recorded answer the collector reads, loaded into the emulator --------

#: recorded family -> (snapshot resource the body is stored as, route it is read back from)
SERVED_BACK: dict[str, tuple[str, str]] = {
    "org": ("org", "/api/v1/org"),
    "apps-list": ("office365Apps", "/api/v1/apps?limit=200"),
    "apps-single": ("office365Apps", "/api/v1/apps/{id}"),
    "apps-credentials-keys": ("appKeys", "/api/v1/apps/{app}/credentials/keys"),
    "apps-features": ("appFeatures", "/api/v1/apps/{app}/features"),
    "apps-connections-default": ("appConnection", "/api/v1/apps/{app}/connections/default"),
    "apps-users": ("appUsers", "/api/v1/apps/{app}/users?limit=500"),
    "apps-groups": ("appGroups", "/api/v1/apps/{app}/groups?limit=200"),
    "users": ("users", "/api/v1/users?limit=200"),
    "groups": ("groups", "/api/v1/groups?limit=10000"),
    "domains": ("domains", "/api/v1/domains"),
    "agentPools": ("agentPools", "/api/v1/agentPools?poolType=AD"),
}


def _served_back_recordings() -> list[Path]:
    """Successful recordings of what the collector reads (a single user, key, feature or
    group stands for one item of its list; agent-pool updates are not read)."""
    if not RECORDED.is_dir():
        return []
    out = []
    for fam in SERVED_BACK:
        for p in sorted((RECORDED / fam).glob("*.json")):
            rec = json.loads(p.read_text())
            if 200 <= rec["status"] < 300 and "/updates" not in rec["url_path"]:
                out.append(p)
    return out


def shape(value: Any) -> Any:
    """Keys at every depth, list lengths, and null versus a value (of which JSON type)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return None if value is None else type(value).__name__


def _stored_and_route(path: Path) -> tuple[dict[str, Any], str, Any]:
    """The golden snapshot with the recording stored in place of its resource, the route
    that reads it back, and what that route must answer."""
    family = path.parent.name
    name, route = SERVED_BACK[family]
    body = json.loads(path.read_text())["body"]
    doc = golden_doc()
    o = doc["okta"]
    app_id = o["office365Apps"]["data"][0]["id"]
    res = snap.resource("okta", name)
    single = family == "domains" and isinstance(body, dict) and "domains" not in body
    listed = [body] if res.kind == "list" and isinstance(body, dict) else body
    if single:
        listed, route = {"domains": [body]}, f"/api/v1/domains/{body['id']}"
    if family == "apps-single":
        route = f"/api/v1/apps/{body['id']}"
    read = snap.make_read(snap.request_line(res, None, []), 200, ok=True, data=listed)
    if res.per_parent:
        o[name][app_id] = read
    else:
        o[name] = read
    if name == "office365Apps":
        o["adApps"]["data"] = []  # every recorded app is one of the pool, in its order
        if "adminConsoleApp" in o:  # a recorded list holds its own Admin Console app
            o["adminConsoleApp"]["data"] = []
    if name == "users":
        o.pop("deprovisionedUsers", None)
        if isinstance(body, dict) and body.get("status") == "DEPROVISIONED":
            route = '/api/v1/users?search=status eq "DEPROVISIONED"&limit=200'
    expected = body if single or family == "apps-single" else listed
    return doc, route.replace("{app}", app_id), expected


def _read_back(doc: dict[str, Any], route: str) -> Any:
    """GET ``route`` from the emulator's Okta routes serving ``doc`` (local HTTP)."""
    import asyncio

    import aiohttp
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from okta_m365_audit.emulator.okta import OktaRoutes
    from okta_m365_audit.emulator.state import TenantState

    async def go() -> Any:
        app = web.Application()
        OktaRoutes(TenantState.from_snapshot(doc)).add_to(app)
        async with TestServer(app) as server, aiohttp.ClientSession() as http:
            async with http.get(server.make_url(route)) as r:
                assert r.status == 200, (route, await r.text())
                return await r.json()

    return asyncio.run(go())


@pytest.mark.parametrize(
    "path", _served_back_recordings(), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_recorded_answer_is_served_back_in_the_same_shape(path):
    """When a real recorded Okta answer the collector reads is the stored object: the
    emulator serves it back with the same keys at every depth and the same nulls (a list
    endpoint's single recorded object comes back as its one item; a recorded single domain
    from GET /api/v1/domains/{id}, a DEPROVISIONED user from the DEPROVISIONED search)."""
    doc, route, expected = _stored_and_route(path)
    assert shape(_read_back(doc, route)) == shape(expected)
