"""Sheet names fit Excel's 31 characters without cutting a word, are unique, and are in the report's language."""

from __future__ import annotations

import re

import pytest
import yaml
from openpyxl import load_workbook

from auditor.checklists import load_checklist
from auditor.errors import AuditorError
from reports.excel.sheet_names import MAX_SHEET_TITLE, safe_sheet_title, shorten_title
from tests.reports.sample import MAPPINGS
from tests.reports.sheets import CHECKLIST_IDS

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
OTHER_SHEETS = {"ja": ["検出結果", "確認不能", "実行情報"], "en": ["Findings", "Could not read", "Run information"]}


def whole_words_of(name: str, text: str) -> bool:
    """Every word of ``name`` is a whole word of ``text``."""
    words = text.split()
    return all(word in words for word in name.split())


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("checklist_id", CHECKLIST_IDS)
def test_sheet_names_of_every_checklist(request, catalogue, checklist_id, lang):
    fixture = "written" if lang == "ja" else "written_demo_en"
    directory = request.getfixturevalue(fixture)[1]
    names = load_workbook(directory / f"{checklist_id}.xlsx", read_only=True).sheetnames
    checklist = catalogue.checklists[checklist_id]
    assert len(names) == len(set(names))
    assert all(0 < len(name) <= MAX_SHEET_TITLE for name in names), names
    assert names[1:] == OTHER_SHEETS[lang]
    if lang == "ja":
        assert names[0] == checklist.title
    else:
        assert checklist.sheet_title_en and names[0] == checklist.sheet_title_en
        assert not JAPANESE.search(names[0])


def test_every_bundled_checklist_names_its_english_sheet(catalogue):
    for checklist in catalogue.checklists.values():
        assert 0 < len(checklist.sheet_title_en) <= MAX_SHEET_TITLE, checklist.id
        assert whole_words_of(shorten_title(checklist.title_en), checklist.title_en), checklist.id


@pytest.mark.parametrize("title, expected", [
    ("External service (cloud service) requirements (information of municipal confidentiality class 2 or above)",
     "External service requirements"),
    ("Security requirements for the use of external services", "Security requirements"),
    ("Table 3: criteria for deciding on the use of external services", "Table 3: criteria for deciding"),
    ("Findings", "Findings"),
])
def test_a_long_english_title_loses_asides_and_whole_words(title, expected):
    assert shorten_title(title) == expected


def test_a_japanese_title_is_cut_at_the_limit():
    title = "外部サービスの利用におけるセキュリティ要件に関する確認項目一覧（令和八年度版・記入用）"
    assert shorten_title(title) == title[:MAX_SHEET_TITLE]


def test_repeated_long_titles_stay_unique_and_whole_words():
    used: set[str] = set()
    title = "Requirements for the secure use of external cloud services by municipalities"
    names = [safe_sheet_title(title, used) for _ in range(3)]
    assert len(set(names)) == 3
    for name in names:
        assert len(name) <= MAX_SHEET_TITLE
        assert whole_words_of(re.sub(r" \(\d+\)$", "", name), title), name
    assert names[1].endswith(" (2)") and names[2].endswith(" (3)")


def test_a_sheet_name_over_the_limit_is_refused(tmp_path):
    data = yaml.safe_load((MAPPINGS / "ext-service-selection-criteria.yaml").read_text(encoding="utf-8"))
    data["sheet_title_en"] = "Selection criteria for external services"
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AuditorError, match="sheet_title_en"):
        load_checklist(path)
