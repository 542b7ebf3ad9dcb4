"""Which values are kept and which are mapped, and how: by field name, by resource, and by
the value's own shape. The README ("When a verdict looks wrong") summarises these tables.

A string is rewritten by the first rule that applies:

1. inside ``_links``: ``name`` kept (relation names), ``href`` as a URL;
2. OVERRIDES, by (api, resource, field): where one field name means different things
   (an app's ``name`` is its type, kept; a group's ``name`` is a name, mapped);
3. SUBTREES kept whole (Microsoft Graph's own service principal: Microsoft's catalogue of
   permissions, the same in every tenant), its ``id`` aside;
4. KEEP: enumerations and catalogue constants the checks compare with fixed values
   (status, signOnMode, eventType, @odata.type, skuId, a policy rule's access...), and
   every value under KEPT_SUBTREES (a rule's office365Client);
5. MAP: fields known to hold a kind of value (a name, an address, a domain, an id...);
6. inside a ``profile`` object (Okta users' and assignments' attributes, custom ones
   included): mapped as a name (by shape: an address, a domain, an id, else word by word);
7. anything else by its shape (:func:`classify`): a date is kept; a certificate, URL,
   address, GUID, IP, Okta id or known domain is mapped as such; other text keeps its words
   except the words of names and the identifiers found in it (``text``).

Numbers, booleans and nulls are kept, but for coordinates and AS numbers (System Log
geography). Every kind is implemented by rewrite.py.
"""

from __future__ import annotations

import re

from ..catalog.resources import GLOBAL_ADMIN_ROLE_TEMPLATE, MICROSOFT_GRAPH_APP_ID
from .identities import EMAIL_RE, GUID_RE, HOST_RE, OKTA_ID_RE, Identities, is_ip, okta_id_shaped

KEEP = frozenset(
    """status type signOnMode validationStatus certificateSourceType eventType
    legacyEventType severity result syncState scope consentType principalType
    servicePrincipalType userType authenticationType preferredAuthenticationProtocol
    promptLoginBehavior federatedIdpMfaBehavior wsFedConfigureType office365ProvisioningType
    office365FlexibleProvisioningMode tenantType authScheme features supportedServices
    capabilities capabilityStatus provisioningStatus service servicePlanId skuId
    disabledPlans appRoleId roleDefinitionId usageLocation countryLetterCode country
    countryCode preferredLanguage locale timezone expression userNameFormat
    exactMatchCriteria seed change operationalStatus updateStatus version poolType
    @odata.type kty use alg crv allow method CloudInstanceName CloudInstanceIssuerUri
    NameSpaceType FederationProtocol emOptInStatus identityStack protocol supportType
    objectClass os browser device certificateUpdateResult interface credentialType
    credentialProvider authenticationProvider code needs errorCode format suiteVersion
    collectedAt source cloud pushStatus realmDiscovery threatSuspected licenses roles
    access factorMode connection level reauthenticateIn action
    state clientAppTypes builtInControls operator userRiskLevels signInRiskLevels
    skuPartNumber servicePlanName appliesTo""".split()
)
#: sub-objects every value of which is from a closed list (Okta policy rules' client types:
#: WEB, MODERN_AUTH, EXCHANGE_ACTIVE_SYNC), kept even where a word of them is in a name
KEPT_SUBTREES = frozenset({"office365Client"})

#: GUIDs that are Microsoft's constants, the same in every tenant (kept wherever they occur).
KEPT_GUID_FIELDS = frozenset({"appRoleId", "skuId", "servicePlanId", "roleDefinitionId",
                              "disabledPlans", "roleTemplateId", "includeRoles",
                              "excludeRoles"})  # fmt: skip
KEPT_GUIDS = frozenset({MICROSOFT_GRAPH_APP_ID, GLOBAL_ADMIN_ROLE_TEMPLATE,
                        "00000000-0000-0000-0000-000000000000"})  # fmt: skip

MAP: dict[str, str] = {
    **dict.fromkeys(
        """firstName lastName givenName surname middleName nickName honorificPrefix
        honorificSuffix displayName label companyName FederationBrandName asOrg isp title
        department division organization costCenter manager city state street
        streetAddress address1 address2 postalAddress postalCode zipCode zone
        employeeNumber""".split(),
        "name",
    ),
    **dict.fromkeys(
        """email secondEmail mail login Login userName userPrincipalName otherMails
        technicalNotificationMails marketingNotificationEmails
        securityComplianceNotificationMails activationEmail contactEmail""".split(),
        "email",
    ),
    **dict.fromkeys(
        """phoneNumber supportPhoneNumber mobilePhone primaryPhone businessPhones faxNumber
        securityComplianceNotificationPhones telephoneNumber""".split(),
        "phone",
    ),
    **dict.fromkeys("domain domains namingContext DomainName".split(), "domain"),
    "subdomain": "tenant-label",
    "msftTenant": "msft-tenant",
    **dict.fromkeys(
        """id externalId principalId resourceId clientId appId appOwnerOrganizationId
        tenantId runId uuid brandId realmId poolId requestId request-id client-request-id
        rootSessionId externalSessionId objectId deviceId fingerprint x5t x5t#S256
        errorId dtHash""".split(),
        "id",
    ),
    # Conditional Access users and applications: object ids (mapped as ids) or Microsoft's
    # keywords (All, None, GuestsOrExternalUsers, Office365...), kept
    **dict.fromkeys(
        """includeUsers excludeUsers includeGroups excludeGroups includeApplications
        excludeApplications""".split(),
        "ca-ref",
    ),
    "kid": "kid",
    "immutableId": "immutable",
    "onPremisesImmutableId": "immutable",
    **dict.fromkeys("x5c signingCertificate nextSigningCertificate certificate".split(), "cert"),
    **dict.fromkeys(
        """href website endUserSupportHelpURL AuthURL metadataExchangeUri passiveSignInUri
        activeSignInUri signOutUri passwordResetUri errorRedirectUrl loginRedirectUrl
        helpUrl orgUrl baseUrl statementUrl profileUrl requestUri url @odata.nextLink
        @odata.context origins""".split(),
        "url",
    ),
    **dict.fromkeys("issuerUri template orn subject issuer directoryScopeId".split(), "expr"),
    "request": "request",
    **dict.fromkeys(
        """message displayMessage description reason admin enduser guidance updateMessage
        errorSummary""".split(),
        "text",
    ),
    "alternateId": "name",
    "rawUserAgent": "user-agent",
    **dict.fromkeys("ipAddress ip clientIp".split(), "ip"),
    **dict.fromkeys("lat lon".split(), "coordinate"),
    "asNumber": "asn",
    "name": "label",
}

#: (api, resource, field) -> kind, where a field name means something else in one resource.
OVERRIDES: dict[tuple[str, str, str], str] = {
    ("okta", "office365Apps", "name"): "keep",  # the app's type: office365
    ("okta", "adApps", "name"): "keep",  # active_directory
    ("okta", "appFeatures", "name"): "keep",  # USER_PROVISIONING
    ("okta", "groups", "name"): "name",
    ("okta", "groups", "description"): "name",
    ("graph", "organization", "name"): "domain",  # verifiedDomains[].name
    ("graph", "domains", "id"): "domain",
    ("graph", "oktaServicePrincipals", "displayName"): "sp-name",
    ("graph", "appRoleAssignments", "principalDisplayName"): "sp-name",
    ("graph", "appRoleAssignments", "resourceDisplayName"): "sp-name",
    ("graph", "globalAdminAssignments", "id"): "b64guids",
    ("graph", "appRoleAssignments", "id"): "b64guids",
    ("graph", "oauth2PermissionGrants", "id"): "b64guids",
    # licenseAssignmentStates[].error: an enumeration (CountViolation...), judged by PROV-05
    ("graph", "users", "error"): "keep",
}

#: Resources kept whole but for their objects' ids: Microsoft's catalogue, not the tenant's.
SUBTREES = frozenset({("graph", "graphServicePrincipal")})

#: Display names of first-party service principals (public product names), kept.
PUBLIC_APP_NAMES = frozenset(
    """Microsoft Graph|Okta Microsoft Graph Client|Okta Graph API Client - Federation|
    Office 365 Exchange Online|Office 365 SharePoint Online|Windows Azure Active Directory|
    Microsoft Office 365 Portal""".replace("\n    ", "").split("|")
)

#: Meta fields (the snapshot's own header).
META = {"tenant": "tenant", "runId": "id", "orgUrl": "url", "tenantId": "id", "baseUrl": "url",
        "cloud": "keep"}  # fmt: skip

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")
ENUM = re.compile(r"[A-Z][A-Z0-9_]*|[a-z][a-z0-9_]*")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def kind_of(path: tuple[str, ...], field: str) -> str:
    """The kind of the string at ``path`` (the keys from the document's root, list indexes
    left out) whose field name is ``field``."""
    if path[:1] == ("meta",):
        return META.get(field, "value")
    api, resource = (path[0], path[1]) if len(path) > 1 else ("", "")
    if "_links" in path:
        return "keep" if field in ("name", "type", "templated") else "url"
    # an expanded ``principal`` (roleAssignments/roleEligibilitySchedules $expand) is a user
    # or group object: the resource's own overrides (its composite id) are not its fields'
    override = None if "principal" in path[2:] else OVERRIDES.get((api, resource, field))
    if override:
        return override
    if (api, resource) in SUBTREES:
        return "id" if field == "id" and "appRoles" not in path else "keep"
    if field in KEEP or KEPT_SUBTREES.intersection(path):
        return "keep"
    if field in MAP:
        return MAP[field]
    if "profile" in path[-2:]:
        return "name"
    return "value"


def classify(value: str, ids: Identities) -> str:
    """The kind of a string by its shape alone (fields no table names)."""
    if ISO_TIME.fullmatch(value):
        return "keep"
    if value.startswith("MII") and len(value) >= 200:
        return "cert"
    if URL.fullmatch(value):
        return "url"
    if EMAIL_RE.fullmatch(value):
        return "email"
    if GUID_RE.fullmatch(value) or is_ip(value):
        return "id" if GUID_RE.fullmatch(value) else "ip"
    if HOST_RE.fullmatch(value) and ids.known_domain(value):
        return "domain"
    if okta_id_shaped(value) or ids.ids.get(value):
        return "id"
    return "text"


def id_form(value: str) -> str:
    """How an id is mapped, by its shape: guid, okta, email, domain or opaque."""
    if GUID_RE.fullmatch(value):
        return "guid"
    if OKTA_ID_RE.fullmatch(value):
        return "okta"
    if EMAIL_RE.fullmatch(value):
        return "email"
    if HOST_RE.fullmatch(value) and not value[:1].isdigit():
        return "domain"
    return "opaque"


def is_enum(value: str) -> bool:
    """UPPER_SNAKE or a lower-case identifier: a value from a closed list, not a name."""
    return bool(ENUM.fullmatch(value))
