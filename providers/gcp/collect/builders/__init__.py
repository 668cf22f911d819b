"""Evidence builders: turn one scope's assets and follow-up answers into :class:`~auditor.model.Evidence`.

Each evidence kind is declared in :mod:`providers.gcp.kinds` with the asset types it reads; the
functions here only read the :class:`~providers.gcp.collect.context.ScopeData` they are handed.
"""
