"""Where the plugin keeps the run's state, and how a hook finds it."""

from __future__ import annotations

import pytest

from ..session.tenants import AuditState

STATE_KEY = pytest.StashKey[AuditState]()
#: what an xdist controller hands its workers: the run's id and start (file names, results)
WORKER_INPUT_KEY = "okta_m365_audit"
#: the state of the session under way (hooks that get no config: logreport, html summary)
SESSION_STATE: list[AuditState] = []


def current_state() -> AuditState | None:
    return SESSION_STATE[-1] if SESSION_STATE else None


def is_worker(config: pytest.Config) -> bool:
    """True in an xdist worker process (which writes no report, results or bundle)."""
    return hasattr(config, "workerinput")


def state_of(config: pytest.Config) -> AuditState | None:
    """The run's state when this session runs the audit (not the project's own tests)."""
    state = config.stash.get(STATE_KEY, None)
    return state if state is not None and state.reports_dir is not None else None
