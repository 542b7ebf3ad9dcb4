"""The snapshot's JSON: streamed out in a readable layout, digested in a canonical form, and
read back, for any text an API may return.

A 100k-user snapshot is hundreds of MB, so it is never held as one string: the writer and
the digest work piece by piece (each piece made by the C encoder). The file is UTF-8 with
non-ASCII text kept as it is, except a lone UTF-16 surrogate (``"\\ud800"``: JSON allows it,
an API can return it, UTF-8 cannot encode it), which is written as its JSON escape, so the
file is valid UTF-8 and reads back equal. The digest's canonical form escapes every
non-ASCII character (``json.dumps(sort_keys=True, separators=(",", ":"))`` byte for byte),
so it is the same for every snapshot it was before, surrogates or not.

Imports only safe_files and terminal (leaves): document.py wraps these for its format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ..core.safe_files import atomic_open
from ..core.terminal import escape_surrogates

#: containers nested deeper than this are written on one line (an API object, an error body)
PRETTY_DEPTH = 5


class JsonFileError(ValueError):
    """A file is not readable JSON; the text is one line naming the file and why."""


def chunks(obj: Any, pretty: bool, depth: int = 0) -> Iterator[str]:
    """JSON text in pieces, never the whole document in memory at once.

    ``pretty``: the file layout: sections and Read records indented, every list item (an
    API object) on a line of its own, so a reviewer can read and grep it; non-ASCII kept
    (lone surrogates included: :func:`write` escapes them). Otherwise the canonical form:
    sorted keys, no spaces, ASCII only.
    """
    if not pretty:
        if isinstance(obj, dict) and obj:
            yield "{"
            for i, key in enumerate(sorted(obj)):
                yield ("," if i else "") + json.dumps(key) + ":"
                yield from chunks(obj[key], pretty)
            yield "}"
        elif isinstance(obj, list) and obj:
            yield "["
            for i, item in enumerate(obj):
                yield ("," if i else "") + json.dumps(item, sort_keys=True, separators=(",", ":"))
            yield "]"
        else:
            yield json.dumps(obj, sort_keys=True, separators=(",", ":"))
        return
    pad, inner = " " * depth, " " * (depth + 1)
    if isinstance(obj, dict) and obj and depth < PRETTY_DEPTH:
        yield "{"
        for i, (key, value) in enumerate(obj.items()):
            yield ("," if i else "") + "\n" + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from chunks(value, pretty, depth + 1)
        yield "\n" + pad + "}"
    elif isinstance(obj, list) and obj:
        yield "["
        for i, item in enumerate(obj):
            yield ("," if i else "") + "\n" + inner + json.dumps(item, ensure_ascii=False)
        yield "\n" + pad + "]"
    else:
        yield json.dumps(obj, ensure_ascii=False)


def _utf8(piece: str) -> bytes:
    try:
        return piece.encode()
    except UnicodeEncodeError:  # a lone surrogate: only inside string text, so its escape
        return escape_surrogates(piece).encode()  # is JSON's and reads back the same


def write(obj: Any, path: Path) -> Path:
    """Write ``obj`` in the file layout through safe_files.atomic_open: streamed, into an
    exclusive temporary file renamed over ``path``; OutputError (one line) on failure, and
    then no partial file is left."""
    with atomic_open(path, "wb") as out:
        for piece in chunks(obj, pretty=True):
            out.write(_utf8(piece))
        out.write(b"\n")
    return path


def read(path: Path) -> Any:
    """The JSON document in a file; JsonFileError naming the file and the cause otherwise."""
    try:
        raw = path.read_bytes()
        try:
            return orjson.loads(raw)  # a 100k-user snapshot loads in about half the time
        except orjson.JSONDecodeError:
            # the standard library's error names the line, and it reads what orjson
            # refuses but JSON allows (an escaped lone surrogate)
            return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise JsonFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise JsonFileError(f"{path}: cannot be read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise JsonFileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise JsonFileError(f"{path}: not readable JSON ({exc})") from None
    except RecursionError:
        raise JsonFileError(f"{path}: nested too deeply to read") from None


def sha256(obj: Any) -> str:
    """SHA-256 of the canonical JSON of ``obj`` (ASCII: any string can be digested)."""
    digest = hashlib.sha256()
    for piece in chunks(obj, pretty=False):
        digest.update(piece.encode())
    return digest.hexdigest()
