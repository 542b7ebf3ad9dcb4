"""The snapshot: every API object the checks read, verbatim, in one versioned JSON file.

- ``document``: its layout, a read's record, save, load, digest and JSON Schema (and the
  names of ``catalog.resources`` every reader of a snapshot needs, re-exported);
- ``json_text``: streaming JSON writing and reading, and the digest;
- ``validation``: a snapshot read back is untrusted: its structure and data types checked.

May import: core, catalog (layers 0-2); never clients, collect or later stages.
"""
