"""Every GCP check (pure functions over evidence), and the controls GCP cannot decide automatically."""

from __future__ import annotations

from auditor.checks import Check
from auditor.model import Said
from providers.gcp.checks import (
    encryption,
    identity,
    logging,
    network,
    operations,
    residency,
    resilience,
    transport,
)

CHECKS: tuple[Check, ...] = (
    *residency.CHECKS,
    *encryption.CHECKS,
    *transport.CHECKS,
    *network.CHECKS,
    *identity.CHECKS,
    *logging.CHECKS,
    *resilience.CHECKS,
    *operations.CHECKS,
)

#: Control → (Japanese, English) reason it is not decided on GCP: shown as 確認不能 / unknown, never as a pass.
NOT_AUTOMATED: dict[str, Said] = {
    "identity.password-policy": (
        "GCP のパスワードは Cloud Identity / Google Workspace が管理し、その設定（最小文字数・強度）は Cloud Asset "
        "Inventory や IAM からは読めず、管理コンソールの特権管理者権限が必要。また Google のポリシーは最小文字数と"
        "「強度」判定で、英大文字・英小文字・数字・記号の各文字種を強制する設定がないため、項目の基準に対し自動判定できない。"
        "管理コンソール（セキュリティ › パスワードの管理）の設定画面を根拠資料として申告すること。",
        "GCP passwords are managed by Cloud Identity / Google Workspace: their settings (minimum length, strength) "
        "cannot be read from Cloud Asset Inventory or IAM and need super administrator rights in the Admin console. "
        "Google's policy also sets only a minimum length and a strength rating, with no setting that requires upper "
        "case, lower case, digits and symbols, so the item's criteria cannot be decided automatically. Attest with "
        "the Admin console's settings page (Security › Password management) as evidence.",
    ),
}
