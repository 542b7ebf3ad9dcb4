"""Anonymizing a snapshot: ``python -m okta_m365_audit.anonymize SNAPSHOT -o OUT``.

A customer who sees a wrong verdict can send the snapshot it was drawn from, with every
person, domain, id, name, certificate, address and IP replaced by a consistent pseudonym,
and with every shape, relation and verdict kept: the anonymized snapshot replays with
``--from-snapshot`` and is served by the emulator like any other, with the tenant file
mapped the same way (``--tenant-file``).

An offline tool beside the flow, not a stage of it; nothing of the package imports it.
May import: core, config, catalog, snapshot, views (``certificates``) and third-party
libraries.

- ``pseudonyms``: the salted, deterministic, one-to-one tables (words, labels, GUIDs,
  Okta ids, opaque tokens, IPs, numbers).
- ``identities``: domains, addresses, URLs, names and free text, built on them.
- ``certificates``: certificates re-issued with the same validity and key size; derived
  JWK fields (kid, x5t#S256, n, e) recomputed.
- ``rules``: which field is kept and which is mapped, and how (the keep and map lists).
- ``rewrite``: the walk over a snapshot, and :class:`Anonymizer`, the one mapping of a run.
- ``tenantfile``: the tenant file mapped by the same Anonymizer, with throwaway keys.
"""

from .rewrite import Anonymizer

__all__ = ["Anonymizer"]
