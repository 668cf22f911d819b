"""The GCP provider object named by the ``auditor.providers`` entry point (cheap to import).

It holds the GCP options on ``auditor audit`` / ``auditor permissions`` and the audit scopes they
name: ``--project``, ``--folder`` and ``--organization`` are repeatable; an organisation or a folder
covers every project under it in one Cloud Asset listing. Without any, the Application Default
Credentials' project is audited.

Checks and options are pure; ``collect`` imports the Google libraries only when it runs, and
``demo_estate`` starts the local emulator seeded with the demo estate (:mod:`providers.gcp.emulator.demo`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from auditor.checks import Check
from auditor.model import Said
from auditor.plugins import Collection, CollectRequest, DemoEstate, ProviderOption
from providers.gcp.checks import CHECKS, NOT_AUTOMATED

OPTIONS = (
    ProviderOption(
        "project", "GCP project ID to audit (repeatable).", "監査する GCP プロジェクト ID（複数指定可）",
        multiple=True, metavar="PROJECT_ID", grant=True,
        grant_help_en="Project to bind the read-only roles on (repeatable).",
        grant_help_ja="読み取り専用のロールを付与する GCP プロジェクト ID（複数指定可）",
    ),
    ProviderOption(
        "folder", "GCP folder number: audits every project under it (repeatable).",
        "GCP フォルダー番号（配下の全プロジェクトを監査、複数指定可）", multiple=True, metavar="FOLDER_ID", grant=True,
        grant_help_en="Folder to bind the read-only roles on, for every project under it (repeatable).",
        grant_help_ja="読み取り専用のロールを付与する GCP フォルダー番号（配下の全プロジェクトに及ぶ、複数指定可）",
    ),
    ProviderOption(
        "organization", "GCP organization number: audits every project in it (repeatable).",
        "GCP 組織番号（組織内の全プロジェクトを監査、複数指定可）", multiple=True, metavar="ORG_ID", grant=True,
        grant_help_en="Organization to bind the read-only roles on, for every project in it (repeatable; default: an "
                      "ORGANIZATION_ID placeholder).",
        grant_help_ja="読み取り専用のロールを付与する GCP 組織番号（組織内の全プロジェクトに及ぶ、複数指定可。省略時は"
                      " ORGANIZATION_ID の置き換え用の表記）",
    ),
    ProviderOption(
        "impersonate-service-account", "Service account e-mail to impersonate for a delegated GCP audit.",
        "委任監査で借用する GCP サービスアカウントのメールアドレス", metavar="EMAIL", grant=True,
        grant_help_en="The auditing service account that receives the roles (default: a placeholder address).",
        grant_help_ja="ロールを付与する監査用サービスアカウントのメールアドレス（省略時は置き換え用の表記）",
    ),
)

class GcpProvider:
    name = "gcp"
    title = "Google Cloud"
    options: Sequence[ProviderOption] = OPTIONS

    def checks(self) -> Sequence[Check]:
        return CHECKS

    def not_automated(self) -> Mapping[str, Said]:
        return NOT_AUTOMATED

    def collect(self, request: CollectRequest) -> Collection:
        from providers.gcp.collect import collect

        return collect(request)

    def permissions(self, checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
        from providers.gcp.permissions import render

        return render([c for c in checks if c.provider == self.name], options, fmt, lang)

    def demo_estate(self) -> AbstractContextManager[DemoEstate]:
        """The demo estate on the local Google APIs emulator (``auditor demo``); stopped on exit."""
        from providers.gcp.emulator.demo import demo_estate

        return demo_estate()



provider = GcpProvider()
