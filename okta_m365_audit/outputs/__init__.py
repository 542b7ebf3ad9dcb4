"""What a run hands over: each tenant's report, results and bundle, drift, the fleet page.

- ``report``: the handover view (escaped HTML shared by every page);
- ``handover``, ``handover_tables``: the customer's handover document of one tenant (cover,
  findings, phases with evidence as tables, waivers, provenance), from its results document;
  ``handover_pdf``: printing it to report.pdf with headless Chromium; ``chromium``: the
  Chromium started with the run that prints them at its end; ``handover_bundle``:
  both made for a bundle before its manifest is written;
- ``results``: results.json, its JSON Schema, and the bundle's manifest;
- ``tenant``: each tenant's outputs from the run's state: results document, self-contained
  report, JUnit XML, drift since its baseline; its rows of the run-wide report's
  Environment table;
- ``bundles``: each tenant's evidence bundle (its documents built, and its PDF printing, as
  soon as its checks end), the run's summary and fleet page;
- ``ledger``: what each test report brings to the outputs, filed where they are written;
- ``changes`` (with ``changes_schema``, ``changes_html``): what changed since the tenant's
  previous complete run (new, fixed, still open), in results.json and the handover view;
- ``headline``: a run in a few words (findings by severity, overall verdict, what is new),
  said alike by the terminal, the Markdown summary and the fleet page;
- ``morning``: the terminal's closing table, one line per tenant;
- ``summary_md``: ``summary.md`` of a bundle, a run and the fleet (CI job summary, chat);
- ``drift/``: what changed since a baseline snapshot, and who changed it;
- ``fleet/``: one page over many runs' results files.

May import: every stage below it (core, config, catalog, clients, collect, snapshot,
views, session); never the plugin.
"""
