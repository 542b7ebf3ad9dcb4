"""What a run hands over: each tenant's report, results and bundle, drift, the fleet page.

- ``report``: the handover view (escaped HTML shared by every page);
- ``handover``, ``handover_tables``: the customer's handover document of one tenant (cover,
  findings, phases with evidence as tables, waivers, provenance), from its results document;
  ``handover_pdf``: printing it to report.pdf with headless Chromium; ``handover_bundle``:
  both made for a bundle before its manifest is written;
- ``results``: results.json, its JSON Schema, and the bundle's manifest;
- ``tenant``: each tenant's outputs from the run's state: results document, self-contained
  report, JUnit XML, evidence bundle, drift since its baseline; the run's fleet page and
  its rows of the run-wide report's Environment table;
- ``ledger``: what each test report brings to the outputs, filed where they are written;
- ``drift/``: what changed since a baseline snapshot, and who changed it;
- ``fleet/``: one page over many runs' results files.

May import: every stage below it (core, config, catalog, clients, collect, snapshot,
views, session); never the plugin.
"""
