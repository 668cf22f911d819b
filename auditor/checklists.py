"""Municipal checklists as data: loading, validation and applicability (format: docs/checklist-format.md).

A checklist is one YAML file. Items keep their printed number, section and verbatim text, their
requirement-level columns, and a basis: ``controls`` (with coverage and rationale), ``inherited``
or ``manual``. Which level column applies, and whether an item applies at all, follows the audit
:class:`Profile`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import AuditorError

BASES = ("controls", "inherited", "manual")
COVERAGES = ("full", "partial")
# How an item's controls combine: ``all`` — every control must hold (the default); ``any`` — the
# item's own text is met by any one of several measures ("WAF 又は IDS 等").
SATISFIED_BY = ("all", "any")

PROFILE_CHOICES: dict[str, tuple[str, ...]] = {
    "usage": ("cloud", "datacenter", "remote"),
    "ismap": ("unregistered", "registered"),
    "role": ("provider", "implementer"),
    "internet_pc": ("no", "yes"),
}


@dataclass(frozen=True)
class Profile:
    """How the audited service is used; selects level columns and applicability (first value = default)."""

    values: Mapping[str, str] = field(default_factory=lambda: {k: v[0] for k, v in PROFILE_CHOICES.items()})

    @classmethod
    def from_options(cls, options: Iterable[str]) -> Profile:
        """Build from ``key=value`` strings, validating keys and values."""
        values = {key: choices[0] for key, choices in PROFILE_CHOICES.items()}
        for option in options:
            key, sep, value = option.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or key not in PROFILE_CHOICES:
                raise AuditorError("bad_profile_option", option=option, detail=f"keys: {', '.join(PROFILE_CHOICES)}")
            if value not in PROFILE_CHOICES[key]:
                raise AuditorError(
                    "bad_profile_option", option=option, detail=f"{key}: {' | '.join(PROFILE_CHOICES[key])}"
                )
            values[key] = value
        return cls(values)


@dataclass(frozen=True)
class ControlRef:
    id: str
    coverage: str


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Exemption:
    """A written exemption: the items fall away when any of the conditions (all items of one) holds."""

    items: tuple[str, ...]
    when_any: tuple[tuple[str, ...], ...]
    reason: str


@dataclass(frozen=True)
class Item:
    id: str
    number: str
    section: str
    text: str
    levels: Mapping[str, str]
    basis: str
    controls: tuple[ControlRef, ...] = ()
    rationale: str = ""
    heading: str = ""
    applies_when: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    satisfied_by: str = "all"

    @property
    def control_ids(self) -> tuple[str, ...]:
        return tuple(ref.id for ref in self.controls)

    @property
    def coverage(self) -> str:
        """``full`` only when every referenced control covers the item fully."""
        return "full" if self.controls and all(r.coverage == "full" for r in self.controls) else "partial"


@dataclass(frozen=True)
class Checklist:
    id: str
    version: str
    title: str
    title_en: str
    source: str
    columns: tuple[Column, ...]
    level_column: str
    not_applicable_levels: tuple[str, ...]
    answer_columns: tuple[str, ...]
    items: tuple[Item, ...]
    exemptions: tuple[Exemption, ...] = ()
    notes: str = ""
    publisher: str = ""

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def level_for(self, item: Item, profile: Profile) -> str:
        """The requirement level printed in the column this profile selects."""
        try:
            key = self.level_column.format(**profile.values)
        except KeyError:
            key = self.level_column
        return str(item.levels.get(key, ""))

    def not_applicable_reason(self, item: Item, profile: Profile) -> str | None:
        """Why the item does not apply to this profile, or None when it applies."""
        for key, wanted in item.applies_when.items():
            if profile.values.get(key) != wanted:
                return f"対象外（{key}={profile.values.get(key)}; この項目は {key}={wanted} の場合のみ）"
        level = self.level_for(item, profile)
        if level in self.not_applicable_levels:
            column = self.level_column.format(**profile.values)
            label = next((c.label for c in self.columns if c.key == column), column)
            return f"対象外（{label} 欄が「{level}」）"
        return None


def load_checklist(path: Path) -> Checklist:
    """Read and validate one checklist file; any problem is an :class:`AuditorError` naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AuditorError("checklist_invalid", path=path, detail=str(exc)) from None
    try:
        return _parse_checklist(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise AuditorError("checklist_invalid", path=path, detail=str(exc)) from None


def _parse_checklist(data: Mapping[str, Any]) -> Checklist:
    columns = tuple(Column(str(c["key"]), str(c["label"])) for c in data["columns"])
    items = tuple(_parse_item(raw) for raw in data["items"])
    ids = [item.id for item in items]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate item ids: {sorted(duplicates)}")
    exemptions = tuple(
        Exemption(
            items=tuple(str(i) for i in raw["items"]),
            when_any=tuple(tuple(str(i) for i in cond) for cond in raw["when_any"]),
            reason=str(raw["reason"]).strip(),
        )
        for raw in data.get("exemptions") or ()
    )
    for exemption in exemptions:
        unknown = [i for i in (*exemption.items, *(i for c in exemption.when_any for i in c)) if i not in ids]
        if unknown:
            raise ValueError(f"exemption refers to unknown items {unknown}")
    return Checklist(
        id=str(data["id"]),
        version=str(data.get("version", "")),
        title=str(data["title"]),
        title_en=str(data.get("title_en", data["title"])),
        source=str(data.get("source", "")),
        columns=columns,
        level_column=str(data.get("level_column", columns[0].key if columns else "")),
        not_applicable_levels=tuple(str(v) for v in data.get("not_applicable_levels") or ()),
        answer_columns=tuple(str(v) for v in data.get("answer_columns") or ("適用状況", "備考")),
        items=items,
        exemptions=exemptions,
        notes=str(data.get("notes") or "").strip(),
        publisher=str(data.get("publisher") or ""),
    )


_ITEM_KEYS = {
    "id", "number", "section", "text", "levels", "basis", "controls", "rationale", "heading", "applies_when",
    "satisfied_by",
}


def _parse_item(raw: Mapping[str, Any]) -> Item:
    item_id = str(raw["id"])
    basis = raw["basis"]
    if basis not in BASES:
        raise ValueError(f"item {item_id}: basis must be one of {BASES}, not {basis!r}")
    controls = tuple(ControlRef(str(c["id"]), str(c.get("coverage", "full"))) for c in raw.get("controls") or ())
    for ref in controls:
        if ref.coverage not in COVERAGES:
            raise ValueError(f"item {item_id}: coverage must be full or partial, not {ref.coverage!r}")
    if basis == "controls" and not controls:
        raise ValueError(f"item {item_id}: basis controls needs at least one control")
    satisfied_by = str(raw.get("satisfied_by", "all"))
    if satisfied_by not in SATISFIED_BY:
        raise ValueError(f"item {item_id}: satisfied_by must be all or any, not {satisfied_by!r}")
    if satisfied_by == "any" and len(controls) < 2:
        raise ValueError(f"item {item_id}: satisfied_by any needs at least two controls")
    return Item(
        id=item_id,
        number=str(raw.get("number", "")),
        section=str(raw.get("section") or ""),
        text=str(raw["text"]).strip(),
        levels={str(k): str(v) for k, v in (raw.get("levels") or {}).items()},
        basis=basis,
        controls=controls,
        rationale=str(raw.get("rationale") or "").strip(),
        heading=str(raw.get("heading") or ""),
        applies_when={str(k): str(v) for k, v in (raw.get("applies_when") or {}).items()},
        extra={k: v for k, v in raw.items() if k not in _ITEM_KEYS},
        satisfied_by=satisfied_by,
    )


def validate_against_controls(checklist: Checklist, control_ids: Iterable[str]) -> None:
    """Every control an item refers to must exist in the catalogue."""
    known = set(control_ids)
    for item in checklist.items:
        missing = [c for c in item.control_ids if c not in known]
        if missing:
            raise AuditorError(
                "checklist_invalid", path=checklist.id, detail=f"item {item.id} refers to unknown controls {missing}"
            )
