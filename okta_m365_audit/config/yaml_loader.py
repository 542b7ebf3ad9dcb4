"""Safe reading of a tenant file's YAML: encoding, tags, nesting, alias bombs, duplicate
keys, and the line of each key path for the messages.

Any input gives a mapping or a ConfigError, never another exception.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..core.errors import ConfigError
from ..core.suite import TEMPLATE_HINT
from .messages import _dotted, _kind, _short

#: Bounds on a tenant file, far above any real one (a few KB, about a hundred values, six
#: levels deep), so that a wrong file, a deep nesting or an alias bomb ("billion laughs")
#: is refused at once instead of exhausting the stack, the memory or the time of a run.
MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_NODES = 10_000


class _LimitExceeded(yaml.YAMLError):
    """The document exceeds a bound (MAX_DEPTH, MAX_NODES) while it is being composed."""

    def __init__(self, problem: str, mark: yaml.Mark | None):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _Loader(yaml.SafeLoader):
    """SafeLoader that never raises anything but YAMLError on any input.

    It keeps an impossible date (2027-02-30) as text for the model to report, turns the
    ValueError/KeyError/IndexError of a bad explicit tag (``!!int abc``, ``!!bool maybe``,
    a bare ``!!int``, an integer of 5000 digits) into a ConstructorError with its line,
    and refuses nesting deeper than MAX_DEPTH (PyYAML's composer recurses: a deep
    document would otherwise end in RecursionError) or more than MAX_NODES values while
    composing.
    """

    _depth = 0
    _composed = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        self._composed += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _LimitExceeded(f"nested deeper than {MAX_DEPTH} levels", mark)
            if self._composed > MAX_NODES:
                mark = self.peek_event().start_mark
                raise _LimitExceeded(f"holds more than {MAX_NODES} values", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # any constructor's failure on its scalar (IndexError: "!!int")
            tag = node.tag.rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"cannot read this value as {tag} ({type(exc).__name__})",
                node.start_mark,
            ) from None

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _measure(root: yaml.Node) -> tuple[int, int, yaml.Node | None]:
    """(values, depth) of the document with every alias expanded, and the node of an alias
    cycle if there is one. Iterative and memoised: linear in the composed nodes, however
    many times aliases repeat them (so an alias bomb is measured, never expanded)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(key)
            continue
        if key in size:
            continue
        if key in on_path:
            return 0, 0, node
        on_path.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in on_path:
                return 0, 0, kid
            if id(kid) not in size:
                stack.append((kid, False))
    return size[id(root)], depth[id(root)], None


def _scan_tree(file: str, node: yaml.Node) -> tuple[dict, list[ConfigError]]:
    """Lines of each key path, and the structural problems of the tree: keys that are not
    text (``on:``, ``1:``, ``null:``) and keys given twice in one mapping (PyYAML keeps
    the last silently, so a second ``expect:`` would replace the first)."""
    lines: dict[tuple, int] = {}
    problems: list[ConfigError] = []

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                if isinstance(key, yaml.ScalarNode) and key.tag == _MERGE_TAG:
                    walk(value, path)  # "<<: *defaults" merges keys into this mapping
                    continue
                if not (isinstance(key, yaml.ScalarNode) and key.tag == _STR_TAG):
                    where = _dotted(path)
                    shown = key.value if isinstance(key, yaml.ScalarNode) else "a list or mapping"
                    problems.append(
                        ConfigError(
                            file, where,
                            f"the key {_short(str(shown), 40)!r} is not text (YAML reads it as "
                            f"{key.tag.rsplit(':', 1)[-1]})",
                            "quote the key, or correct it: every key of a tenant file is a "
                            "name like org_url",
                            line,
                        )
                    )  # fmt: skip
                    continue
                sub = (*path, key.value)
                if key.value in seen:
                    problems.append(
                        ConfigError(
                            file, _dotted(sub),
                            f"key given twice in the same mapping (first at line "
                            f"{seen[key.value]}); YAML would silently keep only this one",
                            "keep one of the two (merge their values into it)",
                            line,
                        )
                    )  # fmt: skip
                else:
                    seen[key.value] = line
                    lines[sub] = line
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines.setdefault((*path, i), item.start_mark.line + 1)
                walk(item, (*path, i))

    walk(node, ())
    return lines, problems


def _read_text(path: Path) -> str:
    file = str(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            file, "(file)", f"cannot be read ({exc.strerror or type(exc).__name__})",
            "check the path",
        ) from None  # fmt: skip
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(
            file, "(file)", f"is larger than {MAX_FILE_BYTES // 1024} KiB, far more than a "
            "tenant file holds", f"check that this is the tenant file (start from {TEMPLATE_HINT})",
        )  # fmt: skip
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            problem, line = "is UTF-16 text, not UTF-8", None
        else:
            column = exc.start - raw.rfind(b"\n", 0, exc.start)
            problem = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column})"
            line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(file, "(file)", problem, "save the file as UTF-8 text", line) from None


def _yaml_error(file: str, text: str, exc: yaml.YAMLError) -> ConfigError:
    if isinstance(exc, _LimitExceeded):
        mark = exc.problem_mark
        return ConfigError(
            file, "(document)", exc.problem, "a tenant file holds about a hundred values, a "
            f"few levels deep: check that this is the tenant file (see {TEMPLATE_HINT})",
            mark.line + 1 if mark else None,
        )  # fmt: skip
    if isinstance(exc, yaml.reader.ReaderError):  # a control character, e.g. NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        return ConfigError(
            file, "(syntax)",
            f"invalid YAML: character #x{exc.character:04x} is not allowed (column {column})",
            "remove the control character (the file must be plain UTF-8 text)", line,
        )  # fmt: skip
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    where = f" (column {mark.column + 1})" if mark else ""
    return ConfigError(
        file, "(syntax)",
        f"invalid YAML: {problem}{where}" + (f", {context}" if context else ""),
        "fix the YAML syntax at that line",
        mark.line + 1 if mark else None,
    )  # fmt: skip


def _read_document(path: Path) -> tuple[dict, dict, list[ConfigError]]:
    """The file's mapping, the line of each key path, and its structural problems.

    Raises ConfigError when there is no usable mapping at all (unreadable, not UTF-8,
    too large, too deep, an alias bomb or cycle, not YAML, not a mapping).
    """
    file = str(path)
    text = _read_text(path)
    try:
        loader = _Loader(text)  # its reader refuses control characters here already
        try:
            node = loader.get_single_node()
            if node is None:
                data = None
            else:
                values, depth, cycle = _measure(node)
                if cycle is not None:
                    raise ConfigError(
                        file, "(document)", "an alias refers to a value that contains it "
                        "(a cycle)", "replace the alias (*name) with the values it stands for",
                        cycle.start_mark.line + 1,
                    )  # fmt: skip
                if values > MAX_NODES or depth > MAX_DEPTH:
                    raise ConfigError(
                        file, "(document)",
                        f"expands to {values} values nested {depth} levels deep with its "
                        f"aliases (*name) resolved; the limit is {MAX_NODES} values and "
                        f"{MAX_DEPTH} levels", "a tenant file needs at most a few hundred "
                        "values: remove the repeated aliases", None,
                    )  # fmt: skip
                # before constructing: PyYAML's construction flattens merge keys (<<) in place
                lines, problems = _scan_tree(file, node)
                data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(file, text, exc) from None
    except RecursionError:  # not expected past the bounds above; never a traceback
        raise ConfigError(
            file, "(document)", "is nested too deeply to read", "simplify the file"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            file, "(document)",
            "is empty: it must be a mapping of keys" if data is None else
            f"must be a mapping of keys, not {_kind(data)}",
            f"start from {TEMPLATE_HINT}", 1,
        )  # fmt: skip
    return data, lines, problems
