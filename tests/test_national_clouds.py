"""National clouds: a GCC High and a 21Vianet tenant run end to end like the global demo.

Each national tenant is the golden demo moved to another cloud: its initial domain renamed
everywhere (``contosodemo.onmicrosoft.us``, ``contosodemo.partner.onmschina.cn``), its
snapshot's ``meta.graph.cloud`` and the tenant file's ``m365.cloud`` set. The emulator then
serves that cloud's shapes (token service, realm answers) and takes only that cloud's Graph
scope, so a run with the golden verdicts proves the suite asked for the right cloud.
Per-cloud values and their sources: ``clients/endpoints.py`` (``CLOUDS``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from okta_m365_audit.clients import CLOUDS, Endpoints
from okta_m365_audit.clients.endpoints import initial_domain_prefix
from okta_m365_audit.collect.collector import collect
from okta_m365_audit.config import load_tenant
from okta_m365_audit.emulator import Emulator, registrations_for
from okta_m365_audit.snapshot import document as snap
from okta_m365_audit.views import TenantView

from .conftest import DEMO_YAML, golden_doc, golden_verdicts, run_suite, write_tenant

GLOBAL = CLOUDS["global"]
INITIAL = "contosodemo.onmicrosoft.com"
NATIONAL = ("usgov", "china")


def moved_to(cloud: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The golden doc as a tenant of ``cloud``: the initial domain renamed wherever it
    appears (organization.verifiedDomains, domains, UPNs, the service account, the Okta
    app's settings and users, recorded realm answers), the Microsoft hosts the Okta app
    links to moved to the cloud's, and ``meta.graph`` naming the cloud. Recorded realm
    answers are dropped, so the emulator derives them in the cloud's shape."""
    target = CLOUDS[cloud]
    text = json.dumps(doc)
    text = text.replace(INITIAL, f"contosodemo.{target.initial_domain_suffix}")
    text = text.replace(INITIAL.replace("@", "%40"), f"contosodemo.{target.initial_domain_suffix}")
    text = text.replace(GLOBAL.login_host, target.login_host)
    text = text.replace(GLOBAL.graph, target.graph)
    moved = json.loads(text)
    moved["meta"]["graph"] |= {"cloud": cloud, "baseUrl": f"{target.graph}/v1.0"}
    moved.get("realm", {}).pop("userRealm", None)
    return moved


def tenant_file(cloud: str):
    """The demo tenant file's patch for ``cloud``: the cloud and the UPNs on the initial
    domain (service account, excluded accounts)."""
    suffix = CLOUDS[cloud].initial_domain_suffix

    def patch(data: dict[str, Any]) -> None:
        data["m365"]["cloud"] = cloud
        text = json.dumps(data["expect"]).replace(INITIAL, f"contosodemo.{suffix}")
        data["expect"] = json.loads(text)

    return patch


def _canonical(verdicts: dict[str, str], cloud: str) -> dict[str, str]:
    """Test ids with the cloud's initial domain spelt as the global one, to compare."""
    suffix = CLOUDS[cloud].initial_domain_suffix
    return {k.replace(f"contosodemo.{suffix}", INITIAL): v for k, v in verdicts.items()}


# --- the real hosts (sources: CLOUDS' docstring) ---


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_endpoints_real_reach_the_clouds_own_hosts(cloud):
    """Endpoints.real: the cloud's Graph, its /.default scope and its login host, which the
    credential's authority and home-realm discovery both use."""
    cfg = load_tenant(DEMO_YAML)
    cfg = cfg.model_copy(update={"m365": cfg.m365.model_copy(update={"cloud": cloud})})
    ep = Endpoints.real(cfg)
    expected = {
        "global": ("graph.microsoft.com", "login.microsoftonline.com"),
        "usgov": ("graph.microsoft.us", "login.microsoftonline.us"),
        "usgov-dod": ("dod-graph.microsoft.us", "login.microsoftonline.us"),
        "china": ("microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn"),
    }[cloud]
    assert ep.graph_base == f"https://{expected[0]}/v1.0"
    assert ep.graph_scope == f"https://{expected[0]}/.default"
    assert ep.login_authority == expected[1]
    assert ep.origin("graph").host == expected[0] and ep.origin("login").host == expected[1]


def test_clouds_agree_with_the_microsoft_sdks():
    """Graph roots are msgraph_core's NationalClouds (Germany closed in 2021: not a cloud a
    tenant file may name); login hosts are azure-identity's AzureAuthorityHosts, each a
    host msal knows without instance discovery."""
    from azure.identity import AzureAuthorityHosts
    from msal.authority import WELL_KNOWN_AUTHORITY_HOSTS
    from msgraph_core import NationalClouds

    graphs = {c.value for c in NationalClouds} - {NationalClouds.Germany.value}
    assert {c.graph for c in CLOUDS.values()} == graphs
    assert {c.login_host for c in CLOUDS.values()} == {
        AzureAuthorityHosts.AZURE_PUBLIC_CLOUD,
        AzureAuthorityHosts.AZURE_GOVERNMENT,
        AzureAuthorityHosts.AZURE_CHINA,
    }
    assert {c.login_host for c in CLOUDS.values()} <= WELL_KNOWN_AUTHORITY_HOSTS


@pytest.mark.parametrize(
    "domain, prefix",
    [
        ("contoso.onmicrosoft.com", "contoso"),
        ("Contoso.OnMicrosoft.us", "contoso"),
        ("contoso.partner.onmschina.cn", "contoso"),
        ("contoso.com", None),
        ("mail.contoso.onmicrosoft.com", None),  # not an initial domain
        ("onmicrosoft.us", None),
    ],
)
def test_initial_domain_prefix_of_every_cloud(domain, prefix):
    assert initial_domain_prefix(domain) == prefix


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_msft_tenant_from_the_initial_domain_of_every_cloud(cloud):
    """Okta's msftTenant for the M365 tenant is found whatever the initial domain's suffix,
    as the prefix or as the whole initial domain."""
    doc = moved_to(cloud, golden_doc())
    cfg = load_tenant(DEMO_YAML)
    view = TenantView(cfg, doc)
    whole = f"contosodemo.{CLOUDS[cloud].initial_domain_suffix}"
    assert view.msft_tenant == "contosodemo"
    assert view.msft_tenant_names == {"contosodemo", whole}
    assert view.initial_domain == whole
    for app in doc["okta"]["office365Apps"]["data"]:
        app["settings"]["app"]["msftTenant"] = whole.upper()
    assert TenantView(cfg, doc).office365_app["label"] == "Microsoft Office 365"


# --- the emulator serves each cloud's shapes ---


@pytest.mark.parametrize("cloud", NATIONAL)
def test_collection_goes_to_the_clouds_emulated_services(cloud, tmp_path):
    """Collecting a national tenant: the token request names the cloud's Graph resource
    (the emulated token service refuses any other cloud's), Graph and realm discovery are
    asked on the emulated Graph and login sites, and the realm answers are the cloud's."""
    files = write_tenant(tmp_path, moved_to(cloud, golden_doc()), tenant_file(cloud))
    cfg = files.config()
    target = CLOUDS[cloud]
    with Emulator(snap.load(files.snapshot), registrations_for(cfg)) as emu:
        collected = asyncio.run(collect(cfg, emu.endpoints(cfg.m365.cloud), emu.as_of))
        log = list(emu.requests)
    assert collected["meta"]["partial"] is False
    assert collected["meta"]["graph"]["cloud"] == cloud
    by_service = {(r.service, r.method, r.path.split("?")[0]) for r in log}
    assert ("login", "POST", f"/{cfg.m365.tenant_id}/oauth2/v2.0/token") in by_service
    assert ("login", "GET", "/getuserrealm.srf") in by_service
    assert any(s == "graph" and p.startswith("/v1.0/") for s, _, p in by_service)
    # no read refused for its token (the golden tenant's own 404s aside)
    assert not [r for r in log if r.service in {"graph", "login"} and r.status in (400, 401, 403)]
    realm = collected["realm"]["userRealm"]
    assert realm and all(
        r["data"]["CloudInstanceName"] == target.instance_name for r in realm.values()
    )
    svc = f"svc-okta@contosodemo.{target.initial_domain_suffix}"
    assert realm[svc]["data"]["NameSpaceType"] == "Managed"


@pytest.mark.parametrize("cloud", NATIONAL)
def test_openid_configuration_and_token_are_the_clouds(cloud):
    """openid-configuration names the cloud's instance and Graph host; the access token's
    audience is the cloud's Graph and its issuer the cloud's token service; another cloud's
    Graph is refused with AADSTS500011."""
    import httpx
    import jwt

    cfg = load_tenant(DEMO_YAML)
    target = CLOUDS[cloud]
    with Emulator(moved_to(cloud, golden_doc()), registrations_for(cfg)) as emu:
        base, tid = emu.urls["login"], cfg.m365.tenant_id
        with httpx.Client(verify=str(emu.ca_file)) as http:
            oidc = http.get(f"{base}/{tid}/v2.0/.well-known/openid-configuration").json()
            assert oidc["cloud_instance_name"] == target.instance_name
            assert oidc["msgraph_host"] == target.graph_host
            assert oidc["issuer"] == f"{base}/{tid}/v2.0"
            token = asyncio.run(_token(cfg, emu.endpoints(cloud)))
            wrong = asyncio.run(_token(cfg, emu.endpoints("global"), fails=True))
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == target.graph
    assert claims["iss"] == f"{target.access_token_issuer}{tid}/"
    assert "AADSTS500011" in wrong


async def _token(cfg, endpoints: Endpoints, fails: bool = False) -> str:
    from azure.core.exceptions import ClientAuthenticationError

    from okta_m365_audit.clients import graph_credential

    credential = graph_credential(cfg, endpoints)
    try:
        return (await credential.get_token(endpoints.graph_scope)).token
    except ClientAuthenticationError as exc:
        if not fails:
            raise
        return str(exc)
    finally:
        await credential.close()


# --- end to end, through the plugin and the real SDKs ---


@pytest.mark.parametrize("cloud", NATIONAL)
def test_national_tenant_has_the_golden_verdicts(cloud, pytester):
    """A national tenant, run by the suite against the emulator: the golden verdicts, and
    the request log shows the token request and the Graph reads went to the emulated
    services of that cloud (a token for any other cloud's Graph would have been refused)."""
    golden = golden_verdicts(pytester)
    files = write_tenant(
        pytester.path / f"{cloud}-tenants", moved_to(cloud, golden_doc()), tenant_file(cloud)
    )
    run = run_suite(pytester, files.dir, out=f"out-{cloud}")
    assert _canonical(run.verdicts, cloud) == golden
    [log_file] = (run.outdir / "snapshots").glob("demo-*.emulator-requests.json")
    log = json.loads(log_file.read_text())
    services = {r["service"] for r in log}
    assert services == {"okta", "graph", "login"}
    assert not [r for r in log if r["service"] != "okta" and r["status"] in (400, 401, 403)]
    [saved] = (run.outdir / "snapshots").glob("demo-*.snapshot.json")
    assert snap.load(saved)["meta"]["graph"]["cloud"] == cloud
