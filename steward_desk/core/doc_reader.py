"""Reading a parsed document (TOML or JSON) table by table, collecting every problem.

`DocReader` walks one table: each accessor checks a key's type and names what is wrong by its
key path (`categories[3].checklist[0].question: missing`), and `done()` names the keys nobody
asked for. The rulebook parser, the verdict parser and the case-pack reader all use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from enum import StrEnum
from typing import TypeVar

from steward_desk.core.rulebook import Problem

_E = TypeVar("_E", bound=StrEnum)
MISSING = object()


def type_name(value: object) -> str:
    """How a person calls the type of a TOML/JSON value."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    if value is None:
        return "null"
    if isinstance(value, datetime | date | time):
        return "a date/time"
    return type(value).__name__


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class DocReader:
    """Walks one table of a parsed document and collects problems instead of stopping.

    Every accessor remembers the key it was asked for, so `done()` can name the keys nobody
    asked for (a typo, or a field this schema does not have).
    """

    def __init__(self, table: Mapping[str, object], path: str, problems: list[Problem]) -> None:
        self.data = table
        self.path = path
        self.problems = problems
        self._asked: list[str] = []

    def at(self, key: str) -> str:
        """The full key path of `key` in this table."""
        return f"{self.path}.{key}" if self.path else key

    def report(self, key: str | None, message: str) -> None:
        """Record a problem at `key` (or at this table itself)."""
        self.problems.append(Problem(self.at(key) if key else self.path, message))

    def names(self) -> list[str]:
        """The keys this table holds, in file order."""
        return list(self.data)

    def has(self, key: str) -> bool:
        """Whether the table holds `key` (without asking for it)."""
        return key in self.data

    def raw(self, key: str, *, required: bool) -> object:
        """The value at `key`, or the missing sentinel (reported when required)."""
        if key not in self._asked:
            self._asked.append(key)
        if key not in self.data:
            if required:
                self.report(key, "missing")
            return MISSING
        return self.data[key]

    def _typed(
        self, key: str, kind: type | tuple[type, ...], expected: str, required: bool
    ) -> object:
        value = self.raw(key, required=required)
        if value is MISSING:
            return MISSING
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.report(key, f"expected {expected}, got {type_name(value)}")
            return MISSING
        if not isinstance(value, kind):
            self.report(key, f"expected {expected}, got {type_name(value)}")
            return MISSING
        return value

    def string(
        self, key: str, *, required: bool = True, default: str = "", blank_ok: bool = False
    ) -> str:
        """A string; blank ones are refused unless `blank_ok`."""
        value = self._typed(key, str, "a string", required)
        if value is MISSING:
            return default
        assert isinstance(value, str)
        if not blank_ok and not value.strip():
            self.report(key, "must not be empty")
            return default
        return value

    def integer(
        self, key: str, *, required: bool = True, default: int = 0, minimum: int | None = None
    ) -> int:
        """An integer (not a boolean), at least `minimum` when given."""
        value = self._typed(key, int, "an integer", required)
        if value is MISSING:
            return default
        assert isinstance(value, int)
        if minimum is not None and value < minimum:
            self.report(key, f"must be at least {minimum}, got {value}")
            return default
        return value

    def boolean(self, key: str, *, required: bool = False, default: bool = False) -> bool:
        """true or false."""
        value = self._typed(key, bool, "true or false", required)
        return default if value is MISSING else bool(value)

    def strings(
        self, key: str, *, required: bool = True, nonempty: bool = False
    ) -> tuple[str, ...]:
        """An array of distinct, non-blank strings."""
        value = self._typed(key, list, "an array of strings", required)
        if value is MISSING:
            return ()
        assert isinstance(value, list)
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                got = "an empty string" if isinstance(item, str) else type_name(item)
                self.report(f"{key}[{index}]", f"expected a non-empty string, got {got}")
            elif item in out:
                self.report(f"{key}[{index}]", f"duplicate {item!r}")
            else:
                out.append(item)
        if nonempty and not value:
            self.report(key, "must not be empty")
        return tuple(out)

    def choice(
        self, key: str, allowed: Iterable[str], what: str, *, required: bool = True
    ) -> str | None:
        """A string that must be one of `allowed`."""
        value = self._typed(key, str, "a string", required)
        if value is MISSING:
            return None
        options = tuple(allowed)
        if value not in options:
            self.report(key, unknown(what, value, options))
            return None
        assert isinstance(value, str)
        return value

    def enum(
        self,
        key: str,
        enum: type[_E],
        what: str,
        *,
        allowed: Iterable[_E] | None = None,
        required: bool = True,
    ) -> _E | None:
        """A member of `enum` (limited to `allowed`), read from its value."""
        options = tuple(allowed) if allowed is not None else tuple(enum)
        value = self.choice(key, (o.value for o in options), what, required=required)
        return None if value is None else enum(value)

    def enums(
        self,
        key: str,
        enum: type[_E],
        what: str,
        *,
        allowed: Iterable[_E] | None = None,
        required: bool = True,
    ) -> tuple[_E, ...]:
        """An array of members of `enum` (limited to `allowed`)."""
        options = {o.value for o in (allowed if allowed is not None else enum)}
        out: list[_E] = []
        for index, item in enumerate(self.strings(key, required=required)):
            if item in options:
                out.append(enum(item))
            else:
                self.report(f"{key}[{index}]", unknown(what, item, sorted(options)))
        return tuple(out)

    def table(self, key: str, *, required: bool = True) -> DocReader | None:
        """A sub-table as its own reader, or None when absent or not a table."""
        value = self._typed(key, Mapping, "a table", required)
        if value is MISSING:
            return None
        assert isinstance(value, Mapping)
        return DocReader(value, self.at(key), self.problems)

    def tables(self, key: str, *, required: bool = True, nonempty: bool = True) -> list[DocReader]:
        """An array of tables, each as a reader with its index in the path."""
        value = self._typed(key, list, "an array of tables", required)
        if value is MISSING:
            return []
        assert isinstance(value, list)
        if nonempty and not value:
            self.report(key, "must not be empty")
        out: list[DocReader] = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append(DocReader(item, f"{self.at(key)}[{index}]", self.problems))
            else:
                self.report(f"{key}[{index}]", f"expected a table, got {type_name(item)}")
        return out

    def done(self) -> None:
        """Report every key of this table that no accessor asked for."""
        for key in self.data:
            if key not in self._asked:
                hint = f" (expected one of {', '.join(self._asked)})" if self._asked else ""
                self.report(key, f"unknown key{hint}")


def unknown(what: str, value: object, options: Iterable[str]) -> str:
    """The message for a value that is not one of the options."""
    return f"unknown {what} {shown(value)} (expected one of {', '.join(options)})"


def check_unique(readers: Iterable[tuple[DocReader, str]], what: str) -> None:
    seen: dict[str, str] = {}
    for reader, item_id in readers:
        if not item_id:
            continue
        if item_id in seen:
            reader.report("id", f"duplicate {what} id {item_id!r} (also {seen[item_id]})")
        else:
            seen[item_id] = reader.path


def identifier(reader: DocReader, key: str = "id") -> str:
    value = reader.string(key)
    if value and not value.replace("_", "").replace("-", "").isalnum():
        reader.report(key, f"{shown(value)}: use letters, digits, '_' or '-'")
        return ""
    return value
