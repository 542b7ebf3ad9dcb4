"""Is a snapshot read back one the code can rely on? Structure checked field by field, and
each read's data judged against what its resource returns.

A snapshot read back (``--from-snapshot``, ``--baseline``, a bundle handed around, the
emulator's state) is untrusted (DESIGN.md, "Trust boundaries"). :func:`validate` refuses
one whose structure the code relies on is wrong, with one line naming the file and the field
("x.snapshot.json: meta.tenant: expected a string, got a list"; the plugin shows it as a
usage error, exit 4), and holds ``meta.tenant`` to the tenant-name rule (it becomes a file
name). It checks by hand what snapshot.schema.json says (jsonschema is not a run-time
dependency) and allows fields it does not know, so a newer writer's additions still load.

:func:`data_problem` tells a read recorded ``ok`` whose ``data`` cannot be what its resource
returns. The views hand such a read out as failed (its checks ERROR) and drift calls it not
comparable; taken as it is, ``{}`` where a list is expected reads as "no objects" and the
checks pass. It is judged when used, not here, so that loading stays cheap and the document
stays byte for byte what the file holds (its digest cites the file).

document.py re-exports every name here.
"""

from __future__ import annotations

from typing import Any

from ..catalog.resources import APIS, BY_NAME, NOT_LICENSED, Resource, parse_time
from ..core.names import InvalidName, tenant_name
from ..core.terminal import printable

FORMAT = "okta-m365-audit/snapshot"
SCHEMA_VERSION = 1


class SnapshotError(ValueError):
    """A snapshot file is not one this version can read; the text names the file and the
    field (the plugin shows it as a usage error, exit 4)."""


def _kind(value: Any) -> str:
    """A JSON value's type, as the messages say it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    for types, name in ((dict, "an object"), (list, "a list"), (str, "a string"),
                        (int, "an integer"), (float, "a number")):  # fmt: skip
        if isinstance(value, types):
            return name
    return type(value).__name__


_EXPECTED: dict[str, tuple[type, ...]] = {
    "a string": (str,),
    "an integer": (int,),
    "a boolean": (bool,),
    "an object": (dict,),
    "an object or null": (dict, type(None)),
}


class _Checker:
    """Type checks of the fields the code relies on; the first problem raises."""

    def __init__(self, origin: str):
        self.origin = origin

    def fail(self, where: str, problem: str) -> None:
        if len(where) > 120:  # a key of the file can be anything: keep the line short
            where = where[:100] + "..."
        raise SnapshotError(printable(f"{self.origin}: {where}: {problem}"))

    def of(self, value: Any, expected: str, where: str) -> Any:
        types = _EXPECTED[expected]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            self.fail(where, f"expected {expected}, got {_kind(value)}")
        return value

    def fields(self, obj: dict[str, Any], where: str, required: dict[str, str],
               optional: dict[str, str]) -> None:  # fmt: skip
        for key, expected in required.items():
            if key not in obj:
                self.fail(f"{where}.{key}", "missing")
            self.of(obj[key], expected, f"{where}.{key}")
        for key, expected in optional.items():
            if key in obj:
                self.of(obj[key], expected, f"{where}.{key}")


def _check_meta(check: _Checker, meta: Any) -> None:
    check.of(meta, "an object", "meta")
    check.fields(meta, "meta", {"tenant": "a string", "collectedAt": "a string",
                                "suiteVersion": "a string"},
                 {"runId": "a string", "source": "a string", "partial": "a boolean",
                  "realmDiscovery": "a string", "okta": "an object",
                  "graph": "an object"})  # fmt: skip
    try:
        tenant_name(meta["tenant"], f"{check.origin}: meta.tenant")
    except InvalidName as exc:
        raise SnapshotError(str(exc)) from None
    if meta.get("source", "file") not in ("live", "emulator", "file"):
        check.fail("meta.source", f"{repr(meta['source'])[:60]} is not live, emulator or file")
    try:
        zone = parse_time(meta["collectedAt"]).tzinfo
    except ValueError:
        zone = None
    if zone is None:
        shown = repr(meta["collectedAt"])[:60]
        check.fail("meta.collectedAt", f"{shown} is not a date-time with a zone")
    check.fields(meta.get("okta", {}), "meta.okta", {}, {"orgUrl": "a string"})
    check.fields(meta.get("graph", {}), "meta.graph", {}, {"tenantId": "a string"})


def _check_read(check: _Checker, read: Any, where: str) -> None:
    check.of(read, "an object", where)
    check.fields(read, where, {"request": "a string", "status": "an integer", "ok": "a boolean",
                               "pages": "an integer"},
                 {"requests": "an integer", "error": "an object or null"})  # fmt: skip
    for key in ("pages", "requests"):
        if read.get(key, 0) < 0:
            check.fail(f"{where}.{key}", f"{read[key]} is negative")
    error = read.get("error") or {}
    check.fields(error, f"{where}.error", {}, {"status": "an integer", "needs": "a string"})
    if "outcome" in read:  # document.OUTCOMES: only a failed read has one
        check.of(read["outcome"], "a string", f"{where}.outcome")
        if read["outcome"] != NOT_LICENSED:
            shown = repr(read["outcome"])[:60]
            check.fail(f"{where}.outcome", f"{shown} is not {NOT_LICENSED!r}")
        if read["ok"]:
            check.fail(f"{where}.outcome", f"{NOT_LICENSED} on a read recorded ok")


def validate(doc: Any, origin: str = "snapshot") -> dict[str, Any]:
    """``doc`` when it is a snapshot of this version whose structure is what the code relies
    on (hand-checked against snapshot.schema.json, without jsonschema at run time);
    SnapshotError naming ``origin`` and the field otherwise. ``data`` is judged per read,
    when it is used (:func:`data_problem`); unknown fields are allowed (newer writers)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SnapshotError(f"{origin}: not an okta-m365-audit snapshot (format != {FORMAT!r})")
    version = doc.get("schemaVersion")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise SnapshotError(
            f"{origin}: schemaVersion {repr(version)[:40]}; this version reads "
            f"{SCHEMA_VERSION}. Re-collect with this version of the suite."
        )
    check = _Checker(origin)
    if "meta" not in doc:
        check.fail("meta", "missing")
    _check_meta(check, doc["meta"])
    doc.setdefault("realm", {})  # optional: absent when home-realm discovery was not probed
    for api in APIS:
        if api not in doc:
            check.fail(api, "missing section")
        for name, entry in check.of(doc[api], "an object", api).items():
            res = BY_NAME.get((api, name))
            if res is None:
                check.fail(f"{api}.{name}", "unknown resource")
            elif res.per_parent:
                for key, read in check.of(entry, "an object", f"{api}.{name}").items():
                    _check_read(check, read, f"{api}.{name}[{key}]")
            else:
                _check_read(check, entry, f"{api}.{name}")
    return doc


def data_problem(res: Resource, read: dict[str, Any]) -> str | None:
    """Why a read recorded ``ok`` cannot hold what ``res`` returns (the API's answer or the
    file was altered), or None. Such a read is a failed read, never an empty one: ``{}``
    where a list is expected would otherwise read as "no objects" and its checks pass.
    Reads that failed, and definitive non-2xx answers (``res.answers``), are not judged."""
    if not read.get("ok") or read.get("status") in res.answers:
        return None
    data = read.get("data")
    if res.kind == "object":
        if isinstance(data, dict):
            return None
        return f"data has the wrong type: expected an object, got {_kind(data)}"
    if res.kind == "wrapped":
        key = res.list_key
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            got = f"an object without a {key!r} list" if isinstance(data, dict) else _kind(data)
            return f"data has the wrong type: expected an object with a {key!r} list, got {got}"
        data = data[key]
    if not isinstance(data, list):
        return f"data has the wrong type: expected a list of objects, got {_kind(data)}"
    for n, item in enumerate(data):
        if not isinstance(item, dict):
            return (
                "data has the wrong type: expected a list of objects, got a list with "
                f"{_kind(item)} at [{n}]"
            )
    return None
