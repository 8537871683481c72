"""Typed errors of the importers: each names the file, where in it, and what was expected.

The CLI prints `str(error)` and exits 1; the GUI shows the same sentence. Nothing is stored
when one of these is raised (the caller imports in one transaction).
"""

from __future__ import annotations

from pathlib import Path, PurePath


def display_name(source: str | Path) -> str:
    """The file name people recognise: the last part of a path, or the text as given."""
    text = str(source)
    return PurePath(text).name or text


class IntakeError(Exception):
    """Something handed to an importer cannot be used as it is."""

    def __init__(self, source: str | Path, message: str) -> None:
        super().__init__(message)
        self.source = str(source)


class AccResultsError(IntakeError):
    """An ACC results (or entry-list) file that cannot be read.

    `key_path` is where the problem sits, in the file's own key names
    (`sessionResult.leaderBoardLines[3].timing.totalTime`), or a position in the text
    (`line 12 column 5`) when the JSON itself is broken, or "" for the file as a whole.
    """

    def __init__(self, source: str | Path, key_path: str, problem: str) -> None:
        self.key_path = key_path
        self.problem = problem
        where = f"{key_path}: " if key_path else ""
        super().__init__(source, f"{display_name(source)}: {where}{problem}")


class ReportFormError(IntakeError):
    """An incident-report export (CSV or JSON) or a column mapping that cannot be used.

    `line` is the 1-based line of the CSV record (for JSON: the 1-based item number) or
    None for the file as a whole; `column` is the CSV header or JSON key concerned.
    """

    def __init__(
        self, source: str | Path, line: int | None, column: str | None, problem: str
    ) -> None:
        self.line = line
        self.column = column
        self.problem = problem
        where = []
        if line is not None:
            where.append(f"line {line}")
        if column:
            where.append(f"column {column!r}")
        prefix = f"{display_name(source)}: " + (", ".join(where) + ": " if where else "")
        super().__init__(source, prefix + problem)


class FootageLinkError(IntakeError):
    """A footage reference that is neither a usable link nor a file path."""

    def __init__(self, text: str, problem: str) -> None:
        self.problem = problem
        super().__init__(text, f"footage {text!r}: {problem}")
