"""Where the checks, the commented tenant template and the demo tenant live, installed or
in a checkout.

The wheel installs the checkout's ``tests_integration/`` as ``okta_m365_audit/checks/`` and
``tenants/example.yaml`` as ``okta_m365_audit/templates/example.yaml`` (pyproject.toml's
package-dir); an editable install or a checkout keeps them at the top of the checkout. Both
are found by path, without importing anything: the plugin must be imported by pytest first
(its asserts rewritten), and ``tests_integration`` is a folder of test modules, not a library.
"""

from __future__ import annotations

from pathlib import Path

#: Where a config error's fix points for the file's shape: a user of the installed command has
#: no checkout, so no tenants/example.yaml, but ``init`` writes the same commented template.
TEMPLATE_HINT = "the commented template that `okta-m365-audit init NAME` writes"

PACKAGE = Path(__file__).resolve().parent.parent
CHECKOUT = PACKAGE.parent


def checks_dir() -> Path:
    """The folder of the checks: the installed package's, else the checkout's."""
    installed = PACKAGE / "checks"
    return installed if (installed / "__init__.py").is_file() else CHECKOUT / "tests_integration"


def tenant_template() -> Path:
    """The commented tenant file a new customer's file starts from."""
    installed = PACKAGE / "templates" / "example.yaml"
    return installed if installed.is_file() else CHECKOUT / "tenants" / "example.yaml"


def demo_tenant_file() -> Path:
    """The demo tenant's file (whose snapshot is golden), installed or in the checkout: what
    the emulator registers and copies ``expect:`` from when given no ``--tenant``. The wheel
    ships it with its snapshot and its demo-only keys, so ``emulator --demo`` works from
    any folder."""
    installed = PACKAGE / "templates" / "demo.yaml"
    return installed if installed.is_file() else CHECKOUT / "tenants" / "demo.yaml"


def demo_snapshot() -> Path:
    """The demo tenant's golden snapshot (``emulator --demo``), installed or in the checkout."""
    return demo_tenant_file().parent / "demo" / "golden.snapshot.json"
