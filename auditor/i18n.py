"""Japanese and English texts of every user-facing message of the core.

Messages are looked up by key; each has a ``ja`` and an ``en`` text formatted with ``str.format``.
Providers and renderers raise :class:`auditor.errors.AuditorError` with ``key="raw"`` and a
``ja``/``en`` pair when they own the wording.
"""

from __future__ import annotations

import errno

MESSAGES: dict[str, dict[str, str]] = {
    "raw": {"ja": "{ja}", "en": "{en}"},
    "unknown_checklist": {
        "ja": "チェックリスト '{checklist}' はありません。使えるもの: {known}",
        "en": "Unknown checklist '{checklist}'. Known checklists: {known}",
    },
    "unknown_provider": {
        "ja": "プロバイダー '{provider}' はありません。使えるもの: {known}",
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
        "ja": "申告ファイル {path} を読めません: {detail_ja}",
        "en": "Cannot read attestation file {path}: {detail_en}",
    },
    "risk_unreadable": {
        "ja": "リスク受容ファイル {path} を読めません: {detail_ja}",
        "en": "Cannot read risk-acceptance file {path}: {detail_en}",
    },
    "risk_invalid": {
        "ja": "リスク受容ファイル {path} の {line} 行目: {detail_ja}",
        "en": "Risk-acceptance file {path}, line {line}: {detail_en}",
    },
    "template_exists": {
        "ja": "{path} は既にあります。置き換えるには --force を付けてください",
        "en": "{path} already exists; add --force to replace it",
    },
    "document_unreadable": {
        "ja": "根拠資料 {path} がありません（通常のファイルを指定してください）",
        "en": "Evidence document {path} does not exist or is not a regular file",
    },
    "attestation_invalid": {
        "ja": "申告ファイル {path} の {line} 行目: {detail_ja}",
        "en": "Attestation file {path}, line {line}: {detail_en}",
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
        "ja": "監査するプロバイダーを --provider で指定してください（{known}）。",
        "en": "Choose at least one provider to audit with --provider ({known}).",
    },
    "interrupted": {
        "ja": "中断されました。レポートは書き出していません。",
        "en": "Interrupted. No report was written.",
    },
    "not_a_regular_file": {
        "ja": "{path} は通常のファイルではありません（{kind}）。ファイルを指定してください。",
        "en": "{path} is not a regular file (it is a {kind}). Give the path of a file.",
    },
    "file_too_large": {
        "ja": "{path} は大きすぎます（上限 {limit}）。読み込みを中止しました。",
        "en": "{path} is too large (the limit is {limit}); it was not read.",
    },
    "file_unreadable": {
        "ja": "{path} を読めません: {detail}",
        "en": "Cannot read {path}: {detail}",
    },
    "snapshot_invalid": {
        "ja": "スナップショット {path} の {where} が不正です: {detail}",
        "en": "Snapshot {path} is invalid at {where}: {detail}",
    },
    "snapshot_unknown_kinds": {
        "ja": "スナップショット {path} の記録の種類（{kinds}）は、インストール済みのどのプロバイダーのチェックも"
              "扱いません。評価できるものがないため中止しました。",
        "en": "No installed provider's checks read the kinds of record in snapshot {path} ({kinds});"
              " there is nothing to evaluate.",
    },
    "output_foreign": {
        "ja": "出力先 {path} には以前のレポート以外のファイル（{example} など）があります。--force で置き換えるのは"
              "以前のレポートのフォルダー（results.json があるもの）だけです。"
              "空の、または新しいフォルダーを指定してください。",
        "en": "Output directory {path} holds files that are not an earlier report ({example}, …). --force replaces"
              " only an earlier report folder (one with results.json); choose an empty or new folder.",
    },
    "os_error": {
        "ja": "{path} を処理できません: {detail}",
        "en": "Cannot use {path}: {detail}",
    },
    "unexpected": {
        "ja": "予期しないエラーで中止しました（{kind}: {detail}）。詳細は AUDITOR_LOG_LEVEL=DEBUG で表示されます。",
        "en": "Stopped by an unexpected error ({kind}: {detail}). AUDITOR_LOG_LEVEL=DEBUG shows the details.",
    },
    "usage_missing_argument": {
        "ja": "引数 {name} を指定してください。",
        "en": "Missing argument {name}.",
    },
    "usage_missing_option": {
        "ja": "オプション {name} を指定してください。",
        "en": "Missing option {name}.",
    },
    "usage_bad_value": {
        "ja": "{name} の値 {value} は使えません。{detail}",
        "en": "Invalid value {value} for {name}. {detail}",
    },
    "usage_bad_value_unnamed": {
        "ja": "{name} の値が不正です。{detail}",
        "en": "Invalid value for {name}. {detail}",
    },
    "usage_choose": {
        "ja": "使えるもの: {known}",
        "en": "Choose one of: {known}",
    },
    "usage_range": {
        "ja": "{low}〜{high} の範囲で指定してください。",
        "en": "Give a number from {low} to {high}.",
    },
    "usage_integer": {
        "ja": "整数で指定してください。",
        "en": "Give a whole number.",
    },
    "usage_quoted": {
        "ja": "（「{detail}」）",
        "en": "({detail})",
    },
    "usage_no_such_option": {
        "ja": "オプション {name} はありません。",
        "en": "No such option {name}.",
    },
    "usage_did_you_mean": {
        "ja": "似た名前: {known}",
        "en": " Did you mean {known}?",
    },
    "usage_missing_command": {
        "ja": "サブコマンドを指定してください。使えるもの: {known}",
        "en": "Missing command. Choose one of: {known}",
    },
    "usage_no_such_command": {
        "ja": "コマンド {name} はありません。使えるもの: {known}",
        "en": "No such command {name}. Commands: {known}",
    },
    "usage_option_needs_value": {
        "ja": "オプション {name} には値が必要です。",
        "en": "Option {name} needs a value.",
    },
    "usage_option_takes_no_value": {
        "ja": "オプション {name} は値を取りません。",
        "en": "Option {name} does not take a value.",
    },
    "usage_extra_arguments": {
        "ja": "余分な引数があります: {args}",
        "en": "Unexpected extra arguments: {args}",
    },
    "usage_other": {
        "ja": "コマンドラインの指定が不正です（「{detail}」）。",
        "en": "Invalid command line ({detail}).",
    },
    "usage_help_hint": {
        "ja": "（使い方: {command} --help）",
        "en": " (see {command} --help)",
    },
}


def translate(key: str, lang: str, **params: object) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    # a parameter given as a (Japanese, English) pair is said in the message's language
    params = {name: (value[1] if lang == "en" else value[0]) if _is_pair(value) else value
              for name, value in params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def _is_pair(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value)


_OS_PROBLEMS = {
    errno.ENOENT: ("ファイルがありません", "the file does not exist"),
    errno.EACCES: ("読み取りの権限がありません", "permission denied"),
    errno.EPERM: ("読み取りの権限がありません", "permission denied"),
    errno.EISDIR: ("フォルダーです。ファイルを指定してください", "it is a folder, not a file"),
    errno.ENOTDIR: ("途中のパスがフォルダーではありません", "a part of the path is not a folder"),
    errno.ELOOP: ("シンボリックリンクが循環しています", "too many levels of symbolic links"),
}


def os_problem(error: OSError) -> tuple[str, str]:
    """Why a file could not be read, in Japanese and English (the system's own text only as a detail)."""
    known = _OS_PROBLEMS.get(error.errno or 0)
    if known is not None:
        return known
    system = error.strerror or type(error).__name__
    return f"読み取りに失敗しました（{system}）", f"reading failed ({system})"
