"""Fixtures of the panel tests: four desks built once per run, a private copy per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.desks import Panel, build_panel, copy_panel
from steward_desk.core.rulebook import Rulebook, load_rulebook


@pytest.fixture(scope="session")
def panel_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_panel(tmp_path_factory.mktemp("panel"))


@pytest.fixture
def panel(panel_template: Path, tmp_path: Path) -> Panel:
    return copy_panel(panel_template, tmp_path / "panel")


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()
