"""``auditor verify BUNDLE``: check an evidence bundle's digests and re-decide its snapshot.

Exit codes: 0 every digest matches and re-evaluation gives the recorded results; 1 a file changed,
was added or is missing, or a recorded result differs from the re-decided one; 2 the bundle cannot be
read, or it could not be re-evaluated (a checklist or provider it needs is not installed).
"""

from __future__ import annotations

from pathlib import Path

import click

from auditor.bundle import VerifyReport, verify_bundle
from auditor.commands.common import catalogue_of, lang_of

MAX_DIFFERENCES = 50


@click.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.pass_context
def verify(ctx: click.Context, bundle: Path) -> None:
    """Verify an evidence bundle (folder or zip). / 証跡パッケージを検証"""
    lang = lang_of(ctx)
    report = verify_bundle(bundle, catalogue_of(ctx))
    for line in report_lines(report, lang):
        click.echo(line)
    if report.tampered:
        ctx.exit(1)
    ctx.exit(0 if report.clean else 2)


def report_lines(report: VerifyReport, lang: str) -> list[str]:
    ja = lang == "ja"
    lines = [f"{'証跡パッケージ' if ja else 'Bundle'}: {report.path}"]
    if report.digests_ok:
        lines.append(f"○ 全 {report.files_checked} ファイルのハッシュ値（SHA-256）が一致" if ja
                     else f"○ all {report.files_checked} files match their SHA-256 digests")
    else:
        for title_ja, title_en, names in (
            ("× 内容が変更されたファイル", "× changed", report.changed),
            ("× 追加されたファイル", "× added", report.added),
            ("× 欠落しているファイル", "× missing", report.missing),
        ):
            for name in names:
                lines.append(f"{title_ja if ja else title_en}: {name}")
    for note in report.notes:
        lines.append(f"! {note.text(lang)}")
    for problem in report.problems:
        lines.append(f"? {problem.text(lang)}")
    if report.reevaluated and not report.differences:
        lines.append("○ スナップショットを再評価した結果が results.json と一致" if ja
                     else "○ re-evaluating the snapshot gives the results recorded in results.json")
    elif report.differences:
        lines.append(f"× 再評価の結果が results.json と {len(report.differences)} 件異なります" if ja
                     else f"× re-evaluation differs from results.json in {len(report.differences)} places")
        for difference in report.differences[:MAX_DIFFERENCES]:
            lines.append(f"  - {difference.text(lang)}")
        rest = len(report.differences) - MAX_DIFFERENCES
        if rest > 0:
            lines.append(f"  ほか {rest} 件" if ja else f"  and {rest} more")
    if report.clean:
        lines.append("検証結果: 改ざんなし" if ja else "Result: verified, nothing was altered")
    elif report.tampered:
        lines.append("検証結果: 不一致あり" if ja else "Result: the bundle does not match")
    else:
        lines.append("検証結果: 検証を完了できません" if ja else "Result: verification could not be completed")
    return lines
