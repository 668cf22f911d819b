"""The Azure provider object the CLI discovers (``auditor.providers`` entry point ``azure``).

Cheap to import: the Azure SDKs load only inside :meth:`AzureProvider.collect` and
:meth:`AzureProvider.demo_estate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from auditor.checks import Check
from auditor.model import Said
from auditor.plugins import Collection, CollectRequest, DemoEstate, ProviderOption

OPTIONS = (
    ProviderOption("tenant", "Entra ID tenant (directory) id to audit; default: AZURE_TENANT_ID or the credential's.",
                   "監査する Entra ID テナント ID", metavar="TENANT_ID"),
    ProviderOption("client-id", "Service principal (app) id; its secret or certificate comes from AZURE_CLIENT_SECRET "
                   "or AZURE_CLIENT_CERTIFICATE_PATH, never from the command line.",
                   "サービスプリンシパルのアプリ ID（シークレットは環境変数から）", metavar="APP_ID", grant=True,
                   grant_help_en="The service principal's app id, written into the role assignment and Graph consent "
                                 "commands (default: an {appId} placeholder).",
                   grant_help_ja="ロールの割り当てと Graph の同意のコマンドに記載するサービスプリンシパルのアプリ ID"
                                 "（省略時は {appId} の置き換え用の表記）"),
    ProviderOption("subscription", "Azure subscription id to audit (repeatable; default: every enabled subscription "
                   "the identity can see).", "監査するサブスクリプション ID（複数可）", multiple=True,
                   metavar="SUBSCRIPTION_ID", grant=True,
                   grant_help_en="Subscription to grant Reader on (repeatable; default: a {subscriptionId} "
                                 "placeholder).",
                   grant_help_ja="Reader を割り当てるサブスクリプション ID（複数可。省略時は {subscriptionId} の"
                                 "置き換え用の表記）"),
    ProviderOption("connection-verify", "CA bundle (PEM) to trust for Azure endpoints; default: REQUESTS_CA_BUNDLE or "
                   "the system store.", "Azure への接続で信頼する CA 証明書（PEM）", metavar="CA_PEM"),
)


class AzureProvider:
    name = "azure"
    title = "Microsoft Azure"
    options = OPTIONS

    def checks(self) -> Sequence[Check]:
        from providers.azure.checks import CHECKS

        return CHECKS

    def not_automated(self) -> Mapping[str, Said]:
        from providers.azure.checks import NOT_AUTOMATED

        return NOT_AUTOMATED

    def collect(self, request: CollectRequest) -> Collection:
        from providers.azure.collect import collect

        return collect(request)

    def permissions(self, checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
        from providers.azure.permissions import render

        return render(checks, options, fmt, lang)

    def demo_estate(self) -> AbstractContextManager[DemoEstate]:
        from providers.azure.emulator.demo import demo_estate

        return demo_estate()


provider = AzureProvider()
