"""Report renderers: each writes one format from the run result alone (see auditor.plugins)."""
