"""Load the okta-m365-audit pytest plugin (options, tenants, fixtures, report columns)."""

pytest_plugins = ["okta_m365_audit.plugin"]
