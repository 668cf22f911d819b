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
from auditor.model import in_language
from auditor.profile_words import ProfileCondition
from auditor.yaml_data import load_yaml

BASES = ("controls", "inherited", "manual")
COVERAGES = ("full", "partial")
# How an item's controls combine: ``all`` — every control must hold (the default); ``any`` — the
# item's own text is met by any one of several measures ("WAF 又は IDS 等").
SATISFIED_BY = ("all", "any")

PROFILE_CHOICES: dict[str, tuple[str, ...]] = {
    "usage": ("cloud", "datacenter", "remote"),
    "ismap": ("unregistered", "registered"),
    "role": ("provider", "implementer", "both"),
    "confidentiality": ("2plus", "below"),
    "internet_pc": ("no", "yes"),
}
#: Free-text profile fields: what the sheets' fill-in blocks print (001's service name, provider name and who
#: filled it in). Any non-empty text; they never decide which items or level columns apply.
PROFILE_TEXT_FIELDS: tuple[str, ...] = ("service_name", "provider_name", "respondent")
#: Profile values that stand for several at once: a vendor who both builds and operates the service
#: answers for both roles (an item applies when it applies to either; the stricter level wins).
PROFILE_EXPANSIONS: dict[tuple[str, str], tuple[str, ...]] = {("role", "both"): ("implementer", "provider")}


@dataclass(frozen=True)
class Profile:
    """How the audited service is used; selects level columns and applicability (first value = default)."""

    values: Mapping[str, str] = field(default_factory=lambda: {k: v[0] for k, v in PROFILE_CHOICES.items()})

    @classmethod
    def from_options(cls, options: Iterable[str]) -> Profile:
        """Build from ``key=value`` strings, validating keys and values (a text field takes any non-empty text,
        ``service_name=住民サービス基盤``)."""
        values = {key: choices[0] for key, choices in PROFILE_CHOICES.items()}
        for option in options:
            key, sep, value = option.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or (key not in PROFILE_CHOICES and key not in PROFILE_TEXT_FIELDS):
                raise AuditorError("bad_profile_option", option=option,
                                   detail=f"keys: {', '.join([*PROFILE_CHOICES, *PROFILE_TEXT_FIELDS])}")
            if key in PROFILE_TEXT_FIELDS:
                if not value:
                    raise AuditorError("bad_profile_option", option=option, detail=f"{key}: any non-empty text")
                values[key] = value
                continue
            if value not in PROFILE_CHOICES[key]:
                raise AuditorError(
                    "bad_profile_option", option=option, detail=f"{key}: {' | '.join(PROFILE_CHOICES[key])}"
                )
            values[key] = value
        return cls(values)

    def alternatives(self) -> tuple[Mapping[str, str], ...]:
        """The plain profiles this one stands for (``role=both`` → implementer and provider), in order."""
        combos: list[dict[str, str]] = [dict(self.values)]
        for (key, value), expanded in PROFILE_EXPANSIONS.items():
            if self.values.get(key) == value:
                combos = [{**combo, key: one} for combo in combos for one in expanded]
        return tuple(combos)


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
    printed_before: str = ""  # the item the sheet prints the sentence above, as a row of its own


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
    #: the same rationale in English, shown instead of ``rationale`` when the output is in English
    rationale_en: str = ""
    heading: str = ""
    applies_when: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    satisfied_by: str = "all"
    #: the profile value this item's answer states (001 1.1: the service is ISMAP-registered → ismap=registered)
    answers_profile: Mapping[str, str] = field(default_factory=dict)

    @property
    def control_ids(self) -> tuple[str, ...]:
        return tuple(ref.id for ref in self.controls)

    @property
    def coverage(self) -> str:
        """``full`` only when every referenced control covers the item fully."""
        return "full" if self.controls and all(r.coverage == "full" for r in self.controls) else "partial"

    def rationale_in(self, lang: str) -> str:
        """The rationale in the output language: ``rationale_en`` in English, ``rationale`` otherwise."""
        return in_language(self.rationale, self.rationale_en, lang)


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
    #: the printed levels, strictest first: with ``role=both`` the stricter of the two columns applies
    level_order: tuple[str, ...] = ()
    #: the English sheet name, within Excel's 31 characters (else ``title_en`` shortened by whole words)
    sheet_title_en: str = ""
    #: profile conditions for the whole sheet (001 applies only to information of confidentiality class 2+)
    applies_when: Mapping[str, str] = field(default_factory=dict)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def level_keys(self, profile: Profile) -> tuple[str, ...]:
        """The level columns this profile selects (two for ``role=both`` on 003), in print order."""
        keys = []
        for values in profile.alternatives():
            try:
                key = self.level_column.format(**values)
            except (KeyError, IndexError, ValueError):
                key = self.level_column
            if key not in keys:
                keys.append(key)
        return tuple(keys)

    def level_for(self, item: Item, profile: Profile) -> str:
        """The requirement level printed in the column this profile selects; of several, the strictest."""
        levels = [str(item.levels.get(key, "")) for key in self.level_keys(profile)]
        return min(levels, key=self._strictness)

    def _strictness(self, level: str) -> int:
        """Sort key: listed levels in their order, then unlisted ones, then "does not apply" and blank."""
        if level in self.level_order:
            return self.level_order.index(level)
        if level in self.not_applicable_levels or not level:
            return len(self.level_order) + 1
        return len(self.level_order)

    def not_applicable_reason(self, item: Item, profile: Profile, lang: str = "ja") -> str | None:
        """Why the item does not apply to this profile, or None when it applies (to any role it stands for).

        The profile's condition is said in plain words (:mod:`auditor.profile_words`); in English the
        column's label and its value stay as the sheet prints them."""
        ja = lang != "en"
        alternatives = profile.alternatives()
        for whole_checklist, conditions in ((True, self.applies_when), (False, item.applies_when)):
            for key, wanted in conditions.items():
                if all(values.get(key) != wanted for values in alternatives):
                    condition = ProfileCondition(key, wanted, str(profile.values.get(key)), whole_checklist)
                    return condition.not_applicable("ja" if ja else "en")
        level = self.level_for(item, profile)
        if level in self.not_applicable_levels:
            keys = self.level_keys(profile)
            label = "・".join(next((c.label for c in self.columns if c.key == key), key) for key in keys)
            return f"対象外（{label} 欄が「{level}」）" if ja else f"Not applicable (column {label} reads “{level}”)"
        return None


def load_checklist(path: Path) -> Checklist:
    """Read and validate one checklist file; any problem is an :class:`AuditorError` naming the file."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
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
            printed_before=str(raw.get("printed_before") or ""),
        )
        for raw in data.get("exemptions") or ()
    )
    for exemption in exemptions:
        named = (*exemption.items, *(i for c in exemption.when_any for i in c),
                 *((exemption.printed_before,) if exemption.printed_before else ()))
        unknown = [i for i in named if i not in ids]
        if unknown:
            raise ValueError(f"exemption refers to unknown items {unknown}")
    sheet_title_en = str(data.get("sheet_title_en") or "")
    if len(sheet_title_en) > 31 or any(c in sheet_title_en for c in "[]:*?/\\"):
        raise ValueError(f"sheet_title_en {sheet_title_en!r}: at most 31 characters, none of [ ] : * ? / \\")
    return Checklist(
        id=str(data["id"]),
        version=str(data.get("version", "")),
        title=str(data["title"]),
        title_en=str(data.get("title_en", data["title"])),
        sheet_title_en=sheet_title_en,
        source=str(data.get("source", "")),
        columns=columns,
        level_column=str(data.get("level_column", columns[0].key if columns else "")),
        not_applicable_levels=tuple(str(v) for v in data.get("not_applicable_levels") or ()),
        answer_columns=tuple(str(v) for v in data.get("answer_columns") or ("適用状況", "備考")),
        items=items,
        exemptions=exemptions,
        notes=str(data.get("notes") or "").strip(),
        publisher=str(data.get("publisher") or ""),
        level_order=tuple(str(v) for v in data.get("level_order") or ()),
        applies_when={str(k): str(v) for k, v in (data.get("applies_when") or {}).items()},
    )


_ITEM_KEYS = {
    "id", "number", "section", "text", "levels", "basis", "controls", "rationale", "rationale_en", "heading",
    "applies_when", "satisfied_by", "answers_profile",
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
    answers_profile = {str(k): str(v) for k, v in (raw.get("answers_profile") or {}).items()}
    rationale = str(raw.get("rationale") or "").strip()
    rationale_en = str(raw.get("rationale_en") or "").strip()
    if bool(rationale) != bool(rationale_en):
        raise ValueError(f"item {item_id}: rationale and rationale_en go together, one for each language")
    for key, value in answers_profile.items():
        if value not in PROFILE_CHOICES.get(key, ()):
            raise ValueError(f"item {item_id}: answers_profile {key}={value} is not a profile value")
    return Item(
        id=item_id,
        number=str(raw.get("number", "")),
        section=str(raw.get("section") or ""),
        text=str(raw["text"]).strip(),
        levels={str(k): str(v) for k, v in (raw.get("levels") or {}).items()},
        basis=basis,
        controls=controls,
        rationale=rationale,
        rationale_en=rationale_en,
        heading=str(raw.get("heading") or ""),
        applies_when={str(k): str(v) for k, v in (raw.get("applies_when") or {}).items()},
        extra={k: v for k, v in raw.items() if k not in _ITEM_KEYS},
        satisfied_by=satisfied_by,
        answers_profile=answers_profile,
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
