"""The compliance checks: one module per runbook phase, each check a pytest test marked
``@pytest.mark.check("ID")`` (the catalog: okta_m365_audit/catalog/checks.py).

This folder is the checkout's face of the design and the only copy of the checks. The wheel
installs it as the package ``okta_m365_audit.checks`` (pyproject.toml's package-dir), so
``okta-m365-audit run`` and ``pytest --pyargs okta_m365_audit.checks`` run them from any
folder; it is a package (this file) so that ``--pyargs`` finds it.

May import: every stage below the plugin (views, catalog, outputs...) and pytest.
"""
