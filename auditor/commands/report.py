"""``auditor report --run-group ID``: merge the shards of a sharded audit into one result and one set of reports.

The shards are read from the history store (:mod:`auditor.history.progress`), put together as an
unsharded run would have collected them (:mod:`auditor.merge`), decided with the checklists,
attestations and profile given here, and written like ``audit`` and ``evaluate`` write theirs; the
merged run is recorded in the history (merging the same group again replaces it). A missing, unfinished
or failed shard makes the merge refuse (exit 2, naming the shard) unless ``--allow-incomplete``.
"""

from __future__ import annotations

from pathlib import Path

import click

from auditor.commands.audit import finish, output_folder, output_options, parse_formats, prepare_inputs
from auditor.commands.common import catalogue_of, say
from auditor.history import open_store
from auditor.history.progress import CollectionLog
from auditor.merge import merge_group
from auditor.model import utc_now
from auditor.run import evaluate as evaluate_run
from auditor.shards import run_group_name
from auditor.signing import load_signing_key


@click.command()
@click.option("--run-group", required=True, metavar="ID",
              help="The run group whose shards to merge ({date}, {month}: the day in Japan)."
                   " / シャードを統合する実行グループ（{date}・{month} は日本時間の日付）")
@click.option("--allow-incomplete", is_flag=True,
              help="Merge even when shards are missing, unfinished or failed; their accounts become gaps "
                   "(unknown), never dropped."
                   " / シャードが欠けている・未完了・失敗でも統合する（そのアカウントは除かず、確認不能として記録しま"
                   "す）")
@output_options
@click.pass_context
def report(ctx: click.Context, run_group: str, allow_incomplete: bool, checklist_ids, attestations,
           risk_acceptances, profile_options, output: Path, formats: str, force: bool, bundle: bool,
           sign_key: Path | None, store: str | None, no_history: bool) -> None:
    """Merge the shards of a run group and write one set of reports. / シャードを統合して報告書を作成"""
    catalogue = catalogue_of(ctx)
    chosen_formats = parse_formats(catalogue, formats)
    selected, profile, answers, accepted = prepare_inputs(
        catalogue, checklist_ids, attestations, profile_options, risk_acceptances)
    signing_key = load_signing_key(sign_key) if sign_key is not None else None
    group = run_group_name(run_group, utc_now())
    output = output_folder(output, force)
    with open_store(store, existing=True) as history:
        merged = merge_group(group, CollectionLog(history).group(group), catalogue, allow_incomplete, utc_now(),
                             history.location)
        for problem in merged.problems:
            say(ctx, f"注意: {problem.describe('ja')}。", f"warning: {problem.describe('en')}.", err=True)
        if merged.missing_scopes:
            say(ctx, f"どのシャードも収集していないアカウント {merged.missing_scopes} 件は確認不能として記録します。",
                f"{merged.missing_scopes} accounts no shard collected are recorded as unknown.", err=True)
        result = evaluate_run(catalogue, merged.collected, selected, profile, answers, accepted)
        finish(ctx, catalogue, merged.collected, result, output, chosen_formats, None if no_history else history,
               bundle or signing_key is not None, signing_key)
