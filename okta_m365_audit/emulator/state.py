"""What the emulator serves: the objects of a snapshot, indexed the way the APIs look them up.

The snapshot records reads, but the emulator answers queries, so the objects are pooled
per collection (all apps, all service principals, all log events) and each request's
filter, selection and paging are applied to the pool, as the real service would.
"""

from __future__ import annotations

import copy as _copy
import re
from dataclasses import dataclass, field
from typing import Any

from ..catalog.resources import union_by_id
from ..clients.endpoints import CLOUDS, Cloud


@dataclass
class Stored:
    """A stored answer that was not a success (e.g. 404 federationConfiguration)."""

    status: int
    body: Any


@dataclass
class TenantState:
    tenant_id: str
    okta: dict[str, Any] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)
    realm: dict[str, Any] = field(default_factory=dict)
    #: the snapshot's cloud (``meta.graph.cloud``): the shapes of its token service and
    #: realm answers
    cloud: Cloud = CLOUDS["global"]

    @classmethod
    def from_snapshot(cls, doc: dict[str, Any], copy: bool = True) -> TenantState:
        if copy:
            doc = _copy.deepcopy(doc)
        meta = doc["meta"]["graph"]
        st = cls(tenant_id=meta["tenantId"].lower(), cloud=CLOUDS[meta.get("cloud", "global")])
        o, g = doc["okta"], doc["graph"]
        st.okta["org"] = _answer(o.get("org"))
        st.okta["apps"] = (
            _data(o.get("office365Apps")) + _data(o.get("adApps")) + _data(o.get("adminConsoleApp"))
        )
        # the users holding admin roles (a wrapped {"value": [...]} read), each one's roles
        admins = _answer(o.get("oktaAdmins"))
        st.okta["roleAssignees"] = (
            list(admins.get("value") or []) if isinstance(admins, dict) else admins
        )
        st.okta["userRoles"] = {k: _answer(r) for k, r in (o.get("oktaAdminRoles") or {}).items()}
        # authentication policies' rules, by policy id, whichever app's read recorded them
        st.okta["policyRules"] = {
            k: _answer(r)
            for name in ("adminConsolePolicyRules", "office365PolicyRules")
            for k, r in (o.get(name) or {}).items()
        }
        # one pool of users, whichever read recorded them: the plain list and the search
        # for DEPROVISIONED ones (the handler selects per query, as Okta does)
        st.okta["users"] = union_by_id(_data(o.get("users")), _data(o.get("deprovisionedUsers")))
        st.okta["groups"] = _data(o.get("groups"))
        st.okta["domains"], st.okta["domainDetails"] = _domains(o)
        st.okta["agentPools"] = _data(o.get("agentPools"))
        st.okta["threatInsight"] = _answer(o.get("threatInsight"))
        st.okta["apiTokens"] = _answer(o.get("apiTokens"))
        for name in ("appKeys", "appFeatures", "appConnection", "appUsers", "appGroups"):
            st.okta[name] = {k: _answer(r) for k, r in (o.get(name) or {}).items()}
        events: dict[str, Any] = {}
        # app.office365.* events and drift's change events, each read org-wide by type
        office365_logs = [o.get("office365Logs"), o.get("changeLogs")]
        for read in [*(o.get("logs") or {}).values(), *office365_logs]:
            for e in _data(read):
                events.setdefault(e.get("uuid"), e)
        st.okta["logs"] = sorted(events.values(), key=lambda e: e.get("published", ""))
        st.graph["organization"] = _data(g.get("organization"))
        st.graph["domains"] = _data(g.get("domains"))
        st.graph["users"] = _data(g.get("users"))
        st.graph["roleAssignments"] = _data(g.get("globalAdminAssignments"))
        st.graph["roleEligibilitySchedules"] = _data(g.get("globalAdminEligibility"))
        # a recorded failure is answered as recorded (graph.py), as the sign-in log's is: a
        # tenant without Entra ID P2 answers the PIM read 400 AadPremiumLicenseRequired
        refusal = _answer(g.get("globalAdminEligibility"))
        st.graph["roleEligibilityRefusal"] = refusal if isinstance(refusal, Stored) else None
        # the groups Graph knows of: those the role reads name (the suite reads no group list)
        st.graph["groups"] = {
            p["id"]: p
            for a in st.graph["roleAssignments"] + st.graph["roleEligibilitySchedules"]
            if isinstance(p := a.get("principal"), dict)
            and p.get("@odata.type") == "#microsoft.graph.group"
            and isinstance(p.get("id"), str)
        }
        st.graph["groupMembers"] = {
            k: _answer(r) for k, r in (g.get("globalAdminGroupMembers") or {}).items()
        }
        sps = {}
        by_app_id = [sp for r in (g.get("oktaClientPrincipal") or {}).values() for sp in _data(r)]
        for sp in (_data(g.get("oktaServicePrincipals")) + _data(g.get("graphServicePrincipal"))
                   + by_app_id):  # fmt: skip
            sps.setdefault(sp.get("id"), {}).update(sp)
        st.graph["servicePrincipals"] = list(sps.values())
        # legacy Okta principals' role assignments (CRED-02) join the one role assignment pool
        st.graph["roleAssignments"] = union_by_id(
            st.graph["roleAssignments"],
            *(_data(r) for r in (g.get("legacyPrincipalRoles") or {}).values()),
        )
        # Entra guards (ESS-06, FED-12): emulator/guards.py serves them
        st.graph["caPolicies"] = _answer(g.get("caPolicies"))
        st.graph["securityDefaults"] = _answer(g.get("securityDefaults"))
        st.graph["signIns"] = _answer(g.get("signIns"))  # FED-13: emulator/sign_ins.py
        st.graph["directoryAudits"] = _answer(g.get("directoryAudits"))
        st.graph["memberOf"] = {
            k.lower(): _answer(r) for k, r in (g.get("breakGlassMemberOf") or {}).items()
        }
        st.graph["transitiveMembers"] = {
            k: _answer(r) for k, r in (g.get("caExcludedGroupMembers") or {}).items()
        }
        for gid in g.get("caExcludedGroupMembers") or {}:
            st.graph["groups"].setdefault(gid, {"id": gid})
        st.graph["subscribedSkus"] = _answer(g.get("subscribedSkus"))  # PROV-05 (licences.py)
        st.graph["federationConfiguration"] = {
            k: _answer(r) for k, r in (g.get("federationConfiguration") or {}).items()
        }
        st.graph["appRoleAssignments"] = {
            k: _answer(r) for k, r in (g.get("appRoleAssignments") or {}).items()
        }
        grants: dict[str, Any] = {}
        for read in (g.get("oauth2PermissionGrants") or {}).values():
            for gr in _data(read):
                grants.setdefault(gr.get("id"), gr)
        st.graph["oauth2PermissionGrants"] = list(grants.values())
        st.realm = {
            k.lower(): _answer(r) for k, r in (doc.get("realm", {}).get("userRealm") or {}).items()
        }
        return st

    def user_realm(self, login: str) -> Any:
        """getuserrealm.srf's answer: the recorded one, else derived from the tenant's
        domains and federation (so a snapshot broken one way answers consistently), in its
        cloud: CloudInstanceName is the cloud's instance (microsoftonline.us,
        partner.microsoftonline.cn; in getuserrealm outside global: unconfirmed), and
        CloudInstanceIssuerUri and Okta's wtrealm stay urn:federation:MicrosoftOnline
        (confirmed for global only, api-facts §16)."""
        login = login.lower()
        if login in self.realm:
            return self.realm[login]
        domain = login.rsplit("@", 1)[-1]
        found = next((d for d in self.graph["domains"] if d.get("id", "").lower() == domain), None)
        brand = next((o.get("displayName") for o in self.graph["organization"]), None)
        cloud = {"CloudInstanceName": self.cloud.instance_name,
                 "CloudInstanceIssuerUri": self.cloud.realm_issuer_uri}  # fmt: skip
        if found is None:
            return {"State": 4, "UserState": 1, "Login": login, "NameSpaceType": "Unknown"} | cloud
        fed = self.graph["federationConfiguration"].get(found["id"])
        passive = fed[0].get("passiveSignInUri") if isinstance(fed, list) and fed else None
        if found.get("authenticationType") == "Federated" and passive:
            auth = (f"{passive}?username={login.replace('@', '%40')}&wa=wsignin1.0"
                    "&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=")  # fmt: skip
            return {"State": 3, "UserState": 2, "Login": login, "NameSpaceType": "Federated",
                    "DomainName": found["id"], "FederationGlobalVersion": -1, "AuthURL": auth,
                    "FederationBrandName": brand, "AuthNForwardType": 1} | cloud  # fmt: skip
        return {"State": 4, "UserState": 1, "Login": login, "NameSpaceType": "Managed",
                "DomainName": found["id"], "FederationBrandName": brand} | cloud  # fmt: skip


def _domains(o: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The stored domains (the list's answer, each domain overlaid with its full single read
    where one was recorded) and the single reads that were not a success, by id.

    A snapshot collected before the single reads existed (or built with the certificate in
    the list) still serves: its list entries are then the stored objects, and the list
    handler projects them (projections.py)."""
    listed = _answer(o.get("domains"))
    details = {k: _answer(r) for k, r in (o.get("customDomains") or {}).items()}
    failed = {k: a for k, a in details.items() if isinstance(a, Stored)}
    if not isinstance(listed, dict) or not isinstance(listed.get("domains"), list):
        return listed, failed
    merged = []
    for d in listed["domains"]:
        full = details.get(d.get("id")) if isinstance(d, dict) else None
        if isinstance(full, dict):  # the single read wins, in its order
            d = full | {k: v for k, v in d.items() if k not in full}
        merged.append(d)
    return {**listed, "domains": merged}, failed


def _data(read: dict[str, Any] | None) -> list[Any]:
    if read and read.get("ok") and isinstance(read.get("data"), list):
        return read["data"]
    return []


def _answer(read: dict[str, Any] | None) -> Any:
    """The success payload, a Stored non-success answer, or None when never collected."""
    if read is None:
        return None
    if 200 <= read.get("status", 0) < 300:
        return read.get("data")
    err = read.get("error") or {}
    return Stored(read.get("status") or 500, err.get("body"))


# --- query languages ---------------------------------------------------------------------------


class UnsupportedQuery(ValueError):
    pass


def dotted(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(obj, list):  # target.id matches any element of the target list
            return [dotted(o, path.split(".", 1)[1]) for o in obj]
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


_OKTA_TERM = re.compile(r'^\s*([A-Za-z_.]+)\s+(eq|sw)\s+"([^"]*)"\s*$')


def okta_filter(expr: str, allowed: set[str], operators: tuple[str, ...] = ("eq",)):
    """Okta's SCIM-like filter: ``a eq "x" and b.c eq "y"``, on the allowed attributes only;
    ``sw`` (starts with) where the endpoint takes it (the System Log: spec listLogEvents);
    ``or`` between groups of ``and`` terms (okta-developer-docs core-okta-api "Operators":
    ``or`` Logical OR; ``and`` binds tighter, as in SCIM). No parentheses."""
    groups = []
    for alternative in re.split(r"\s+or\s+", expr.strip()):
        terms = []
        for part in re.split(r"\s+and\s+", alternative.strip()):
            m = _OKTA_TERM.match(part)
            if not m or m.group(1) not in allowed or m.group(2) not in operators:
                raise UnsupportedQuery(part)
            terms.append((m.group(1), m.group(2), m.group(3)))
        groups.append(terms)

    def one(got: Any, op: str, value: str) -> bool:
        if isinstance(got, list):  # a list attribute matches when any element does
            return any(one(g, op, value) for g in got)
        return got == value if op == "eq" else isinstance(got, str) and got.startswith(value)

    def match(obj: Any) -> bool:
        return any(
            all(one(dotted(obj, attr), op, value) for attr, op, value in terms) for terms in groups
        )

    return match


_SEARCH_TERM = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_.]*)\s+(eq|sw)\s+"([^"]*)"\s*$', re.I)


def okta_search(expr: str):
    """Okta's ``search`` on users: ``attr eq|sw "x"`` terms joined by ``and``, on any
    attribute; operators and string values are case-insensitive, property names are not
    (spec listUsers, ``search`` parameter)."""
    terms = []
    for part in re.split(r"\s+and\s+", expr.strip(), flags=re.I):
        m = _SEARCH_TERM.match(part)
        if not m:
            raise UnsupportedQuery(part)
        terms.append((m.group(1), m.group(2).lower(), m.group(3).lower()))

    def one(got: Any, op: str, value: str) -> bool:
        if isinstance(got, list):
            return any(one(g, op, value) for g in got)
        text = str(got).lower() if got is not None else None
        return text is not None and (text == value if op == "eq" else text.startswith(value))

    return lambda obj: all(one(dotted(obj, a), op, v) for a, op, v in terms)


_GRAPH_EQ = re.compile(r"^\s*([A-Za-z]+)\s+eq\s+'([^']*)'\s*$")
_GRAPH_SW = re.compile(r"^\s*startswith\(\s*([A-Za-z]+)\s*,\s*'([^']*)'\s*\)\s*$", re.I)


def graph_filter(expr: str, allowed: set[str]):
    """OData ``$filter`` subset: ``p eq 'v'`` and ``startswith(p,'v')``, joined by ``and``."""
    tests = []
    for part in re.split(r"\s+and\s+", expr.strip()):
        if m := _GRAPH_EQ.match(part):
            prop, val = m.groups()
            if prop not in allowed:
                raise UnsupportedQuery(part)
            tests.append(lambda o, p=prop, v=val: str(o.get(p, "")).lower() == v.lower())
        elif m := _GRAPH_SW.match(part):
            prop, val = m.groups()
            if prop not in allowed:
                raise UnsupportedQuery(part)
            tests.append(lambda o, p=prop, v=val: str(o.get(p) or "").lower().startswith(v.lower()))
        else:
            raise UnsupportedQuery(part)
    return lambda obj: all(t(obj) for t in tests)


def graph_select(items: list[dict[str, Any]], select: str | None) -> list[dict[str, Any]]:
    if not select:
        return items
    fields = [f.strip() for f in select.split(",") if f.strip()]
    return [{f: it[f] for f in fields if f in it} | _odata(it) for it in items]


def _odata(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k.startswith("@odata.")}
