"""Words for counts, as people write them: "1 case", "3 cases", never "3 case(s)"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun in the number it takes: counted(1, "report") is "1 report",
    counted(2, "driver reference") "2 driver references"; `plural` for the irregular ones
    (counted(2, "was", "were") is "2 were")."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def plural_s(count: int) -> str:
    """The "s" a regular noun takes after `count` ("" after 1), for a noun inside a phrase."""
    return "" if count == 1 else "s"
