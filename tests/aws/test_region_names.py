"""A mistyped ``--regions`` value is one clear line with exit 2, before any AWS call, and writes nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from auditor.cli import cli


@pytest.mark.parametrize("regions", ["ap-northeast-1,Tokyo", "ap-northest1", "ap-northeast-1;DROP", "日本"])
def test_a_malformed_region_name_is_a_clear_error(tmp_path, monkeypatch, regions):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: any call would fail
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["--lang", "en", "audit", "--provider", "aws", "--regions", regions,
                                      "--output", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert "is not an AWS region name" in lines[0] and "ap-northeast-1" in lines[0]
    assert "could not be verified" not in lines[0]  # refused before any call
    assert not out.exists()


def test_real_region_names_are_accepted():
    from providers.aws.collect.run import parse_regions

    names = "ap-northeast-1,ap-northeast-3,us-gov-west-1,cn-north-1,us-isob-east-1,il-central-1"
    assert parse_regions([names, "eu-central-2"]) == (*names.split(","), "eu-central-2")
