from __future__ import annotations

from steward_desk.core.wording import counted, plural_s


def test_counted_takes_the_singular_only_for_one() -> None:
    assert counted(1, "case") == "1 case"
    assert [counted(n, "report") for n in (0, 2, 10)] == ["0 reports", "2 reports", "10 reports"]
    assert counted(3, "driver reference") == "3 driver references"
    assert counted(1, "was", "were") == "1 was" and counted(2, "was", "were") == "2 were"
    assert plural_s(1) == "" and plural_s(0) == "s" and plural_s(5) == "s"
