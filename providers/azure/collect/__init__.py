"""Collection of one Azure audit: the Resource Graph inventory, the ARM and Microsoft Graph reads, the evidence.

:mod:`~providers.azure.collect.run` is the run (who the audit runs as, which subscriptions, the
Resource Graph queries and the pool); :mod:`~providers.azure.collect.arm` and
:mod:`~providers.azure.collect.entra` make the ARM and Microsoft Graph reads,
:mod:`~providers.azure.collect.normalize` turns rows into attributes, and
:mod:`~providers.azure.collect.resources`, :mod:`~providers.azure.collect.subscriptions` and
:mod:`~providers.azure.collect.directory` build the evidence of each kind. The entry point is
:func:`collect`.
"""

from __future__ import annotations

from providers.azure.collect.run import collect

__all__ = ["collect"]
