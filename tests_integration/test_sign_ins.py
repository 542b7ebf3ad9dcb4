"""FED (phase 5), after go-live: federated users' sign-ins work (FED-13, Entra's sign-in log).

The log needs Entra ID P1: a tenant without it is skipped with that reason, never passed
(views/sign_ins.py says what is judged and why the view re-judges what Graph filtered).
"""

import pytest

from okta_m365_audit.views.sign_ins import MAX_UPNS


@pytest.mark.check("FED-13")
def test_fed_13_no_federation_errors_in_sign_in_log(tenant, evidence):
    missing = tenant.sign_in_log_missing
    if missing:
        evidence.update(observed=missing)
        pytest.skip(missing)
    since, until = tenant.sign_in_window()
    codes = list(tenant.cfg.expect.federation_error_codes)
    errors = tenant.federation_errors()
    evidence.update(
        window={"from": since.isoformat(), "to": until.isoformat()},
        federated_domains=tenant.federated_declared_domains,
        error_codes=codes,
        observed={f"AADSTS{code}": g for code, g in errors.items()},
        expected="no sign-in of a federated user failed with one of these codes",
    )
    failing = [
        f"AADSTS{code}: {g['count']} sign-in(s) {g['first']}..{g['last']} "
        f"({', '.join(g['upns'])}{', ...' if g['count'] > len(g['upns']) else ''}"
        f"{'; ' + ' | '.join(g['reasons']) if g['reasons'] else ''})"
        for code, g in errors.items()
    ]
    assert not failing, (
        f"federated sign-ins failed in the last {tenant.cfg.expect.windows.sign_in_log_days} "
        f"day(s): {'; '.join(failing)} (up to {MAX_UPNS} users per code)"
    )
