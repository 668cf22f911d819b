"""One language at a time: an English audit shows no Japanese the tool wrote, a Japanese one no English headers.

The run is the CLI's ``audit`` on the fake provider (passing, failing and unreadable resources, a
denied call), rendered to every format: the terminal summary, each checklist's workbook, the HTML
report and findings.csv; and the attestation template the CLI writes.

Japanese that may stay in English output is data, not the tool's words, and is allowed exactly:
- the checklists' own text as the municipalities printed it — titles, item texts, headings, sections,
  column labels and levels, notes, examples, written exemptions — and the seeds' header labels, also
  when an English sentence quotes it in 「」 (“printed as 「該当有無」”);
- resource names and ids (the fake estate's are ASCII, so none here).
A run of Japanese characters in the output is allowed only when it occurs in that corpus. The
mappings' rationales are not in it: an English output shows each item's ``rationale_en``.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from auditor.cli import cli
from auditor.rollup import rollup_controls
from auditor.run import Catalogue
from reports.labels import TEXTS
from tests.core.english_cli import invoke_english
from tests.core.fake_provider import FakeProvider, bucket, denied, disk

SEEDS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
#: Kana, CJK ideographs, CJK punctuation and full-width forms — but not the status marks ○ × △ ? －.
JAPANESE_RUN = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff01-\uff0c\uff0e-\uffef]+")


def corpus(catalogue: Catalogue) -> str:
    parts: list[str] = []
    for checklist in catalogue.checklists.values():
        parts += [checklist.title, checklist.source or "", *(checklist.notes or ())]
        parts += [c.label for c in checklist.columns] + [e.reason for e in checklist.exemptions]
        for item in checklist.items:
            parts += [item.text, item.section or "", item.heading or "", item.number]
            parts += [str(v) for v in item.levels.values()] + [str(v) for v in item.extra.values()]
    for folder in (SEEDS, SHARED_SEEDS):
        parts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))] if folder.is_dir() else []
    return "\n".join(parts)


def leaks(text: str, allowed: str) -> list[str]:
    """The runs of Japanese in ``text`` that are not checklist data (quoted 「as printed」 or not)."""
    return [run for run in JAPANESE_RUN.findall(text) if run.strip("「」") not in allowed]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def outputs(folder: Path) -> dict[str, list[str]]:
    """Every text a reader sees, by file: sheet names and cells, CSV cells, the HTML's text."""
    texts: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        book = load_workbook(path, read_only=True)
        texts[path.name] = [sheet.title for sheet in book.worksheets] + [
            value for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for value in row if isinstance(value, str)]
    rows = csv.reader(io.StringIO((folder / "findings.csv").read_text(encoding="utf-8-sig")))
    texts["findings.csv"] = [cell for row in rows for cell in row]
    parser = _Text()
    parser.feed((folder / "report.html").read_text(encoding="utf-8"))
    texts["report.html"] = parser.chunks
    return texts


@pytest.fixture
def estate(installed: Catalogue) -> Catalogue:
    fake = FakeProvider(
        evidence=[disk("a", True), disk("b", False), disk("c", None, unreadable="AccessDenied"),
                  bucket("logs", "us-east-1"), bucket("docs", "jp-east")],
        gaps=[denied("fake.bucket")],
    )
    return Catalogue(installed.controls, installed.checklists, {"fake": fake}, installed.renderers)


#: An organisational item of 001 that applies to the default profile: its rationale is shown in every format.
RATIONALE_ITEM = ("cloud-service-requirements", "1.3")


def rationale_item(catalogue: Catalogue):
    checklist_id, item_id = RATIONALE_ITEM
    return catalogue.checklists[checklist_id].item(item_id)


def assert_rationale_shown(folder: Path, shown: str, hidden: str) -> None:
    """The item's workbook and the HTML report show one language's rationale and not the other's."""
    texts = outputs(folder)
    workbook = next(name for name in texts if name.endswith(".xlsx") and RATIONALE_ITEM[0] in name)
    for name in (workbook, "report.html"):
        assert any(shown in text for text in texts[name]), name
        assert not any(hidden in text for text in texts[name]), name


def test_english_output_has_no_japanese_but_the_checklists_own_text(estate: Catalogue, tmp_path: Path):
    allowed = corpus(estate)
    result = invoke_english(estate, "audit", "--provider", "fake", "--output", str(tmp_path / "en"), "--no-history")
    assert result.exit_code == 1, result.output  # something failed, and the run finished
    assert "not encrypted" in result.output and leaks(result.output, allowed) == []
    found = {name: sorted({run for text in texts for run in leaks(text, allowed)})
             for name, texts in outputs(tmp_path / "en").items()}
    assert {name: runs for name, runs in found.items() if runs} == {}


def test_english_output_shows_the_english_rationale(estate: Catalogue, tmp_path: Path):
    result = invoke_english(estate, "audit", "--provider", "fake", "--output", str(tmp_path / "en"), "--no-history")
    assert result.exit_code == 1, result.output
    item = rationale_item(estate)
    assert_rationale_shown(tmp_path / "en", item.rationale_en, item.rationale)


def test_english_attestation_template_has_no_japanese_but_the_checklists_own_text(estate: Catalogue, tmp_path: Path):
    allowed = corpus(estate)
    for checklist in estate.checklists.values():
        output = tmp_path / f"{checklist.id}.yaml"
        result = invoke_english(estate, "attest", "template", "--checklist", checklist.id, "-o", str(output))
        assert result.exit_code == 0, result.output
        text = output.read_text(encoding="utf-8")
        assert leaks(text, allowed) == [], checklist.id
    template = " ".join((tmp_path / f"{RATIONALE_ITEM[0]}.yaml").read_text(encoding="utf-8").replace("#", "").split())
    assert " ".join(rationale_item(estate).rationale_en.split()) in template


def test_the_measure_catches_the_tools_own_japanese(estate: Catalogue):
    """The corpus does not excuse words the tool writes: core reasons and labels would be caught."""
    allowed = corpus(estate)
    for written in ("暗号化なし", "組織的対策: 申告（根拠資料の提示）が必要", TEXTS["remarks"][0] + "の欄",
                    "対象外の条件を満たすが、不適合のため × のまま"):
        assert leaks(written, allowed), written


def test_japanese_output_has_no_english_headers(estate: Catalogue, tmp_path: Path):
    result = CliRunner().invoke(cli, ["--lang", "ja", "audit", "--provider", "fake", "--output", str(tmp_path / "ja"),
                                      "--no-history"], obj={"catalogue": estate})
    assert result.exit_code == 1, result.output
    english = {en for _, en in TEXTS.values()}
    for line in result.output.splitlines():
        assert not re.match(r"\s*(Findings|Written|Main failures|Not readable|Run id)\b", line), line
    for name, texts in outputs(tmp_path / "ja").items():
        if name.endswith((".xlsx", ".html")):
            assert english.isdisjoint(t.strip() for t in texts), name
    header = next(csv.reader(io.StringIO((tmp_path / "ja" / "findings.csv").read_text(encoding="utf-8-sig"))))
    assert header[-2:] == ["判定", "取得日時（JST）"]
    item = rationale_item(estate)
    assert_rationale_shown(tmp_path / "ja", item.rationale, item.rationale_en)


def test_a_cloud_s_not_automated_reason_is_shown_in_the_chosen_language(installed: Catalogue):
    """The GCP password policy is decided by no check: the roll-up and ``auditor controls`` give it in English."""
    allowed = corpus(installed)
    reasons = {name: provider.not_automated() for name, provider in installed.providers.items()}
    assert reasons["gcp"], "GCP declares controls it cannot decide"
    results = rollup_controls([], installed.controls, list(reasons), reasons)
    manual = [r for r in results if r.control_id in reasons[r.provider]]
    assert manual and all(r.reason.startswith("自動判定なし: ") and r.reason_en.startswith("Not automated: ")
                          for r in manual)
    assert [leaks(r.reason_en, allowed) for r in manual] == [[] for _ in manual]
    english = invoke_english(installed, "controls")
    assert english.exit_code == 0, english.output
    assert "GCP passwords are managed by Cloud Identity" in english.output and leaks(english.output, allowed) == []
    japanese = CliRunner().invoke(cli, ["--lang", "ja", "controls"], obj={"catalogue": installed})
    assert "GCP のパスワードは Cloud Identity" in japanese.output and "GCP passwords" not in japanese.output
