"""Bulk import: the parts of the job that need no database (today the host scheduler)."""
