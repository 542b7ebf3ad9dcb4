"""A waiver in the tenant file: one check, and optionally one item of it.

A check is parametrized over items (a domain to federate, an excluded account, an API
resource, a provisioning capability): a waiver that names an item covers that item alone, so
a later failure on another domain or user still fails the run. Without an item it covers the
whole check, as waivers did before items existed (and the report says it is check-wide).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    check: str = Field(pattern=r"^[A-Z]+-\d{2}$", description="Check ID, e.g. FED-06.")
    item: str | None = Field(
        None,
        min_length=1,
        description="The one item of the check this waiver covers, as the test id names it "
        "after the tenant: a domain (contoso.com), an excluded account "
        "(breakglass1@contoso.onmicrosoft.com), an API resource or a provisioning capability. "
        "Compared as the checks compare it (domains and logins in any case). Leave it out to "
        "waive every item of the check (check-wide).",
    )
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    ticket: str = Field(min_length=1)
    expires: dt.date

    @field_validator("item", mode="before")
    @classmethod
    def _one_item_as_text(cls, value: Any) -> Any:
        """One item, written as text: a list or a number would waive nothing that exists
        (or, read loosely, more than was approved)."""
        if value is None or isinstance(value, str):
            return value
        raise ValueError(
            f"must be one item as text (a domain, a login, a resource or a capability, as "
            f"in the test id, e.g. contoso.com), not {_kind(value)}; write one waiver per item"
        )
