"""Auditing tenants, as a stage of its own: the pytest plugin and every xdist worker call it.

- ``tenants``: which tenants a run covers, each tenant's configuration, its collection (from
  the APIs, the emulator or a saved snapshot), its evidence and its views;
- ``parallel``: tenants spread over xdist workers (imported only when xdist runs).

May import: core, config, catalog, clients, collect, snapshot, views, emulator (layers
0-5); never outputs or the plugin.
"""
