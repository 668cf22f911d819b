"""``auditor audit`` (collect live, read-only, then decide) and ``auditor evaluate`` (re-decide a snapshot).

Inputs are validated before anything is collected, so a bad attestation file or an unknown
checklist costs nothing; the output directory is checked first too. Reports are written
all-or-nothing (see :mod:`auditor.output`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from auditor.attestations import load_attestations
from auditor.bundle import BundleOptions, write_bundle
from auditor.checklists import Profile
from auditor.commands.common import catalogue_of, lang_of, pop_provider_options, say, with_provider_options
from auditor.commands.history import store_option
from auditor.commands.scale import recording, scale_options, scale_request
from auditor.errors import AuditorError
from auditor.history import HistoryStore, open_store, target_of
from auditor.model import Evidence, RunResult
from auditor.output import RESULTS_FILE, dated_output_dir, prepare_output_dir
from auditor.profile_checks import profile_conflicts
from auditor.risk import load_risk_acceptances
from auditor.run import Catalogue, Collected, collect, unread_kinds, write_outputs
from auditor.run import evaluate as evaluate_run
from auditor.signing import SigningKey, load_signing_key
from auditor.snapshot_file import read_snapshot
from auditor.status import Status
from auditor.terminal import printable
from auditor.unreadable import summary_text, unreadable_details, unreadable_of

DEFAULT_OUTPUT = Path("audit-report")


def output_options(command):
    """Options shared by every command that decides and writes reports."""
    options = [
        click.option("--checklist", "checklist_ids", multiple=True, metavar="ID",
                     help="Only these checklists (repeatable; default: all)."
                          " / 対象のチェックリスト（複数指定可。既定: すべて）"),
        click.option("--attestations", type=click.Path(path_type=Path), default=None,
                     help="YAML file answering manual items (see docs/attestations.md)."
                          " / 手動確認の項目に答える申告ファイル（YAML。docs/attestations.md を参照）"),
        click.option("--risk-acceptances", "risk_acceptances", type=click.Path(path_type=Path), default=None,
                     help="YAML file of failures accepted for a time, per finding; they stay failures"
                          " (see docs/attestations.md)."
                          " / 検出結果ごとに期限付きで受容する不適合のファイル（YAML。不適合のまま記録されます。docs/"
                          "attestations.md を参照）"),
        click.option("--profile-option", "profile_options", multiple=True, metavar="KEY=VALUE",
                     help="Audit profile, e.g. usage=cloud, ismap=registered, role=provider, internet_pc=no."
                          " / 監査プロファイル（例: usage=cloud、ismap=registered、role=provider、internet_pc=no）"),
        click.option("--output", "-o", type=click.Path(path_type=Path), default=DEFAULT_OUTPUT, show_default=True,
                     help="Directory for the reports; {date}, {month} or {timestamp} in it are filled in "
                          "with the start time (a new folder each run, e.g. reports/{month})."
                          " / 報告書の出力先フォルダー。{date}・{month}・{timestamp} は開始日時に置き換わります（実行"
                          "ごとに新しいフォルダー。例: reports/{month}）"),
        click.option("--format", "formats", default="all", show_default=True,
                     help="Comma-separated report formats (json always included), or 'all'."
                          " / 報告書の形式（カンマ区切り。json は常に含む）、または all"),
        click.option("--force", is_flag=True,
                     help="Replace an earlier report folder (one holding results.json) as a whole."
                          " / 以前の報告書のフォルダー（results.json があるもの）を丸ごと置き換える"),
        click.option("--bundle", is_flag=True,
                     help="Also write the evidence bundle (bundle/ + bundle.zip with SHA-256 manifest)."
                          " / 証跡パッケージも書き出す（bundle/ と、SHA-256 の一覧付きの bundle.zip）"),
        click.option("--sign-key", type=click.Path(path_type=Path), default=None, metavar="KEY",
                     help="Sign the evidence bundle with this private key (from 'auditor keys generate'; "
                          "implies --bundle)."
                          " / この秘密鍵で証跡パッケージに署名する（auditor keys generate で作成。--bundle を含む）"),
        store_option,
        click.option("--no-history", is_flag=True, help="Do not record this run in the history store."
                                                        " / この実行を履歴ストアに記録しない"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def output_folder(output: Path, force: bool) -> Path:
    """The report folder, date placeholders filled in, checked before anything is collected."""
    return prepare_output_dir(dated_output_dir(output, datetime.now().astimezone(), force), force)


def parse_formats(catalogue: Catalogue, text: str) -> list[str]:
    if text.strip() == "all":
        return ["json", *catalogue.renderers]
    formats = [part.strip() for part in text.split(",") if part.strip()]
    for name in formats:
        if name != "json" and name not in catalogue.renderers:
            raise AuditorError("unknown_format", format=name, known=", ".join(["json", *catalogue.renderers]))
    return ["json", *[f for f in formats if f != "json"]]


def prepare_inputs(catalogue: Catalogue, checklist_ids, attestations_path, profile_options, risk_path=None):
    """Validate everything the user handed in before any collection starts."""
    selected = catalogue.select_checklists(checklist_ids)
    profile = Profile.from_options(profile_options)
    attestations = load_attestations(attestations_path, catalogue.checklists) if attestations_path else {}
    acceptances = load_risk_acceptances(risk_path) if risk_path else ()
    return selected, profile, attestations, acceptances


@click.command()
@click.option("--provider", "-p", "providers", multiple=True, metavar="NAME",
              help="Cloud to audit (repeatable): aws, azure, gcp — whichever are installed."
                   " / 監査するクラウド（複数指定可）: aws・azure・gcp のうちインストール済みのもの")
@click.option("--target", default="", help="Name of the audited service/vendor (groups history and diffs)."
                                           " / 監査対象のサービス・事業者の名前（履歴と差分をこの名前でまとめます）")
@with_provider_options
@output_options
@scale_options
@click.pass_context
def audit(ctx: click.Context, providers: tuple[str, ...], target: str, checklist_ids, attestations, risk_acceptances,
          profile_options, output: Path, formats: str, force: bool, bundle: bool, sign_key: Path | None,
          store: str | None, no_history: bool, **params: Any) -> None:
    """Audit live cloud configuration, read-only, and write the reports. / クラウド設定を読み取り専用で監査"""
    catalogue = catalogue_of(ctx)
    scale = scale_request(params, no_history)
    options = pop_provider_options(params)
    if not providers:
        raise AuditorError("no_provider", known=", ".join(catalogue.providers) or "-")
    for name in providers:
        catalogue.provider(name)
    chosen_formats = parse_formats(catalogue, formats)
    selected, profile, answers, accepted = prepare_inputs(
        catalogue, checklist_ids, attestations, profile_options, risk_acceptances)
    signing_key = load_signing_key(sign_key) if sign_key is not None else None
    if scale.shard is None:  # a shard writes no reports (the merge does): an earlier report folder is no concern
        output = output_folder(output, force)
    with open_history(store, no_history) as history, \
            recording(ctx, history, scale, target, catalogue, providers, options) as recorded:
        collected = collect_with_progress(ctx, catalogue, list(providers), options, profile=profile,
                                          **{"target": target, **recorded.collect_args})
        recorded.collected(ctx, collected)
        result = evaluate_run(catalogue, collected, selected, profile, answers, accepted)
        finish(ctx, catalogue, collected, result, output, chosen_formats, history, bundle or signing_key is not None,
               signing_key, after_save=recorded.saved)


def collect_with_progress(ctx, catalogue: Catalogue, providers: Sequence[str], options, **kwargs) -> Collected:
    """Collect with a progress bar on the terminal (plain lines when output is not a terminal)."""
    console = Console(stderr=True)
    label = "収集中" if lang_of(ctx) == "ja" else "collecting"
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=None)

        def report(done: int, total: int, what: str) -> None:
            progress.update(task, completed=done, total=total, description=f"{label}: {what}")

        return collect(catalogue, providers, options, report, **kwargs)


@contextmanager
def open_history(store: str | None, disabled: bool) -> Iterator[HistoryStore | None]:
    """Open the history store before anything is collected, so a bad store fails fast (exit 2)."""
    if disabled:
        yield None
        return
    history = open_store(store)
    try:
        yield history
    finally:
        history.close()


def finish(ctx, catalogue: Catalogue, collected: Collected, result: RunResult, output: Path, formats,
           history: HistoryStore | None, bundle: bool = False, signing_key: SigningKey | None = None,
           after_save: Callable[[], None] | None = None) -> None:
    """Write every report (with the changes since the previous run), record the run, print a summary.

    Exits 1 when something failed, 0 otherwise.
    """
    target = target_of(result.run)
    previous = history.previous_run(target, result.run.run_id) if history else None
    options = BundleOptions(lang_of(ctx), previous, signing_key)
    written = write_outputs(catalogue, collected, result, output, formats, lang_of(ctx), previous=previous,
                            after_render=(lambda folder: write_bundle(folder, options)) if bundle else None)
    if history is not None:
        history.save_run(result, target)
        if after_save is not None:
            after_save()
    print_summary(ctx, result, written.paths, written.redacted, collected.evidence)
    if history is not None:
        target = printable(target)
        say(ctx, f"履歴に記録しました（対象: {target}、{history.location}）。差分: auditor diff --target {target}",
            f"Recorded in history (target: {target}, {history.location}). Changes: auditor diff --target {target}")
    ctx.exit(1 if result.has_failures else 0)


def top_level_entries(written: Sequence[Path]) -> list[str]:
    """The files directly in the output directory, and each sub-folder once (``bundle/``)."""
    if not written:
        return []
    base = min((p.parent for p in written), key=lambda p: len(p.parts))
    entries: list[str] = []
    for path in written:
        relative = path.relative_to(base)
        entry = str(path) if len(relative.parts) == 1 else f"{base / relative.parts[0]}/"
        if entry not in entries:
            entries.append(entry)
    return entries


MAIN_FAILURES_SHOWN = 10


def print_summary(ctx, result: RunResult, written: Sequence[Path], redacted: int = 0,
                  evidence: Sequence[Evidence] = ()) -> None:
    ja = lang_of(ctx) == "ja"
    counts = Counter(f.status for f in result.findings)
    say(ctx,
        f"検出結果（リソース単位）: 適合 {counts[Status.PASS]} / 不適合 {counts[Status.FAIL]}"
        f" / 確認不能 {counts[Status.UNKNOWN]} / 対象外 {counts[Status.NOT_APPLICABLE]}",
        f"Findings (per resource): pass {counts[Status.PASS]} / fail {counts[Status.FAIL]}"
        f" / unknown {counts[Status.UNKNOWN]} / not applicable {counts[Status.NOT_APPLICABLE]}")
    unreadable = unreadable_of(result.gaps, unreadable_details(evidence))
    say(ctx, summary_text(unreadable, "ja"), summary_text(unreadable, "en"))
    for checklist in result.checklists:
        item_counts = Counter(i.status for i in checklist.items)
        parts = ", ".join(
            f"{s.label('ja' if ja else 'en')} {item_counts[s]}" for s in Status if item_counts[s]
        )
        click.echo(f"  {checklist.checklist_id}: {parts}")
    for conflict in profile_conflicts(result, catalogue_of(ctx).checklists):
        say(ctx, printable(f"! {conflict.text('ja')}"), printable(f"! {conflict.text('en')}"))
    failures = [f for f in result.findings if f.status is Status.FAIL]
    if failures:
        say(ctx, "主な不適合:", "Main failures:")
        for finding in failures[:MAIN_FAILURES_SHOWN]:
            name = finding.resource_name or finding.resource_id
            reason = finding.reason_in("ja" if ja else "en")
            click.echo(printable(f"  × {finding.check_id} — {name} ({finding.region}): {reason}"))
        rest = len(failures) - MAIN_FAILURES_SHOWN
        if rest > 0:
            listed = [n for n in ("findings.csv", "report.html") if n in {p.name for p in written}] or [RESULTS_FILE]
            say(ctx, f"  ほか {rest} 件（すべて {'・'.join(listed)} に記載）",
                f"  and {rest} more (all in {' and '.join(listed)})")
    print_risk_acceptances(ctx, result)
    if redacted:
        say(ctx, f"秘密情報と判断した値 {redacted} 件を伏せ字（***REDACTED***）にして書き出しました。",
            f"{redacted} secret {'value was' if redacted == 1 else 'values were'} redacted (***REDACTED***)"
            " from the files written.")
    say(ctx, "出力:", "Written:")
    for entry in top_level_entries(written):
        click.echo(f"  {entry}")


def print_risk_acceptances(ctx, result: RunResult) -> None:
    """Accepted failures still count; expired and unmatched acceptances are named so they get renewed or removed."""
    by_state = Counter(a.state for a in result.risk_acceptances)
    if not by_state:
        return
    say(ctx, f"リスク受容: 有効 {by_state['active']} 件（対象の不適合はそのまま不適合として数える）、"
             f"期限切れ {by_state['expired']} 件（無視）、該当なし {by_state['unmatched']} 件",
        f"Risk acceptances: {by_state['active']} active (their failures still count), {by_state['expired']}"
        f" expired (ignored), {by_state['unmatched']} matching no failure")
    for accepted in result.risk_acceptances:
        if accepted.state == "active":
            continue
        a = accepted.acceptance
        label = {"expired": ("期限切れ", "expired"), "unmatched": ("該当なし", "matches no failure")}[accepted.state]
        say(ctx, printable(f"  ! {label[0]}: {a.check_id} — {a.resource_id}（期限 {a.until}、承認者 {a.accepted_by}）"),
            printable(f"  ! {label[1]}: {a.check_id} — {a.resource_id} (until {a.until}, by {a.accepted_by})"))


@click.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@output_options
@click.pass_context
def evaluate(ctx: click.Context, snapshot: Path, checklist_ids, attestations, risk_acceptances, profile_options,
             output: Path,
             formats: str, force: bool, bundle: bool, sign_key: Path | None, store: str | None,
             no_history: bool) -> None:
    """Re-decide a saved snapshot offline, with the current mappings. / スナップショットを再評価"""
    catalogue = catalogue_of(ctx)
    chosen_formats = parse_formats(catalogue, formats)
    selected, profile, answers, accepted = prepare_inputs(
        catalogue, checklist_ids, attestations, profile_options, risk_acceptances)
    signing_key = load_signing_key(sign_key) if sign_key is not None else None
    run, evidence, gaps = read_snapshot(snapshot)
    collected = Collected(run, evidence, gaps)
    unknown = unread_kinds(catalogue, collected)
    if unknown:
        raise AuditorError("snapshot_unknown_kinds", path=snapshot, kinds=", ".join(unknown))
    output = output_folder(output, force)
    with open_history(store, no_history) as history:
        result = evaluate_run(catalogue, collected, selected, profile, answers, accepted)
        finish(ctx, catalogue, collected, result, output, chosen_formats, history, bundle or signing_key is not None,
               signing_key)
