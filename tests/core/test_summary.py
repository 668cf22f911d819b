"""The summary an audit prints on the terminal: counts that say they are per resource, the main failures
with how many more there are, and what could not be read — whole calls and details of listed
resources — counted apart, in the language asked for."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import cli
from auditor.run import Catalogue
from tests.core.english_cli import invoke_english
from tests.core.fake_provider import denied, disk


def audit(catalogue, out: Path, *args: str, lang: str = "en") -> str:
    result = CliRunner().invoke(cli, ["--lang", lang, "audit", "--provider", "fake", "--output", str(out), *args,
                                      "--no-history"], obj={"catalogue": catalogue})
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_the_main_failures_say_how_many_more_there_are(installed, catalogue, fake, tmp_path):
    fake.evidence = [disk(f"web-{n:02d}", False) for n in range(13)]
    english = audit(catalogue, tmp_path / "en", "--format", "json")
    shown = [line for line in english.splitlines() if line.startswith("  × fake.disk.encrypted")]
    assert len(shown) == 10
    assert "  and 3 more (all in results.json)" in english
    with_csv = Catalogue(catalogue.controls, catalogue.checklists, catalogue.providers, installed.renderers)
    japanese = audit(with_csv, tmp_path / "ja", "--format", "json,csv", lang="ja")
    assert "  ほか 3 件（すべて findings.csv に記載）" in japanese
    fake.evidence = [disk("web-1", False)]
    assert "more" not in audit(catalogue, tmp_path / "one", "--format", "json")


def test_counts_are_per_resource_and_unreadable_details_are_counted_apart_from_gaps(catalogue, fake, tmp_path):
    fake.evidence = [disk("web-1", True), disk("web-2", None, unreadable="disk:DescribeDetail AccessDenied")]
    fake.gaps = [denied("fake.bucket")]
    english = audit(catalogue, tmp_path / "en", "--format", "json")
    assert "Findings (per resource): pass 1 / fail 0 / unknown 2 / not applicable 0" in english
    assert "Not readable: 1 call (listings or settings), 1 detail of 1 resource (follow-up calls failed)" in english
    japanese = audit(catalogue, tmp_path / "ja", "--format", "json", lang="ja")
    assert "検出結果（リソース単位）: 適合 1 / 不適合 0 / 確認不能 2 / 対象外 0" in japanese
    assert "一覧・設定の呼び出し 1 件、リソースの詳細 1 項目（1 リソース" in japanese
    fake.evidence.append(disk("web-3", None, unreadable="disk:DescribeDetail AccessDenied"))
    fake.gaps.append(denied("fake.bucket", region="jp-west"))
    several = audit(catalogue, tmp_path / "several", "--format", "json")
    assert "Not readable: 2 calls (listings or settings), 2 details of 2 resources (follow-up calls failed)" in several


def test_a_dated_output_folder_is_new_for_every_run(catalogue, fake, tmp_path):
    fake.evidence = [disk("web-1", True)]
    pattern = str(tmp_path / "reports" / "{month}")
    for _run in range(3):
        result = invoke_english(catalogue, "audit", "--provider", "fake", "--output", pattern, "--format", "json")
        assert result.exit_code == 0, result.output
    month = datetime.now().astimezone().strftime("%Y-%m")
    folders = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert folders == [month, f"{month}-2", f"{month}-3"]
    assert all((tmp_path / "reports" / name / "results.json").is_file() for name in folders)
    forced = invoke_english(catalogue, "audit", "--provider", "fake", "--output", pattern, "--format", "json",
                            "--force")
    assert forced.exit_code == 0 and len(list((tmp_path / "reports").iterdir())) == 3
    stamped = invoke_english(catalogue, "audit", "--provider", "fake", "--output", str(tmp_path / "{timestamp}"),
                             "--format", "json")
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}", p.name) for p in tmp_path.iterdir()), stamped.output
