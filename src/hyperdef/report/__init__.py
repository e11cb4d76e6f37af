"""The HTML report a person reads: one self-contained file built from a run folder's files.

`hyperdef.report.html.write_report(run_dir)` writes `report.html` (figures embedded as PNG, no
network); `hyperdef report RUN_DIR` rebuilds it. Coastlines are Natural Earth 1:110m, shipped under
data/ (public domain; data/PROVENANCE.md).
"""
