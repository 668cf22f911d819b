"""auditor — evidence-backed compliance of AWS, Azure and GCP estates against Japanese municipal
security checklists (外部サービス利用におけるセキュリティ要件 and similar sheets).

The core package holds the data model, the control catalogue, the check registry, evaluation and
roll-up, snapshots, attestations and the CLI. It imports no cloud SDK and no renderer: providers and
report formats plug in through entry points (see :mod:`auditor.plugins`).
"""

__version__ = "0.1.0"
