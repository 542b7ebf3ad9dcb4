"""What is audited and read: the checks, when they apply, and the API reads they need.

- ``checks``: every check (ID, phase, severity, remediation, what it reads): CATALOG, BY_ID;
- ``conditions``: each check's pass condition, in words, for the catalog and the report;
- ``groups``: check groups beside the phases (Okta org baseline, M365 guards);
- ``policy``: phase gating and which verdicts fail the run;
- ``waivers``: which waiver covers a check or one of its items, and what became of each;
- ``resource_keys``: which items a per-item read is made for (derived from the read before it);
- ``resources``: every API read the collector makes (path, scope, what a definitive
  answer is); ``requests``: each read's first request (query, windows, filters);
- ``change_events``: the change events drift takes its actors from (Okta, Entra);
- ``scope``: which users are in scope (UPN, domain);
- ``consent``: what tells a consent-based provisioning connection;
- ``version``: the catalog's digest, so two runs' verdicts are compared only when the
  same checks judged the same conditions.

May import: core, config (layers 0-1); never a later stage.
"""
