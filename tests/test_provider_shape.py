"""Every provider package has the same parts under the same names (docs/design.md, "One shape for every
provider"), so knowing one adapter is knowing where to look in the next.

The parts: ``plugin`` (options, wiring), ``settings`` and ``credentials``, ``transport`` (with the read-only
guard), ``failures``, ``kinds`` (what is listed, as table rows), ``collect/`` (the run, listings and follow-ups),
``checks/`` (one module per control area), ``permissions``, and ``emulator/`` (``server``, ``estate``, ``demo``)
which only the plugin's demo wiring, the tests and the benchmarks import. The test folders follow the same
names.
"""

from __future__ import annotations

import ast
import importlib
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROVIDERS = ("aws", "azure", "gcp")

MODULES = ("plugin", "settings", "credentials", "transport", "failures", "kinds", "permissions")
PACKAGES = ("collect", "checks", "emulator")
EMULATOR_PARTS = ("server", "estate", "demo")

#: The module of checks/ that decides each control family (the part of a control id before the dot).
AREA_OF_FAMILY = {
    "identity": "identity", "encryption": "encryption", "tls": "transport", "logging": "logging",
    "network": "network", "time": "operations", "vuln": "operations", "ops": "operations",
    "residency": "residency", "resilience": "resilience",
}
CHECK_MODULES = {"__init__", "common", *AREA_OF_FAMILY.values()}

#: The test modules every tests/<cloud>/ has, by the part they test (a prefix: test_checks_network.py counts;
#: the plugin's options and wiring may be tested through the CLI, test_cli.py).
TEST_PARTS = (("test_plugin", "test_cli"), ("test_credentials",), ("test_transport",), ("test_collect",),
              ("test_checks",), ("test_permissions",), ("test_emulator",))

MAX_LINES = 400


def _part(cloud: str, name: str) -> Path | None:
    base = ROOT / "providers" / cloud
    for candidate in (base / f"{name}.py", base / name / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


@pytest.mark.parametrize("cloud", PROVIDERS)
def test_every_provider_has_the_same_parts(cloud):
    missing = [name for name in (*MODULES, *PACKAGES) if _part(cloud, name) is None]
    assert not missing, f"providers/{cloud} lacks {missing}"
    for package in PACKAGES:
        assert (ROOT / "providers" / cloud / package).is_dir(), f"providers/{cloud}/{package} is not a package"
    emulator = ROOT / "providers" / cloud / "emulator"
    assert [p for p in EMULATOR_PARTS if not (emulator / f"{p}.py").exists()] == []


@pytest.mark.parametrize("cloud", PROVIDERS)
def test_checks_are_one_module_per_control_area(cloud):
    found = {p.stem for p in (ROOT / "providers" / cloud / "checks").glob("*.py")}
    assert found <= CHECK_MODULES, f"providers/{cloud}/checks/ has modules named for no area: {found - CHECK_MODULES}"
    checks = importlib.import_module(f"providers.{cloud}.checks").CHECKS
    misplaced = []
    for check in checks:
        module = getattr(check.evaluate, "__module__", "") or ""
        family = check.control_id.split(".")[0]
        if module.rsplit(".", 1)[-1] != AREA_OF_FAMILY[family]:
            misplaced.append((check.id, module))
    assert not misplaced, f"checks decided outside the module of their control area: {misplaced}"


def test_no_module_of_the_core_reports_or_providers_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in ("auditor", "reports", "providers")
            for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by role): {long}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("cloud", PROVIDERS)
def test_only_the_plugins_demo_wiring_reaches_the_emulator(cloud):
    emulator = f"providers.{cloud}.emulator"
    base = ROOT / "providers" / cloud
    offenders = sorted(
        str(path.relative_to(ROOT)) for path in base.rglob("*.py")
        if "emulator" not in path.relative_to(base).parts and path.name != "plugin.py"
        and any(name == emulator or name.startswith(emulator + ".") for name in _imports(path))
    )
    assert not offenders, f"adapter modules importing the emulator: {offenders}"
    plugin = _imports(base / "plugin.py")
    assert {n for n in plugin if n.startswith(emulator)} <= {f"{emulator}.demo", f"{emulator}.demo.demo_estate"}


def test_the_import_contract_covers_every_adapter_module():
    """The import-linter contract that keeps the emulators out of the adapters names every adapter part."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    [contract] = [c for c in contracts if any("emulator" in m for m in c.get("forbidden_modules", []))]
    assert {f"providers.{cloud}.emulator" for cloud in PROVIDERS} <= set(contract["forbidden_modules"])
    for cloud in PROVIDERS:
        base = ROOT / "providers" / cloud
        for path in base.iterdir():
            name = path.stem if path.suffix == ".py" else path.name
            if name in ("__init__", "__pycache__", "plugin", "emulator") or (path.is_file() and path.suffix != ".py"):
                continue
            module = f"providers.{cloud}.{name}"
            assert any(fnmatch(module, pattern) for pattern in contract["source_modules"]), (
                f"{module} is not among the modules the emulator contract checks")


@pytest.mark.parametrize("cloud", PROVIDERS)
def test_the_tests_follow_the_same_layout(cloud):
    present = {p.stem for p in (ROOT / "tests" / cloud).glob("test_*.py")}
    missing = [part[0] for part in TEST_PARTS
               if not any(name == p or name.startswith(p + "_") for p in part for name in present)]
    assert not missing, f"tests/{cloud} has no tests named for {missing}"
