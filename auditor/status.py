"""Statuses of findings, controls and checklist items, with their Japanese sheet symbols (DESIGN §5)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """One verdict. Findings and controls use the first four; items use all of them."""

    PASS = "PASS"  # noqa: S105 - a status name, not a password
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    PARTIAL = "PARTIAL"
    MANUAL = "MANUAL"
    ATTESTED = "ATTESTED"
    INHERITED = "INHERITED"

    @property
    def symbol(self) -> str:
        """The mark a municipal sheet uses (○, ×, △, ?, －) or the word when the sheet has none."""
        return _SYMBOLS[self]

    @property
    def label_ja(self) -> str:
        return _LABELS_JA[self]

    @property
    def label_en(self) -> str:
        return _LABELS_EN[self]

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en

    @property
    def sheet_value(self) -> str:
        """What goes in the sheet's 適用状況 cell, e.g. ``○ 適合`` or ``要確認``."""
        symbol = self.symbol
        return f"{symbol} {self.label_ja}" if symbol != self.label_ja else symbol

    @classmethod
    def from_sheet_value(cls, value: str) -> Status:
        """Reverse of :attr:`sheet_value` (also accepts the bare symbol, label or English name)."""
        text = (value or "").strip()
        for status in cls:
            if text in {status.sheet_value, status.symbol, status.label_ja, status.value, status.label_en}:
                return status
        raise ValueError(f"not a status: {value!r}")


_SYMBOLS = {
    Status.PASS: "○",
    Status.FAIL: "×",
    Status.PARTIAL: "△",
    Status.UNKNOWN: "?",
    Status.MANUAL: "要確認",
    Status.ATTESTED: "申告",
    Status.INHERITED: "継承",
    Status.NOT_APPLICABLE: "－",
}

_LABELS_JA = {
    Status.PASS: "適合",
    Status.FAIL: "不適合",
    Status.PARTIAL: "一部適合",
    Status.UNKNOWN: "確認不能",
    Status.MANUAL: "要確認",
    Status.ATTESTED: "申告",
    Status.INHERITED: "継承",
    Status.NOT_APPLICABLE: "対象外",
}

_LABELS_EN = {
    Status.PASS: "Pass",
    Status.FAIL: "Fail",
    Status.PARTIAL: "Partial",
    Status.UNKNOWN: "Unknown",
    Status.MANUAL: "Needs answer",
    Status.ATTESTED: "Attested",
    Status.INHERITED: "Inherited",
    Status.NOT_APPLICABLE: "Not applicable",
}
