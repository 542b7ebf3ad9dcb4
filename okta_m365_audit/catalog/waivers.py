"""Waivers: which waiver covers a check's item, and what the run says about each waiver.

A waiver names a check and optionally one item of it (the domain, account, resource or
capability the check's test is parametrized over; ``item`` in each results line). It is
judged as of the day the tenant's data was collected (the run's date for a live or emulated
run; the snapshot's date for a replay, so a replay of a bundle reproduces its verdicts).

What the run says about each waiver of a tenant (``waiver_notes``): what it covered, whether
it expires within EXPIRY_WARNING_DAYS, whether it has expired (then it waives nothing and is
named as such), and whether it names an item the run never produced (a stale waiver: the
item was renamed, removed, or misspelt). These are warnings in the terminal and the report,
never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..config import TenantConfig, Waiver
from ..core.normalize import domain_name, login

#: a waiver that expires within this many days of the run is warned about
EXPIRY_WARNING_DAYS = 14

#: the parameter a check's items come from -> how the checks compare such an item
_NORMALISE = {
    "domain": domain_name,
    "excluded_account": login,
}


def normalised(value: Any, kind: str | None = None) -> str:
    """An item as compared: a domain or login as normalize.py compares them; a waiver's item,
    whose kind the tenant file does not say, by its shape (a login has an @, a domain a dot;
    resource and capability names keep their case)."""
    text = str(value).strip()
    if kind in _NORMALISE:
        return _NORMALISE[kind](text)
    if kind is None and "@" in text:
        return login(text)
    if kind is None and "." in text:
        return domain_name(text)
    return text


def covers(waiver: Waiver, check_id: str, item: str | None) -> bool:
    """Whether the waiver is about this check and item (a check-wide one: every item)."""
    if waiver.check != check_id:
        return False
    return waiver.item is None or (item is not None and normalised(waiver.item) == item)


@dataclass(frozen=True)
class WaiverState:
    waiver: Waiver
    expired: bool

    def describe(self) -> dict[str, Any]:
        """The ``waiver`` object of a results line, beside the untouched ``message``."""
        w = self.waiver
        return {
            "status": f"expired on {w.expires}" if self.expired else f"active until {w.expires}",
            "expired": self.expired,
            "expires": w.expires.isoformat(),
            "scope": "check-wide" if w.item is None else "item",
            "item": w.item,
            "reason": w.reason,
            "approver": w.approver,
            "ticket": w.ticket,
        }

    def text(self) -> str:
        w = self.waiver
        scope = "check-wide" if w.item is None else f"item {w.item}"
        return f"waived until {w.expires} ({scope}) by {w.approver} ({w.ticket}): {w.reason}"


def waiver_for(
    check_id: str, item: str | None, cfg: TenantConfig, as_of: dt.date
) -> WaiverState | None:
    """The waiver of this check's item, active until (and including) its expiry date.

    Several cover it (one check-wide, one for the item, or two for the item): an active one
    counts before an expired one, and among those the one that runs longest.
    """
    found = [w for w in cfg.waivers if covers(w, check_id, item)]
    if not found:
        return None
    best = max(found, key=lambda w: (w.expires >= as_of, w.expires))
    return WaiverState(best, expired=best.expires < as_of)


def waiver_notes(
    cfg: TenantConfig, results: Iterable[dict[str, Any]], as_of: dt.date
) -> list[dict[str, Any]]:
    """One note per waiver of the tenant file: its fields, scope, status, the tests it waived,
    and ``warning`` (one line, or None): expired, expiring within EXPIRY_WARNING_DAYS, or
    stale (its check ran, but never on its item). A waiver of a check that did not run in
    this run (-k, -m) is not called stale: the run cannot tell."""
    results = list(results)
    notes = []
    for w in cfg.waivers:
        of_check = [r for r in results if r.get("check") == w.check]
        items = {r.get("item") for r in of_check}
        waived = [r["testId"] for r in of_check if r.get("verdict") == "waived"
                  and covers(w, w.check, r.get("item"))]  # fmt: skip
        days_left = (w.expires - as_of).days
        what = f"waiver of {w.check}" + (f" for {w.item}" if w.item else " (check-wide)")
        warning = None
        if days_left < 0:
            status = "expired"
            warning = f"{what} expired on {w.expires} and no longer waives; renew or remove it"
        elif days_left <= EXPIRY_WARNING_DAYS:
            status = "expiring"
            when = "today" if days_left == 0 else f"in {days_left} day(s)"
            warning = f"{what} expires {when} ({w.expires}); renew it or fix the finding"
        else:
            status = "active"
        stale = bool(of_check) and w.item is not None and normalised(w.item) not in items
        if stale:
            known = ", ".join(sorted(str(i) for i in items if i is not None)) or "none"
            warning = (
                f"{what} names an item this run never produced (its items: {known}); "
                "correct the item or remove the waiver"
            )
        notes.append(
            {
                "check": w.check,
                "item": w.item,
                "scope": "check-wide" if w.item is None else "item",
                "expires": w.expires.isoformat(),
                "status": status,
                "daysLeft": days_left,
                "stale": stale,
                "reason": w.reason,
                "approver": w.approver,
                "ticket": w.ticket,
                "waived": waived,
                "warning": warning,
            }
        )
    return notes


def terminal_lines(notes: list[dict[str, Any]], results: Iterable[dict[str, Any]]) -> list[str]:
    """The terminal's account of a tenant's waivers: each waived finding with its own
    message and the waiver beside it, then one warning line per waiver that needs care."""
    lines = []
    for r in results:
        w = r.get("waiver")
        if r.get("verdict") != "waived" or not w:
            continue
        scope = f"item {w['item']}" if w.get("item") else "check-wide"
        lines.append(
            f"WAIVED {r['check']} {r['testId']}: {r.get('message') or ''} "
            f"[waiver {scope}, {w.get('status')}, {w.get('ticket')}]"
        )
    lines += [f"WARNING {n['warning']}" for n in notes if n.get("warning")]
    return lines
