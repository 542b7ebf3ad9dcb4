"""The leaves every stage uses: boundaries and small rules with no knowledge of the flow.

- ``errors``: the exceptions a stage raises for an operator (AuditError and its kinds);
- ``names``: the tenant-name rule, checked before a name becomes part of a path;
- ``normalize``: how names compare (domains, logins, a domain's parents);
- ``terminal``: printable terminal text, escaped surrogates;
- ``redact``: secrets and untrusted text redacted before any log line or message;
- ``safe_files``: contained, atomic writes inside an output folder;
- ``suite``: where the checks and the tenant template are (installed or in a checkout);
- ``certs``: a self-signed certificate, as every stand-in credential is made.

May import: the standard library and third-party libraries only (layer 0: nothing of the
package).
"""
