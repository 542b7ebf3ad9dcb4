"""network: and endpoints: of a tenant file, the run's network flags, NO_PROXY matching, and
a tenant reached at a standalone emulator through endpoints: alone (no emulator: section).

Each bad field gives one line naming the file, the field and the fix; nothing here reads the
environment's proxy unless --proxy-from-env says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
import yaml

from okta_m365_audit.clients import Endpoints, Origin, network_for
from okta_m365_audit.clients.network import bypasses
from okta_m365_audit.config import load_tenant
from okta_m365_audit.config.network import RunNetwork
from okta_m365_audit.core.errors import ConfigError
from okta_m365_audit.emulator.process import EmulatorProcess

from .conftest import DEMO_YAML, GOLDEN, demo_yaml_data
from .network_support import audit, demo_folder


def tenant_with(tmp_path: Path, **sections: object) -> Path:
    data = demo_yaml_data()
    data.pop("emulator", None)
    data.update(sections)
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def one_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_tenant(path)
    err = caught.value
    assert len(str(err).splitlines()) == 1, str(err)
    assert str(path) in str(err)
    return err


@pytest.mark.parametrize(
    ("sections", "field", "says"),
    [
        ({"network": {"proxy": "http://u:pw@p.example:1"}}, "network.proxy", "proxy_password_env"),
        ({"network": {"proxy": "ftp://proxy.example:21"}}, "network.proxy", "http:// or https://"),
        ({"network": {"proxy": "http://proxy.example:3128/path"}}, "network.proxy", "no path"),
        ({"network": {"no_proxy": ["10.0.0.0/99"]}}, "network.no_proxy", "CIDR"),
        ({"network": {"proxy_password_env": "PW"}}, "network.proxy_password_env", "proxy_username"),
        ({"network": {"ca_file": "missing.pem"}}, "network.ca_file", "does not exist"),
        ({"endpoints": {"okta": "https://127.0.0.1:8443/api"}}, "endpoints.okta", "no path"),
        ({"endpoints": {"graph": "http://127.0.0.1:8444"}}, "endpoints.graph", "https://"),
        ({"endpoints": {"login": "https://user@login.example"}}, "endpoints.login", "no path"),
        ({"endpoints": {"graph": "https://h:99999"}}, "endpoints.graph", "outside 1-65535"),
        ({"endpoints": {"okta": "https://x.example"}, "emulator": {"snapshot": "s.json"}},
         "endpoints", "remove"),
    ],
)  # fmt: skip
def test_bad_network_fields_give_one_line(
    tmp_path: Path, sections: dict, field: str, says: str
) -> None:
    err = one_error(tenant_with(tmp_path, **sections))
    assert err.field == field, str(err)
    assert says in str(err)


def test_ca_file_must_be_pem_certificates(tmp_path: Path) -> None:
    (tmp_path / "not.pem").write_text("just text\n")
    err = one_error(tenant_with(tmp_path, network={"ca_file": "not.pem"}))
    assert err.field == "network.ca_file" and "PEM" in str(err)
    broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    (tmp_path / "broken.pem").write_text(broken)
    err = one_error(tenant_with(tmp_path, network={"ca_file": "broken.pem"}))
    assert err.field == "network.ca_file"


def test_password_in_the_proxy_url_is_not_echoed(tmp_path: Path) -> None:
    err = one_error(tenant_with(tmp_path, network={"proxy": "http://u:hunter2@p.example:1"}))
    assert "hunter2" not in str(err)


def test_endpoints_and_network_build_the_clients_route(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca))
    path = tenant_with(
        tmp_path,
        network={"proxy": "http://proxy.example:3128", "no_proxy": ["login.example"],
                 "ca_file": "ca.pem"},
        endpoints={"okta": "https://127.0.0.1:8443/", "graph": "https://graph.example",
                   "login": "https://login.example:8445"},
    )  # fmt: skip
    cfg = load_tenant(path)
    assert cfg.okta.org_url == "https://contoso-demo.okta.com"  # still the org's identity
    ep = Endpoints.real(cfg, network_for(cfg, None))
    assert ep.okta_base == "https://127.0.0.1:8443"
    assert ep.graph_base == "https://graph.example/v1.0"
    assert ep.graph_scope == "https://graph.microsoft.com/.default"
    assert ep.login_authority == "login.example:8445" and not ep.known_authority
    assert ep.proxy_for("okta").url == "http://proxy.example:3128"
    assert ep.proxy_for("login") is None
    assert ep.network.ca_file == ca.resolve()


def test_the_environment_proxy_is_used_only_when_asked() -> None:
    env = {"https_proxy": "http://user:s3cr3t@proxy.example:8080", "NO_PROXY": "a.example"}
    assert RunNetwork.from_options(None, None, None, False, env) == RunNetwork()
    run = RunNetwork.from_options(None, None, None, True, env)
    assert run.proxy == "http://proxy.example:8080" and run.proxy_username == "user"
    assert run.proxy_password == "s3cr3t" and "s3cr3t" not in repr(run)
    assert run.no_proxy == ("a.example",)
    flag = RunNetwork.from_options("http://other.example:1", "b.example", None, True, env)
    assert flag.proxy == "http://other.example:1" and flag.no_proxy == ("b.example",)
    with pytest.raises(ValueError, match="--proxy must be an http:// or https://"):
        RunNetwork.from_options("socks5://p.example:1", None, None, False, {})


def test_the_tenant_file_wins_field_by_field(tmp_path: Path) -> None:
    cfg = load_tenant(tenant_with(tmp_path, network={"no_proxy": ["x.example"]}))
    run = RunNetwork.from_options("http://p.example:3128", "y.example", None, False, {})
    net = network_for(cfg, run)
    assert net.proxy is not None and net.proxy.url == "http://p.example:3128"  # the flag's
    assert net.no_proxy == ("x.example",)  # the file's


@pytest.mark.parametrize(
    ("entries", "host", "port", "direct"),
    [
        (("*",), "graph.microsoft.com", 443, True),
        (("graph.microsoft.com",), "graph.microsoft.com", 443, True),
        ((".microsoft.com",), "graph.microsoft.com", 443, True),
        (("microsoft.com",), "graph.microsoft.com", 443, True),
        (("microsoft.com",), "notmicrosoft.com", 443, False),
        (("127.0.0.1:8443",), "127.0.0.1", 8443, True),
        (("127.0.0.1:8443",), "127.0.0.1", 8444, False),
        (("10.0.0.0/8",), "10.1.2.3", 443, True),
        (("10.0.0.0/8",), "11.1.2.3", 443, False),
        (("::1",), "::1", 443, True),
        ((), "graph.microsoft.com", 443, False),
    ],
)
def test_no_proxy_matching(entries: tuple, host: str, port: int, direct: bool) -> None:
    assert bypasses(entries, Origin("https", host, port)) is direct


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(GOLDEN, DEMO_YAML) as emu:
        yield emu


def test_endpoints_reach_a_standalone_emulator(tmp_path: Path, emulator: EmulatorProcess) -> None:
    """A tenant file with endpoints: and the emulator's CA, no emulator: section, runs green
    as against a real tenant; every report says where the APIs were reached. https_proxy
    pointing nowhere is ignored (no flag, no network.proxy)."""
    urls = emulator.urls
    extra = (
        f"endpoints:\n  okta: {urls['okta']}\n  graph: {urls['graph']}\n  login: {urls['login']}\n"
        f"network:\n  ca_file: {emulator.ca_file}\n"
    )
    tenants = demo_folder(tmp_path / "t", extra, emulated=False)
    run = audit(tenants, tmp_path / "r", env={"https_proxy": "http://127.0.0.1:9"})
    assert run.code == 0, run.out[-3000:]
    used = run.results()["endpointsUsed"]
    assert used["differsFromTenant"] is True and used["emulated"] is False
    assert used["apis"]["okta"]["url"] == urls["okta"]
    sentence = f"Okta API reached at {urls['okta']}, not the tenant file&#x27;s org_url"
    for page in (*run.reports.glob("audit-*.html"), *run.reports.glob("demo-*/handover.html")):
        assert sentence in page.read_text(), page


def test_guards_see_the_target_behind_a_proxy() -> None:
    """With a proxy, the read-only and single-origin guards still judge the target URL; the
    proxy and its credentials are only handed to aiohttp with a request they allowed."""
    from okta_m365_audit.clients import OriginRefused, Proxy, ReadOnlySession
    from okta_m365_audit.core.errors import ReadOnlyViolation

    sent: list[dict] = []

    class Recorder:
        def request(self, method: str, url: object, **kwargs: object) -> object:
            sent.append({"url": str(url), **kwargs})
            return object()

    org = Origin("https", "acme.okta.com", 443)
    proxy = Proxy("http://proxy.example:3128", "svc", "pw")
    session = ReadOnlySession(Recorder(), org, "https://acme.okta.com/oauth2/v1/token", None, proxy)  # type: ignore[arg-type]
    session.request("GET", "https://acme.okta.com/api/v1/users")
    assert sent[-1]["url"] == "https://acme.okta.com/api/v1/users"
    assert sent[-1]["proxy"] == "http://proxy.example:3128"
    assert sent[-1]["proxy_auth"].login == "svc"
    with pytest.raises(OriginRefused):
        session.request("GET", "https://proxy.example:3128/api/v1/users")
    with pytest.raises(ReadOnlyViolation):
        session.request("DELETE", "https://acme.okta.com/api/v1/users/1")
    assert len(sent) == 1


def test_the_bundle_copy_leaves_the_runner_network_out(tmp_path: Path) -> None:
    """A bundle's tenant.yaml must load anywhere (a replay reads nothing): no CA path of the
    runner; where the APIs were reached is in results.json."""
    from okta_m365_audit.config.tenant_copy import tenant_data

    ca = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca))
    cfg = load_tenant(tenant_with(tmp_path, network={"ca_file": "ca.pem"}))
    assert "network" not in tenant_data(cfg)


def test_one_tls_context_per_set_of_ca_files(tmp_path: Path, monkeypatch) -> None:
    """Each tenant's three clients share one context for the same CA files (loading the
    system's CAs is 20 ms each time); a CA file changed on disk, OpenSSL's variables naming
    other system CAs, or a caller that will add a certificate of its own get a new one."""
    from okta_m365_audit.clients.network import ssl_context

    ca = tmp_path / "ca.pem"
    ca.write_text(trustme.CA().cert_pem.bytes().decode())
    first = ssl_context(None, ca)
    assert ssl_context(None, ca) is first
    assert ssl_context(ca, None) is not first  # the CA alone, without the system's
    assert ssl_context(None, ca, shared=False) is not first
    ca.write_text(trustme.CA().cert_pem.bytes().decode() * 2)  # another CA, a new size
    changed = ssl_context(None, ca)
    assert changed is not first and ssl_context(None, ca) is changed
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    assert ssl_context(None, ca) is not changed
