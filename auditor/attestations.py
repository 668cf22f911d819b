"""Attestations: the user's answers to organisational (manual) items, with the documents they rest on.

File format (YAML)::

    attestations:
      - item: ext-service-requirements#1          # checklist#item
        answer: yes                               # yes | partial | no | n/a (or 適合 / 一部適合 / 不適合 / 対象外)
        evidence:                                 # the documents the answer rests on (at least one)
          - 情報セキュリティ基本方針 第3版（2026-04-01 施行）
        answered_by: 山田 太郎（情報セキュリティ責任者）
        answered_on: 2026-11-01
        comment: 任意の補足

Every problem — malformed YAML, an unknown checklist or item, a missing field — is an
:class:`~auditor.errors.AuditorError` naming the file and line. The file is bounded (see
:mod:`auditor.limits`): a regular file of at most ``MAX_ATTESTATION_BYTES``, no string longer than
``MAX_ATTESTATION_STRING_CHARS``, and no YAML anchors or aliases (a few hundred bytes of nested
aliases would otherwise expand to gigabytes).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from auditor.checklists import Checklist
from auditor.errors import AuditorError
from auditor.limits import MAX_ATTESTATION_BYTES, MAX_ATTESTATION_STRING_CHARS, read_bounded
from auditor.model import Attestation

ANSWERS = {
    "yes": "yes", "適合": "yes", "はい": "yes", "○": "yes",
    "partial": "partial", "一部適合": "partial", "△": "partial",
    "no": "no", "不適合": "no", "いいえ": "no", "×": "no",
    "n/a": "n/a", "na": "n/a", "対象外": "n/a", "該当なし": "n/a",
}
REQUIRED = ("item", "answer", "evidence", "answered_by", "answered_on")
_LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records, in every mapping, the line it starts on.

    It refuses anchors and aliases before anything is expanded, and strings over the length limit.
    """

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "YAML anchors and aliases (&name, *name) are not allowed in an attestation file",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_scalar(self, node: yaml.ScalarNode) -> str:
        value = super().construct_scalar(node)
        if len(value) > MAX_ATTESTATION_STRING_CHARS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a value of {len(value):,} characters is longer than the limit of"
                f" {MAX_ATTESTATION_STRING_CHARS:,}", node.start_mark,
            )
        return value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def load_attestations(path: Path, checklists: Mapping[str, Checklist]) -> dict[tuple[str, str], Attestation]:
    """Read and validate an attestation file against the known checklists."""
    try:
        text = read_bounded(path, MAX_ATTESTATION_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditorError("attestation_unreadable", path=path, detail=str(exc)) from None
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise AuditorError("attestation_invalid", path=path, line=line, detail=str(exc.problem)) from None
    except yaml.YAMLError as exc:
        raise AuditorError("attestation_invalid", path=path, line=0, detail=str(exc)) from None
    if not isinstance(document, dict) or not isinstance(document.get("attestations"), list):
        raise AuditorError(
            "attestation_invalid", path=path, line=1, detail="the file must have a top-level list 'attestations:'"
        )
    answers: dict[tuple[str, str], Attestation] = {}
    for entry in document["attestations"]:
        attestation = _parse_entry(path, entry, checklists)
        key = (attestation.checklist_id, attestation.item_id)
        if key in answers:
            raise AuditorError(
                "attestation_invalid", path=path, line=attestation.source_line,
                detail=f"{key[0]}#{key[1]} is answered twice (first on line {answers[key].source_line})",
            )
        answers[key] = attestation
    return answers


def _parse_entry(path: Path, entry: Any, checklists: Mapping[str, Checklist]) -> Attestation:
    if not isinstance(entry, dict):
        raise AuditorError("attestation_invalid", path=path, line=0, detail="each attestation must be a mapping")
    line = entry.get(_LINE, 0)

    def fail(detail: str) -> AuditorError:
        return AuditorError("attestation_invalid", path=path, line=line, detail=detail)

    missing = [name for name in REQUIRED if entry.get(name) in (None, "", [])]
    if missing:
        raise fail(f"missing field(s): {', '.join(missing)}")
    checklist_id, sep, item_id = str(entry["item"]).partition("#")
    if not sep:
        raise fail(f"item must be 'checklist#item', not {entry['item']!r}")
    checklist = checklists.get(checklist_id)
    if checklist is None:
        raise fail(f"unknown checklist '{checklist_id}' (known: {', '.join(sorted(checklists))})")
    if checklist.item(item_id) is None:
        raise fail(f"checklist '{checklist_id}' has no item '{item_id}'")
    answer = _normalise_answer(entry["answer"])
    if answer is None:
        raise fail(
            f"answer must be one of yes, partial, no, n/a (or 適合, 一部適合, 不適合, 対象外), not {entry['answer']!r}"
        )
    evidence = entry["evidence"]
    if isinstance(evidence, str):
        evidence = [evidence]
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        raise fail("evidence must be a list of document names")
    return Attestation(
        checklist_id=checklist_id,
        item_id=item_id,
        answer=answer,
        evidence=tuple(e.strip() for e in evidence),
        answered_by=str(entry["answered_by"]).strip(),
        answered_on=_date_text(entry["answered_on"]),
        comment=str(entry.get("comment") or "").strip(),
        source_line=line,
    )


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
