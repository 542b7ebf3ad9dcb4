"""The garbage collector set for an audit run (collect/memory.tune_for_run), and put back.

Every process of the run sets it: the only process, the xdist controller (which holds every
report of the fleet) and each worker. Configured after the plugin's own ``pytest_configure``
has loaded the run (trylast), so the tenants' files and the modules they needed are frozen
with the rest; put back at unconfigure, so a pytest session run inside another process (the
project's own tests) leaves that process's collector as it found it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ..collect.memory import tune_for_run
from .state import state_of

_RESTORE_KEY = pytest.StashKey[Callable[[], None]]()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if state_of(config) is not None:
        config.stash[_RESTORE_KEY] = tune_for_run()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    restore = config.stash.get(_RESTORE_KEY, None)
    if restore is not None:
        del config.stash[_RESTORE_KEY]
        restore()
