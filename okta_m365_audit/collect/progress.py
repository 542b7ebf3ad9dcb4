"""What a collection tells its watcher while it runs: per read, pages, objects and retries.

Collecting a large tenant takes minutes, and a run that prints nothing until then looks
hung: an operator at a terminal, or reading a CI log, must see it move and see which read
is slow or being retried. The collector calls a :class:`Progress` at each page and at the
end of each read; how that is shown (one live line in a terminal, plain lines in a log) is
the plugin's concern. The default watches nothing.
"""

from __future__ import annotations

from typing import Any

from ..core.terminal import printable
from ..snapshot import document as snap


class Progress:
    """A collection's watcher; this base ignores everything (library use, the emulator)."""

    def reading(
        self, res: snap.Resource, key: str | None, pages: int, objects: int, retries: int
    ) -> None:
        """A request of the read is about to be sent: ``pages`` read so far, ``objects`` in
        them, ``retries`` made."""

    def read_done(self, res: snap.Resource, key: str | None, record: dict[str, Any]) -> None:
        """The read ended; ``record`` is its snapshot Read record (ok, pages, requests)."""

    def finished(self) -> None:
        """The collection ended, whatever its outcome."""


NO_PROGRESS = Progress()


def page_objects(res: snap.Resource, body: Any) -> int:
    """How many API objects one page holds (a Graph page wraps them in ``value``, Okta's
    domain list in ``domains``)."""
    if res.kind == "object":
        return 1
    if isinstance(body, dict):
        lists = [v for k, v in body.items() if isinstance(v, list) and not k.startswith("@")]
        return len(lists[0]) if lists else 1
    return len(body) if isinstance(body, list) else 1


def read_label(res: snap.Resource, key: str | None) -> str:
    """``okta users``, ``okta appUsers 0oa1...``: a read as a progress line names it (the key
    comes from tenant data, so it is shown through ``printable``)."""
    label = f"{res.api} {res.name}"
    return f"{label} {printable(key)}" if key else label
