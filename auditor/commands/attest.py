"""``auditor attest``: help for writing attestation files.

- ``attest template --checklist ID`` writes a ready-to-fill attestation file with one entry for every item
  of the checklist that needs the vendor's answer under the chosen profile (organisational items, items the
  provider's certification answers only in part, items the controls decide only in part), each with the
  item's text and the documents a municipality would expect as comments. Entries left empty are skipped when
  the file is read, so it can be filled in gradually.
- ``attest hash FILE…`` prints the SHA-256 of evidence documents as ``evidence:`` entries to paste in; an
  answer that names a document with its digest then fails to load if the document beside the file changes.
"""

from __future__ import annotations

import datetime as _dt
import textwrap
from pathlib import Path

import click
import yaml

from auditor.attestations import file_sha256
from auditor.checklists import Checklist, Item, Profile
from auditor.commands.common import catalogue_of, lang_of
from auditor.errors import AuditorError
from auditor.output import write_text_atomic


@click.group()
def attest() -> None:
    """Write attestation templates and document digests. / 申告ファイルのひな形と根拠資料のハッシュ"""


def needs_answer(checklist: Checklist, item: Item, profile: Profile) -> bool:
    """Whether the vendor has to answer this item: the controls alone cannot decide it."""
    if checklist.not_applicable_reason(item, profile):
        return False
    return item.basis == "manual" or item.coverage == "partial"


def _comment(text: str, width: int = 100, by_words: bool = False) -> list[str]:
    """YAML comment lines of at most ``width`` characters; English (``by_words``) breaks between words only, so
    a line longer than ``width`` is kept whole rather than broken inside a word."""
    words = " ".join(text.split())
    if by_words:
        return [f"  # {line}" for line in textwrap.wrap(words, width, break_on_hyphens=False,
                                                                  break_long_words=False)] or ["  #"]
    return [f"  # {words[i:i + width]}" for i in range(0, len(words), width)] or ["  #"]


def template_text(checklist: Checklist, profile: Profile, lang: str) -> str:
    """The attestation file for one checklist, every entry empty, with the item's own words as comments."""
    ja = lang == "ja"
    head = [
        f"# 申告ファイルのひな形: {checklist.title}（{checklist.id}）" if ja
        else f"# Attestation template: {checklist.title_en} ({checklist.id})",
        "# answer: yes / partial / no / n/a（適合 / 一部適合 / 不適合 / 対象外）。evidence には根拠資料を 1 つ以上。"
        if ja else "# answer: yes / partial / no / n/a. evidence: at least one document.",
        "# 未記入のままの項目は読み込み時に無視されます。書式: docs/attestations.md" if ja
        else "# Entries left empty are skipped when the file is read. Format: docs/attestations.md",
        "attestations:",
    ]
    lines = head
    for item in checklist.items:
        if not needs_answer(checklist, item, profile):
            continue
        level = checklist.level_for(item, profile)
        number = item.number or item.id
        partly = item.basis != "manual"
        lines.append(f"  # {number} [{level}]" + ((" 一部を自動判定" if ja else " partly decided automatically")
                                                   if partly else ""))
        lines.extend(_comment(item.text, by_words=not ja and " " in item.text.strip()))
        rationale = item.rationale_in(lang)
        if rationale:
            lead = "想定される根拠資料・補足: " if ja else "Expected evidence / note: "
            lines.extend(_comment(lead + rationale, by_words=not ja))
        entry = {"item": f"{checklist.id}#{item.id}", "answer": "", "evidence": [], "answered_by": "",
                 "answered_on": "", "valid_until": ""}
        dumped = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False)
        lines.extend(f"  {line}" for line in dumped.splitlines())
        lines.append("")
    return "\n".join(lines) + "\n"


@attest.command()
@click.option("--checklist", "checklist_id", required=True, metavar="ID",
              help="The checklist (see 'auditor checklists')."
                   " / チェックリスト（auditor checklists を参照）")
@click.option("--profile-option", "profile_options", multiple=True, metavar="KEY=VALUE",
              help="Audit profile, as for 'auditor audit' (decides which items apply)."
                   " / 監査プロファイル（auditor audit と同じ。対象の項目を決めます）")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Write to this file (default: print)."
                   " / このファイルに書き出す（既定: 画面に表示）")
@click.option("--force", is_flag=True, help="Replace an existing file."
                                            " / 既存のファイルを置き換える")
@click.pass_context
def template(ctx: click.Context, checklist_id: str, profile_options, output: Path | None, force: bool) -> None:
    """A ready-to-fill attestation file for one checklist. / 申告ファイルのひな形を出力"""
    catalogue = catalogue_of(ctx)
    (checklist,) = catalogue.select_checklists([checklist_id])
    text = template_text(checklist, Profile.from_options(profile_options), lang_of(ctx))
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise AuditorError("template_exists", path=output)
    write_text_atomic(output, text)
    count = text.count(f"- item: {checklist.id}#")
    click.echo(f"{output}: {count} 項目" if lang_of(ctx) == "ja" else f"{output}: {count} items")


@attest.command(name="hash")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def hash_documents(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """SHA-256 of evidence documents, as entries for 'evidence:'. / 根拠資料の SHA-256"""
    ja = lang_of(ctx) == "ja"
    entries = []
    for path in files:
        if not path.is_file():
            raise AuditorError("document_unreadable", path=path)
        entries.append({"name": str(path), "sha256": file_sha256(path)})
    stamp = _dt.date.today().isoformat()
    click.echo(f"# {stamp} 時点の SHA-256。申告の evidence: の下に貼り付けてください" if ja
               else f"# SHA-256 as of {stamp}; paste under an answer's evidence:")
    click.echo(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), nl=False)
