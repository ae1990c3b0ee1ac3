"""The open-data import pipeline (`pipeline.run_import`, `manage.py import_opendata`).

Every source is checked first (`checks`: present, readable in its encoding, the expected columns, not cut short,
not shrunk by over a fifth since the previous import); a refused import says which file and which rule in one line
and writes nothing. Then the catalogue (`guidance.catalog.importers`), the orientation data
(`guidance.orientation.importers`) and their search index are written in ONE transaction, which also stores the
catalogue aggregates and moves the page cache's catalogue generation: killed at any point, the import leaves the
old catalogue or the new one, and cached pages (keyed on the generation) agree with fresh ones.
"""
