"""Shared infrastructure: settings, errors, database, working-day calendar, masking."""
