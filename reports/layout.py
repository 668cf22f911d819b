"""Each checklist's own sheet columns, derived from the checklist data plus a little per-sheet knowledge.

Most of a sheet's shape comes from the :class:`~auditor.checklists.Checklist` itself: the printed
requirement-level columns (``columns``) and the answer columns (``answer_columns``). What differs from
sheet to sheet is only how the leading columns are titled (001 says 区分 / 要件, 002 項番 / 区分 /
要件概要, 003 項目 / 要求事項 / 実施基準・実施例 …) and, for 003, that there is one answer column per
role (導入事業者 / 外部サービス提供者) of which the audit profile selects one. A checklist without an
entry here gets a layout built from its data alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auditor.checklists import Checklist, ControlRef, Item
from auditor.model import ChecklistResult

NUMBER, STAGE, HEADING, SECTION, TEXT, EXAMPLE = "number", "stage", "heading", "section", "text", "example"
LEVEL, STATUS, REMARKS, ITEM_ID = "level", "status", "remarks", "item_id"

_WIDTHS = {
    NUMBER: 7, STAGE: 12, HEADING: 16, SECTION: 18, TEXT: 60, EXAMPLE: 40,
    LEVEL: 11, STATUS: 14, REMARKS: 72, ITEM_ID: 14,
}

#: Leading columns per checklist id: (field, Japanese header as printed, English header).
_LEADING: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ext-service-requirements": ((NUMBER, "No", "No."), (TEXT, "セキュリティ対策", "Security measure")),
    "cloud-service-requirements": (
        (NUMBER, "No.", "No."), (SECTION, "区分", "Category"), (TEXT, "要件", "Requirement"),
    ),
    "infosec-requirements-annex4": (
        (NUMBER, "項番", "No."), (HEADING, "大項目", "Group"), (SECTION, "区分", "Category"),
        (TEXT, "要件概要", "Requirement"),
    ),
    "ext-service-selection-criteria": (
        (NUMBER, "No", "No."), (STAGE, "段階", "Stage"), (HEADING, "分類", "Group"), (SECTION, "項目", "Item"),
        (TEXT, "要求事項", "Requirement"), (EXAMPLE, "実施基準・実施例", "Criteria and examples"),
    ),
    "usage-decision-criteria": (
        (NUMBER, "No．", "No."), (HEADING, "大項目", "Group"), (SECTION, "区分", "Category"),
        (TEXT, "要件概要", "Requirement"),
    ),
}

#: Level-column headers that would repeat a leading header on the same sheet.
_LEVEL_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "usage-decision-criteria": {"category": ("対策区分", "Measure group")},
}

_LEVEL_LABELS_EN = {
    "level": "Level",
    "remote": "Remote maintenance",
    "datacenter": "Data centre",
    "cloud": "Cloud service",
    "registered.implementer": "ISMAP-registered: implementer",
    "registered.provider": "ISMAP-registered: service provider",
    "unregistered.implementer": "Not registered: implementer",
    "unregistered.provider": "Not registered: service provider",
}

#: Answer columns that belong to one role of the audit profile (003's two チェック columns).
_ROLE_ANSWERS = {"導入事業者": "implementer", "外部サービス提供者": "provider"}
_ROLE_ANSWERS_EN = {"implementer": "Check: implementer", "provider": "Check: service provider"}


@dataclass(frozen=True)
class SheetColumn:
    """One column of a checklist sheet."""

    field: str
    label_ja: str
    label_en: str
    width: float
    level_key: str = ""  # for LEVEL columns: the checklist column key
    role: str = ""  # for STATUS columns that answer one role only

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en


@dataclass(frozen=True)
class SheetLayout:
    checklist_id: str
    columns: tuple[SheetColumn, ...]
    applied_level_key: str

    def index_of(self, field: str) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.field == field]

    def answers(self, column: SheetColumn, profile: Mapping[str, str]) -> bool:
        """Whether a status column is the one this audit fills (003 fills only the profile's role)."""
        return column.field == STATUS and (not column.role or profile.get("role") == column.role)


def layout_for(checklist: Checklist, profile: Mapping[str, str]) -> SheetLayout:
    leading = _LEADING.get(checklist.id) or _generic_leading(checklist)
    columns = [SheetColumn(f, ja, en, _WIDTHS[f]) for f, ja, en in leading]
    overrides = _LEVEL_LABELS.get(checklist.id, {})
    for column in checklist.columns:
        ja, en = overrides.get(column.key, (column.label, _LEVEL_LABELS_EN.get(column.key, column.label)))
        columns.append(SheetColumn(LEVEL, ja, en, _WIDTHS[LEVEL], level_key=column.key))
    has_remarks = False
    for label in checklist.answer_columns:
        if "備考" in label:
            has_remarks = True
            columns.append(SheetColumn(REMARKS, label, "Remarks (basis)", _WIDTHS[REMARKS]))
        else:
            role = _ROLE_ANSWERS.get(label, "")
            english = _ROLE_ANSWERS_EN[role] if role else "Status"
            columns.append(SheetColumn(STATUS, label, english, _WIDTHS[STATUS], role=role))
    if not any(c.field == STATUS for c in columns):
        columns.append(SheetColumn(STATUS, "適用状況", "Status", _WIDTHS[STATUS]))
    if not has_remarks:
        columns.append(SheetColumn(REMARKS, "備考（監査の根拠）", "Remarks (basis)", _WIDTHS[REMARKS]))
    columns.append(SheetColumn(ITEM_ID, "項目ID", "Item ID", _WIDTHS[ITEM_ID]))
    return SheetLayout(checklist.id, tuple(columns), applied_level_key(checklist, profile))


def applied_level_key(checklist: Checklist, profile: Mapping[str, str]) -> str:
    try:
        return checklist.level_column.format(**profile)
    except (KeyError, IndexError, ValueError):
        return checklist.level_column


def _generic_leading(checklist: Checklist) -> tuple[tuple[str, str, str], ...]:
    fields: list[tuple[str, str, str]] = [(NUMBER, "No", "No.")]
    if any(item.extra.get("stage") for item in checklist.items):
        fields.append((STAGE, "段階", "Stage"))
    if any(item.heading and item.heading != item.section for item in checklist.items):
        fields.append((HEADING, "大項目", "Group"))
    if any(item.section for item in checklist.items):
        fields.append((SECTION, "区分", "Category"))
    fields.append((TEXT, "要件", "Requirement"))
    if any(item.extra.get("example") for item in checklist.items):
        fields.append((EXAMPLE, "実施基準・実施例", "Criteria and examples"))
    return tuple(fields)


def item_field(item: Item, field: str) -> str:
    """The verbatim value of a leading column for one item."""
    if field == NUMBER:
        return item.number
    if field == STAGE:
        return str(item.extra.get("stage") or "")
    if field == HEADING:
        return item.heading
    if field == SECTION:
        return item.section
    if field == TEXT:
        return item.text
    if field == EXAMPLE:
        return str(item.extra.get("example") or "")
    raise ValueError(f"not a leading field: {field}")


def section_groups(checklist: Checklist) -> dict[str, str]:
    """What the HTML section filter groups by: the printed section, carried down over the blank cells
    beneath it (as a merged cell reads), within the same heading; the heading when there is no section."""
    groups: dict[str, str] = {}
    current, current_heading = "", None
    for item in checklist.items:
        heading = item.heading or str(item.extra.get("stage") or "")
        if item.section:
            current = item.section
        elif heading != current_heading:
            current = heading
        current_heading = heading
        groups[item.id] = current
    return groups


def fallback_checklist(result: ChecklistResult) -> Checklist:
    """A bare checklist built from the results when the checklist data is not installed."""
    items = tuple(
        Item(i.item_id, i.item_id, "", "", {}, i.basis, tuple(ControlRef(c, "full") for c in i.control_ids))
        for i in result.items
    )
    return Checklist(result.checklist_id, result.version, result.title, result.title, "", (), "", (),
                     ("適用状況", "備考"), items)
