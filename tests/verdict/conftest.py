"""Fixtures for the verdict stories: the demo league's database, the rulebook, stewards, and
earlier decisions stored as the head steward's desk stores them (the precedents)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from steward_desk.core.rulebook import Rulebook, load_rulebook
from steward_desk.paths import Paths
from steward_desk.storage.stewards import StewardInfo, StewardRepository
from steward_desk.storage.store import Store
from steward_desk.storage.verdicts import VerdictRepository


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture
def store(demo_paths: Paths) -> Iterator[Store]:
    opened = Store.open(demo_paths)
    yield opened
    opened.close()


@pytest.fixture
def repo(store: Store, rulebook: Rulebook) -> VerdictRepository:
    return VerdictRepository(store, rulebook)


@pytest.fixture
def stewards(store: Store) -> dict[str, StewardInfo]:
    """Three panel stewards, one racing for Scuderia Nova, and a head steward."""
    repo = StewardRepository(store)
    return {
        "ana": repo.register("Ana Steward"),
        "ben": repo.register("Ben Steward", team="Greenline"),
        "nova": repo.register("Nico Nova", team="Scuderia Nova", player_id="S76561198000009999"),
        "head": repo.register("Hedda Head", ["head"]),
    }
