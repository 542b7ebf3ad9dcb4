"""The fleet page: one self-contained ``index.html`` summarizing many tenants' results files.

Each CI job audits its tenants and uploads its evidence bundles
(``reports/<tenant>-<stamp>/{results.json, report.html, ...}``); put the downloaded
artifacts under one folder and merge them::

    python -m okta_m365_audit.fleet RESULTS_DIR [-o OUT.html]

Every ``results.json`` and ``*.results.json`` under RESULTS_DIR (at any depth) is read;
files of another format, and files that are not valid JSON or are malformed in any field
the page reads, are reported and skipped (on stderr and in the page's notes). Per tenant
the latest *complete* run (its full audit: not a ``-k``/``-m`` subset, not an offline
replay, not interrupted) is shown; later partial or interrupted runs are listed beneath
it, never in its place, and a tenant with no complete run shows its latest run marked as
such. The page is a tenant x phase matrix (worst tenants first), each cell naming its state
in text and colour, with the worst failing severity, the verdict counts, the run's time and
a link to the tenant's HTML report when ``report.html`` lies beside its results file, and
its findings by severity and what is new since its previous run. ``summary.md`` beside the
page says the same in Markdown (``--summary`` names another file). It
needs no JavaScript and loads nothing from elsewhere. Exit status: 0 when the page was
written (whatever the tenants' verdicts: the page reports, it does not gate), 2 when no
results file was found or the page could not be written.

Modules: check.py (what a results file must hold, what kind of run it is), load.py
(finding, reading and choosing runs), page.py (the HTML and writing it), command.py (the
command line; ``fleet/`` at the package top keeps its documented ``-m`` name). Re-exported
here: what a caller needs to build a page (find, load, render, write) and ``main``.

May import: outputs (results, report), catalog, core.
"""

from .command import main
from .load import find_results, load_fleet
from .page import render_fleet, write_fleet

__all__ = ["find_results", "load_fleet", "main", "render_fleet", "write_fleet"]
