"""HTTP API (FastAPI): translates requests to domain calls and domain errors to JSON."""
