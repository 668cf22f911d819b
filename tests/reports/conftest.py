"""Fixtures for the report tests: the sample run written once per worker through the real core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports.csv_report import renderer as csv_renderer
from reports.excel import renderer as excel_renderer
from reports.html import renderer as html_renderer
from tests.reports.sample import sample_catalogue, write_all

RENDERERS = {"xlsx": excel_renderer, "csv": csv_renderer, "html": html_renderer}


@pytest.fixture(scope="session")
def catalogue():
    return sample_catalogue()


@pytest.fixture(scope="session")
def written(catalogue, tmp_path_factory):
    """(result, output folder, results.json as a dict) for the Japanese, non-demo sample."""
    directory = tmp_path_factory.mktemp("reports-ja") / "out"
    result, _ = write_all(catalogue, directory, RENDERERS)
    return result, directory, json.loads((directory / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def written_demo_en(catalogue, tmp_path_factory):
    directory = tmp_path_factory.mktemp("reports-en") / "out"
    result, _ = write_all(catalogue, directory, RENDERERS, demo=True, lang="en")
    return result, directory, json.loads((directory / "results.json").read_text(encoding="utf-8"))


def output_dir(item) -> Path:
    return item[1]
