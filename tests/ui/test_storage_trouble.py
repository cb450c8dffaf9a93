"""Storage trouble in the window: a full disk while saving a session shows what to do and
keeps the typed note; a read-only database without users, and a second window on the same
file, are told at start instead of crashing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import event

from advisor_app.domain.enums import ConsentMethod, ConsentScope, RelationType
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.services.facade import hold_instance, open_services
from advisor_app.ui.app import run_gui
from advisor_app.ui.session_dialog import SessionDialog

NOTE = ("Bjørn fortæller om nætterne og om aflastning. " * 300).strip()  # needs new pages


@pytest.fixture
def relative(services, actor):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name="Bjørn Østergård", phone="20 30 40 50", birth_year=1958),
        CitizenInput(name="Åse Østergård", birth_year=1950),
        RelationInput(RelationType.SPOUSE, hours_per_week=30),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.ORAL, date.today())],
    )


def fill_the_disk(db: Any) -> None:
    """Each new connection may not grow the file (SQLite's max_page_count): a full disk."""
    db.engine.dispose()

    @event.listens_for(db.engine, "connect")
    def _full(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        (pages,) = dbapi_connection.execute("PRAGMA page_count").fetchone()
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_while_saving_shows_the_message_and_keeps_the_note(  # type: ignore[no-untyped-def]
    qtbot, services, runner, actor, relative
):
    dialog = SessionDialog(services, runner, actor, relative, services.reference.topics(actor))
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.notes.setPlainText(NOTE)
    dialog.action_text.setText("Ring tilbage om aflastning")
    fill_the_disk(services.db)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=10_000)
    assert "Disken er fuld" in dialog.banner.text()  # the UI is in Danish in these tests
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert dialog.notes.toPlainText() == NOTE
    assert dialog.action_text.text() == "Ring tilbage om aflastning"
    assert services.sessions.list_for_relative(actor, relative.id) == ()


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the message boxes run_gui shows (instead of blocking on them)."""
    texts: list[str] = []

    def record(box: QMessageBox) -> int:
        texts.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return texts


def test_a_read_only_database_without_users_is_told_at_start(
    qapp: Any, tmp_path: Path, shown: list[str]
) -> None:
    path = tmp_path / "advisor.sqlite3"
    services, _ = open_services(f"sqlite+pysqlite:///{path}")
    services.db.dispose()
    read_only = f"sqlite+pysqlite:///file:{path}?mode=ro&uri=true"
    code = run_gui(read_only, language="da", screenshot=None, user=None)
    assert code == 2
    assert len(shown) == 1 and "kun læses" in shown[0]


def test_a_second_window_on_the_same_file_is_told_so(
    qapp: Any, ui_db_url: str, services: Any, shown: list[str]
) -> None:
    first = hold_instance(ui_db_url)
    assert first is not None
    try:
        code = run_gui(ui_db_url, language="en", screenshot=None, user=None)
    finally:
        first.release()
    assert code == 2
    assert len(shown) == 1 and "already open on this database" in shown[0]
