"""PROV guards (phase 4): once Okta provisions, what it assigns must land and it must be the
only writer. Every in-scope user's licences are assigned without error (a seat shortage, a
missing usage location or a conflicting plan leaves the user unlicensed in silence); the
subscriptions Okta assigns from keep the free seats the tenant file declares; and when Okta
creates and updates the users, Entra Connect has stopped writing them (Okta's User and
Universal Sync cannot run beside directory sync)."""

import pytest

from okta_m365_audit.views import DataUnavailable
from okta_m365_audit.views.provisioning import listing


@pytest.mark.check("PROV-05")
def test_prov_05_licences_assigned_without_error(tenant, evidence):
    """No in-scope user has a licence assignment state with an error (null and "None" are no
    error) or in state Error/ActiveWithError. Group-based licences are judged too: the
    user is unlicensed all the same. A user whose states Graph did not return ERRORs."""
    judged, failed = tenant.licence_errors()
    evidence.update(
        observed={"in-scope users judged": judged, "failed assignments": failed},
        expected="every licence assignment state of an in-scope user: error null (or None), "
        "state Active or Disabled",
    )
    assert not failed, f"{len(failed)} licence assignment(s) failed for in-scope users: " + listing(
        f"{f['upn']}: skuId {f['skuId']} error {f['error']} (state {f['state']}, "
        + (f"through group {f['assignedByGroup']}" if f["assignedByGroup"] else "direct")
        + f", usageLocation {f['usageLocation']})"
        for f in failed
    )


@pytest.mark.check("PROV-05")
def test_prov_05_declared_skus_have_free_seats(tenant, evidence):
    """Each SKU the tenant file declares (provisioning.licences) is subscribed, Enabled, and
    has at least its min_free_seats free (prepaidUnits.enabled - consumedUnits). Which SKUs
    Okta assigns is the customer's call: undeclared, skipped naming the SKUs seen."""
    declared = tenant.cfg.expect.provisioning.licences
    if not declared:
        try:
            seen = listing(
                f"{s['skuPartNumber']} ({s['freeSeats']} free)" for s in tenant.subscribed_skus
            )
        except DataUnavailable as exc:
            seen = f"unreadable ({exc})"
        pytest.skip(f"provisioning.licences not declared; subscribed SKUs: {seen or 'none'}")
    skus = tenant.subscribed_skus
    evidence.update(
        observed=skus,
        expected={d.sku: f"Enabled, at least {d.min_free_seats} free" for d in declared},
        reading="free seats = prepaidUnits.enabled - consumedUnits; warning and suspended "
        "units are not counted",
    )
    problems = []
    for d in declared:
        sku = tenant.subscribed_sku(d.sku)
        if sku is None:
            problems.append(f"{d.sku} is not subscribed (GET /subscribedSkus lists no such SKU)")
            continue
        name = sku["skuPartNumber"] or d.sku
        if sku["freeSeats"] is None:
            raise DataUnavailable(
                f"GET /subscribedSkus returned {name} without numeric prepaidUnits.enabled "
                f"({sku['enabledUnits']!r}) or consumedUnits ({sku['consumedUnits']!r}); "
                "cannot count its free seats"
            )
        if sku["capabilityStatus"] != "Enabled":
            problems.append(f"{name} capabilityStatus is {sku['capabilityStatus']}, not Enabled")
        if sku["freeSeats"] < d.min_free_seats:
            problems.append(
                f"{name} has {sku['freeSeats']} free seat(s) ({sku['enabledUnits']} enabled, "
                f"{sku['consumedUnits']} assigned); expected at least {d.min_free_seats}"
            )
    assert not problems, "; ".join(problems)


def _sole_writer(tenant, evidence):
    """The organization's directory sync, or a skip when Okta is not declared the only
    writer (undeclared: the suite cannot tell; false: profile sync only, nothing to judge)."""
    declared = tenant.cfg.expect.provisioning.okta_sole_writer
    if not declared:
        try:
            seen = tenant.directory_sync
        except DataUnavailable as exc:
            seen = f"unreadable ({exc})"
        why = "not declared" if declared is None else "false (Okta does not create the users)"
        pytest.skip(f"provisioning.okta_sole_writer {why}; observed {seen}")
    days = tenant.cfg.expect.windows.directory_sync_stale_days
    sync = tenant.directory_sync
    evidence.update(
        observed=sync,
        window_days=days,
        stale_before=tenant.sync_stale_before().isoformat(),
        expected=f"directory sync off, or no sync in the last {days} days",
    )
    return sync, days


@pytest.mark.check("PROV-06")
def test_prov_06_directory_sync_stopped(tenant, evidence):
    """Where the tenant file says Okta is the only writer: the organization's
    onPremisesSyncEnabled is not true, or its last sync is older than the window (the
    server retired with the flag still set). On with no last sync time fails: nothing
    shows it stopped."""
    sync, days = _sole_writer(tenant, evidence)
    enabled, last = sync["onPremisesSyncEnabled"], sync.get("onPremisesLastSyncDateTime")
    assert not tenant.recently_synced(enabled, last, "GET /organization"), (
        "Entra directory sync still writes this tenant while Okta is declared the only writer: "
        f"onPremisesSyncEnabled {enabled}, last sync {last or 'unknown'}"
        + (f" (within {days} days)" if last else "")
    )


@pytest.mark.check("PROV-06")
def test_prov_06_no_user_written_by_sync(tenant, evidence):
    """Where the tenant file says Okta is the only writer: no in-scope user (each one Okta
    provisions by now) is synced from on-premises (onPremisesSyncEnabled true) with a last
    sync inside the window or none at all."""
    _, days = _sole_writer(tenant, evidence)
    synced = tenant.users_still_synced()
    evidence.update(users_still_synced=synced)
    assert not synced, (
        f"{len(synced)} user(s) Okta provisions are still written by directory sync "
        f"(synced within {days} days): "
        + listing(f"{s['upn']} (last sync {s['onPremisesLastSyncDateTime']})" for s in synced)
    )
