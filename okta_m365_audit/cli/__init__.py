"""The command ``okta-m365-audit`` (also ``python -m okta_m365_audit``) and its subcommands.

- ``main``: the parser and the dispatch: ``run`` (the audit: pytest with the audit's
  plugins only), ``init``, ``validate``, ``fleet``, ``emulator``, ``anonymize``, ``schema``;
  usage errors exit 4 with one line, as pytest's do;
- ``run``: the audit, ``./tenants`` and ``./reports`` by default, the installed checks when
  no path is given;
- ``tenants``: ``init`` (a new customer's commented tenant file and folders) and ``validate``
  (every error of every tenant file at once).

Importing this package imports nothing else of okta_m365_audit: ``run`` leaves the plugin
for pytest to import, so that its asserts are rewritten as any plugin's are.

May import: every stage (plugin, outputs, config...), each only inside the subcommand that
needs it; no stage imports it.
"""

from .main import main

__all__ = ["main"]
