"""Re-deriving a bundle's reports from its ``results.json`` and comparing what each one shows.

Every installed renderer renders the bundle's results again (in the bundle's language, with the
previous run it was compared with) into a temporary folder; each bundled report is then compared
with its re-derived twin through the renderer's :class:`~auditor.plugins.ContentReader` — cell values
per sheet, CSV rows, the parsed HTML — never bytes. The first difference is named (file, sheet, cell
or row). A bundled file no installed renderer writes, or whose renderer cannot read content back, is
reported as not re-derivable: it is never trusted.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

from auditor.plugins import ContentPiece, ContentReader, ReportContext
from auditor.run import Catalogue
from auditor.serialize import results_from_dict
from auditor.unreadable import details_of_snapshot

#: How many characters of a differing value are shown on each side of the first changed character.
CONTEXT_CHARS = 40


@dataclass(frozen=True)
class ContentDifference:
    """The first place where a bundled report shows something its re-derived twin does not."""

    file: str
    piece: ContentPiece
    recorded: str | None  # None: the bundled report has nothing there
    rederived: str | None  # None: the re-derived report has nothing there

    def where(self, lang: str) -> str:
        p = self.piece
        if p.cell:
            return f"シート「{p.sheet}」のセル {p.cell}" if lang == "ja" else f"sheet '{p.sheet}', cell {p.cell}"
        if p.sheet:
            return f"シート「{p.sheet}」" if lang == "ja" else f"sheet '{p.sheet}'"
        if p.row:
            return f"{p.row} 行目" if lang == "ja" else f"row {p.row}"
        if p.line:
            return f"{p.line} 行目付近" if lang == "ja" else f"near line {p.line}"
        return "先頭" if lang == "ja" else "start"

    def text(self, lang: str) -> str:
        if lang == "ja":
            recorded = "（なし）" if self.recorded is None else f"「{self.recorded}」"
            rederived = "（なし）" if self.rederived is None else f"「{self.rederived}」"
            return (f"{self.file}: 再生成した内容と異なります"
                    f"（{self.where(lang)}: 記録 {recorded} ／ 再生成 {rederived}）")
        recorded = "(absent)" if self.recorded is None else f"'{self.recorded}'"
        rederived = "(absent)" if self.rederived is None else f"'{self.rederived}'"
        return f"{self.file}: differs from the re-derived report ({self.where(lang)}: bundle {recorded} / " \
               f"re-derived {rederived})"


@dataclass(frozen=True)
class Rederived:
    """What re-deriving the bundle's reports found."""

    matched: tuple[str, ...] = ()
    differences: tuple[ContentDifference, ...] = ()
    unreadable: tuple[tuple[str, str], ...] = ()  # (file, why) for bundled reports that are not what they claim
    not_rederivable: tuple[tuple[str, str], ...] = ()  # (file, why) for files nothing could re-derive


def _excerpt(a: str, b: str) -> tuple[str, str]:
    """Both values around their first differing character."""
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    begin = max(0, start - CONTEXT_CHARS)

    def cut(text: str) -> str:
        piece = text[begin:start + CONTEXT_CHARS]
        return ("…" if begin else "") + piece + ("…" if start + CONTEXT_CHARS < len(text) else "")

    return cut(a), cut(b)


def first_difference(name: str, recorded: Sequence[ContentPiece], rederived: Sequence[ContentPiece]
                     ) -> ContentDifference | None:
    for left, right in zip_longest(recorded, rederived):
        if left == right:
            continue
        if left is None:
            return ContentDifference(name, right, None, _excerpt("", right.value)[1])
        if right is None:
            return ContentDifference(name, left, _excerpt(left.value, "")[0], None)
        place = left if (left.sheet, left.cell, left.row, left.line) != ("", "", 0, 0) else right
        if left.value == right.value:  # same value in another place: a moved sheet, row or cell
            return ContentDifference(name, place, left.value, f"{right.value} @ {_place(right)}")
        a, b = _excerpt(left.value, right.value)
        return ContentDifference(name, place, a, b)
    return None


def _place(piece: ContentPiece) -> str:
    return (piece.cell and f"{piece.sheet}!{piece.cell}") or piece.sheet or str(piece.row or piece.line)


def rederive(
    catalogue: Catalogue,
    root: Path,
    reports: Sequence[str],
    results: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    lang: str,
    snapshot: Mapping[str, Any] | None = None,
) -> Rederived:
    """Re-render every installed format from ``results`` (and the unreadable details of ``snapshot``) and
    compare each bundled report in ``reports``."""
    result = results_from_dict(results)
    before = results_from_dict(previous) if previous is not None else None
    used = {c.checklist_id: catalogue.checklists[c.checklist_id] for c in result.checklists
            if c.checklist_id in catalogue.checklists}
    details = details_of_snapshot(snapshot) if isinstance(snapshot, Mapping) else ()
    context = ReportContext(result, catalogue.controls, used, lang, before, root / "snapshot.json", details)
    matched: list[str] = []
    differences: list[ContentDifference] = []
    unreadable: list[tuple[str, str]] = []
    owners: dict[str, tuple[Any, Path]] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="auditor-rederive-") as scratch:
        for name, renderer in catalogue.renderers.items():
            folder = Path(scratch) / name
            folder.mkdir()
            try:
                for path in renderer.render(context, folder):
                    owners[path.relative_to(folder).as_posix()] = (renderer, path)
            except Exception as exc:  # a renderer that fails on the bundle's data leaves its files unverified
                failures[name] = f"{type(exc).__name__}: {exc}"
        not_rederivable: list[tuple[str, str]] = []
        for name in reports:
            if name not in owners:
                why = "; ".join(f"{fmt}: {err}" for fmt, err in failures.items()) or "no installed report format"
                not_rederivable.append((name, why))
                continue
            renderer, twin = owners[name]
            if not isinstance(renderer, ContentReader):
                not_rederivable.append((name, f"the {renderer.name} renderer cannot read its content back"))
                continue
            try:
                bundled = renderer.read_content(root / name)
            except (ValueError, OSError) as exc:
                unreadable.append((name, str(exc)))
                continue
            difference = first_difference(name, bundled, renderer.read_content(twin))
            if difference is None:
                matched.append(name)
            else:
                differences.append(difference)
    return Rederived(tuple(matched), tuple(differences), tuple(unreadable), tuple(not_rederivable))
