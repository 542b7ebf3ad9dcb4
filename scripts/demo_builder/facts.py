"""The fixed facts of the demo tenant: where it is written, its names and hosts, its phase
dates, Microsoft's public identifiers and the Okta and Entra ids derived from them.

A variant of the demo (another cloud, another domain layout, another org URL) starts by
changing facts here; every builder module reads them from this one place."""

from __future__ import annotations

import datetime as dt

from . import ROOT
from .ids import at, guid, okta_id

TENANTS = ROOT / "tenants"
DEMO = TENANTS / "demo"

# --- the fixed facts of the demo tenant ---------------------------------------------------

AS_OF = dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=dt.UTC)  #: snapshot collectedAt
LOG_DAYS = 7  #: the default System Log window (Windows.system_log_days)

OKTA_SUBDOMAIN = "contoso-demo"
OKTA_HOST = f"{OKTA_SUBDOMAIN}.okta.com"
OKTA_ORG_URL = f"https://{OKTA_HOST}"
OKTA_ADMIN_HOST = f"{OKTA_SUBDOMAIN}-admin.okta.com"
COMPANY_NAME = "Contoso Demo Ltd"
CUSTOM_DOMAIN = "login.contoso.com"
AD_DOMAIN = "corp.contoso.com"
ASSIGNMENT_GROUP = "M365 Licensed Users"
PROVISIONING_TYPE = "PROFILE_SYNC"  #: assumed API string of "Profile Sync" (unconfirmed)

MSFT_TENANT = "contosodemo"
INITIAL_DOMAIN = f"{MSFT_TENANT}.onmicrosoft.com"
FEDERATED_DOMAINS = ("contoso.com", "fabrikam.com")
SERVICE_ACCOUNT = f"svc-okta@{INITIAL_DOMAIN}"
BREAK_GLASS = (f"breakglass1@{INITIAL_DOMAIN}", f"breakglass2@{INITIAL_DOMAIN}")

#: Client ID of the demo Okta API service app (private_key_jwt), and its key's kid.
OKTA_SERVICE_CLIENT_ID = "0oademoauditsvc00001"
OKTA_SERVICE_KEY_ID = "okta-m365-audit-demo-1"

#: Microsoft's public identifiers (the same in every tenant).
E3_SKU_ID = "6fd2c87f-b296-42f0-b197-1e91e994b900"  # ENTERPRISEPACK (Office 365 E3)
GRAPH_APP_ROLES = {  # value: (id, displayName, description)
    "Application.Read.All": (
        "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
        "Read all applications",
        "Allows the app to read all applications and service principals without a signed-in user.",
    ),
    "Directory.Read.All": (
        "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
        "Read directory data",
        "Allows the app to read data in your organization's directory, such as users, "
        "groups and apps, without a signed-in user.",
    ),
    "Domain.Read.All": (
        "dbb9058a-0e50-45d7-ae91-66909b5d4664",
        "Read domains",
        "Allows the app to read all domain properties without a signed-in user.",
    ),
    "Domain.ReadWrite.All": (
        "7e05723c-0bb0-42da-be95-ae9f08a6e53c",
        "Read and write domains",
        "Allows the app to read and write all domain properties without a signed in user. "
        "Also allows the app to add, verify and remove domains.",
    ),
    "Group.ReadWrite.All": (
        "62a82d76-70ea-41e2-9197-370581804d09",
        "Read and write all groups",
        "Allows the app to create groups, read all group properties and memberships, "
        "update group properties and memberships, and delete groups. Also allows the app "
        "to read and write conversations. All of these operations can be performed by "
        "the app without a signed-in user.",
    ),
    "GroupMember.ReadWrite.All": (
        "dbaae8cf-10b5-4b86-a4a1-f871c94c6695",
        "Read and write all group memberships",
        "Allows the app to list groups, read basic properties, read and update the "
        "membership of the groups this app has access to without a signed-in user. Group "
        "properties and owners cannot be updated and groups cannot be deleted.",
    ),
    "Organization.Read.All": (
        "498476ce-e0fe-48b0-b801-37ba7e2685c6",
        "Read organization information",
        "Allows the app to read the organization and related resources, without a "
        "signed-in user. Related resources include things like subscribed skus and "
        "tenant branding information.",
    ),
    "RoleManagement.ReadWrite.Directory": (
        "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
        "Read and write all directory RBAC settings",
        "Allows the app to read and manage the role-based access control (RBAC) settings "
        "for your company's directory, without a signed-in user. This includes "
        "instantiating directory roles and managing directory role membership, and "
        "reading directory role templates, directory roles and memberships.",
    ),
    "User.Read.All": (
        "df021288-bdef-4463-88db-98f22de89214",
        "Read all users' full profiles",
        "Allows the app to read user profiles without a signed in user.",
    ),
    "User.ReadWrite.All": (
        "741f803b-c850-494e-b5df-cde7c675a1ca",
        "Read and write all users' full profiles",
        "Allows the app to read and update user profiles without a signed in user.",
    ),
}
#: Application permissions consented to Okta's two multi-tenant apps (api-facts.md §13).
OKTA_SP_PERMISSIONS = {
    "Okta Graph API Client - Federation": (
        "Domain.ReadWrite.All",
        "RoleManagement.ReadWrite.Directory",
    ),
    "Okta Microsoft Graph Client": (
        "User.ReadWrite.All",
        "Group.ReadWrite.All",
        "GroupMember.ReadWrite.All",
        "Organization.Read.All",
        "Application.Read.All",
        "RoleManagement.ReadWrite.Directory",
        "Directory.Read.All",
    ),
}  # fmt: skip
#: Plans of the tenant's E3 subscription: (service, servicePlanId).
E3_PLANS = (
    ("exchange", "efb87545-963c-4e0d-99df-69c6916d9eb0"),
    ("SharePoint", "5dbe027f-2339-4123-9542-606e4d348a72"),
    ("TeamspaceAPI", "57ff2da0-773e-42df-b2af-ffb7a2317929"),
    ("MicrosoftOffice", "43de0ff5-c92c-492b-9116-175376d08c38"),
)


# --- ids and dates derived from labels (demo_builder.ids) -----------------------------------

TENANT_ID = guid("m365 tenant")
GRAPH_CLIENT_ID = guid("entra app registration: okta-m365-audit")
OKTA_TENANT_ID = guid("okta's own entra tenant")  # appOwnerOrganizationId of Okta's apps

ORG_ID = okta_id("00o", "org")
O365_APP_ID = okta_id("0oa", "app office365")
AD_APP_ID = okta_id("0oa", "app active_directory")  # the AD agent pool shares this id
WSFED_KEY = okta_id("exk", "office365 ws-fed key")
DEFAULT_BRAND_ID = okta_id("bnd", "default brand")
CUSTOM_BRAND_ID = okta_id("bnd", f"brand {CUSTOM_DOMAIN}")
CUSTOM_DOMAIN_ID = okta_id("OcD", CUSTOM_DOMAIN)
USER_TYPE_ID = okta_id("oty", "default user type")
REALM_ID = okta_id("guo", "default realm")
ENROLLMENT_POLICY_ID = okta_id("rst", "profile enrollment policy")

ORG_CREATED = at("2026-02-09T14:31:07")
AD_APP_CREATED = at("2026-03-02T10:04:51")
AD_IMPORT = at("2026-03-03T08:20:00")
O365_APP_CREATED = at("2026-04-14T09:12:31")
GROUP_CREATED = at("2026-04-20T13:40:12")
M365_IMPORT = at("2026-05-12T09:05:00")  # phase 3: M365 users imported and matched
ACTIVATION = at("2026-05-20T07:30:00")  # phase 3: Okta users activated
GROUP_ASSIGNED = at("2026-05-26T10:11:49")  # phase 4: assignment group pushed
FEDERATION = at("2026-06-01T19:02:10")  # phase 5: WS-Fed go-live
KEY_ROTATED = at("2026-10-06T08:47:22")  # the app's signing key rotated; Entra updated
TENANT_CREATED = at("2021-06-08T15:26:41")

ASSIGNMENT_GROUP_ID = okta_id("00g", ASSIGNMENT_GROUP)
