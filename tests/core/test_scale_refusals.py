"""``--shard`` and ``--resume`` refused before anything is recorded: the refusal is one line (exit 2) and the
history store keeps no collection for a run that never started."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.history import open_store
from auditor.history.progress import CollectionLog
from auditor.run import Catalogue


def audit(catalogue: Catalogue, lang: str, *args: str):
    return CliRunner().invoke(cli, ["--lang", lang, "audit", "-p", "fake", *args], obj={"catalogue": catalogue})


@pytest.mark.parametrize("lang, message", [
    ("ja", "プロバイダ fake は収集するアカウント（スコープ）を選べないため"),
    ("en", "Provider fake cannot select which scopes to collect"),
])
def test_a_shard_of_a_provider_that_cannot_select_leaves_no_record_in_the_group(catalogue, tmp_path: Path, lang,
                                                                                 message):
    store = str(tmp_path / "history.sqlite")
    result = audit(catalogue, lang, "--shard", "1/2", "--run-group", "monthly", "--store", store,
                   "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1, result.output
    with open_store(store) as history:
        assert CollectionLog(history).group("monthly") == []  # a later merge must not find a failed shard here
        assert CollectionLog(history).load("monthly.shard-1-of-2") is None


@pytest.mark.parametrize("lang, message", [
    ("ja", "--resume には続ける実行の ID が必要です"),
    ("en", "--resume needs the id of the run to continue"),
])
@pytest.mark.parametrize("given", ["", "  "])
def test_an_empty_resume_id_is_refused_instead_of_starting_a_new_audit(catalogue, tmp_path: Path, lang, message,
                                                                      given):
    result = audit(catalogue, lang, "--resume", given, "--store", str(tmp_path / "history.sqlite"),
                   "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("lang, message", [
    ("ja", "実行グループ 'monthly' のシャードは履歴ストア {store} に記録されていません"),
    ("en", "No shard of run group 'monthly' is recorded in the history store {store}"),
])
def test_a_merge_of_a_store_without_the_group_names_the_store_it_looked_in(catalogue, tmp_path: Path, lang, message):
    store = str(tmp_path / "elsewhere.sqlite")  # e.g. the merge machine's own default store, not the shared one
    open_store(store).close()
    result = CliRunner().invoke(cli, ["--lang", lang, "report", "--run-group", "monthly", "--store", store,
                                      "-o", str(tmp_path / "out")], obj={"catalogue": catalogue})
    assert result.exit_code == 2, result.output
    assert message.format(store=store) in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
