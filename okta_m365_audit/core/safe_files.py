"""Writing outputs without following anything planted, and without half-written files.

Every file the suite writes (snapshots, request logs, results, bundles and their zips, the
fleet page, reports) goes through here, for three reasons:

- **Containment.** An output path is built from validated names (names.py) and then checked,
  once resolved, to stay inside the folder it belongs to (:func:`inside`). A symlink planted
  inside the reports folder that points elsewhere fails that check.
- **No write through a symlink.** Content goes to a temporary file created exclusively
  (``O_CREAT | O_EXCL``, via :func:`tempfile.mkstemp`) in the target's own folder and is then
  renamed over the target. ``rename`` replaces a directory entry, so a symlink planted at the
  target's name (or at a predictable ``.tmp`` name) is replaced, never followed.
- **All or nothing.** A write that fails (disk full, read-only folder, quota) removes its
  temporary file and raises :class:`OutputError` with one line naming the path and the OS
  error; the target keeps its earlier content or stays absent, so no 0-byte or truncated
  file is ever hashed into a manifest.

Imports nothing of the package: every stage may use it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any


class OutputError(OSError):
    """An output could not be written where it belongs; the text is one line for the user."""


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def inside(root: Path, *parts: str) -> Path:
    """``root / parts``, resolved, after checking that it stays inside resolved ``root``.

    Each part must be a single path component (no separator, not ``..``); ``root`` itself is
    the operator's choice and may be a symlink.

    >>> inside(Path("/tmp/reports"), "demo-20260101-000000")
    PosixPath('/tmp/reports/demo-20260101-000000')
    """
    base = Path(root).resolve()
    for part in parts:
        if (
            not isinstance(part, str)
            or not part
            or part in (".", "..")
            or "/" in part
            or "\\" in part
            or "\x00" in part
        ):
            raise OutputError(f"{root}: {part!r} is not a plain file name; nothing written")
    target = base.joinpath(*parts)
    folder = target.parent.resolve()
    if folder != target.parent or not folder.is_relative_to(base):
        # a folder on the way is (or goes through) a symlink to somewhere else; the last
        # component may be anything: atomic writes replace it, never follow it
        raise OutputError(
            f"{target}: its folder resolves to {folder}, outside {base} (a symlink?); "
            "nothing written"
        )
    return target


def make_dir(path: Path) -> Path:
    """mkdir -p, as one clear error when it cannot be made."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder ({_os_reason(exc)})") from None
    return Path(path)


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", perms: int = 0o644) -> Iterator[IO[Any]]:
    """Open a fresh temporary file beside ``path`` for writing; on a clean exit it is
    flushed, synced and renamed to ``path``; on any exception it is removed.

    ``mode`` is ``"w"`` (UTF-8 text) or ``"wb"``; ``perms`` 0o600 for a secret (a private
    key), which is then never readable by others, not even for a moment.
    """
    path = Path(path)
    make_dir(path.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written ({_os_reason(exc)})") from None
    tmp = Path(tmp_name)
    try:
        if mode == "wb":
            fh: IO[Any] = os.fdopen(fd, "wb", buffering=1 << 20)
        else:
            fh = os.fdopen(fd, "w", encoding="utf-8", buffering=1 << 20)
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, perms)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"{path}: cannot be written ({_os_reason(exc)})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str | Iterable[str]) -> Path:
    """Write text (or an iterable of text pieces, streamed) atomically; return path."""
    with atomic_open(path, "w") as out:
        if isinstance(text, str):
            out.write(text)
        else:
            for piece in text:
                out.write(piece)
    return Path(path)


def write_bytes(path: Path, data: bytes, perms: int = 0o644) -> Path:
    with atomic_open(path, "wb", perms) as out:
        out.write(data)
    return Path(path)


def copy_file(src: Path, path: Path) -> Path:
    """Copy src to path atomically, streamed (a large tenant's snapshot is 100s of MB)."""
    try:
        source = open(src, "rb")  # closed by the with below, before the rename
    except OSError as exc:
        raise OutputError(f"{src}: cannot be read ({_os_reason(exc)})") from None
    with source, atomic_open(path, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return Path(path)
