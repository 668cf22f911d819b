"""Re-deciding a bundle's snapshot and naming every result that differs from its ``results.json``.

The bundled snapshot is evaluated again with the installed checks and mappings (the checklists,
profile and attestations that ``results.json`` records); each finding, gap, control and item whose
recorded result differs from the re-decided one is a :class:`Difference`.

Core module: no renderer and no cloud SDK is imported here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.checklists import Profile
from auditor.errors import AuditorError
from auditor.redaction import redact
from auditor.run import Catalogue, Collected, evaluate
from auditor.serialize import (
    dumps,
    evidence_from_dict,
    gap_from_dict,
    results_from_dict,
    results_to_dict,
    run_from_dict,
)


@dataclass(frozen=True)
class Message:
    ja: str
    en: str

    def text(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Difference:
    """One result that re-evaluation decided differently from what ``results.json`` records."""

    section: str  # "finding" | "control" | "item" | "gap" | "run"
    key: str
    field: str
    recorded: str
    recomputed: str

    def text(self, lang: str) -> str:
        names = {
            "finding": ("検出結果", "finding"), "control": ("統制", "control"), "item": ("項目", "item"),
            "gap": ("確認不能", "gap"), "run": ("実行情報", "run"),
        }
        name = names.get(self.section, (self.section, self.section))[0 if lang == "ja" else 1]
        if self.field == "—":
            if lang == "ja":
                where = ("記録にのみあり（再評価では出ない）" if self.recorded == "present"
                         else "再評価でのみ出る（記録にない）")
                return f"{name} {self.key}: {where}"
            where = "only recorded (not re-decided)" if self.recorded == "present" else "only re-decided (not recorded)"
            return f"{name} {self.key}: {where}"
        if lang == "ja":
            return f"{name} {self.key} の {self.field}: 記録 {self.recorded} ／ 再評価 {self.recomputed}"
        return f"{name} {self.key} {self.field}: recorded {self.recorded} / re-evaluated {self.recomputed}"


@dataclass(frozen=True)
class Reevaluation:
    """The outcome: whether the snapshot could be re-decided, what differs, and what stopped or qualified it."""

    done: bool
    differences: tuple[Difference, ...] = ()
    problems: tuple[Message, ...] = ()
    notes: tuple[Message, ...] = ()


def _stopped(ja: str, en: str, notes: list[Message] | None = None) -> Reevaluation:
    return Reevaluation(False, (), (Message(ja, en),), tuple(notes or ()))


def reevaluate(results: Mapping[str, Any], snapshot: Mapping[str, Any], catalogue: Catalogue) -> Reevaluation:
    """Re-decide ``snapshot`` as ``results`` says it was decided, and compare."""
    try:
        if snapshot.get("kind") != "auditor-snapshot":
            raise ValueError("snapshot.json is not an auditor snapshot")
        run = run_from_dict(snapshot["run"])
        evidence = tuple(evidence_from_dict(e) for e in snapshot["evidence"])
        gaps = tuple(gap_from_dict(g) for g in snapshot["gaps"])
        recorded = results_from_dict(results)
        profile = Profile(dict(recorded.run.profile))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return _stopped(f"results.json または snapshot.json が壊れています: {exc!r}",
                        f"results.json or snapshot.json is damaged: {exc!r}")
    attestations = {(c.checklist_id, i.item_id): i.attestation
                    for c in recorded.checklists for i in c.items if i.attestation is not None}
    notes: list[Message] = []
    checklists = []
    for entry in recorded.checklists:
        installed = catalogue.checklists.get(entry.checklist_id)
        if installed is None:
            return _stopped(f"チェックリスト {entry.checklist_id} がインストールされていないため再評価できません",
                            f"checklist {entry.checklist_id} is not installed: cannot re-evaluate")
        if installed.version != entry.version:
            notes.append(Message(
                f"チェックリスト {entry.checklist_id} の版が異なります"
                f"（記録 {entry.version}、導入済み {installed.version}）",
                f"checklist {entry.checklist_id} version differs (recorded {entry.version}, "
                f"installed {installed.version})",
            ))
        checklists.append(installed)
    missing_providers = [p.provider for p in run.providers if p.provider not in catalogue.providers]
    if missing_providers:
        names = ", ".join(missing_providers)
        return _stopped(f"プロバイダー {names} がインストールされていないため再評価できません",
                        f"provider {names} is not installed: cannot re-evaluate", notes)
    try:
        decided = evaluate(catalogue, Collected(run, evidence, gaps), checklists, profile, attestations)
    except AuditorError as error:
        return _stopped(error.message("ja"), error.message("en"), notes)
    recomputed = redact(json.loads(dumps(results_to_dict(decided))))
    try:
        differences = _compare(results, recomputed)
    except (KeyError, TypeError, AttributeError) as exc:
        return _stopped(f"results.json が壊れています: {exc!r}", f"results.json is damaged: {exc!r}")
    return Reevaluation(True, tuple(differences), (), tuple(notes))


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:119] + "…"


def _canonical(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


def _items(document: Mapping[str, Any]) -> list[dict]:
    return [
        {**item, "checklist": checklist.get("id")}
        for checklist in document.get("checklists") or [] for item in checklist["items"]
    ]


def _compare_records(section: str, recorded: list[dict], recomputed: list[dict], key_of) -> list[Difference]:
    left: dict[str, list[dict]] = defaultdict(list)
    right: dict[str, list[dict]] = defaultdict(list)
    for record in recorded:
        left[key_of(record)].append(record)
    for record in recomputed:
        right[key_of(record)].append(record)
    differences = []
    for key in sorted(set(left) | set(right)):
        a, b = left.get(key, []), right.get(key, [])
        if not b:
            differences.append(Difference(section, key, "—", "present", "absent"))
        elif not a:
            differences.append(Difference(section, key, "—", "absent", "present"))
        elif len(a) == 1 and len(b) == 1:
            for name in sorted(set(a[0]) | set(b[0])):
                if a[0].get(name) != b[0].get(name):
                    differences.append(Difference(section, key, name, _short(a[0].get(name)), _short(b[0].get(name))))
        elif _canonical(a) != _canonical(b):
            differences.append(Difference(section, key, "records", f"{len(a)}", f"{len(b)}"))
    return differences


def _compare(recorded: Mapping[str, Any], recomputed: Mapping[str, Any]) -> list[Difference]:
    differences: list[Difference] = []
    if recorded.get("run", {}).get("id") != recomputed.get("run", {}).get("id"):
        differences.append(Difference("run", "id", "id", _short(recorded.get("run", {}).get("id")),
                                      _short(recomputed.get("run", {}).get("id"))))
    differences += _compare_records(
        "finding", list(recorded.get("findings") or []), list(recomputed["findings"]),
        lambda f: f"{f.get('check_id')} {f.get('provider')}/{f.get('scope')}/{f.get('region')}/{f.get('resource_id')}",
    )
    differences += _compare_records(
        "gap", list(recorded.get("gaps") or []), list(recomputed["gaps"]),
        lambda g: f"{g.get('source')} {g.get('provider')}/{g.get('scope')}/{g.get('region')}",
    )
    differences += _compare_records(
        "control", list(recorded.get("controls") or []), list(recomputed["controls"]),
        lambda c: f"{c.get('control_id')}@{c.get('provider')}",
    )
    differences += _compare_records(
        "item", _items(recorded), _items(recomputed), lambda i: f"{i.get('checklist')}#{i.get('item_id')}",
    )
    return differences
