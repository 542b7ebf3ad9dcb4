"""What each check reads and the exact condition it judges: the README's check table shows
both, so an engineer can tell from the table alone what a verdict means on a real tenant.

One entry per catalog ID (checks.py refuses a check without one). ``reads`` names the API
reads (as resources.py requests them); ``judges`` is the condition a pass requires, with the
cases that ERROR ("cannot tell") where they are not plain "the read failed".
"""

from __future__ import annotations

from typing import NamedTuple


class Condition(NamedTuple):
    reads: str
    judges: str


CONDITIONS: dict[str, Condition] = {
    "ACCESS-01": Condition(
        "Okta token endpoint; `GET /api/v1/org`",
        "a token is issued (DPoP-bound where `okta.auth.dpop`) and the org answers with "
        "`status` ACTIVE",
    ),
    "ACCESS-02": Condition(
        "every Okta read of the run",
        "no read was refused (401/403, or a scope the token request left out); each "
        "refusal names its scope",
    ),
    "ACCESS-03": Condition(
        "Entra token endpoint of the tenant's cloud; `GET /organization`",
        "a token is issued and the only organization's `id` is the tenant file's `m365.tenant_id`",
    ),
    "ACCESS-04": Condition(
        "every Graph read of the run",
        "no read was refused; each refusal names the application permission it needs",
    ),
    "ORG-01": Condition(
        '`GET /api/v1/apps?filter=name eq "active_directory"`; `GET '
        "/api/v1/agentPools?poolType=AD`; the Office 365 apps",
        "where the tenant file declares `on_prem_ad`: an ACTIVE AD app, an OPERATIONAL "
        "agent in its pool, and the AD app `created` before the Office 365 app; skipped "
        "when no AD is declared",
    ),
    "ORG-02": Condition(
        "`GET /organization` (`onPremisesSyncEnabled`)",
        "not (directory sync on in Entra and no `on_prem_ad` declared)",
    ),
    "ORG-03": Condition(
        "`GET /api/v1/domains`; `GET /api/v1/domains/{id}` of the declared custom domain",
        "the declared `custom_domain` is listed; `validationStatus` VERIFIED or COMPLETED"
        " (DNS); COMPLETED (certificate issued); its `publicCertificate` expires after "
        "the warning window; skipped when none is declared",
    ),
    "ORG-04": Condition(
        "`GET /api/v1/org`",
        "`companyName` equals `org.company_name` and `subdomain` equals `org.subdomain` "
        "(case-insensitive), each where declared",
    ),
    "ORG-05": Condition(
        '`GET /api/v1/apps?filter=name eq "saasure"`; `GET /api/v1/policies/{id}/rules` of '
        "its `_links.accessPolicy` (one read per policy: no list spans policies)",
        "every ACTIVE rule a sign-in can reach, in priority order until one matches every "
        "sign-in, is DENY or ALLOW with `ASSURANCE` `factorMode` 2FA; a reached rule judged "
        "otherwise (authenticator chain, no method), no app or no policy link (Classic "
        "Engine) ERRORs",
    ),
    "ORG-06": Condition(
        "`GET /api/v1/iam/assignees/users`; `GET /api/v1/users/{id}/roles` of each listed "
        "admin (one read per admin: no list carries the role types); the Okta users",
        "the users with an ACTIVE `SUPER_ADMIN` role (USER or GROUP assignment) number "
        "between `okta_admins.min_super_admins` (default 2) and `max_super_admins` (default "
        "4); each is an ACTIVE Okta user; no login's local part matches "
        "`okta_admins.shared_account_patterns` or `service_account_patterns`; none is an "
        "excluded account; a role without a readable type or status ERRORs",
    ),
    "ORG-07": Condition(
        "`GET /api/v1/threats/configuration`",
        "`action` is at least the declared `threat_insight` (none < audit < block; "
        "default block); a value outside none/audit/block ERRORs",
    ),
    "ORG-08": Condition(
        "`GET /api/v1/api-tokens` (one request: the API has no paging); the Okta users",
        "every listed token's owner (`userId`) is an ACTIVE Okta user; its last use, inferred "
        "as `expiresAt` minus `tokenWindow`, is within `windows.api_token_unused_days` "
        "(default 90) of the run; and its `tokenWindow` is no longer than that; a token "
        "without a readable `expiresAt` or `tokenWindow` ERRORs",
    ),
    "ORG-09": Condition(
        "`GET /api/v1/agentPools?poolType=AD` (the declared AD's pool)",
        "at least `on_prem_ad.min_agents` (default 2) agents OPERATIONAL, and no agent "
        "with `isLatestGAedVersion` false (absent: ERROR) bar one hidden from the Admin "
        "Console (`isHidden`) that no longer works, which is shown, not judged; skipped "
        "when no AD is declared",
    ),
    "ESS-01": Condition(
        "`GET /users`; `GET /organization` (initial domain)",
        "the service account exists, `accountEnabled` true, cloud-only "
        "(`onPremisesSyncEnabled` not true and no `onPremisesImmutableId`), and its UPN "
        "on the initial domain (`*.onmicrosoft.com`, `.us`, `.partner.onmschina.cn`)",
    ),
    "ESS-02": Condition(
        "`GET /roleManagement/directory/roleAssignments` and `roleEligibilitySchedules` "
        "(Global Administrator); members of role-assignable groups holding it",
        "the service account holds Global Administrator actively, tenant-wide, directly "
        "or through a role-assignable group; a PIM-eligible-only holder fails as not "
        "active",
    ),
    "ESS-03": Condition(
        "`GET /users` (Entra); Okta users, DEPROVISIONED ones included (`search=status eq"
        ' "DEPROVISIONED"`); Office 365 app users; `GET /domains`',
        "each excluded account exists in Entra, has no Okta user with that login in any "
        "state, is not assigned to any Office 365 app instance of the org (every instance is "
        "searched, whatever its status: in manual WS-Fed an account can be assigned to "
        "another domain's instance), and its UPN's domain is neither Federated nor declared, "
        "nor a child domain (`isRoot` false) of a declared one, whose sign-in it inherits",
    ),
    "ESS-04": Condition(
        "Okta users; the app users of every Office 365 instance",
        "no Okta user or assignment whose login's local part matches "
        "`service_account_patterns` unless it is declared",
    ),
    "ESS-05": Condition(
        "the Global Administrator reads of ESS-02; `GET /users`; the Office 365 app users",
        "at least `min_break_glass_admins` users hold Global Administrator actively "
        "(directly or through a role-assignable group), enabled, cloud-only, members (a "
        "B2B guest, `userType` Guest or an `#EXT#` UPN, signs in at its home organization "
        "and is not counted), on the initial domain, not assigned to the app; eligible-only"
        " holders are listed, never counted",
    ),
    "ESS-06": Condition(
        "`GET /identity/conditionalAccess/policies`; `GET /policies/"
        "identitySecurityDefaultsEnforcementPolicy`; `GET /users/{id}/transitiveMemberOf` of "
        "each break-glass account (the excluded accounts but the service account); the "
        "Global Administrator reads",
        "no `enabled` policy with a grant control (block, MFA, device, terms, custom factor, "
        "authentication strength) targeting any app (an app, a user action, an "
        "authentication context or an include-mode `applicationFilter`) includes a "
        "break-glass account (All, its id, a group it is in transitively, a role it holds) "
        "without excluding it the same ways; and Security Defaults `isEnabled` is false when "
        "any policy is enabled; an unreadable policy list (Entra ID P1 needed), an account "
        "not in Entra or an unreadable membership ERRORs (administrative units, which no "
        "policy can name, are skipped)",
    ),
    "PREP-01": Condition(
        '`GET /api/v1/apps?filter=name eq "office365"`; `GET /organization` (initial domain)',
        "the instances whose `settings.app.msftTenant` is the initial domain's prefix "
        "(any cloud suffix) exist and are all ACTIVE; each declared domain is listed "
        "(itself or its root) by exactly one ACTIVE instance; in automatic mode one "
        "instance serves every declared domain",
    ),
    "PREP-02": Condition(
        "the Office 365 app instances",
        "every instance serving a declared domain has `signOnMode` SAML_1_1 (WS-Fed; "
        "BROWSER_PLUGIN is SWA) and `settings.app.wsFedConfigureType` AUTO in automatic "
        "mode, anything but AUTO in manual mode, or the declared `ws_fed_configure_type`",
    ),
    "PREP-03": Condition(
        "`GET /domains`; the instance serving the domain",
        "each declared domain is `isVerified` in Entra, is not the `isDefault` domain, "
        "and is in the domain settings of its instance (a child domain, `isRoot` false, "
        "through its root)",
    ),
    "PREP-04": Condition(
        "`GET /users` (`onPremisesImmutableId`); the app users of the instance serving "
        "each user (`profile.immutableId`)",
        "every in-scope user has an `onPremisesImmutableId` (cloud-only tenants: due with"
        " phase 4); where assigned, Okta's `profile.immutableId` equals it; no two app "
        "users send the same immutable ID",
    ),
    "PREP-05": Condition(
        "the app users; `GET /users`; `credentials.userNameTemplate` (evidence)",
        "every app user's `credentials.userName` equals its Entra user's UPN "
        "(case-insensitive), the user found by `externalId`, else by `userName`",
    ),
    "IMP-01": Condition(
        "`GET /users` (in scope: enabled members on a declared domain, licensed or not, "
        "not excluded); Okta users in every state",
        "each in-scope user has an Okta user whose `profile.login` equals the UPN "
        "(case-insensitive)",
    ),
    "IMP-02": Condition(
        "the in-scope users; the app users of the instance serving each user's domain",
        "each in-scope user has an assignment (`externalId` = Entra object id, or "
        "`credentials.userName` = UPN)",
    ),
    "IMP-03": Condition(
        "the in-scope users' Okta users (DEPROVISIONED included)",
        "each is ACTIVE, PASSWORD_EXPIRED or RECOVERY; STAGED, PROVISIONED, SUSPENDED, "
        "LOCKED_OUT and DEPROVISIONED are listed as not activated",
    ),
    "IMP-04": Condition(
        "the app users; `GET /users`",
        "no app user whose `externalId` and `credentials.userName` match no Entra user",
    ),
    "IMP-05": Condition(
        "the app users (`syncState`)",
        "no app user in `syncState` ERROR; an app user without `syncState` is cannot-tell",
    ),
    "PROV-01": Condition(
        "`GET /api/v1/apps/{id}/features`",
        "USER_PROVISIONING is listed with `status` ENABLED (a 400 E0000001 means "
        "provisioning is off: fail)",
    ),
    "PROV-02": Condition(
        "`GET /api/v1/apps/{id}/features` (USER_PROVISIONING `capabilities`)",
        "create, profile update and deactivation are ENABLED and password push as "
        "declared (default DISABLED)",
    ),
    "PROV-03": Condition(
        "the Office 365 app (`settings.app.office365ProvisioningType`)",
        "equals `provisioning.provisioning_type` exactly where declared; skipped with the"
        " observed value otherwise (the API strings are unconfirmed)",
    ),
    "PROV-04": Condition(
        "`GET /api/v1/apps/{id}/groups`; `GET /api/v1/groups`",
        "every group named in `provisioning.assignment_groups` exists and is assigned to the app",
    ),
    "PROV-05": Condition(
        "`GET /users` (`licenseAssignmentStates`, `usageLocation`); `GET /subscribedSkus`",
        "no in-scope user has a licence assignment whose `error` is set (null and `None` are "
        "no error) or whose `state` is `Error`/`ActiveWithError`; each declared "
        "`provisioning.licences` SKU (`skuPartNumber` or `skuId`) is listed, `capabilityStatus` "
        "Enabled, with `prepaidUnits.enabled - consumedUnits` at least `min_free_seats`; "
        "undeclared SKUs: that part skipped listing the SKUs seen; a user without "
        "`licenseAssignmentStates` ERRORs",
    ),
    "PROV-06": Condition(
        "`GET /organization` (`onPremisesSyncEnabled`, `onPremisesLastSyncDateTime`); "
        "`GET /users` (the same fields)",
        "where `provisioning.okta_sole_writer` is true: the organization's "
        "`onPremisesSyncEnabled` is not true or its last sync is older than "
        "`windows.directory_sync_stale_days` (default 3), and no in-scope user is synced "
        "(`onPremisesSyncEnabled` true) with a last sync inside that window or none; "
        "undeclared: skipped with the observed values",
    ),
    "CRED-01": Condition(
        "`GET /api/v1/apps/{id}/connections/default`",
        "`status` ENABLED",
    ),
    "CRED-02": Condition(
        "the connection's `_links.authorize` (client id); Entra service principals by "
        'that `appId`; their app role assignments and grants; legacy "Okta AAD Service '
        'Principal" objects and their directory roles',
        "the connection is consent-based: the service principal whose `appId` is the "
        "connection's client id holds consented permissions, and no legacy Okta service "
        "principal holds a directory role (`authScheme` is evidence only: legacy "
        "connections report OAUTH2 too)",
    ),
    "CRED-03": Condition(
        "the Entra service principal whose `appId` is the connection's client id; its app"
        " role assignments and AllPrincipals grants; Microsoft Graph's app roles",
        "it exists, is enabled, and holds the permissions provisioning needs (display "
        "names are evidence only)",
    ),
    "CRED-04": Condition(
        "`GET /api/v1/logs` in the window for the app (credential and Office 365 "
        "Graph-client failure event types)",
        "no credential failure naming this instance in the window; `general_failure` "
        "judged apart (lower severity); where provisioning is on, at least one successful"
        " provisioning or import event",
    ),
    "CRED-05": Condition(
        "Okta's service principals, their app role assignments and delegated grants; `GET "
        "/roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'` of each "
        "but the current connection's client",
        'no legacy "Okta AAD Service Principal" holds a directory role, an application '
        "permission or a delegated grant, and no other Okta principal whose `appId` is not a "
        "current connection's client id holds a directory role or `User.ReadWrite.All`, "
        "`Group.ReadWrite.All`, `GroupMember.ReadWrite.All` or `Directory.ReadWrite.All`; "
        "a connection without its client id or an unreadable read ERRORs",
    ),
    "FED-01": Condition(
        "`GET /domains`",
        "each declared domain's `authenticationType` is Federated",
    ),
    "FED-02": Condition(
        "`GET /domains/{id}/federationConfiguration`",
        "a configuration exists (404 or empty fails) with `preferredAuthenticationProtocol` wsFed",
    ),
    "FED-03": Condition(
        "the federation configuration; `GET /api/v1/domains` (the org's own host, "
        "custom domains); `GET /api/v1/org`",
        "`passiveSignInUri` (and `activeSignInUri` when set) is `https`, no user info, "
        "default port, on a host of this org that serves sign-ins (its own, or a custom "
        "domain whose certificate is issued: `validationStatus` COMPLETED; a VERIFIED one, DNS"
        " only, fails with that reason), path "
        "`/app/office365/<key>/sso/wsfed/passive` (resp. `/active`), no query; one key, "
        "shared by the domains of the serving instance and by no other instance's domain",
    ),
    "FED-04": Condition(
        "the federation configuration; `GET /api/v1/apps/{id}/credentials/keys` of the "
        "serving instance",
        "`signingCertificate` is the same certificate (any encoding) as `x5c[0]` of the "
        "key whose kid is the instance's `credentials.signing.kid`; Okta signing with "
        'Entra\'s `nextSigningCertificate` fails as "rollover in progress"',
    ),
    "FED-05": Condition(
        "the federation configuration; the serving instance's keys",
        "neither the active key's nor Entra's certificate expires within "
        "`windows.certificate_expiry_days`; a pending `nextSigningCertificate` is one of "
        "the instance's keys",
    ),
    "FED-06": Condition(
        "the federation configuration (`federatedIdpMfaBehavior`)",
        "equals the declared `mfa_behavior`; unset in Entra (legacy SupportsMfa, not in "
        "Graph v1.0) or undeclared in the tenant file is cannot-tell (ERROR)",
    ),
    "FED-07": Condition(
        "the federation configurations of every declared domain; the serving instance's "
        "`wsFedConfigureType`",
        "automatic: `issuerUri` is `<domain>:<key>` (a child domain: its root's), the key"
        " of its sign-in URI; manual: `https://<key>` or `<domain>:<key>`; no two "
        "unrelated domains share an issuer",
    ),
    "FED-08": Condition(
        "`GET /domains`",
        "before phase 5, no declared domain is Federated; skipped at phase 5",
    ),
    "FED-09": Condition(
        "Microsoft's public `getuserrealm.srf` for one in-scope user per domain and each "
        "excluded account",
        "the sample is Federated with an `AuthURL` that is this org's passive endpoint "
        "(judged as FED-03, its query aside) with the domain's key; each excluded account"
        " is Managed",
    ),
    "FED-10": Condition(
        "`GET /api/v1/policies/{id}/rules` of the `_links.accessPolicy` of the instance "
        "serving each declared domain",
        "for each client type declared in `office365_sign_on` (default: `web` and "
        "`modern_auth` mfa, `exchange_active_sync` deny, `aad_join` not judged), every ACTIVE "
        "rule that may apply to it (`conditions.office365Client` absent or naming it), in "
        "priority order until one matches every such sign-in, is DENY (deny) or DENY or "
        "ALLOW with 2FA (mfa); no rule matching every sign-in of a client, or an unknown "
        "client value, ERRORs",
    ),
    "FED-12": Condition(
        "`GET /identity/conditionalAccess/policies`; Security Defaults; `GET /groups/{id}/"
        "transitiveMembers` of each group an enabled policy excludes; the Global "
        "Administrator reads",
        "Security Defaults `isEnabled` true, or an `enabled` policy whose only control is "
        "`block`, for `clientAppTypes` `exchangeActiveSync` and `other` (or `all`), "
        "`includeApplications` All with none excluded and no `applicationFilter`, user "
        "action or authentication context, `includeUsers` All, no narrowing "
        "condition, excluding only break-glass accounts (directly, through groups of only "
        "them, or Global Administrator when every active holder is one); unreadable policies "
        "or excluded groups ERROR",
    ),
    "FED-11": Condition(
        "none: `GET /policies/featureRolloutPolicies` has no application permission "
        '(Graph docs: Application "Not supported")',
        "no staged-rollout policy (password hash sync, pass-through or certificate "
        "authentication) includes users or groups of a federated domain; not readable by "
        "the suite, so always skipped with what to check by hand, never passed",
    ),
    "FED-13": Condition(
        "`GET /auditLogs/signIns?$filter=createdDateTime ge <as of - sign_in_log_days> and "
        "createdDateTime le <as of> and (status/errorCode eq <code> or ...)&$top=1000` "
        "(AuditLog.Read.All, Entra ID P1); `GET /domains`",
        "no sign-in in the window (`windows.sign_in_log_days`, default 7) failed with a code "
        "of `federation_error_codes` (default AADSTS50107, 50008, 51004) for a user on a "
        "declared domain Entra reports Federated (or a child of one); failures are grouped "
        "by code; a tenant without Entra ID P1 (Graph's "
        "Authentication_RequestFromNonPremiumTenantOrB2CTenant) is skipped with that reason, "
        "any other unreadable log (a refused filter included) ERRORs",
    ),
}
