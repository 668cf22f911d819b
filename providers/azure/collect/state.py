"""What a collection run holds and the helpers every evidence builder shares.

:class:`RunState` keeps the run's inputs (the channels, the credential, the settings, the kinds
asked for), what it has read so far (the subscriptions, the Resource Graph rows of each query and
the queries that failed) and what it produces (evidence and gaps). The per-kind builders
(:mod:`.resources`, :mod:`.subscriptions`, :mod:`.directory`) are mixins over it and the run's
:class:`~providers.azure.collect.run.Collector` combines them, so each reads the same rows and
records into the same lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from auditor.model import Evidence, Gap, Said, utc_now
from auditor.plugins import CollectRequest
from providers.azure.collect import normalize
from providers.azure.collect.normalize import lower
from providers.azure.failures import CallFailed
from providers.azure.kinds import QUERIES
from providers.azure.settings import Settings
from providers.azure.transport import AzureApis

PROVIDER = "azure"


def needs(failed: CallFailed, permission: str, source: str = "") -> tuple[str, str]:
    """The cause of an unreadable attribute whose read failed, with the permission that would allow it."""
    said = f"{source or failed.source}: {failed.code} {failed.message}"
    return f"{said} — 必要な権限: {permission}", f"{said} — needs {permission}"


class RunState:
    """The state of one collection run and the helpers that read rows and record evidence and gaps."""

    def __init__(self, apis: AzureApis, credential: Any, settings: Settings, request: CollectRequest) -> None:
        self.apis = apis
        self.credential = credential
        self.settings = settings
        self.wanted = frozenset(request.resource_types)
        self.progress = request.progress
        self.evidence: list[Evidence] = []
        self.gaps: list[Gap] = []
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.failed_queries: dict[str, CallFailed] = {}
        self.subscriptions: list[str] = []
        self.names: dict[str, str] = {}
        self.tenant = ""
        self._in_use: list[dict[str, Any]] | None = None
        self._step = 0

    def _report(self, label: str) -> None:
        self._step += 1
        if self.progress:
            self.progress(self._step, 8, label)

    def _parallel(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[tuple[Any, Any]]:
        """Run ``fn`` over items on a few threads; a CallFailed is returned in place of the result."""
        items = list(items)

        def guarded(item):
            try:
                return item, fn(item)
            except CallFailed as failed:
                return item, failed

        if len(items) <= 1:
            return [guarded(i) for i in items]
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            return list(pool.map(guarded, items))

    # ------------------------------------------------------------ gaps and evidence

    def _gap(self, scope: str, failed: CallFailed, kinds: Sequence[str], permission: str,
             message_en: str = "") -> None:
        self.gaps.append(Gap(
            provider=PROVIDER, scope=scope, region="*", source=failed.source, resource_types=tuple(kinds),
            error_code=failed.code, message=failed.message or f"HTTP {failed.status}", permission=permission,
            collected_at=utc_now(), message_en=message_en,
        ))

    def _add(self, kind: str, row: dict[str, Any], attributes: dict[str, Any], source: str,
             unreadable: dict[str, Said] | None = None, scope: str = "", region: str = "", raw: Any = None,
             now: datetime | None = None) -> None:
        self.evidence.append(Evidence(
            provider=PROVIDER, scope=scope or lower(row.get("subscriptionId")),
            region=region or normalize.region_of(row),
            resource_type=kind, resource_id=row.get("id") or "", name=str(row.get("name") or ""), source=source,
            collected_at=now or utc_now(), attributes=attributes, unreadable=unreadable or {},
            raw=row if raw is None else raw,
        ))

    @staticmethod
    def _reader(action: str, scope: str = "") -> str:
        where = f" on {scope}" if scope else " at subscription scope"
        return f"Reader{where} (Azure RBAC: {action})"

    # ------------------------------------------------------------ Resource Graph rows

    def _rows(self, kind: str, name: str) -> list[dict[str, Any]] | None:
        """Rows of a query in audited subscriptions, or None (with gaps recorded) if it failed."""
        failed = self.failed_queries.get(name) or self.failed_queries.get("subscriptions")
        if failed is not None:
            for sid in self.subscriptions:
                self._gap(sid, failed, [kind], self._reader(QUERIES[name].permission))
            return None
        audited = set(self.subscriptions)
        return [r for r in self.rows.get(name, []) if lower(r.get("subscriptionId")) in audited]

    def _index(self, name: str) -> dict[str, dict[str, Any]]:
        return {lower(r.get("id")): r for r in self.rows.get(name, [])}

    def _source(self, name: str) -> str:
        query = QUERIES[name]
        kinds = f" ({', '.join(t.lower() for t in query.types)})" if query.types else ""
        return f"resourcegraph:{query.table}{kinds}"
