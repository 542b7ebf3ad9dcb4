"""What drift compares and how: the fields left out (each with its reason), the keys that
identify list items, the System Log events that never count as a change, and what a
"removed" object can mean. Plain data, so the rules can be read (and tested) in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_WHO = 5  #: events listed per change, newest first


@dataclass(frozen=True)
class IgnoredField:
    """A field left out of the comparison. ``path`` is a dotted key path matched against the
    end of a field's path (list selectors removed), so ``lastUpdated`` matches at any depth.
    ``resource`` "*" applies to every resource of ``api`` ("*": every api)."""

    api: str
    resource: str
    path: str
    reason: str

    def matches(self, api: str, resource: str, keys: tuple[str, ...]) -> bool:
        if self.api not in ("*", api) or self.resource not in ("*", resource):
            return False
        want = tuple(self.path.split("."))
        return keys[-len(want) :] == want


IGNORED_FIELDS: tuple[IgnoredField, ...] = (
    IgnoredField("*", "*", "_links",
                 "Hypermedia links derived from ids and state; some carry per-request values "
                 "(the connection's authorize link has a fresh OAuth state nonce on every "
                 "read). A real change shows in the object's own fields."),
    IgnoredField("okta", "*", "lastUpdated",
                 "Does mean something changed, but not what: the compared fields show what. "
                 "On app assignments it moves on every provisioning sync; on users on "
                 "password changes. Alone it would be a change nobody can explain."),
    IgnoredField("okta", "*", "statusChanged",
                 "Timestamp companion of status; the status field itself shows the change."),
    IgnoredField("okta", "*", "passwordChanged",
                 "Users change their own passwords; not configuration the checks read."),
    IgnoredField("okta", "users", "lastLogin",
                 "Every sign-in moves it; signing in changes nothing."),
    IgnoredField("okta", "appUsers", "lastSync",
                 "Every provisioning cycle moves it; syncState shows whether sync works."),
    IgnoredField("okta", "groups", "lastMembershipUpdated",
                 "Moves on every join or leave; memberships are not in this resource, so "
                 "the change could not be shown (assignments are compared in appUsers)."),
    IgnoredField("okta", "agentPools", "agents.lastConnection",
                 "The agent's heartbeat (epoch ms), different on every read; "
                 "operationalStatus shows whether the agent is connected."),
    IgnoredField("okta", "apiTokens", "expiresAt",
                 "Okta pushes a token's expiry out by its tokenWindow at every use, so it "
                 "moves whenever a script calls the API; ORG-08 judges the inferred last use."),
    IgnoredField("graph", "organization", "onPremisesLastSyncDateTime",
                 "Entra Connect's sync heartbeat (every ~30 minutes when sync is on); "
                 "onPremisesSyncEnabled shows the configuration."),
    IgnoredField("graph", "organization", "onPremisesLastPasswordSyncDateTime",
                 "Password hash sync heartbeat; not configuration."),
    IgnoredField("graph", "federationConfiguration",
                 "signingCertificateUpdateStatus.lastRunDateTime",
                 "When Entra's certificate update job last ran; it runs on its own schedule. "
                 "certificateUpdateResult and the certificates themselves are compared."),
)  # fmt: skip

#: key of list items other than ``id``: (api, resource) -> field
ITEM_KEYS: dict[tuple[str, str], str] = {
    ("okta", "appKeys"): "kid",
    ("okta", "appFeatures"): "name",
}
#: keys that identify the items of a list nested inside an object, tried in order
NESTED_KEYS = ("id", "kid", "name", "skuId", "servicePlanId")

#: System Log event types that are routine activity on the app, never a change made to it
ACTIVITY_EVENT_PREFIXES: tuple[str, ...] = (
    "system.import.",
    "application.provision.",
    "application.integration.",
    "app.user_management.",
    "app.app_instance.provision_sync_job.",
    "user.authentication.",
    "user.session.",
    "policy.evaluate_sign_on",
)

#: reads of events, never compared: they are where "who" comes from (office365Logs is
#: CRED-04's own read; changeLogs and directoryAudits name the actors of actors.py)
NOT_COMPARED = {("okta", "logs"), ("okta", "office365Logs"), ("okta", "changeLogs"),
                ("graph", "directoryAudits")}  # fmt: skip

#: outcomes of events that changed nothing (an attempt that failed or was denied)
NO_CHANGE_OUTCOMES = ("FAILURE", "DENY")

#: (api, resource) of the objects that are the Office 365 app or part of its own configuration
APP_LEVEL = {("okta", "office365Apps"), ("okta", "appConnection"), ("okta", "appFeatures"),
             ("okta", "appKeys")}  # fmt: skip

#: what "removed" can mean, where it is not simply "deleted"
REMOVED_NOTES: dict[tuple[str, str], str] = {
    ("okta", "users"): "no longer returned by GET /api/v1/users: deleted, or deactivated "
    "(the list leaves out DEPROVISIONED users)",
    ("okta", "appUsers"): "no longer assigned to the app",
    ("graph", "users"): "no longer returned by GET /users: deleted (or soft-deleted)",
}


#: per-parent resource -> the resource that lists its parents (None: the tenant file does)
PARENT_LIST: dict[str, tuple[str, str, str] | None] = {
    "office365 app": ("okta", "office365Apps", "id"),
    "domain": ("graph", "domains", "id"),
    "service principal": ("graph", "oktaServicePrincipals", "id"),
    "login": None,
    "Okta admin": ("okta", "oktaAdmins", "id"),
    "break-glass account": ("graph", "users", "id"),
}
