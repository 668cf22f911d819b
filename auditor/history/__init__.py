"""History of audit runs: a store of every run, the differences between runs, and scheduling.

- :mod:`auditor.history.store` — :func:`open_store` and :class:`HistoryStore` (SQLite by default,
  any SQLAlchemy URL for a shared store);
- :mod:`auditor.history.diff` — :func:`diff_runs`, the pure comparison of two runs;
- :mod:`auditor.history.targets` — which target (vendor / service) a run belongs to;
- :mod:`auditor.history.schedule` — ready-to-use monthly entries for cron and systemd;
  :mod:`auditor.history.ci_workflow` — the same job as a CI workflow.
"""

from auditor.history.diff import ItemChange, RunDiff, diff_runs, diff_to_dict
from auditor.history.store import HistoryStore, RunSummary, TargetSummary, open_store
from auditor.history.targets import scopes_of, target_of

__all__ = [
    "HistoryStore",
    "ItemChange",
    "RunDiff",
    "RunSummary",
    "TargetSummary",
    "diff_runs",
    "diff_to_dict",
    "open_store",
    "scopes_of",
    "target_of",
]
