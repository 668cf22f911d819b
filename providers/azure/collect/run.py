"""Collection: who am I, which subscriptions, Resource Graph inventory, ARM follow-ups, Microsoft Graph.

The order is fixed and each step depends only on what it is handed: the credential and settings
come in, :class:`~auditor.plugins.Collection` goes out. A denied or failed call never stops the
run; it becomes a :class:`~auditor.model.Gap` (the kinds it leaves unread become UNKNOWN) or an
unreadable attribute of the evidence it would have completed. Only failing to authenticate at all
is an error.

This module is the run itself (the caller's identity, the subscriptions, the Resource Graph
queries on the pool); the evidence of each kind is built by :mod:`.resources`,
:mod:`.subscriptions` and :mod:`.directory` over the state of :mod:`.state`.
"""

from __future__ import annotations

from typing import Any

from auditor.errors import AuditorError
from auditor.model import ProviderScope
from auditor.plugins import Collection, CollectRequest
from providers.azure import kinds as k
from providers.azure.collect import arm
from providers.azure.collect.directory import DirectoryEvidence
from providers.azure.collect.normalize import lower
from providers.azure.collect.resources import ResourceEvidence
from providers.azure.collect.state import PROVIDER
from providers.azure.collect.subscriptions import SubscriptionEvidence
from providers.azure.credentials import SharedTokens, build_credential, caller_identity, token_claims
from providers.azure.failures import CallFailed
from providers.azure.kinds import QUERIES, QUERIES_FOR_KIND, GraphQuery
from providers.azure.settings import Settings
from providers.azure.transport import AzureApis

ARM_KINDS = frozenset(QUERIES_FOR_KIND)


def collect(request: CollectRequest, settings: Settings | None = None, credential: Any = None) -> Collection:
    """Collect every kind the request names, read-only."""
    from azure.core.exceptions import ClientAuthenticationError

    settings = settings or Settings.from_options(request.options)
    credential = SharedTokens(credential or request.options.get("credential") or build_credential(settings))
    try:
        apis = AzureApis(credential, settings)
    except ValueError as exc:
        raise _auth_error(exc) from exc
    try:
        return Collector(apis, credential, settings, request).run()
    except ClientAuthenticationError as exc:
        raise _auth_error(exc) from exc
    finally:
        apis.close()


_NETWORK_WORDS = ("timed out", "timeout", "connection refused", "max retries exceeded", "name or service not known",
                  "failed to establish a new connection", "connection aborted", "connection reset")


def _is_network_failure(exc: BaseException) -> bool:
    """Whether authentication failed because the authority could not be reached, not because of the credential."""
    from azure.core.exceptions import ServiceRequestError, ServiceResponseError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ServiceRequestError, ServiceResponseError, ConnectionError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    text = str(exc).lower()
    return any(word in text for word in _NETWORK_WORDS)


def _auth_error(exc: Exception) -> AuditorError:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if _is_network_failure(exc):
        return AuditorError(
            "raw",
            ja=f"Azure の認証エンドポイントに接続できないか、時間内に応答がありません: {detail}"
               "（資格情報の誤りではありません。AZURE_AUTHORITY_HOST、プロキシ、ネットワークを確認してください）",
            en=f"Cannot reach the Azure authority, or it did not answer in time: {detail} (not a credential problem;"
               " check AZURE_AUTHORITY_HOST, the proxy and the network)",
        )
    return AuditorError(
        "raw",
        ja=f"Azure に認証できません: {detail}"
           "（--tenant / --client-id と環境変数 AZURE_CLIENT_SECRET などを確認してください）",
        en=f"Cannot authenticate to Azure: {detail} (check --tenant / --client-id and AZURE_CLIENT_SECRET etc.)",
    )


class Collector(ResourceEvidence, SubscriptionEvidence, DirectoryEvidence):
    """One collection run: who am I, which subscriptions, the Resource Graph inventory, then the evidence."""

    # ------------------------------------------------------------ orchestration

    def run(self) -> Collection:
        token = self.credential.get_token(self.settings.arm_scope)
        identity = caller_identity(token_claims(token.token), self.settings)
        self.tenant = identity.get("tenant", "")
        arm_kinds = self.wanted & ARM_KINDS
        if arm_kinds:
            self._report("subscriptions")
            self._subscriptions(arm_kinds)
        if arm_kinds and self.subscriptions:
            self._inventory(arm_kinds)
            self._build_resources(arm_kinds)
            self._build_subscriptions(arm_kinds)
        if self.wanted & k.ENTRA_KINDS:
            self._report("Microsoft Graph")
            self._entra()
        regions = sorted({e.region for e in self.evidence if e.region not in ("global", "*")})
        scopes = (*self.subscriptions, *([self.tenant] if self.tenant and self.wanted & k.ENTRA_KINDS else []))
        identity["subscriptions"] = ", ".join(f"{s} ({self.names.get(s, '')})" for s in self.subscriptions)
        return Collection(tuple(self.evidence), tuple(self.gaps), ProviderScope(PROVIDER, scopes, identity,
                                                                                tuple(regions)))

    # ------------------------------------------------------------ subscriptions

    def _subscriptions(self, arm_kinds: frozenset[str]) -> None:
        try:
            listed = arm.subscriptions(self.apis.arm)
        except CallFailed as failed:
            raise AuditorError(
                "raw", ja=f"サブスクリプション一覧を取得できません: {failed}",
                en=f"Cannot list subscriptions: {failed}") from failed
        visible = {lower(s.get("subscriptionId")): s for s in listed}
        enabled = [sid for sid, s in visible.items() if lower(s.get("state")) == "enabled"]
        self.names = {sid: str(s.get("displayName") or "") for sid, s in visible.items()}
        requested = list(self.settings.subscriptions) or enabled
        for sid in requested:
            if sid in visible and lower(visible[sid].get("state")) == "enabled":
                self.subscriptions.append(sid)
                continue
            if sid in visible:
                state = visible[sid].get("state")
                message = f"この ID から見たサブスクリプション {sid} の状態は {state}"
                message_en = f"subscription {sid} is {state} as seen by this identity"
            else:
                message = f"サブスクリプション {sid} はこの ID から見えない"
                message_en = f"subscription {sid} is not visible to this identity"
            self._gap(sid, CallFailed(403 if sid not in visible else 409, "SubscriptionNotAvailable",
                                      message, "arm:GET /subscriptions"),
                      sorted(arm_kinds), self._reader("*/read", f"/subscriptions/{sid}"), message_en)

    # ------------------------------------------------------------ Resource Graph

    def _needed_queries(self, arm_kinds: frozenset[str]) -> list[str]:
        names = ["subscriptions"]
        for kind in sorted(arm_kinds):
            for name in QUERIES_FOR_KIND.get(kind, ()):
                if name not in names:
                    names.append(name)
        return names

    def _query(self, query: GraphQuery) -> list[dict[str, Any]]:
        return list(self.apis.resource_graph.rows(query.kql(), self.subscriptions, self._source(query.name)))

    def _inventory(self, arm_kinds: frozenset[str]) -> None:
        self._report("Resource Graph")
        names = self._needed_queries(arm_kinds)
        for name, result in self._parallel(lambda n: self._query(QUERIES[n]), names):
            if isinstance(result, CallFailed):
                self.failed_queries[name] = result
            else:
                self.rows[name] = result
        if "subscriptions" in self.failed_queries:
            return
        seen = {lower(r.get("subscriptionId")) for r in self.rows.get("subscriptions", [])}
        for sid in [s for s in self.subscriptions if s not in seen]:
            self._gap(sid, CallFailed(403, "ResourceGraphPartialAccess",
                                      "Resource Graph がこのサブスクリプションを返さない（この ID は一覧で見えるが、"
                                      "リソースを読めない）", "resourcegraph:resourcecontainers"),
                      sorted(arm_kinds), self._reader("*/read", f"/subscriptions/{sid}"))
            self.subscriptions.remove(sid)
