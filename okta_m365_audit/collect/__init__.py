"""Collection: every read of ``catalog.resources``, concurrently, at the largest pages, into
a snapshot document.

- ``collector``: ``collect`` and the ``Collector`` (paging, origins, failures, realm probes);
- ``consent``: the Okta service principals a consent-based connection is read through;
- ``realm``: whom home-realm discovery is asked about (one user per domain, the excluded);
- ``costs``: the request floor of a tenant (how many requests a collection needs at least);
- ``progress``: what the collector tells its watcher while it runs (pages, objects, retries);
- ``memory``: the garbage collector paused while pages are parsed.

May import: core, config, catalog, clients, snapshot (layers 0-4); never views or later.
"""
