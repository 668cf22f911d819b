"""``findings.csv``: one row per finding, every ``results.json`` finding field, UTF-8 with a BOM.

The BOM makes Excel open Japanese text correctly. ``observed`` is compact JSON (secrets redacted).
Two convenience columns follow the contract fields: the status as the sheets print it and the
collection time in JST. A cell an untrusted resource name or tag could turn into a spreadsheet formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as OWASP lists them) is prefixed
with ``'``; only a plain number such as ``-1`` or ``-0.5`` is kept as it is, since it cannot be a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from auditor.model import Finding
from auditor.plugins import ContentPiece, ReportContext
from auditor.redaction import redact
from auditor.serialize import iso
from reports.content import csv_content
from reports.labels import jst, status_text

FILE_NAME = "findings.csv"

#: The results.json finding fields, in contract order.
FIELDS = (
    "check_id", "control_id", "provider", "scope", "region", "resource_type", "resource_id", "resource_name",
    "status", "reason", "observed", "expected", "source", "collected_at",
)
EXTRA_FIELDS = {"ja": ("判定", "取得日時（JST）"), "en": ("status_text", "collected_at_jst")}

_FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?![0-9]+(?:\.[0-9]+)?$))")


def compact_json(value: object) -> str:
    return json.dumps(redact(value), ensure_ascii=False, separators=(",", ":"), default=str)


def safe_cell(text: str) -> str:
    """Keep a spreadsheet from reading a value as a formula."""
    return "'" + text if _FORMULA.match(text) else text


def finding_row(finding: Finding, lang: str) -> list[str]:
    values = [
        finding.check_id, finding.control_id, finding.provider, finding.scope, finding.region,
        finding.resource_type, finding.resource_id, finding.resource_name, finding.status.value,
        finding.reason_in(lang), compact_json(finding.observed), finding.expected_in(lang), finding.source,
        iso(finding.collected_at),
        status_text(finding.status, lang), jst(finding.collected_at),
    ]
    return [safe_cell(v) for v in values]


@dataclass(frozen=True)
class CsvRenderer:
    name: str = "csv"

    def render(self, context: ReportContext, directory: Path) -> list[Path]:
        lang = context.lang if context.lang in EXTRA_FIELDS else "ja"
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([*FIELDS, *EXTRA_FIELDS[lang]])
        writer.writerows(finding_row(f, lang) for f in context.result.findings)
        target = directory / FILE_NAME
        target.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
        return [target]

    def read_content(self, path: Path) -> list[ContentPiece]:
        return csv_content(path)


renderer = CsvRenderer()
