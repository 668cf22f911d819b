"""The GCP adapter: Cloud Asset Inventory (plus a few read-only REST GETs) → evidence, checks, gaps.

``plugin.provider`` is the entry point object; it imports no Google library until ``collect`` runs.
"""
