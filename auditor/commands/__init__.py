"""The sub-commands of ``auditor``, one module per theme.

:data:`COMMANDS` names each command's module and its one-line summary, so that ``auditor --help``
and ``auditor --version`` list them without importing any module (no SQLAlchemy, no YAML, no
provider); the CLI imports a command's module only when that command runs or shows its own help.
A test checks that every summary is the first line of the command's own help.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandEntry:
    """Where a command lives and what ``auditor --help`` says about it."""

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "demo": CommandEntry("auditor.commands.demo", "demo",
        "Audit a sample estate on local emulators (no cloud account needed)."
        " / エミュレーター上のデモ監査"),
    "checklists": CommandEntry("auditor.commands.catalogue", "checklists",
        "List every checklist with its items, basis and controls."
        " / チェックリストと各項目の根拠を表示"),
    "controls": CommandEntry("auditor.commands.catalogue", "controls",
        "List the control catalogue with each cloud's checks."
        " / 統制カタログと各クラウドのチェック"),
    "audit": CommandEntry("auditor.commands.audit", "audit",
        "Audit live cloud configuration, read-only, and write the reports."
        " / クラウド設定を読み取り専用で監査"),
    "evaluate": CommandEntry("auditor.commands.audit", "evaluate",
        "Re-decide a saved snapshot offline, with the current mappings."
        " / スナップショットを再評価"),
    "permissions": CommandEntry("auditor.commands.permissions", "permissions",
        "Print the read-only permissions a city must grant."
        " / 付与すべき読み取り専用権限を表示"),
    "verify": CommandEntry("auditor.commands.verify", "verify",
        "Verify an evidence bundle (folder or zip)."
        " / 証跡パッケージを検証"),
    "history": CommandEntry("auditor.commands.history", "history",
        "List the runs kept in the history store, with their counts."
        " / 監査履歴の一覧"),
    "diff": CommandEntry("auditor.commands.history", "diff",
        "What changed between two runs; exit 1 if anything regressed."
        " / 前回からの変化（悪化があれば終了コード 1）"),
    "schedule": CommandEntry("auditor.commands.schedule", "schedule",
        "Print cron, systemd and CI entries for a monthly audit with your audit arguments."
        " / 毎月の定期実行の設定例"),
    "keys": CommandEntry("auditor.commands.keys", "keys",
        "Signing keys for evidence bundles."
        " / 証跡パッケージの署名鍵"),
    "attest": CommandEntry("auditor.commands.attest", "attest",
        "Write attestation templates and document digests."
        " / 申告ファイルのひな形と根拠資料のハッシュ"),
    "report": CommandEntry("auditor.commands.report", "report",
        "Merge the shards of a run group and write one set of reports."
        " / シャードを統合して報告書を作成"),
}
