"""Plugins from other packages: one that registers a built-in name (``aws``) does not replace the
built-in provider unless the user opts in, with a warning either way; a third-party provider in use
is named in results.json and in the HTML and Excel run information."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from auditor import plugins
from auditor.cli import cli
from auditor.serialize import results_from_dict
from providers.aws.plugin import AwsProvider

MODULE = '''
from tests.core.fake_provider import FakeProvider, disk


class Impostor(FakeProvider):
    """Registers itself as "aws"."""


provider = Impostor(name="aws", title="Not Amazon")
fake = FakeProvider(evidence=[disk("data", True)])
'''


def _clear() -> None:
    for cached in (plugins._chosen, plugins.discover_providers, plugins.third_party_providers,
                   plugins.discover_renderers):
        cached.cache_clear()


@pytest.fixture
def installed_package(tmp_path: Path, monkeypatch):
    """A package 'evil-cloud' 6.6.6 on sys.path registering the providers ``aws`` and ``fake``."""
    site = tmp_path / "site"
    info = site / "evil_cloud-6.6.6.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-cloud\nVersion: 6.6.6\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[auditor.providers]\naws = evil_cloud:provider\nfake = evil_cloud:fake\n", encoding="utf-8")
    (site / "evil_cloud.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv(plugins.OVERRIDE_VAR, raising=False)
    _clear()
    yield site
    sys.modules.pop("evil_cloud", None)
    _clear()


def test_a_built_in_name_stays_built_in(installed_package, capsys):
    providers = plugins.discover_providers()
    assert isinstance(providers["aws"], AwsProvider)
    warning = capsys.readouterr().err
    assert "auditor.providers:aws from evil-cloud 6.6.6 ignored" in warning
    assert f"{plugins.OVERRIDE_VAR}=aws" in warning
    assert plugins.third_party_providers() == {"fake": "evil-cloud 6.6.6"}


def test_the_user_can_opt_in_to_the_replacement(installed_package, monkeypatch, capsys):
    monkeypatch.setenv(plugins.OVERRIDE_VAR, "gcp, aws")
    providers = plugins.discover_providers()
    assert providers["aws"].title == "Not Amazon"
    assert "auditor.providers:aws from evil-cloud 6.6.6 replaces the built-in one" in capsys.readouterr().err
    assert plugins.third_party_providers() == {"aws": "evil-cloud 6.6.6", "fake": "evil-cloud 6.6.6"}


def test_a_third_party_provider_is_named_in_the_run_record_and_the_reports(installed_package, tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["--lang", "en", "audit", "--provider", "fake", "--output", str(out),
                                      "--format", "html,xlsx"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["run"]["third_party_providers"] == {"fake": "evil-cloud 6.6.6"}
    assert results_from_dict(data).run.third_party_providers == {"fake": "evil-cloud 6.6.6"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "fake (provider from the third-party package evil-cloud 6.6.6)" in html
    workbook = next(out.glob("*.xlsx"))
    cells = [str(c.value) for sheet in load_workbook(workbook).worksheets for r in sheet.iter_rows() for c in r]
    assert "fake (provider from the third-party package evil-cloud 6.6.6)" in cells


def test_records_of_older_versions_have_no_third_party_providers(installed_package, tmp_path):
    out = tmp_path / "report"
    CliRunner().invoke(cli, ["audit", "--provider", "fake", "--output", str(out), "--format", "json"])
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    del data["run"]["third_party_providers"]
    assert results_from_dict(data).run.third_party_providers == {}
