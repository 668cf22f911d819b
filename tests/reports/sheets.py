"""Reading a checklist workbook back as a reader sees it: its header (merged cells included) and item rows."""

from __future__ import annotations

CHECKLIST_IDS = [
    "ext-service-requirements", "cloud-service-requirements", "infosec-requirements-annex4",
    "ext-service-selection-criteria", "usage-decision-criteria",
]


def header_range(sheet) -> tuple[int, int]:
    """The first and last header rows: the rows printed on every page; the autofilter sits on the last."""
    first, last = (int(n.strip("$")) for n in sheet.print_title_rows.split(":"))
    ref = sheet.auto_filter.ref
    assert ref, f"{sheet.title} has no autofilter"
    assert int("".join(c for c in ref.split(":")[0] if c.isdigit())) == last
    return first, last


def header_paths(sheet) -> list[tuple[str, ...]]:
    """Each column's header labels from the top, reading merged header cells as covering every column and
    row they span (003: 必須/推奨 → ISMAPに登録されているサービス… → 導入事業者)."""
    first, last = header_range(sheet)
    grid = {(r, c): sheet.cell(r, c).value for r in range(first, last + 1) for c in range(1, sheet.max_column + 1)}
    for merged in sheet.merged_cells.ranges:
        if merged.min_row < first or merged.max_row > last:
            continue
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[(r, c)] = value
    return [tuple(dict.fromkeys(v for r in range(first, last + 1) if (v := grid[(r, c)])))
            for c in range(1, sheet.max_column + 1)]


def column_of(paths, label: str, *, last: bool = False) -> int:
    """The column whose header reads ``label`` as printed flat (its own label, with the groups above it when
    the checklist's label names them); the rightmost one with ``last`` (answer columns follow level columns)."""
    found = [i for i, path in enumerate(paths) if any(" ".join(path[k:]) == label for k in range(len(path)))]
    assert found, f"no column headed {label!r}: {paths}"
    return found[-1] if last else found[0]


def table(sheet):
    """(last header row, each column's own header, data rows) of a sheet, found through its print titles and
    autofilter. A column's own header is its lowest label (merged group labels above it are left out). On a
    checklist sheet the data rows are the item rows (heading and sentence rows have no 項目ID)."""
    first, header_row = header_range(sheet)
    last_row = int("".join(c for c in sheet.auto_filter.ref.split(":")[1] if c.isdigit()))
    headers = []
    for column in range(1, sheet.max_column + 1):
        labels = [sheet.cell(r, column).value for r in range(first, header_row + 1)]
        headers.append(next((v for v in reversed(labels) if v), None))
    rows = [
        [c.value for c in sheet[r]] for r in range(header_row + 1, last_row + 1)
    ]
    id_header = next((h for h in ("項目ID", "Item ID") if h in headers), None)
    if id_header is not None:
        rows = [row for row in rows if row[headers.index(id_header)]]
    return header_row, headers, rows
