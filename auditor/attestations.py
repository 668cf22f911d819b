"""Attestations: the user's answers to organisational (manual) items, with the documents they rest on.

File format (YAML)::

    attestations:
      - item: ext-service-requirements#1          # checklist#item
        answer: yes                               # yes | partial | no | n/a (or 適合 / 一部適合 / 不適合 / 対象外)
        evidence:                                 # the documents the answer rests on (at least one)
          - 情報セキュリティ基本方針 第3版（2026-04-01 施行）
        answered_by: 山田 太郎（情報セキュリティ責任者）
        answered_on: 2026-11-01
        valid_until: 2027-03-31                   # optional: after this day the answer has expired
        comment: 任意の補足

An evidence document may be given as ``{name: 復旧手順書.pdf, sha256: …}`` (``auditor attest hash``
prints these); a named document that lies beside the file must still have that digest. An entry
with nothing filled in (as ``auditor attest template`` writes it) is skipped.

Every problem — malformed YAML, an unknown checklist or item, a missing field — is an
:class:`~auditor.errors.AuditorError` naming the file and line. The file is bounded (see
:mod:`auditor.limits`): a regular file of at most ``MAX_ATTESTATION_BYTES``, no string longer than
``MAX_ATTESTATION_STRING_CHARS``, and no YAML anchors or aliases (a few hundred bytes of nested
aliases would otherwise expand to gigabytes).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from auditor.checklists import Checklist
from auditor.errors import AuditorError
from auditor.i18n import os_problem
from auditor.limits import MAX_ATTESTATION_BYTES, MAX_ATTESTATION_STRING_CHARS, read_bounded
from auditor.model import Attestation

ANSWERS = {
    "yes": "yes", "適合": "yes", "はい": "yes", "○": "yes",
    "partial": "partial", "一部適合": "partial", "△": "partial",
    "no": "no", "不適合": "no", "いいえ": "no", "×": "no",
    "n/a": "n/a", "na": "n/a", "対象外": "n/a", "該当なし": "n/a",
}
#: each recorded answer in words, (Japanese, English), as the sheets and warnings print it
ANSWER_WORDS = {
    "yes": ("適合", "yes"),
    "partial": ("一部適合", "partial"),
    "no": ("不適合", "no"),
    "n/a": ("対象外", "not applicable"),
}
REQUIRED = ("item", "answer", "evidence", "answered_by", "answered_on")
_LINE = "__line__"


class _Refused(yaml.MarkedYAMLError):
    """A YAML construct the loader refuses, with the reason in Japanese and English."""

    def __init__(self, ja: str, en: str, mark: yaml.Mark) -> None:
        super().__init__(None, None, en, mark)
        self.ja, self.en = ja, en


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records, in every mapping, the line it starts on.

    It refuses anchors and aliases before anything is expanded, and strings over the length limit.
    """

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused("YAML のアンカーとエイリアス（&name、*name）は使えません",
                           "YAML anchors and aliases (&name, *name) are not allowed",
                           event.start_mark)
        return super().compose_node(parent, index)

    def construct_scalar(self, node: yaml.ScalarNode) -> str:
        value = super().construct_scalar(node)
        if len(value) > MAX_ATTESTATION_STRING_CHARS:
            raise _Refused(f"値が {len(value):,} 文字あり、上限の {MAX_ATTESTATION_STRING_CHARS:,} 文字を超えています",
                           f"a value of {len(value):,} characters is longer than the limit of"
                           f" {MAX_ATTESTATION_STRING_CHARS:,}", node.start_mark)
        return value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def read_entries(path: Path, top_key: str, unreadable: str, invalid: str) -> list[Any]:
    """The list under ``top_key`` of a bounded YAML file, each mapping carrying its line (``__line__``).

    ``unreadable`` and ``invalid`` name the messages (auditor.i18n) for a file that cannot be read and
    one that is not valid; both name the file, the latter the line. Our own words come in Japanese
    and English; a YAML parser's message is kept only as a quoted detail after them.
    """
    try:
        text = read_bounded(path, MAX_ATTESTATION_BYTES).decode("utf-8")
    except OSError as exc:
        ja, en = os_problem(exc)
        raise AuditorError(unreadable, path=path, detail_ja=ja, detail_en=en) from None
    except UnicodeDecodeError as exc:
        byte = exc.start + 1
        raise AuditorError(unreadable, path=path, detail_ja=f"UTF-8 のテキストではありません（{byte} バイト目）",
                           detail_en=f"it is not UTF-8 text (byte {byte})") from None
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as exc:
        raise invalid_entry(invalid, path, exc.problem_mark.line + 1, exc.ja, exc.en) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = " ".join(str(exc.problem or exc.context or "").split())
        raise invalid_entry(invalid, path, line, f"YAML の構文エラー（{column} 桁目）: 「{problem}」",
                            f"YAML syntax error (column {column}): {problem}") from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise invalid_entry(invalid, path, 0, f"YAML の構文エラー: 「{problem}」",
                            f"YAML syntax error: {problem}") from None
    if not isinstance(document, dict) or not isinstance(document.get(top_key), list):
        raise invalid_entry(invalid, path, 1, f"ファイルの最上位に一覧 '{top_key}:' が必要です",
                            f"the file must have a top-level list '{top_key}:'")
    return document[top_key]


def invalid_entry(key: str, path: Path, line: int, ja: str, en: str) -> AuditorError:
    """The error for a file that is not valid at ``line``, its detail in Japanese and English."""
    return AuditorError(key, path=path, line=line, detail_ja=ja, detail_en=en)


def load_attestations(path: Path, checklists: Mapping[str, Checklist]) -> dict[tuple[str, str], Attestation]:
    """Read and validate an attestation file against the known checklists."""
    entries = read_entries(path, "attestations", "attestation_unreadable", "attestation_invalid")
    answers: dict[tuple[str, str], Attestation] = {}
    for entry in entries:
        if _unanswered_template_entry(entry):
            continue
        attestation = _parse_entry(path, entry, checklists)
        key = (attestation.checklist_id, attestation.item_id)
        if key in answers:
            first = answers[key].source_line
            raise invalid_entry("attestation_invalid", path, attestation.source_line,
                                f"{key[0]}#{key[1]} の申告が 2 つあります（最初は {first} 行目）",
                                f"{key[0]}#{key[1]} is answered twice (first on line {first})")
        answers[key] = attestation
    return answers


def _parse_entry(path: Path, entry: Any, checklists: Mapping[str, Checklist]) -> Attestation:
    if not isinstance(entry, dict):
        raise invalid_entry("attestation_invalid", path, 0, "申告は 1 件ずつマッピング（項目名: 値）で書いてください",
                            "each attestation must be a mapping")
    line = entry.get(_LINE, 0)

    def fail(ja: str, en: str) -> AuditorError:
        return invalid_entry("attestation_invalid", path, line, ja, en)

    missing = ", ".join(name for name in REQUIRED if entry.get(name) in (None, "", []))
    if missing:
        raise fail(f"必須の項目がありません: {missing}", f"missing field(s): {missing}")
    checklist_id, sep, item_id = str(entry["item"]).partition("#")
    if not sep:
        raise fail(f"item は 'チェックリスト#項目' の形で書いてください（指定された値: {entry['item']!r}）",
                   f"item must be 'checklist#item', not {entry['item']!r}")
    checklist = checklists.get(checklist_id)
    if checklist is None:
        known = ", ".join(sorted(checklists))
        raise fail(f"チェックリスト '{checklist_id}' はありません（使えるもの: {known}）",
                   f"unknown checklist '{checklist_id}' (known: {known})")
    if checklist.item(item_id) is None:
        raise fail(f"チェックリスト '{checklist_id}' に項目 '{item_id}' はありません",
                   f"checklist '{checklist_id}' has no item '{item_id}'")
    answer = _normalise_answer(entry["answer"])
    if answer is None:
        raise fail(
            f"answer は yes・partial・no・n/a（または 適合・一部適合・不適合・対象外）のいずれかで書いてください"
            f"（指定された値: {entry['answer']!r}）",
            f"answer must be one of yes, partial, no, n/a (or 適合, 一部適合, 不適合, 対象外), not {entry['answer']!r}",
        )
    names, digests = _documents(entry["evidence"], path.parent, fail)
    return Attestation(
        checklist_id=checklist_id,
        item_id=item_id,
        answer=answer,
        evidence=names,
        answered_by=str(entry["answered_by"]).strip(),
        answered_on=_date_text(entry["answered_on"]),
        comment=str(entry.get("comment") or "").strip(),
        source_line=line,
        valid_until=_optional_date(entry.get("valid_until"), "valid_until", fail),
        digests=digests,
    )


def _unanswered_template_entry(entry: Any) -> bool:
    """An entry of ``auditor attest template`` left as written: an item with nothing filled in yet."""
    return isinstance(entry, dict) and all(
        entry.get(name) in (None, "", []) for name in ("answer", "evidence", "answered_by", "answered_on")
    )


def _documents(evidence: Any, folder: Path, fail) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Evidence documents: names, and the SHA-256 of those given as ``{name: …, sha256: …}``.

    A document whose digest is recorded and that lies beside the attestation file (by its name) must
    still have that digest: a changed document is an error, not a silent pass.
    """
    if isinstance(evidence, (str, dict)):
        evidence = [evidence]
    if not isinstance(evidence, list):
        raise fail("evidence は根拠資料の名前の一覧（または name と sha256 の組）で書いてください",
                   "evidence must be a list of document names (or {name, sha256} entries)")
    names: list[str] = []
    digests: list[tuple[str, str]] = []
    for document in evidence:
        if isinstance(document, str) and document.strip():
            names.append(document.strip())
            continue
        if not isinstance(document, dict) or not isinstance(document.get("name"), str) or not document["name"].strip():
            raise fail("根拠資料は名前か、name と sha256 を持つマッピングで書いてください",
                       "each evidence document is a name, or a mapping with 'name' and 'sha256'")
        name = document["name"].strip()
        digest = str(document.get("sha256") or "").strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise fail(f"根拠資料 '{name}' の sha256 は 16 進数 64 桁で書いてください"
                       "（auditor attest hash FILE で求められます）",
                       f"evidence '{name}': sha256 must be 64 hexadecimal digits (auditor attest hash FILE)")
        local = folder / name
        if local.is_file() and file_sha256(local) != digest:
            raise fail(f"根拠資料 '{name}' が申告の後に変更されています（SHA-256 が一致しません）",
                       f"evidence '{name}' has changed since it was attested (its SHA-256 no longer matches)")
        names.append(name)
        digests.append((name, digest))
    return tuple(names), tuple(digests)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _optional_date(value: Any, name: str, fail) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise fail(f"{name} は 2027-03-31 のような日付で書いてください（指定された値: {value!r}）",
                   f"{name} must be a date such as 2027-03-31, not {value!r}") from None


def expired(until: str, as_of: _dt.date) -> bool:
    """Whether a date-limited answer or acceptance (valid through ``until``) has run out by ``as_of``."""
    return bool(until) and _dt.date.fromisoformat(until) < as_of


def _normalise_answer(value: Any) -> str | None:
    if value is True:  # YAML 1.1 reads a bare yes/no as a boolean
        return "yes"
    if value is False:
        return "no"
    return ANSWERS.get(str(value).strip().lower())


def _date_text(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value).strip()
