"""Shared test fixtures. Tests default to the offscreen Qt platform; tests marked `xvfb`
need a real X server and are skipped unless DISPLAY points at one (scripts/test runs them
under Xvfb)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STEWARD_DESK_NO_KEYRING", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ACC_FIXTURES = SHARED / "fixtures" / "acc-results"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    has_x = os.environ.get("QT_QPA_PLATFORM") == "xcb" and bool(os.environ.get("DISPLAY"))
    skip_x = pytest.mark.skip(reason="needs a real X server: run under Xvfb (scripts/test does)")
    for item in items:
        if "xvfb" in item.keywords and not has_x:
            item.add_marker(skip_x)


@pytest.fixture
def acc_fixtures() -> Path:
    """The real ACC result files in ../shared (third-party data, never copied into the repo)."""
    if not ACC_FIXTURES.is_dir():
        pytest.skip(f"real ACC result files not present at {ACC_FIXTURES} (../shared is absent)")
    return ACC_FIXTURES


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh Steward Desk home folder; the environment points at it."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("STEWARD_DESK_HOME", str(path))
    monkeypatch.delenv("STEWARD_DESK_DB", raising=False)
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo league built once per test run (real ACC files, reports, stamped clips)."""
    from steward_desk.demo.builder import build_demo
    from steward_desk.paths import Paths
    from steward_desk.storage.store import Store

    home = tmp_path_factory.mktemp("demo-home")
    paths = Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}").ensure()
    store = Store.open(paths)
    build_demo(store, paths)
    store.close()
    return home


@pytest.fixture
def demo_paths(demo_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private copy of the demo database (footage stays shared, read-only in spirit)."""
    import sqlite3

    from steward_desk.paths import Paths

    home = tmp_path / "desk"
    home.mkdir()
    source = sqlite3.connect(demo_template / "steward-desk.sqlite")
    target = sqlite3.connect(home / "steward-desk.sqlite")
    source.backup(target)
    source.close()
    target.close()
    return Paths(home=home, db_url=f"sqlite:///{home / 'steward-desk.sqlite'}")


@pytest.fixture
def clear_decisions():  # type: ignore[no-untyped-def]
    """Remove the demo's decisions, for tests that build a league's precedents themselves."""
    from sqlalchemy import delete

    from steward_desk.storage.tables import Decision, LedgerEntry, PenaltyRow

    def clear(store) -> None:  # type: ignore[no-untyped-def]
        with store.transaction() as session:
            for table in (PenaltyRow, LedgerEntry, Decision):
                session.execute(delete(table))

    return clear


@pytest.fixture(scope="session")
def jose_verifier() -> Path:
    """tests/js/verify.mjs with the `jose` npm package installed beside it (node_modules is a
    cache). Skipped with the reason when node/npm are missing or the registry is unreachable."""
    import shutil
    import subprocess

    js_dir = REPO / "tests" / "js"
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not on PATH: the jose check needs them")
    if not (js_dir / "node_modules" / "jose" / "package.json").exists():
        command = "ci" if (js_dir / "package-lock.json").exists() else "install"
        try:
            done = subprocess.run(
                [npm, command, "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=js_dir,
                capture_output=True,
                text=True,
                timeout=180,
            )
        except subprocess.TimeoutExpired:
            pytest.skip("npm install of jose timed out (offline?)")
        if done.returncode != 0:
            pytest.skip(f"npm {command} of jose failed (offline?): {done.stderr.strip()[-300:]}")
    return js_dir / "verify.mjs"
