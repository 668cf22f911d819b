"""Cloud adapters: each turns read-only API responses into evidence and gaps (see auditor.plugins)."""
