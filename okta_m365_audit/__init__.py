"""okta-m365-audit: verify an Okta-mastered Microsoft 365 integration from the live APIs."""

__version__ = "0.1.0"
