"""Every check writes its reasons in Japanese and English: the ``Verdict`` calls of the provider check
modules pass ``(Japanese, English)`` pairs, and every check's title and expected value have English.

The walk reads the check modules' source: a reason given as a bare string (or f-string, or a
concatenation of strings) is Japanese only, and English reports would show it as recorded. The
functions still written that way are listed in ``JAPANESE_ONLY`` — converting one removes it there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from providers.aws.checks import CHECKS as AWS_CHECKS
from providers.azure.checks import CHECKS as AZURE_CHECKS
from providers.gcp.checks import CHECKS as GCP_CHECKS

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted([*ROOT.glob("providers/*/checks/*.py"), *ROOT.glob("providers/*/checks.py")])
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")

#: The argument positions that carry a reason, by the helper's name.
REASON_ARGS = {"passed": (0,), "failed": (0,), "not_applicable": (0,), "unknown": (0,), "of": (1, 2),
               "make": (1,), "regional_service": (2, 3)}

#: Check functions whose reasons are still Japanese only (module, function).
JAPANESE_ONLY: set[tuple[str, str]] = set()


def _stringy(node: ast.AST) -> bool:
    """A bare string expression: a constant, an f-string, a concatenation or choice of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _stringy(node.left) or _stringy(node.right)
    if isinstance(node, ast.IfExp):
        return _stringy(node.body) or _stringy(node.orelse)
    return False


def _helper(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "Verdict":
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _assigned_strings(scope: ast.AST) -> set[str]:
    """Names a function (or module) binds to a bare string: passing one of them is a Japanese-only reason."""
    names = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and _stringy(node.value):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def japanese_only_sites(root: Path = ROOT, modules: list[Path] = MODULES) -> set[tuple[str, str]]:
    """(module, function) of every check function that passes a bare-string reason."""
    found = set()
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = str(path.relative_to(root))
        module_strings = _assigned_strings(ast.Module(body=[n for n in tree.body if isinstance(n, ast.Assign)],
                                                      type_ignores=[]))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            strings = module_strings | _assigned_strings(function)
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                for position in REASON_ARGS.get(_helper(call), ()):
                    if position < len(call.args):
                        arg = call.args[position]
                        if _stringy(arg) or (isinstance(arg, ast.Name) and arg.id in strings):
                            found.add((module, function.name))
    return found


def test_every_reason_of_a_check_has_english_except_the_listed_ones():
    sites = japanese_only_sites()
    assert sites - JAPANESE_ONLY == set(), "write these reasons as (Japanese, English) pairs"
    assert JAPANESE_ONLY - sites == set(), "converted: remove these from JAPANESE_ONLY"


def test_the_walk_finds_a_japanese_only_reason(tmp_path):
    """The measure itself: a bare-string reason is found, a pair is not."""
    module = tmp_path / "providers" / "x" / "checks" / "sample.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "def bare(e):\n    return Verdict.passed(f'暗号化 {e}')\n"
        "def named(e):\n    why = '暗号化'\n    return Verdict.of(True, ('a', 'b'), why)\n"
        "def pair(e):\n    return Verdict.failed(('暗号化なし', 'not encrypted'))\n", encoding="utf-8")
    sites = japanese_only_sites(tmp_path, [module])
    assert sites == {("providers/x/checks/sample.py", "bare"), ("providers/x/checks/sample.py", "named")}


def test_every_check_has_an_english_title_and_expected_value():
    missing = [c.id for c in (*AWS_CHECKS, *AZURE_CHECKS, *GCP_CHECKS)
               if JAPANESE.search(c.title) or JAPANESE.search(c.expected_in("en"))]
    assert set(missing) - EXPECTED_IN_JAPANESE_ONLY == set(), "give these checks an English title and expected value"
    assert EXPECTED_IN_JAPANESE_ONLY - set(missing) == set(), "converted: remove these from EXPECTED_IN_JAPANESE_ONLY"


#: Checks whose title or expected value has no English yet.
EXPECTED_IN_JAPANESE_ONLY: set[str] = set()
