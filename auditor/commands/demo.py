"""``auditor demo``: the whole product on a sample estate, on local emulators, with no cloud account.

Each installed provider that can start a local emulator (see :class:`auditor.plugins.DemoCapable`)
seeds a fictional vendor's estate with a few real-world mistakes. The real adapters then audit it
through the real pipeline, with a demo attestation file, and every report is written. The emulators
are stopped when the demo ends, also on Ctrl-C. Every output says plainly that this is a demo.

Unless ``--no-history`` is given, the demo records two months in the history store (``--store`` /
``AUDITOR_STORE`` as for an audit): the previous month made from this month's snapshot by
:mod:`auditor.demo_history`, and this month; the report shows the changes since the previous month
and ``auditor history`` / ``auditor diff`` can be tried at once.
"""

from __future__ import annotations

import json
import os
import shlex
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from importlib import resources
from pathlib import Path

import click

from auditor.attestations import load_attestations
from auditor.bundle import BundleOptions, write_bundle
from auditor.checklists import Profile
from auditor.commands.audit import collect_with_progress, open_history, print_summary
from auditor.commands.common import catalogue_of, lang_of, say
from auditor.commands.history import store_option
from auditor.demo_history import LastMonth, previous_month
from auditor.errors import AuditorError
from auditor.history import HistoryStore, target_of
from auditor.output import prepare_output_dir
from auditor.plugins import DemoCapable, DemoEstate
from auditor.run import RESULTS_FILE, evaluate, write_outputs
from auditor.signing import SigningKey, public_key_pem
from auditor.terminal import printable

DEMO_TARGET = "demo"
DEMO_SIGNER = "デモ用の鍵（このデモ実行のために生成） / demo key generated for this run"
DEMO_PUBLIC_KEY = "demo-signing-key.pub.pem"


@contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore the previous values."""
    previous = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _previous_demo_output(directory: Path) -> bool:
    """True when the directory holds the reports of an earlier demo run (safe to replace)."""
    try:
        data = json.loads((directory / RESULTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(data.get("run", {}).get("demo"))


@click.command()
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("audit-report"), show_default=True,
              help="Directory for the reports (an earlier demo's reports there are replaced)."
                   " / 報告書の出力先（以前のデモの報告書があれば置き換える）")
@click.option("--force", is_flag=True,
              help="Replace an earlier report folder (one holding results.json) that is not an earlier demo."
                   " / デモ以外の以前の報告書のフォルダー（results.json があるもの）も置き換える")
@store_option
@click.option("--no-history", is_flag=True,
              help="Do not record the demo's two months in the history store."
                   " / デモの 2 か月分を履歴ストアに記録しない")
@click.pass_context
def demo(ctx: click.Context, output: Path, force: bool, store: str | None, no_history: bool) -> None:
    """Audit a sample estate on local emulators (no cloud account needed). / エミュレーター上のデモ監査"""
    catalogue = catalogue_of(ctx)
    capable = {name: p for name, p in catalogue.providers.items() if isinstance(p, DemoCapable)}
    if not capable:
        raise AuditorError("raw", ja="デモに使えるプロバイダーがインストールされていません。",
                           en="No installed provider can run the demo.")
    prepare_output_dir(output, force or _previous_demo_output(output))
    answers_file = Path(str(resources.files("auditor").joinpath("data/demo-attestations.yaml")))
    answers = load_attestations(answers_file, catalogue.checklists)
    profile = Profile.from_options(["service_name=（デモ）住民記録クラウド", "provider_name=（デモ）架空クラウド",
                                    "respondent=（デモ）情報セキュリティ責任者"])
    say(ctx, "これはデモです: ローカルのエミュレーター上の架空の環境を監査します（実在のクラウドには接続しません）。",
        "This is a demo: it audits a fictional estate on local emulators (no real cloud is contacted).")
    started = time.monotonic()
    with open_history(store, no_history) as history:
        _run_demo(ctx, capable, output, answers, profile, history, store, started)


def _run_demo(ctx: click.Context, capable, output: Path, answers, profile: Profile, history: HistoryStore | None,
              store: str | None, started: float) -> None:
    catalogue = catalogue_of(ctx)
    ja = lang_of(ctx) == "ja"
    with ExitStack() as stack:
        estates: dict[str, DemoEstate] = {}
        for name, provider in capable.items():
            say(ctx, f"{provider.title} のエミュレーターを起動し、サンプル環境を作成しています…",
                f"Starting the {provider.title} emulator and seeding the sample estate…")
            estates[name] = stack.enter_context(provider.demo_estate())
        options: dict[str, object] = {}
        variables: dict[str, str] = {}
        for estate in estates.values():
            options.update(estate.options)
            variables.update(estate.environment)
        with environment(variables):
            collected = collect_with_progress(ctx, catalogue, list(estates), options, target=DEMO_TARGET, demo=True,
                                              profile=profile)
    checklists = list(catalogue.checklists.values())
    result = evaluate(catalogue, collected, checklists, profile, answers)
    last = previous = None
    if history is not None:
        last = previous_month(collected, catalogue.checks(list(estates)), result.findings)
        previous = evaluate(catalogue, last.collected, checklists, profile, answers)
    demo_key = SigningKey.generate(DEMO_SIGNER, demo=True)  # kept in memory only, never written
    options = BundleOptions(lang_of(ctx), previous, demo_key)
    written = write_outputs(catalogue, collected, result, output, ["json", *catalogue.renderers], lang_of(ctx),
                            previous=previous, after_render=lambda folder: write_bundle(folder, options))
    if history is not None and previous is not None:
        history.save_run(previous, target_of(previous.run))
        history.save_run(result, target_of(result.run))
    (output / DEMO_PUBLIC_KEY).write_bytes(public_key_pem(demo_key))
    for name, estate in estates.items():
        click.echo(f"\n[{name}] " + (estate.description_ja if ja else estate.description_en))
        say(ctx, "仕込まれた誤り:", "Planted mistakes:")
        for line in estate.planted_ja if ja else estate.planted_en:
            click.echo(f"  - {line}")
    click.echo("")
    print_summary(ctx, result, written.paths, written.redacted, collected.evidence)
    say(ctx, f"証跡パッケージはデモ用の鍵で署名しました（鍵 {demo_key.fingerprint}）。確認: "
        f"auditor verify {output / 'bundle.zip'} --public-key {output / DEMO_PUBLIC_KEY}",
        f"The evidence bundle is signed with a demo key (key {demo_key.fingerprint}). Check it: "
        f"auditor verify {output / 'bundle.zip'} --public-key {output / DEMO_PUBLIC_KEY}")
    if history is not None and last is not None:
        _print_history_hint(ctx, history, last, store if _store_named(ctx) else None, result.run.run_id)
    html = output / "report.html"
    say(ctx, f"\nデモ完了（{time.monotonic() - started:.1f} 秒）。ブラウザで開いてください: {html.resolve()}",
        f"\nDemo finished in {time.monotonic() - started:.1f} s. Open in a browser: {html.resolve()}")


def _store_named(ctx: click.Context) -> bool:
    return ctx.get_parameter_source("store") is click.core.ParameterSource.COMMANDLINE


def _print_history_hint(ctx: click.Context, history: HistoryStore, last: LastMonth, store: str | None,
                        current: str) -> None:
    """What was recorded, which settings the demo's previous month differs in, and the commands to try."""
    where = f" --store {shlex.quote(store)}" if store else ""
    say(ctx, f"\n履歴に 2 か月分を記録しました（{printable(history.location)}、対象 {DEMO_TARGET}、デモの印つき）。"
             "先月分はデモ用のデータで、今月のスナップショットを 1 か月前の日付で写し、"
             "次の設定を変えて判定し直したものです:",
        f"\nRecorded two months in the history ({printable(history.location)}, target {DEMO_TARGET}, marked demo). "
        "The previous month is demo data: this month's snapshot dated one month earlier, with these settings "
        "changed, decided again:")
    for change in last.changes:
        label = {"regressed": ("悪化", "regressed"), "fixed": ("是正", "fixed")}[change.kind]
        say(ctx, printable(f"  - {label[0]}: {change.check_id} — {change.resource_name}（{change.region}）"
                           f" {change.attribute}: 先月 {change.last_month} → 今月 {change.now}"),
            printable(f"  - {label[1]}: {change.check_id} — {change.resource_name} ({change.region})"
                      f" {change.attribute}: last month {change.last_month} → now {change.now}"))
    # both runs by id: a store that already holds earlier demo runs must still show the planted changes
    runs = f"{last.collected.run.run_id} {current}"
    say(ctx, f"試してみてください: auditor history{where} --target {DEMO_TARGET} ／ "
             f"auditor diff {runs}{where}",
        f"Try: auditor history{where} --target {DEMO_TARGET}   and   auditor diff {runs}{where}")
