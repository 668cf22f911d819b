"""Typed reading of JSON records (snapshots, results, stored runs), naming the exact field that is wrong.

:class:`Record` wraps one JSON object with its location (``evidence[3]``); each accessor returns a
value of the promised type or raises :class:`RecordError` with the field's path and what is wrong
(``evidence[3].collected_at: must be an ISO 8601 time with a time zone, not 12``). A damaged or
hand-edited file therefore fails once, clearly, where it is read, never later inside a check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_MISSING: Any = object()


class RecordError(ValueError):
    """A field of a record is missing or has the wrong type; ``where`` is its path."""

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        self.detail = detail
        super().__init__(f"{where}: {detail}")


def parse_time(text: str) -> datetime:
    """An ISO 8601 time with a time zone (``Z`` allowed), as UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time without a time zone: {text}")
    return moment.astimezone(UTC)


def type_name(value: Any) -> str:
    """How a JSON value's type is named in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def mapping_at(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RecordError(where, f"must be a mapping, not {type_name(value)}")
    return value


def list_at(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise RecordError(where, f"must be a list, not {type_name(value)}")
    return value


@dataclass(frozen=True)
class Record:
    """One JSON object and where it sits in its file."""

    data: Mapping[str, Any]
    where: str

    @classmethod
    def of(cls, value: Any, where: str) -> Record:
        return cls(mapping_at(value, where), where)

    def at(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def value(self, name: str, default: Any = _MISSING) -> Any:
        if name in self.data:
            return self.data[name]
        if default is _MISSING:
            raise RecordError(self.at(name), "is missing")
        return default

    def text(self, name: str, default: Any = _MISSING) -> str:
        value = self.value(name, default)
        if not isinstance(value, str):
            raise RecordError(self.at(name), f"must be text, not {type_name(value)}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.value(name, default)
        if not isinstance(value, bool):
            raise RecordError(self.at(name), f"must be true or false, not {type_name(value)}")
        return value

    def time(self, name: str) -> datetime:
        value = self.value(name)
        try:
            return parse_time(value)
        except (TypeError, ValueError, AttributeError):
            raise RecordError(
                self.at(name), f"must be an ISO 8601 time with a time zone, not {type_name(value)}"
            ) from None

    def mapping(self, name: str) -> dict[str, Any]:
        """A mapping field; missing or null is an empty mapping."""
        value = self.value(name, None)
        return {} if value is None else dict(mapping_at(value, self.at(name)))

    def text_mapping(self, name: str) -> dict[str, str]:
        """A mapping of texts to texts; missing or null is an empty mapping."""
        values = self.mapping(name)
        for key, value in values.items():
            if not isinstance(value, str):
                raise RecordError(f"{self.at(name)}.{key}", f"must be text, not {type_name(value)}")
        return values

    def texts(self, name: str, default: Any = _MISSING) -> tuple[str, ...]:
        """A list of texts; with a default, missing or null gives the default."""
        value = self.value(name, default)
        if value is None and default is not _MISSING:
            return tuple(default)
        items = list_at(value, self.at(name))
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise RecordError(f"{self.at(name)}[{index}]", f"must be text, not {type_name(item)}")
        return tuple(items)

    def records(self, name: str) -> list[Record]:
        """A list of objects, each as a :class:`Record` that knows its index."""
        items = list_at(self.value(name), self.at(name))
        return [Record.of(item, f"{self.at(name)}[{index}]") for index, item in enumerate(items)]
