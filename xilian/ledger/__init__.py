"""Importing and exporting the ledgers township staff keep in Excel/CSV (one importer, one exporter for every
record type; each type declares its columns as a django-import-export Resource in its own app)."""
