"""Each checklist's own sheet, derived from the checklist data plus a little per-sheet knowledge.

Most of a sheet's shape comes from the :class:`~auditor.checklists.Checklist` itself: the printed
requirement-level columns (``columns``) and the answer columns (``answer_columns``). What differs from
sheet to sheet is kept here, as the seeds print it:

- how the leading columns are titled (001 says 区分 / 要件, 002 項番 / 区分 / 要件概要, 003 項目 /
  要求事項 / 実施基準・実施例 …);
- the merged header cells above the columns (003: 必須/推奨 → ISMAP登録済/未登録 → 導入事業者/外部サービス
  提供者, and チェック over its two role columns; 001: 取扱情報が自治体機密性2以上の場合 over 要否 / 適用状況 /
  備考);
- the heading rows printed as rows across the sheet (002 and 004 大項目, 003 stages and groups), and the
  rows printed before the first item (001's title row); exemption sentences printed as rows come from the
  checklist data (``printed_before``);
- 001's fill-in block (外部サービス(クラウドサービス)名称, 提供者名称, 記入日, 記入者).

For 003 there is one answer column per role (導入事業者 / 外部サービス提供者); the audit profile selects
one, or both with ``role=both``. A checklist without an entry here gets a layout built from its data alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as data_field
from string import Formatter

from auditor.checklists import Checklist, ControlRef, Item, Profile
from auditor.model import ChecklistResult
from reports.labels import PROFILE_LABELS, PROFILE_VALUES, text

NUMBER, STAGE, HEADING, SECTION, TEXT, EXAMPLE = "number", "stage", "heading", "section", "text", "example"
LEVEL, STATUS, REMARKS, ITEM_ID = "level", "status", "remarks", "item_id"

_WIDTHS = {
    NUMBER: 7, STAGE: 12, HEADING: 16, SECTION: 18, TEXT: 60, EXAMPLE: 40,
    LEVEL: 11, STATUS: 14, REMARKS: 80, ITEM_ID: 11,
}

#: Leading columns per checklist id: (field, Japanese header as printed, English header).
_LEADING: dict[str, tuple[tuple[str, str, str], ...]] = {
    "ext-service-requirements": ((NUMBER, "No", "No."), (TEXT, "セキュリティ対策", "Security measure")),
    "cloud-service-requirements": (
        (NUMBER, "No.", "No."), (SECTION, "区分", "Category"), (TEXT, "要件", "Requirement"),
    ),
    "infosec-requirements-annex4": (
        (NUMBER, "項番", "No."), (SECTION, "区分", "Category"), (TEXT, "要件概要", "Requirement"),
    ),
    "ext-service-selection-criteria": (
        (NUMBER, "No", "No."), (SECTION, "項目", "Item"), (TEXT, "要求事項", "Requirement"),
        (EXAMPLE, "実施基準・実施例", "Criteria and examples"),
    ),
    "usage-decision-criteria": (
        (NUMBER, "No．", "No."), (SECTION, "区分", "Category"), (TEXT, "要件概要", "Requirement"),
    ),
}

#: Column widths that differ from the defaults, so that a wide sheet still prints legibly on one A4 width.
_WIDTH_OVERRIDES: dict[str, dict[str, float]] = {
    "ext-service-selection-criteria": {SECTION: 13, TEXT: 42, EXAMPLE: 30, LEVEL: 9, STATUS: 10, REMARKS: 64},
    "infosec-requirements-annex4": {LEVEL: 9, REMARKS: 72},
}

#: Item fields the seed prints as heading rows across the sheet (when they change), outermost first.
_ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "infosec-requirements-annex4": (HEADING,),
    "ext-service-selection-criteria": (STAGE, HEADING),
    "usage-decision-criteria": (HEADING,),
}

#: A heading row's text where the seed prints more than the item data keeps (003's stage rows).
_ROW_TEXTS: dict[str, dict[str, str]] = {
    "ext-service-selection-criteria": {
        "選定基準": "選定基準 (一般的な情報セキュリティ要件)",
        "導入・構築時": "導入・構築時の要件",
        "更改・廃棄時": "更改・廃棄時の要件",
    },
}

#: Rows the seed prints above the first item (001's title row), taken from the checklist's notes.
_LEAD_ROWS: dict[str, tuple[str, ...]] = {
    "cloud-service-requirements": ("1.外部サービス(クラウドサービス)要件(自治体機密性2以上)",),
}

#: Merged header cells above columns, outermost first: (Japanese as printed, English). Keyed by the
#: level-column key, or by the answer-column label as printed.
_Group = tuple[tuple[str, str], ...]
_REGISTERED = ("ISMAPに登録されているサービス (ガバメントクラウド、LGWAN-ASPを含む)",
               "ISMAP-registered service (incl. Government Cloud, LGWAN-ASP)")
_UNREGISTERED = ("ISMAPに登録されていない外部サービス", "External service not registered in ISMAP")
_LEVEL_GROUP = ("必須/推奨", "Required / recommended")
_CHECK_GROUP = ("チェック", "Check")
_CLASS2 = ("取扱情報が自治体機密性2以上の場合", "Information of municipal confidentiality class 2 or above")
_GROUPS: dict[str, dict[str, _Group]] = {
    "ext-service-selection-criteria": {
        "registered.implementer": (_LEVEL_GROUP, _REGISTERED),
        "registered.provider": (_LEVEL_GROUP, _REGISTERED),
        "unregistered.implementer": (_LEVEL_GROUP, _UNREGISTERED),
        "unregistered.provider": (_LEVEL_GROUP, _UNREGISTERED),
        "導入事業者": (_CHECK_GROUP,),
        "外部サービス提供者": (_CHECK_GROUP,),
    },
    "cloud-service-requirements": {
        "level": (_CLASS2,), "適用状況": (_CLASS2,), "備考(適用状況の根拠を記入してください。)": (_CLASS2,),
    },
}
#: Level-column headers under a merged group (the group says the rest of the flattened label).
_SHORT_LEVEL_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "ext-service-selection-criteria": {
        "registered.implementer": ("導入事業者", "Implementer"),
        "registered.provider": ("外部サービス提供者", "Service provider"),
        "unregistered.implementer": ("導入事業者", "Implementer"),
        "unregistered.provider": ("外部サービス提供者", "Service provider"),
    },
}

#: Fill-in fields the seed prints above its table (001), in print order: (key, Japanese, English).
FORM_NAME, FORM_VENDOR, FORM_DATE, FORM_WRITER = "service_name", "vendor_name", "date", "writer"
_FORMS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "cloud-service-requirements": (
        (FORM_NAME, "外部サービス(クラウドサービス)名称", "External (cloud) service name"),
        (FORM_DATE, "記入日", "Date filled in"),
        (FORM_VENDOR, "外部サービス(クラウドサービス)提供者名称", "External (cloud) service provider"),
        (FORM_WRITER, "記入者", "Filled in by"),
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
_ROLE_LABELS_EN = {"implementer": "Implementer", "provider": "Service provider"}


@dataclass(frozen=True)
class SheetColumn:
    """One column of a checklist sheet."""

    field: str
    label_ja: str
    label_en: str
    width: float
    level_key: str = ""  # for LEVEL columns: the checklist column key
    role: str = ""  # for STATUS columns that answer one role only
    groups: tuple[tuple[str, str], ...] = ()  # merged header cells above the label, outermost first

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en

    def header_path(self, lang: str) -> tuple[str, ...]:
        """The header cells of this column from the top: its groups, then its own label."""
        return (*(ja if lang == "ja" else en for ja, en in self.groups), self.label(lang))


@dataclass(frozen=True)
class FormField:
    """One fill-in field printed above the table (001's 名称 / 記入日 …)."""

    key: str
    label_ja: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en


@dataclass(frozen=True)
class BodyRow:
    """One row under the header: an item, a heading row across the sheet, or a printed sentence."""

    kind: str  # "item" | "heading" | "note"
    text: str = ""
    item: Item | None = None


@dataclass(frozen=True)
class SheetLayout:
    checklist_id: str
    columns: tuple[SheetColumn, ...]
    applied_level_keys: tuple[str, ...]
    row_fields: tuple[str, ...] = ()
    lead_rows: tuple[str, ...] = ()
    form: tuple[FormField, ...] = ()
    #: notes printed right under a heading row, as the seed prints them (004's ② heading and its note)
    heading_notes: Mapping[str, tuple[str, ...]] = data_field(default_factory=dict)

    @property
    def applied_level_key(self) -> str:
        return self.applied_level_keys[0] if self.applied_level_keys else ""

    @property
    def header_depth(self) -> int:
        return max((len(c.groups) + 1 for c in self.columns), default=1)

    def index_of(self, field: str) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.field == field]

    def is_applied(self, column: SheetColumn) -> bool:
        """Whether a level column is one the audit profile selects."""
        return column.field == LEVEL and column.level_key in self.applied_level_keys

    def applied_sentence(self, checklist: Checklist, profile: Mapping[str, str], lang: str) -> str:
        """Which of the seed's level columns was applied, and why: the profile answers its name is chosen by
        (``{ismap}.{role}`` → ismap and role), or that the sheet has only the one column."""
        applied, label = [c for c in self.columns if self.is_applied(c)], text("applied_column", lang)
        if lang == "ja":
            names = "・".join(f"「{' '.join(c.header_path('ja'))}」" for c in applied) or "-"
        else:
            printed = {c.key: c.label for c in checklist.columns}  # the seed's own words, as in its data
            names = " / ".join(f'"{" – ".join(c.header_path("en"))}" (printed as 「{printed.get(c.level_key, "")}」)'
                               for c in applied) or "-"
        keys = [key for _, key, _, _ in Formatter().parse(checklist.level_column) if key]
        if not keys:
            if lang == "ja":
                return f"{label}: {names}（この表の要否欄はこの 1 列で、監査プロファイルによらない）"
            return f"{label}: {names}, the sheet's only level column, whatever the audit profile"
        chosen = {k: PROFILE_LABELS.get(k, (k, k)) for k in keys}
        answered = [(key, str(profile.get(key, "")), chosen[key]) for key in keys]
        if lang == "ja":
            because = "、".join(f"{ja}: {PROFILE_VALUES.get(v, (v, v))[0]}（{k}={v}）" for k, v, (ja, _) in answered)
            return f"{label}: {names}（監査プロファイル「{because}」による）"
        because = "; ".join(f"{en}: {PROFILE_VALUES.get(v, (v, v))[1]} ({k}={v})" for k, v, (_, en) in answered)
        return f"{label}: {names}, chosen by the audit profile's answers: {because}"

    def answers(self, column: SheetColumn, profile: Mapping[str, str]) -> bool:
        """Whether a status column is one this audit fills (003 fills the profile's role, or both)."""
        if column.field != STATUS:
            return False
        roles = {values.get("role") for values in Profile(dict(profile)).alternatives()}
        return not column.role or column.role in roles

    def placed_texts(self) -> set[str]:
        """Texts of the checklist's notes that this layout prints inside the table, not above it."""
        placed = set(self.lead_rows) | set(self.heading_notes)
        placed.update(note for notes in self.heading_notes.values() for note in notes)
        for column in self.columns:
            placed.update(ja for ja, _ in column.groups)
        return placed


def layout_for(checklist: Checklist, profile: Mapping[str, str]) -> SheetLayout:
    leading = _LEADING.get(checklist.id) or _generic_leading(checklist)
    groups = _GROUPS.get(checklist.id, {})
    widths = {**_WIDTHS, **_WIDTH_OVERRIDES.get(checklist.id, {})}
    columns = [SheetColumn(f, ja, en, widths[f]) for f, ja, en in leading]
    overrides = {**_LEVEL_LABELS.get(checklist.id, {}), **_SHORT_LEVEL_LABELS.get(checklist.id, {})}
    for column in checklist.columns:
        ja, en = overrides.get(column.key, (column.label, _LEVEL_LABELS_EN.get(column.key, column.label)))
        columns.append(SheetColumn(LEVEL, ja, en, widths[LEVEL], level_key=column.key,
                                   groups=groups.get(column.key, ())))
    has_remarks = False
    for label in checklist.answer_columns:
        if "備考" in label:
            has_remarks = True
            columns.append(SheetColumn(REMARKS, label, "Remarks (basis)", widths[REMARKS],
                                       groups=groups.get(label, ())))
        else:
            role = _ROLE_ANSWERS.get(label, "")
            english = _ROLE_ANSWERS_EN[role] if role else "Status"
            if role and groups.get(label):
                english = _ROLE_LABELS_EN[role]
            columns.append(SheetColumn(STATUS, label, english, widths[STATUS], role=role,
                                       groups=groups.get(label, ())))
    if not any(c.field == STATUS for c in columns):
        columns.append(SheetColumn(STATUS, "適用状況", "Status", widths[STATUS]))
    if not has_remarks:
        columns.append(SheetColumn(REMARKS, "備考（監査の根拠）", "Remarks (basis)", widths[REMARKS]))
    columns.append(SheetColumn(ITEM_ID, "項目ID", "Item ID", widths[ITEM_ID]))
    return SheetLayout(
        checklist.id, tuple(columns), applied_level_keys(checklist, profile),
        row_fields=_ROW_FIELDS.get(checklist.id, ()),
        lead_rows=_LEAD_ROWS.get(checklist.id, ()),
        form=tuple(FormField(*f) for f in _FORMS.get(checklist.id, ())),
        heading_notes=_heading_notes(checklist, _ROW_FIELDS.get(checklist.id, ())),
    )


def _heading_notes(checklist: Checklist, row_fields: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The checklist's note lines that repeat a heading printed as a row, with the bracketed lines after each
    (004: ②インターネットパソコン方式(原則禁止） and （インターネット環境にあるパソコンについて…）)."""
    headings = {item_field(item, f) for item in checklist.items for f in row_fields} - {""}
    lines, notes = [line.strip() for line in checklist.notes.splitlines()], {}
    for n, line in enumerate(lines):
        if line in headings:
            after = lines[n + 1:n + 2]
            notes[line] = tuple(x for x in after if x.startswith("（"))
    return notes


def applied_level_keys(checklist: Checklist, profile: Mapping[str, str]) -> tuple[str, ...]:
    """The level columns this profile selects (two for ``role=both`` on 003)."""
    return checklist.level_keys(Profile(dict(profile)))


def role_level(checklist: Checklist, item: Item, role: str, profile: Mapping[str, str]) -> str:
    """The level an item has for one role under this profile's other answers (003's チェック columns)."""
    try:
        key = checklist.level_column.format(**{**profile, "role": role})
    except (KeyError, IndexError, ValueError):
        key = checklist.level_column
    return str(item.levels.get(key, ""))


def body_rows(checklist: Checklist, sheet: SheetLayout) -> list[BodyRow]:
    """The rows under the header, as the seed prints them: lead rows, heading rows when a heading changes,
    written exemption sentences above the item they are printed before, then the item."""
    rows = [BodyRow("heading", text) for text in sheet.lead_rows]
    notes_before: dict[str, list[str]] = {}
    for exemption in checklist.exemptions:
        if exemption.printed_before:
            notes_before.setdefault(exemption.printed_before, []).append(exemption.reason)
    texts = _ROW_TEXTS.get(checklist.id, {})
    current: dict[str, str] = {}
    for item in checklist.items:
        changed = False
        for field in sheet.row_fields:
            value = item_field(item, field)
            if changed or current.get(field) != value:
                changed = True
                current[field] = value
                if value:
                    rows.append(BodyRow("heading", texts.get(value, value)))
                    rows.extend(BodyRow("note", note) for note in sheet.heading_notes.get(value, ()))
        rows.extend(BodyRow("note", text) for text in notes_before.get(item.id, ()))
        rows.append(BodyRow("item", item=item))
    return rows


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
