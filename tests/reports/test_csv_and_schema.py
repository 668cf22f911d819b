"""findings.csv (BOM, round trip, formula safety) and results.json against the shipped JSON Schema."""

from __future__ import annotations

import copy
import csv
import io
import json
from importlib import resources

import jsonschema
import pandas as pd
import pytest

from reports.csv_report import FIELDS, safe_cell

SCHEMA = json.loads(resources.files("auditor").joinpath("schemas/results.schema.json").read_text(encoding="utf-8"))


def validator():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_csv_starts_with_a_bom_and_round_trips(written):
    _, directory, results = written
    raw = (directory / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert tuple(header[: len(FIELDS)]) == FIELDS
    assert header[len(FIELDS):] == ["判定", "取得日時（JST）"]
    assert len(body) == len(results["findings"])
    for row, finding in zip(body, results["findings"], strict=True):
        record = dict(zip(FIELDS, row, strict=False))
        record["observed"] = json.loads(record["observed"])
        # the CSV is in the reader's language: reason and expected as recorded in Japanese here
        assert record == {k: v for k, v in finding.items() if k not in ("reason_en", "expected_en")}
        assert row[len(FIELDS)] in ("○ 適合", "× 不適合", "? 確認不能", "－ 対象外")


def test_csv_reads_in_pandas_with_japanese_intact(written):
    _, directory, results = written
    frame = pd.read_csv(directory / "findings.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame["check_id"]) == [f["check_id"] for f in results["findings"]]
    assert "暗号化されていない" in set(frame["reason"])


def test_observed_is_compact_json_and_secrets_never_reach_a_report(catalogue, tmp_path):
    """A check that put a credential into its observed value: every report shows it redacted."""
    from dataclasses import replace

    from openpyxl import load_workbook

    from auditor.redaction import REDACTED
    from tests.reports.conftest import RENDERERS
    from tests.reports.sample import SECRET, context_of, sample_result

    _, result = sample_result(catalogue)
    leaked = replace(result.findings[0], observed={"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": SECRET,
                                                   "Enabled": True})
    result = replace(result, findings=(leaked, *result.findings[1:]))
    context = context_of(catalogue, result)
    for renderer in RENDERERS.values():
        renderer.render(context, tmp_path)
    rows = list(csv.reader(io.StringIO((tmp_path / "findings.csv").read_text(encoding="utf-8-sig"), newline="")))
    observed = rows[1][FIELDS.index("observed")]
    assert observed == json.dumps({"AccessKeyId": REDACTED, "SecretAccessKey": REDACTED, "Enabled": True},
                                  ensure_ascii=False, separators=(",", ":"))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert SECRET not in html and "AKIAIOSFODNN7EXAMPLE" not in html
    for path in tmp_path.glob("*.xlsx"):
        for sheet in load_workbook(path).worksheets:
            for row in sheet.iter_rows(values_only=True):
                assert not any(isinstance(v, str) and SECRET in v for v in row)


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1+1", "'+1+1"), ("@cmd", "'@cmd"), ("-x", "'-x"), ("-1", "-1"),
    ("-0.5", "-0.5"), ("-2+3", "'-2+3"), ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"), ("-1.", "'-1."),
    ("-.5+1", "'-.5+1"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("vol-0aaa", "vol-0aaa"), ("", ""),
])
def test_formula_like_cells_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_results_json_validates_against_the_schema(written, written_demo_en):
    for _, _, results in (written, written_demo_en):
        errors = list(validator().iter_errors(results))
        assert errors == []


def test_schema_rejects_what_the_contract_forbids(written):
    _, _, results = written
    check = validator()
    broken = copy.deepcopy(results)
    broken["findings"][0]["status"] = "OK"
    assert not check.is_valid(broken)
    broken = copy.deepcopy(results)
    broken["checklists"][0]["items"][0]["symbol"] = "◎"
    assert not check.is_valid(broken)
    broken = copy.deepcopy(results)
    broken["schema_version"] = 2
    assert not check.is_valid(broken)
    broken = copy.deepcopy(results)
    del broken["findings"][0]["source"]
    assert not check.is_valid(broken)
    broken = copy.deepcopy(results)
    broken["run"]["started_at"] = "2026-11-01 09:30"
    assert not check.is_valid(broken)
    broken = copy.deepcopy(results)
    broken["findings"][0]["unexpected"] = 1
    assert not check.is_valid(broken)


def test_schema_names_every_field_serialize_emits(written):
    """A new field in results_to_dict must be described in the schema (additionalProperties is false)."""
    _, _, results = written
    defs = SCHEMA["$defs"]
    assert set(results) == set(SCHEMA["properties"])
    assert set(results["run"]) == set(defs["run"]["properties"])
    assert set(results["findings"][0]) == set(defs["finding"]["properties"])
    assert set(results["gaps"][0]) == set(defs["gap"]["properties"])
    assert set(results["controls"][0]) == set(defs["control"]["properties"])
    assert set(results["checklists"][0]) == set(defs["checklist"]["properties"])
    assert set(results["checklists"][0]["items"][0]) == set(defs["item"]["properties"])
