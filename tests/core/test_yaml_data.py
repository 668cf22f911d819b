"""The fast loader of the tool's own data builds exactly what the pure-Python safe loader builds."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from auditor.yaml_data import load_yaml, safe_loader

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
DATA = [resources.files("auditor").joinpath("data/controls.yaml"), *sorted(MAPPINGS.glob("*.yaml"))]


@pytest.mark.parametrize("path", DATA, ids=lambda p: p.name)
def test_same_values_as_the_pure_python_loader(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    assert safe_loader() is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


def test_python_objects_are_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
