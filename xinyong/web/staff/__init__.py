"""Staff pages outside the case queues: the work desk, uploads, quality, late records, the
audit log and the notices' management."""
