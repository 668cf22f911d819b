"""``auditor checklists`` and ``auditor controls``: what the tool knows, as a table or JSON."""

from __future__ import annotations

from collections.abc import Mapping

import click

from auditor.checklists import Checklist, Profile
from auditor.commands.common import FORMAT, catalogue_of, lang_of, print_table
from auditor.model import in_language, said
from auditor.serialize import dumps

#: How an item is answered, and how much of it a control answers: (Japanese, English).
BASES = {"controls": ("統制", "controls"), "manual": ("組織的対策（申告）", "manual (attestation)"),
         "inherited": ("継承", "inherited")}
#: the checklists' level words in English
LEVELS_EN = {"必須": "required", "任意": "optional", "推奨": "recommended"}
COVERAGES = {"full": ("全体", "full"), "partial": ("一部", "partial")}


@click.command()
@FORMAT
@click.option("--checklist", "checklist_ids", multiple=True, help="Only these checklists (repeatable)."
                                                                  " / 対象のチェックリスト（複数指定可）")
@click.option("--profile-option", "profile_options", multiple=True, metavar="KEY=VALUE",
              help="Audit profile that selects each item's level, e.g. usage=cloud, ismap=registered."
                   " / 各項目の要否を決める監査プロファイル（例: usage=cloud、ismap=registered）")
@click.pass_context
def checklists(ctx: click.Context, fmt: str, checklist_ids: tuple[str, ...], profile_options: tuple[str, ...]) -> None:
    """List every checklist with its items, basis and controls. / チェックリストと各項目の根拠を表示"""
    catalogue = catalogue_of(ctx)
    selected = catalogue.select_checklists(checklist_ids)
    profile = Profile.from_options(profile_options)
    if fmt == "json":
        click.echo(dumps({"profile": dict(profile.values),
                          "checklists": [_checklist_json(c, profile) for c in selected]}))
        return
    lang = lang_of(ctx)
    for checklist in selected:
        title = checklist.title if lang == "ja" else checklist.title_en
        rows = [
            [item.id, item.number, _short(item.text), _levels(checklist, item.levels, lang),
             BASES[item.basis][0 if lang == "ja" else 1],
             ", ".join(f"{r.id}({COVERAGES[r.coverage][0 if lang == 'ja' else 1]})" for r in item.controls)]
            for item in checklist.items
        ]
        header = (["項目ID", "番号", "要件（原表のとおり）", "要否", "判定の根拠", "統制（範囲）"] if lang == "ja"
                  else ["id", "No", "requirement (as printed, Japanese)", "level (column: value)", "basis",
                        "controls (coverage)"])
        print_table(f"{checklist.id} — {title} ({len(checklist.items)})", header, rows)


def _levels(checklist: Checklist, levels: Mapping[str, str], lang: str) -> str:
    """The item's level in each of the checklist's level columns: as printed in Japanese; in English, by the
    column's key and in English words (the marks ○ － ① ② stay as they are)."""
    if lang == "ja":
        return " / ".join(f"{c.label}:{levels.get(c.key, '')}" for c in checklist.columns)
    return " / ".join(f"{c.key}: {LEVELS_EN.get(levels.get(c.key, ''), levels.get(c.key, ''))}"
                      for c in checklist.columns)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _checklist_json(checklist: Checklist, profile: Profile) -> dict:
    return {
        "id": checklist.id,
        "title": checklist.title,
        "title_en": checklist.title_en,
        "version": checklist.version,
        "source": checklist.source,
        "columns": [{"key": c.key, "label": c.label} for c in checklist.columns],
        "level_column": checklist.level_column,
        "exemptions": [
            {"items": list(e.items), "when_any": [list(c) for c in e.when_any], "reason": e.reason}
            for e in checklist.exemptions
        ],
        "items": [
            {
                "id": item.id,
                "number": item.number,
                "section": item.section,
                "heading": item.heading,
                "text": item.text,
                "level": checklist.level_for(item, profile),
                "not_applicable": checklist.not_applicable_reason(item, profile),
                "levels": dict(item.levels),
                "applies_when": dict(item.applies_when),
                "basis": item.basis,
                "control_ids": list(item.control_ids),
                "controls": [{"id": r.id, "coverage": r.coverage} for r in item.controls],
                "rationale": item.rationale,
                "rationale_en": item.rationale_en,
                **dict(item.extra),
            }
            for item in checklist.items
        ],
    }


@click.command()
@FORMAT
@click.pass_context
def controls(ctx: click.Context, fmt: str) -> None:
    """List the control catalogue with each cloud's checks. / 統制カタログと各クラウドのチェック"""
    catalogue = catalogue_of(ctx)
    lang = lang_of(ctx)
    checks_of = {name: provider.checks() for name, provider in catalogue.providers.items()}
    reasons_of = {name: provider.not_automated() for name, provider in catalogue.providers.items()}
    entries = []
    for control in catalogue.controls.values():
        per_provider = {}
        for name in catalogue.providers:
            checks = [c for c in checks_of[name] if c.control_id == control.id]
            per_provider[name] = {
                "checks": [
                    {
                        "id": c.id,
                        "resource_type": c.resource_type,
                        "permissions": list(c.permissions),
                        "expected": c.expected,
                    }
                    for c in checks
                ],
                "not_automated": in_language(*said(reasons_of[name].get(control.id, "")), lang),
            }
        entries.append({
            "id": control.id,
            "title_ja": control.title_ja,
            "title_en": control.title_en,
            "passes_ja": control.passes_ja,
            "passes_en": control.passes_en,
            "inherited": control.inherited,
            "providers": per_provider,
        })
    if fmt == "json":
        click.echo(dumps({"controls": entries}))
        return
    rows = []
    for entry in entries:
        cells = []
        for name, data in entry["providers"].items():
            ids = [c["id"] for c in data["checks"]]
            cells.append(f"{name}: " + (", ".join(ids) if ids else (data["not_automated"] or "-")))
        title = entry["title_ja"] if lang == "ja" else entry["title_en"]
        rows.append([entry["id"], title, "\n".join(cells) or "-"])
    if lang == "ja":
        print_table("統制", ["統制ID", "名称", "チェック（クラウドごと）"], rows)
    else:
        print_table("controls", ["id", "title", "checks"], rows)
