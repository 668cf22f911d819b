"""The Japanese prose of README.md and docs/*.md keeps one register and the style guide's terms.

docs/style-ja.md asks documents for である調 (steps as 「〜する」) and lists the words not to write (サーバ
for サーバー, 資源 for リソース, …). The walk reads only the docs' own Japanese prose: fenced code blocks,
inline code, 「…」 quotations (a CLI message quoted in a doc keeps its です・ます; the checklists' printed
text keeps its spelling), the ``English`` sections and the style guide's own tables (they show the CLI
register and the forbidden words as examples) are skipped. The mappings are data and are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "style-ja.md"

#: A sentence that ends in です・ます調: the ending, then perhaps the close of an emphasis, a parenthetical
#: remark (「…ます（1 から）。」) and closing parentheses, then a full stop or the colon before a list.
POLITE_END = re.compile(r"(?:です|ます|ません|ください|でした|ました)(?:\*\*|_)?\s*(?:（[^（）]*）|\([^()]*\))?"
                        r"[）)]*[。:：]")
ENGLISH_HEADING = re.compile(r"^(#{1,6})\s+English\s*$")
HEADING = re.compile(r"^(#{1,6})\s")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
#: An inline code span: a run of backticks, then anything up to the same run, within one paragraph.
CODE_SPAN = re.compile(r"(`+)(?:(?!\1)[^\n]|\n(?![ \t]*\n))+?\1")

#: Words of the guide's 書かない column that the docs use in another sense: 回答 is the answer inside an
#: attestation (the file's ``answer``, and 回答者 / 回答日 as the reports' remarks print them); the row is
#: about what the status is called, and the docs call it 申告.
OTHER_SENSE = frozenset({"回答"})


@dataclass(frozen=True)
class Finding:
    """One place in a document that breaks the style guide."""

    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def documents() -> list[Path]:
    """README.md and every document under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blank(text: str) -> str:
    """The same text with every character but line breaks turned into a space, so columns and lines stay."""
    return re.sub(r"[^\n]", " ", text)


def _mask_quotes(text: str) -> str:
    """Blank 「…」 quotations (nested ones included); an unclosed 「 ends at the end of its paragraph."""
    out = []
    depth = 0
    for index, char in enumerate(text):
        if char == "\n" and depth and not text[index + 1:].split("\n", 1)[0].strip():
            depth = 0
        if char == "「":
            depth += 1
        masked = depth > 0
        if char == "」" and depth:
            depth -= 1
        out.append(" " if masked and char != "\n" else char)
    return "".join(out)


def prose(text: str, *, guide: bool = False) -> str:
    """The text with all but its Japanese prose blanked, line for line and column for column.

    Fenced code blocks and ``English`` sections become empty lines, and with ``guide`` so do table rows;
    code spans and 「…」 quotations become spaces.
    """
    kept = []
    fence = ""
    english_level = 0
    for line in text.split("\n"):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            kept.append("")
            continue
        if opening:
            fence = opening.group(1)
            kept.append("")
            continue
        heading = HEADING.match(line)
        if english_level and heading and len(heading.group(1)) <= english_level:
            english_level = 0
        english = ENGLISH_HEADING.match(line)
        if english:
            english_level = len(english.group(1))
        if english_level or (guide and line.lstrip().startswith("|")):
            kept.append("")
            continue
        kept.append(line)
    return _mask_quotes(CODE_SPAN.sub(lambda m: _blank(m.group(0)), "\n".join(kept)))


def polite_endings(path: str, text: str, *, guide: bool = False) -> list[Finding]:
    """Every line of the prose on which a sentence ends in です・ます調 (a line is named once)."""
    masked = prose(text, guide=guide)
    lines = text.split("\n")
    numbers = dict.fromkeys(masked.count("\n", 0, m.start()) + 1 for m in POLITE_END.finditer(masked))
    return [Finding(path, number, lines[number - 1].strip()) for number in numbers]


def forbidden_terms(guide_text: str) -> tuple[str, ...]:
    """The 書かない column of the guide's term table, without the words the docs use in another sense."""
    terms = []
    in_table = False
    for line in guide_text.split("\n"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells == ["書く", "書かない"]:
            in_table = True
        elif in_table and not line.startswith("|"):
            break
        elif in_table and len(cells) == 2 and not set(cells[1]) <= {"-", ":"}:
            terms.extend(term.strip() for term in cells[1].split("、"))
    return tuple(term for term in terms if term and term not in OTHER_SENSE)


def _term_pattern(term: str) -> re.Pattern[str]:
    """A loan word written without its final long vowel matches only where no ー follows."""
    if re.fullmatch(r"[\u30a0-\u30ff]+", term) and not term.endswith("ー"):
        return re.compile(re.escape(term) + "(?!ー)")
    return re.compile(re.escape(term))


def term_uses(path: str, text: str, terms: tuple[str, ...], *, guide: bool = False) -> list[Finding]:
    """Every use of a forbidden term in the prose, named with the term."""
    patterns = [(term, _term_pattern(term)) for term in terms]
    lines = text.split("\n")
    return [Finding(path, number, f"{term}: {lines[number - 1].strip()}")
            for number, line in enumerate(prose(text, guide=guide).split("\n"), 1)
            for term, pattern in patterns if pattern.search(line)]


def _scan(check) -> list[Finding]:
    found = []
    for path in documents():
        found.extend(check(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"), guide=path == GUIDE))
    return found


def test_docs_write_japanese_in_the_plain_register():
    found = _scan(polite_endings)
    if found:
        pytest.fail("です・ます調 in the docs (docs/style-ja.md §3 asks for である調):\n"
                    + "\n".join(map(str, found)), pytrace=False)


def test_docs_use_the_style_guides_terms():
    terms = forbidden_terms(GUIDE.read_text(encoding="utf-8"))
    found = _scan(lambda path, text, guide: term_uses(path, text, terms, guide=guide))
    if found:
        pytest.fail("Words docs/style-ja.md §2 says not to write:\n" + "\n".join(map(str, found)), pytrace=False)


def test_the_guides_term_table_is_read():
    terms = forbidden_terms(GUIDE.read_text(encoding="utf-8"))
    assert {"サーバ", "ユーザ", "ロードバランサ", "フォルダ", "資源", "判定不可", "自己申告"} <= set(terms)
    assert "回答" not in terms and "リソース" not in terms


def test_polite_sentences_are_named_by_line():
    text = "\n".join([
        "# 題",                                            # 1
        "",                                                # 2
        "認証情報は標準の順で探す。",                        # 3
        "結果を表示します。次へ進みます。",                   # 4
        "（鍵は保存しません）。",                            # 5
        "K は **1 から数えます**（`1/4` … `4/4`）。",        # 6
        "再開する必要はありません",                          # 7
        "（再開しようとすると、その旨のエラーになります）。",  # 8
        "K は環境変数から取ります:",                         # 9
        "ますます増える。必要なのは `--shard` である。",      # 10
    ])
    assert [f.line for f in polite_endings("x.md", text)] == [4, 5, 6, 7, 9]
    assert str(polite_endings("x.md", text)[0]) == "x.md:4: 結果を表示します。次へ進みます。"


def test_code_quotations_and_english_are_not_prose():
    text = "\n".join([
        "本文である。",                                    # 1
        "```",                                             # 2
        "# 出力を確認します。",                             # 3
        "```",                                             # 4
        "`指定してください。` を表示する。",                 # 5
        "「出力先は空ではありません。上書きする場合は",        # 6
        "--force を指定してください。」と表示する。",         # 7
        "「『入れ子の引用です。』を含む」と書く。",            # 8
        "",                                                # 9
        "## English",                                      # 10
        "",                                                # 11
        "Shown as 「完了しました。」 and サーバ in a quote of the sheet 資源.",  # 12
        "",                                                # 13
        "## 日本語に戻る",                                  # 14
        "",                                                # 15
        "ここは日本語です。",                               # 16
    ])
    assert [f.line for f in polite_endings("x.md", text)] == [16]
    assert [f.line for f in term_uses("x.md", text, ("資源",))] == []


def test_an_unclosed_quotation_ends_with_its_paragraph():
    text = "「閉じていない引用です。\n\n次の段落です。\n"
    assert [f.line for f in polite_endings("x.md", text)] == [3]


def test_loan_words_need_their_long_vowel_outside_quotations():
    text = "\n".join(["サーバーとユーザーを確認する。", "サーバの設定を読む。", "原表の「サーバ」は直さない。",
                      "`ユーザ` はコード。", "資源を数える。"])
    found = term_uses("x.md", text, ("サーバ", "ユーザ", "資源"))
    assert [(f.line, f.text.split(":")[0]) for f in found] == [(2, "サーバ"), (5, "資源")]


def test_the_guides_tables_show_examples_but_its_prose_is_read():
    text = "| 書く | 書かない |\n|---|---|\n| サーバー | サーバ |\n\nサーバと書かない。\n| 例 | 完了しました。 |\n"
    assert [f.line for f in term_uses("docs/style-ja.md", text, ("サーバ",), guide=True)] == [5]
    assert [f.line for f in polite_endings("docs/style-ja.md", text, guide=True)] == []
    assert [f.line for f in polite_endings("x.md", text)] == [6]
