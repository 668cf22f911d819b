"""The AWS provider object named by the ``auditor.providers`` entry point (thin and cheap to import).

It declares the command-line options, hands out the check table, and loads boto3 and the collection
machinery only when an audit, a permission listing or the demo actually needs them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from auditor.checks import Check
from auditor.model import Said
from auditor.plugins import Collection, CollectRequest, DemoEstate, ProviderOption
from providers.aws.settings import AwsSettings

OPTIONS = (
    ProviderOption("profile", "AWS named profile (default: the standard credential chain).",
                   "AWS のプロファイル名（省略時は標準の認証情報チェーン）", metavar="NAME"),
    ProviderOption("role-arn", "Assume this role before auditing (delegated audit).",
                   "監査前に引き受けるロール（委任監査）", metavar="ARN"),
    ProviderOption("external-id", "External ID required by the delegated role's trust policy.",
                   "委任ロールの信頼ポリシーが求める外部 ID", metavar="ID", grant=True),
    ProviderOption("role-session-name", "Session name that identifies the auditor in CloudTrail.",
                   "CloudTrail に記録される監査者のセッション名", metavar="NAME"),
    ProviderOption("org", "Audit every active account of the organisation (from its management account).",
                   "組織の全アカウントを監査（管理アカウントから）", is_flag=True, grant=True,
                   grant_help_en="Add what an organisation audit reads in the management account "
                                 "(organizations:ListAccounts).",
                   grant_help_ja="組織の監査で管理アカウントが読む権限（organizations:ListAccounts）を加える"),
    ProviderOption("org-role",
                   "Role to assume in each member account with --org (default OrganizationAccountAccessRole).",
                   "--org で各メンバーアカウントで引き受けるロール名", metavar="NAME"),
    ProviderOption("regions", "Only these regions (repeatable or comma-separated; default: every enabled region).",
                   "対象リージョン（既定: 有効な全リージョン）", multiple=True, metavar="REGION"),
    ProviderOption("auditor-account", "Auditor's AWS account ID, for the trust policy printed by 'permissions'.",
                   "信頼ポリシーに記載する監査者の AWS アカウント ID", metavar="ACCOUNT", grant=True),
)


class AwsProvider:
    """Amazon Web Services: read-only collection with boto3, decided by :mod:`providers.aws.checks`."""

    name = "aws"
    title = "Amazon Web Services"
    options: Sequence[ProviderOption] = OPTIONS
    #: honours ``CollectRequest.wants_scope`` / ``scope_done`` (accounts of an organisation: shards, resume)
    selects_scopes = True

    def __init__(self, settings: AwsSettings | None = None) -> None:
        self.settings = settings or AwsSettings()

    def checks(self) -> Sequence[Check]:
        from providers.aws.checks import CHECKS

        return CHECKS

    def not_automated(self) -> Mapping[str, Said]:
        return {}

    def collect(self, request: CollectRequest) -> Collection:
        from providers.aws.collect import collect

        return collect(request, self.settings)

    def permissions(self, checks: Sequence[Check], options: Mapping[str, Any], fmt: str, lang: str = "ja") -> str:
        from providers.aws.permissions import render

        return render(checks, options, fmt, lang)

    def demo_estate(self) -> AbstractContextManager[DemoEstate]:
        """The sample estate on a local moto server (``auditor demo``); stopped on exit."""
        from providers.aws.emulator.demo import demo_estate

        return demo_estate()


provider = AwsProvider()
