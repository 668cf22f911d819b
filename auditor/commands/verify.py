"""``auditor verify BUNDLE [--public-key PUB]``: check an evidence bundle and say plainly what it proves.

Exit codes: 0 everything matches (with ``--public-key``: and the pinned key signed it); 1 the zip is
refused, a file changed, was added or is missing, the signature does not verify (or is absent though
a key was given), a recorded result differs from the re-decided one, or a report differs from the
one re-derived from ``results.json``; 2 the bundle cannot be read, or it could not be checked
completely (a checklist, provider or report format it needs is not installed).

An unsigned bundle, or a signed one checked without a public key, verifies only as "content
consistency only": anyone could have re-made every file consistently.
"""

from __future__ import annotations

from pathlib import Path

import click

from auditor.bundle_verify import VerifyReport, verify_bundle
from auditor.commands.common import catalogue_of, lang_of
from auditor.signing import SignatureCheck, load_public_key
from auditor.terminal import printable

MAX_DIFFERENCES = 50


@click.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--public-key", type=click.Path(path_type=Path), default=None, metavar="PUB",
              help="The signer's public key (.pub.pem) whose fingerprint you confirmed with the signer."
                   " / 署名者の公開鍵（.pub.pem）。フィンガープリントを署名者と確認したもの")
@click.pass_context
def verify(ctx: click.Context, bundle: Path, public_key: Path | None) -> None:
    """Verify an evidence bundle (folder or zip). / 証跡パッケージを検証"""
    lang = lang_of(ctx)
    key = load_public_key(public_key) if public_key is not None else None
    report = verify_bundle(bundle, catalogue_of(ctx), key)
    for line in report_lines(report, lang):
        click.echo(printable(line))  # names and ids from the bundle must not drive the terminal
    if report.tampered:
        ctx.exit(1)
    ctx.exit(0 if report.clean else 2)


def signature_lines(check: SignatureCheck, lang: str) -> list[str]:
    ja = lang == "ja"
    s = check.statement
    who = ""
    if s is not None:
        who = (f"署名者 {s.signer}、署名日時 {s.signed_at}（UTC）、鍵 {s.key_fingerprint}" if ja
               else f"signed by {s.signer} at {s.signed_at} (UTC), key {s.key_fingerprint}")
    demo = []
    if s is not None and s.demo_key:
        demo = ["! デモ用の鍵による署名です（このデモ実行のために生成した鍵で、他の何も保証しません）" if ja
                else "! signed with a demo key (generated for this demo run; it vouches for nothing else)"]
    if check.state == "valid":
        return [f"○ 署名を確認: {who}" if ja else f"○ signature verified: {who}", *demo]
    if check.state == "unchecked":
        return [f"! 署名あり（未確認）: {who}。署名者を確かめるには --public-key で公開鍵を指定してください" if ja
                else f"! signed but not checked: {who}. Give the signer's public key with --public-key", *demo]
    if check.state == "unsigned":
        return ["! 署名なし: 誰が作ったかは確認できません" if ja
                else "! unsigned: who made this bundle cannot be checked"]
    if check.state == "missing":
        return ["× 署名: 公開鍵が指定されましたが、署名（signature.json）がありません" if ja
                else "× signature: a public key was given but the bundle carries no signature (signature.json)"]
    return [f"× 署名: {check.problem_ja}" if ja else f"× signature: {check.problem_en}"]


def report_lines(report: VerifyReport, lang: str) -> list[str]:
    ja = lang == "ja"
    lines = [f"{'証跡パッケージ' if ja else 'Bundle'}: {report.path}"]
    if report.refused is not None:
        lines.append(f"× {report.refused.text(lang)}")
        lines.append("検証結果: 不一致あり（拒否）" if ja else "Result: the bundle does not match (refused)")
        return lines
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
    lines += signature_lines(report.signature, lang)
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
    lines += rederived_lines(report, lang)
    lines.append(result_line(report, lang))
    return lines


def rederived_lines(report: VerifyReport, lang: str) -> list[str]:
    ja = lang == "ja"
    rederived = report.rederived
    lines = []
    if rederived.matched:
        names = ", ".join(rederived.matched)
        lines.append(f"○ results.json から再生成したレポートと内容が一致: {names}" if ja
                     else f"○ these reports show what results.json re-derives: {names}")
    for difference in rederived.differences:
        lines.append(f"× {difference.text(lang)}")
    for name, why in rederived.unreadable:
        lines.append(f"× {name}: レポートとして読めません（{why}）" if ja
                     else f"× {name}: not a readable report ({why})")
    for name, why in rederived.not_rederivable:
        lines.append(f"? {name}: 再生成できないため検証していません（{why}）" if ja
                     else f"? {name}: could not be re-derived, so it is not verified ({why})")
    return lines


def result_line(report: VerifyReport, lang: str) -> str:
    ja = lang == "ja"
    if report.tampered:
        return "検証結果: 不一致あり" if ja else "Result: the bundle does not match"
    if not report.clean:
        return "検証結果: 検証を完了できません" if ja else "Result: verification could not be completed"
    s = report.signature.statement
    if report.untampered and s is not None:
        demo = ("、デモ用の鍵" if ja else ", a demo key") if s.demo_key else ""
        return (f"検証結果: 改ざんなし（署名者 {s.signer}、署名日時 {s.signed_at} UTC{demo}）" if ja
                else f"Result: verified, nothing was altered (signed by {s.signer} at {s.signed_at} UTC{demo})")
    if report.signature.state == "unchecked":
        return ("検証結果: 署名は未確認（内容の整合のみ確認）" if ja
                else "Result: signature not checked (content consistency only)")
    return "検証結果: 署名なし（内容の整合のみ確認）" if ja else "Result: unsigned (content consistency only)"
