"""A 2019 result file names drivers without a player id: the queue and the case details say
so in words instead of showing the stand-in id the import keys them by."""

from __future__ import annotations

from steward_desk.intake.acc_results import stand_in_player_id
from steward_desk.ui.queue_model import shown_id


def test_a_real_player_id_is_shown_as_it_is() -> None:
    assert shown_id("S76561198000000001") == "S76561198000000001"


def test_a_stand_in_id_reads_no_player_id_in_the_file() -> None:
    stand_in = stand_in_player_id("Federico", "Siviero", "SIV", "7.0")
    assert stand_in != "no player id in the file"
    assert shown_id(stand_in) == "no player id in the file"
