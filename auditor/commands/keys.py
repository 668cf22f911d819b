"""``auditor keys``: the Ed25519 key pair that signs evidence bundles, and the fingerprint a city pins.

``auditor keys generate --signer NAME --out FILE`` writes the private key (0600) and ``FILE.pub.pem``
and prints the fingerprint; ``auditor keys fingerprint PUB`` prints a public key's fingerprint, so the
city can compare it with the one the vendor read out to them.
"""

from __future__ import annotations

from pathlib import Path

import click

from auditor.commands.common import say
from auditor.errors import AuditorError
from auditor.signing import SigningKey, fingerprint, load_public_key, readable, write_key_pair


@click.group()
def keys() -> None:
    """Signing keys for evidence bundles. / 証跡パッケージの署名鍵"""


@keys.command()
@click.option("--signer", required=True, metavar="NAME",
              help="Who signs: the organisation and department, as the city should read it."
                   " / 署名者（自治体が読む形での組織名と部署名）")
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("bundle-signing-key.pem"),
              show_default=True, help="Private key file; the public key is written beside it as *.pub.pem."
                                      " / 秘密鍵のファイル。公開鍵は同じ場所に *.pub.pem として書き出します")
@click.option("--force", is_flag=True, help="Overwrite existing key files."
                                            " / 既存の鍵ファイルを上書きする")
@click.pass_context
def generate(ctx: click.Context, signer: str, out: Path, force: bool) -> None:
    """Make an Ed25519 key pair for signing bundles. / 署名鍵ペアを作成"""
    if not signer.strip() or "\n" in signer:
        raise AuditorError("raw", ja="--signer には署名者の名前を 1 行で指定してください。",
                           en="--signer must name the signer on one line.")
    key = SigningKey.generate(signer.strip())
    public = write_key_pair(key, out, force)
    say(ctx, f"秘密鍵: {out}（所有者のみ読み書き可 0600。外に出さないでください）",
        f"Private key: {out} (owner-only 0600; never hand it out)")
    say(ctx, f"公開鍵: {public}（提出先の自治体に渡します）", f"Public key: {public} (give it to the city)")
    say(ctx, f"署名者: {key.signer}", f"Signer: {key.signer}")
    say(ctx, f"鍵フィンガープリント: {key.fingerprint}", f"Key fingerprint: {key.fingerprint}")
    say(ctx, f"  読み上げ用: {readable(key.fingerprint)}", f"  to read aloud: {readable(key.fingerprint)}")
    say(ctx, "公開鍵とは別の経路（電話・契約書面など）でフィンガープリントを自治体に伝えてください。",
        "Tell the city the fingerprint by another channel than the public key (telephone, the contract papers).")


@keys.command(name="fingerprint")
@click.argument("public_key", type=click.Path(path_type=Path))
def fingerprint_command(public_key: Path) -> None:
    """Print a public key's fingerprint. / 公開鍵のフィンガープリントを表示"""
    value = fingerprint(load_public_key(public_key))
    click.echo(value)
    click.echo(readable(value))
