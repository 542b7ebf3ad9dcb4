"""What collecting a tenant must cost at the least: the floors a collection is measured against.

- The **pagination floor**: the requests a reader that knows the object counts in advance
  cannot do without: for every read a collection of the tenant makes (``tenant_reads``:
  the snapshot's, plus those an older snapshot lacks), ``ceil(objects / largest page size)``
  (at least one request: an empty list still has to be asked for), or one request for an
  object and for a list the API does not page by request.
- The **latency-bound chain**: the longest run of requests that must be sequential,
  because each page's link arrives with the page before it, and a per-parent read needs
  what its keys come from, at any depth and across the two APIs (app users need the app
  list; the Entra principal of the provisioning connection's client needs that connection,
  which needs the app list; that principal's permissions need the principal). With a
  latency of L per request, no reader finishes in less than ``chain x L``. Signing in comes
  before every read and is not counted (a round trip per API, two for Okta with DPoP).

Both are computed from a snapshot (what the tenant holds), not from a run's request log, so
a benchmark or a test can compare what a run did with what it had to do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..catalog.resources import custom_domain_ids, listed_by_default, union_by_id
from ..snapshot import document as snap

#: per-parent reads and the list their keys come from (the dependency of each chain)
PARENT = {
    ("okta", "office365 app"): ("okta", "office365Apps"),
    ("okta", "custom domain"): ("okta", "domains"),
    # an app's authentication policy link, then that policy's rules (collect/policies.py)
    ("okta", "admin console policy"): ("okta", "adminConsoleApp"),
    ("okta", "office365 app policy"): ("okta", "office365Apps"),
    # the users holding admin roles, then each one's roles (no list carries the role types)
    ("okta", "Okta admin"): ("okta", "oktaAdmins"),
    ("graph", "domain"): ("graph", "domains"),
    ("graph", "service principal"): ("graph", "oktaServicePrincipals"),
    # each app's connection (from the app list), then its client's principal (consent.py)
    ("graph", "connection client id"): ("okta", "appConnection"),
    ("realm", "login"): ("graph", "users"),
    # the Global Administrator assignments (and eligibilities), then each group's members
    ("graph", "group holding Global Administrator"): ("graph", "globalAdminAssignments"),
    # the users list, then each break-glass account's groups; the Conditional Access policies,
    # then the members of each group an enabled one excludes (collect/guards.py)
    ("graph", "break-glass account"): ("graph", "users"),
    ("graph", "group excluded by Conditional Access"): ("graph", "caPolicies"),
}
#: what a per-parent read waits for besides its parent: a principal's permissions are read
#: once both the Okta principals listed by name and the one found by its appId are known
#: (consent.py)
ALSO_AFTER = {("graph", "service principal"): (("graph", "oktaClientPrincipal"),)}


@dataclass
class Floor:
    requests: int = 0  #: the pagination floor
    objects: int = 0  #: objects in the snapshot's reads
    chain: int = 0  #: requests in the longest sequential chain
    chain_of: str = ""  #: which reads that chain is
    per_read: dict[str, int] = field(default_factory=dict)  #: "api.name[key]" -> floor

    def latency_floor(self, latency_s: float) -> float:
        return self.chain * latency_s


def objects_in(res: snap.Resource, read: dict[str, Any]) -> int:
    data = read.get("data")
    if res.kind == "wrapped" and isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), [])
    if isinstance(data, list):
        return len(data)
    return 1 if data is not None else 0


def pages_needed(res: snap.Resource, read: dict[str, Any]) -> int:
    """The fewest requests that read this resource whole."""
    if res.kind in ("list", "wrapped") and res.max_page_size:
        return max(1, math.ceil(objects_in(res, read) / res.max_page_size))
    return 1


def tenant_reads(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The reads a collection of the tenant ``doc`` holds makes, per API and resource.

    Okta's users are one pool however a snapshot recorded them: a plain list returns all
    but the DEPROVISIONED ones, the DEPROVISIONED search returns those
    (resources.listed_by_default), so each read is sized from the pool. A snapshot written
    before the DEPROVISIONED search or the per-domain reads existed (they are made now) gets
    them derived: one request each at least, as the emulator would serve them."""
    out = {api: dict(doc.get(api, {})) for api in snap.APIS}
    okta = out["okta"]
    users, gone = okta.get("users"), okta.get("deprovisionedUsers")
    if users is not None and users.get("ok") and (gone is None or gone.get("ok")):
        pool = union_by_id(users.get("data"), (gone or {}).get("data"))
        okta["users"] = {**users, "data": [u for u in pool if listed_by_default(u)]}
        okta["deprovisionedUsers"] = {
            **(gone or users),
            "data": [u for u in pool if not listed_by_default(u)],
        }
    domains = okta.get("domains")
    if "customDomains" not in okta and domains is not None and domains.get("ok"):
        okta["customDomains"] = {
            d: {"ok": True, "data": {"id": d}} for d in custom_domain_ids(domains.get("data"))
        }
    return out


def floor_of(doc: dict[str, Any]) -> Floor:
    """The pagination floor and the latency-bound chain of collecting the tenant ``doc``
    holds (:func:`tenant_reads`)."""
    out = Floor()
    longest: dict[tuple[str, str], int] = {}  # resource -> pages of its longest read
    reads_of = tenant_reads(doc)
    for api in snap.APIS:
        for name, entry in reads_of[api].items():
            res = snap.resource(api, name)
            reads = entry.items() if res.per_parent else [(None, entry)]
            for key, read in reads:
                pages = pages_needed(res, read)
                out.requests += pages
                out.objects += objects_in(res, read)
                out.per_read[f"{api}.{name}" + (f"[{key}]" if key else "")] = pages
                longest[(api, name)] = max(longest.get((api, name), 0), pages)
    chains: dict[tuple[str, str], tuple[int, str]] = {}

    def chain(api: str, name: str) -> tuple[int, str]:
        """The requests before this resource's last page is in, and which reads they are."""
        if (api, name) not in chains:
            res = snap.resource(api, name)
            pages, what = longest.get((api, name), 0), f"{api}.{name}"
            before = (0, "")
            if res.per_parent:
                waits = (PARENT[(api, res.per or "")], *ALSO_AFTER.get((api, res.per or ""), ()))
                before = max(chain(*w) for w in waits)
            chains[(api, name)] = (
                before[0] + pages,
                f"{before[1]} then {what}" if before[1] and pages else before[1] or what,
            )
        return chains[(api, name)]

    for api, name in longest:
        length, what = chain(api, name)
        if length > out.chain:
            out.chain, out.chain_of = length, what
    return out
