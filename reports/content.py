"""Reading back what each report shows, so ``auditor verify`` can compare a bundled report with a re-derived one.

- a workbook: every sheet (name, order, hidden or not) and every non-empty cell's value by its
  coordinate — not styles or file metadata;
- ``findings.csv``: every row, cell by cell;
- ``report.html``: the document as a browser parses it — every element with its attributes, every
  text, the embedded data and the script and style that decide what is shown — without the
  per-render nonce and without comments or layout whitespace.

Each raises :class:`ValueError` when the file cannot be read as its format.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from auditor.bundle_files import BundleRefused, check_members
from auditor.plugins import ContentPiece

#: The largest CSV or HTML report read back (a 10,000-finding report is a few tens of MiB).
MAX_TEXT_REPORT_BYTES = 512 * 1024 * 1024
_NONCE = re.compile(r"'nonce-[^']*'")


def _read_text(path: Path, encoding: str) -> str:
    if path.stat().st_size > MAX_TEXT_REPORT_BYTES:
        raise ValueError(f"larger than {MAX_TEXT_REPORT_BYTES // (1024 * 1024)} MiB")
    return path.read_bytes().decode(encoding)


def _cell_text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def workbook_content(path: Path) -> list[ContentPiece]:
    """Every sheet and non-empty cell of an Excel workbook, in order."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_members(archive.infolist(), path.name)
        workbook = load_workbook(path, read_only=True, data_only=False)
    except BundleRefused as refused:
        raise ValueError(refused.en) from None
    except Exception as exc:  # openpyxl raises many types for a damaged workbook; all mean "not readable"
        raise ValueError(f"not a readable workbook ({type(exc).__name__}: {exc})") from None
    try:
        pieces = []
        for sheet in workbook.worksheets:
            pieces.append(ContentPiece(f"[sheet {sheet.sheet_state}]", sheet=sheet.title))
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None and cell.value != "":
                        pieces.append(ContentPiece(_cell_text(cell.value), sheet=sheet.title, cell=cell.coordinate))
        return pieces
    except Exception as exc:  # a damaged sheet part surfaces only while its rows are read
        raise ValueError(f"not a readable workbook ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()


def csv_content(path: Path) -> list[ContentPiece]:
    """Every row of a CSV report (UTF-8, with or without a BOM)."""
    try:
        rows = csv.reader(io.StringIO(_read_text(path, "utf-8-sig"), newline=""))
        return [ContentPiece(json.dumps(row, ensure_ascii=False), row=n) for n, row in enumerate(rows, start=1)]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"not a readable CSV file ({exc})") from None


class _Document(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[ContentPiece] = []

    def _add(self, value: str) -> None:
        self.pieces.append(ContentPiece(value, line=self.getpos()[0]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = sorted((name, _NONCE.sub("'nonce'", value or "")) for name, value in attrs if name != "nonce")
        self._add("<" + " ".join([tag, *(f'{name}="{value}"' for name, value in kept)]) + ">")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._add(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text:
            self._add(text)


def html_content(path: Path) -> list[ContentPiece]:
    """The parsed document of an HTML report: elements, attributes and texts, in order."""
    try:
        document = _Document()
        document.feed(_read_text(path, "utf-8"))
        document.close()
    except UnicodeDecodeError as exc:
        raise ValueError(f"not a readable HTML file ({exc})") from None
    return document.pieces
