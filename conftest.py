"""Load the okta-m365-audit pytest plugin (options, tenants, fixtures, report columns).

An installed package also registers it as a pytest entry point under this same name
(pyproject.toml), so pytest finds it registered already and does not load it twice.
"""

pytest_plugins = ["okta_m365_audit.plugin"]
