"""``--write-tenant FILE``: a tenant file that reaches the standalone emulator as a customer's
file reaches the real services, to rehearse a customer setup end to end.

It has no ``emulator:`` section: the run connects to the ``endpoints:`` it names, trusts
``network.ca_file``, signs in with a private_key_jwt service app and a Graph certificate
whose files the state folder keeps (standalone.py), and judges the org named by
``okta.org_url``: the org the snapshot's data is about. ``expect:`` (and any waivers) are
copied from the tenant file the snapshot belongs to, so a golden snapshot's run is green.
Paths in it are relative to its own folder, as in any tenant file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from ..core import safe_files
from ..core.names import TENANT_NAME_RULE, is_tenant_name
from .standalone import GRAPH_CLIENT_ID, OKTA_CLIENT_ID, OKTA_KEY_ID, StateDir

SUFFIXES = (".yaml", ".yml")


class RehearsalError(ValueError):
    """The tenant file cannot be written; the text is one line naming the file and the fix."""


def check_target(path: Path, force: bool) -> str:
    """The tenant name ``path`` gives (its file name), after checking it can be written:
    a valid name, a YAML suffix, and no existing file unless ``force``."""
    if path.suffix not in SUFFIXES:
        raise RehearsalError(
            f"--write-tenant {path}: a tenant file's name ends in .yaml "
            "(like tenants/rehearsal.yaml)"
        )
    if not is_tenant_name(path.stem):
        raise RehearsalError(
            f"--write-tenant {path}: {path.stem!r} is not a valid tenant name "
            f"({TENANT_NAME_RULE}); name the file like tenants/rehearsal.yaml"
        )
    if path.is_dir():
        raise RehearsalError(f"--write-tenant {path}: is a folder; give a file name")
    if (path.exists() or path.is_symlink()) and not force:
        raise RehearsalError(
            f"--write-tenant {path}: the file exists; pass --force to overwrite it, "
            "or give another name"
        )
    return path.stem


def _relative(target: Path, start: Path) -> str:
    """``target`` as the tenant file names it: relative to its folder where possible."""
    try:
        return os.path.relpath(target.resolve(), start.resolve())
    except ValueError:  # another drive (Windows)
        return str(target.resolve())


def _section(name: str, value: Any) -> str:
    return yaml.safe_dump({name: value}, sort_keys=False, default_flow_style=False, width=100)


def tenant_text(
    path: Path,
    state: StateDir,
    urls: dict[str, str],
    doc: dict[str, Any],
    source_file: Path,
    fixed_ports: bool,
) -> str:
    """The tenant file's text (``urls``: okta, graph, login; ``doc``: the served snapshot;
    ``source_file``: the tenant file whose ``expect:`` is copied; ``fixed_ports``: the
    emulator's ports were given, so the file is valid across restarts)."""
    folder = path.parent
    meta = doc["meta"]
    source = yaml.safe_load(source_file.read_text(encoding="utf-8")) or {}
    copied = {k: source[k] for k in ("customer", "expect", "waivers") if source.get(k)}
    body = {
        "name": path.stem,
        "okta": {
            "org_url": meta["okta"]["orgUrl"],
            "auth": {
                "method": "private_key_jwt",
                "client_id": OKTA_CLIENT_ID,
                "private_key_file": _relative(state.okta_key_file, folder),
                "key_id": OKTA_KEY_ID,
                "dpop": True,  # the rehearsal app requires DPoP, as Okta recommends
            },
        },
        "m365": {
            "tenant_id": meta["graph"]["tenantId"],
            "cloud": meta["graph"].get("cloud", "global"),
            "auth": {
                "method": "certificate",
                "client_id": GRAPH_CLIENT_ID,
                "certificate_file": _relative(state.graph_cert_file, folder),
            },
        },
    }
    ports = ",".join(urls[k].rsplit(":", 1)[1] for k in ("okta", "graph", "login"))
    ports_note = (
        " (its --port/--ports)"
        if fixed_ports
        else f";\n{'#':<27}ports the OS picked for this start only: restart it\n"
        f"{'#':<27}with --ports {ports} to keep using this file"
    )
    header = f"""\
# WRITTEN BY THE EMULATOR (okta-m365-audit emulator --write-tenant), for rehearsal only.
# It reaches the standalone emulator as a customer's file reaches the real services: no
# emulator: section. Where each value came from:
#   name                   this file's name
#   okta.org_url           the org the served snapshot is about (its meta.okta.orgUrl);
#                          the checks judge that org, the API is reached at endpoints.okta
#   okta.auth              the emulator's rehearsal service app: its private key is kept in
#                          the state folder ({_relative(state.root, folder)}), registered at start
#   m365.tenant_id, cloud  the served snapshot's meta.graph
#   m365.auth              the emulator's rehearsal app registration and its certificate
#   expect (and waivers)   copied from {source_file}
#   endpoints              the emulator's three services{ports_note}
#   network.ca_file        the emulator's CA, kept in the state folder
# For a real customer: delete endpoints: and network:, and put the customer's own service
# app and app registration under okta.auth and m365.auth (okta-m365-audit init NAME).

"""
    parts = [header, _section("name", body["name"]), "\n"]
    parts += [_section("okta", body["okta"]), "\n", _section("m365", body["m365"]), "\n"]
    for key, value in copied.items():
        parts += [_section(key, value), "\n"]
    parts.append(
        _section(
            "endpoints",
            {"okta": urls["okta"], "graph": urls["graph"], "login": urls["login"]},
        )
    )
    parts += ["\n", _section("network", {"ca_file": _relative(state.ca_file, folder)})]
    return "".join(parts)


def write_tenant(path: Path, text: str) -> Path:
    """Write the tenant file (atomically: a planted link at its name is replaced, never
    followed); its folder is made when missing."""
    try:
        return safe_files.write_text(path, text)
    except safe_files.OutputError as exc:
        raise RehearsalError(f"--write-tenant {exc}") from None
