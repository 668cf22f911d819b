"""The control catalogue (DESIGN §3): cloud-neutral requirements with stable ids.

Loaded from ``auditor/data/controls.yaml``. A control is decided per provider by that provider's
checks; a control marked ``inherited`` (third-party certification) is answered by the provider's
certification rather than by checks. A control with an ``absence`` note is one whose checks read only
some of the resource kinds it concerns; when none of those kinds exists the control needs review.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from auditor.yaml_data import load_yaml


@dataclass(frozen=True)
class Control:
    id: str
    title_ja: str
    title_en: str
    passes_ja: str
    passes_en: str
    inherited: bool = False
    #: set when the checks cover only some of the resource kinds the control concerns: finding none of
    #: them then means 要確認 with this reason, not 対象外
    absence_ja: str = ""
    absence_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en

    def passes(self, lang: str) -> str:
        return self.passes_ja if lang == "ja" else self.passes_en


def load_controls() -> dict[str, Control]:
    """Every control of the catalogue by id, in catalogue order."""
    text = resources.files("auditor").joinpath("data/controls.yaml").read_text(encoding="utf-8")
    return {entry["id"]: Control(**entry) for entry in load_yaml(text)}
