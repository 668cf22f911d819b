"""Japanese and English texts of every user-facing message of the core.

Messages are looked up by key; each has a ``ja`` and an ``en`` text formatted with ``str.format``.
Providers and renderers raise :class:`auditor.errors.AuditorError` with ``key="raw"`` and a
``ja``/``en`` pair when they own the wording.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "raw": {"ja": "{ja}", "en": "{en}"},
    "unknown_checklist": {
        "ja": "チェックリスト '{checklist}' はありません。使えるもの: {known}",
        "en": "Unknown checklist '{checklist}'. Known checklists: {known}",
    },
    "unknown_provider": {
        "ja": "プロバイダ '{provider}' はありません。使えるもの: {known}",
        "en": "Unknown provider '{provider}'. Known providers: {known}",
    },
    "unknown_format": {
        "ja": "出力形式 '{format}' はありません。使えるもの: {known}",
        "en": "Unknown output format '{format}'. Known formats: {known}",
    },
    "bad_profile_option": {
        "ja": "プロファイル指定 '{option}' が不正です（{detail}）。",
        "en": "Invalid profile option '{option}' ({detail}).",
    },
    "checklist_invalid": {
        "ja": "チェックリスト定義 {path} が不正です: {detail}",
        "en": "Checklist file {path} is invalid: {detail}",
    },
    "attestation_unreadable": {
        "ja": "申告ファイル {path} を読めません: {detail}",
        "en": "Cannot read attestation file {path}: {detail}",
    },
    "attestation_invalid": {
        "ja": "申告ファイル {path} の {line} 行目: {detail}",
        "en": "Attestation file {path}, line {line}: {detail}",
    },
    "snapshot_unreadable": {
        "ja": "スナップショット {path} を読めません: {detail}",
        "en": "Cannot read snapshot {path}: {detail}",
    },
    "output_not_empty": {
        "ja": "出力先 {path} は空ではありません。上書きする場合は --force を指定してください。",
        "en": "Output directory {path} is not empty. Use --force to overwrite.",
    },
    "output_unwritable": {
        "ja": "出力先 {path} に書き込めません: {detail}",
        "en": "Cannot write to output directory {path}: {detail}",
    },
    "no_provider": {
        "ja": "監査するプロバイダを --provider で指定してください（{known}）。",
        "en": "Choose at least one provider to audit with --provider ({known}).",
    },
    "interrupted": {
        "ja": "中断されました。レポートは書き出していません。",
        "en": "Interrupted. No report was written.",
    },
}


def translate(key: str, lang: str, **params: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
