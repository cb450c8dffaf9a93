"""The administrator's backups page: make one now, see it listed, restore it after a
confirmation (the program then asks to be started again); and the start's offer to restore
the newest verified backup when the database file is damaged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from advisor_app.persistence.database import sqlite_url
from advisor_app.services.backups import DamagedDatabaseError
from advisor_app.services.facade import open_services
from advisor_app.ui.backups_page import BackupsModel, offer_restore
from advisor_app.ui.role_windows import AdminWindow

PASSWORD = "et langt og hemmeligt kodeord"


def _box(name: str) -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == name and widget.isVisible():
            return widget
    return None


def test_the_admin_makes_a_backup_and_restores_it(qtbot, qtmodeltester, services, runner):  # type: ignore[no-untyped-def]
    services.accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    anne = services.accounts.sign_in("anne", PASSWORD)
    window = AdminWindow(services, anne, runner, None)
    qtbot.addWidget(window)
    window.show()
    page = window.backups_page
    assert window.tabs.tabText(window.tabs.indexOf(page)) == "Sikkerhedskopier"
    with qtbot.waitSignal(page.backups_loaded, timeout=10_000) as loaded:
        window.tabs.setCurrentWidget(page)
    assert loaded.args[0] == []

    with qtbot.waitSignal(page.backups_loaded, timeout=20_000):
        qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1
    assert page.model.index(0, 3).data() == "Ja"
    assert "verificeret" in page.status.text()
    qtmodeltester.check(page.model)
    qtmodeltester.check(BackupsModel())

    # Work after the backup: the restore takes it away again.
    services.settings.save(anne, {"municipality.name": "Herning Kommune"})
    page.view.selectRow(0)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    confirm = page.confirm_box
    assert confirm is not None and confirm.isVisible()
    with qtbot.waitSignal(page.restored, timeout=20_000):
        accept = next(b for b in confirm.buttons() if b.objectName() == "accept_anyway")
        accept.click()
        qtbot.waitUntil(lambda: _box("restored_box") is not None, timeout=20_000)
        done = _box("restored_box")
        assert done is not None
        done.button(QMessageBox.StandardButton.Ok).click()
    runner.wait_idle()
    path = services.db.sqlite_path
    again, _ = open_services(sqlite_url(path))
    try:
        assert again.settings.current(anne).municipality == ""
    finally:
        again.db.dispose()


def test_a_restore_needs_a_chosen_backup(qtbot, services, runner):  # type: ignore[no-untyped-def]
    services.accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    anne = services.accounts.sign_in("anne", PASSWORD)
    window = AdminWindow(services, anne, runner, None)
    qtbot.addWidget(window)
    page = window.backups_page
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert page.confirm_box is None
    assert "Vælg" in page.status.text()


def test_the_start_offers_the_newest_verified_backup(qtbot, services, tmp_path: Path):  # type: ignore[no-untyped-def]
    services.accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    anne = services.accounts.sign_in("anne", PASSWORD)
    services.backups.make(anne)
    path = services.db.sqlite_path
    services.db.dispose()
    with path.open("r+b") as handle:
        handle.seek(3 * 4096)
        handle.write(b"\xa5" * 4 * 4096)
    url = sqlite_url(path)
    try:
        open_services(url)
    except DamagedDatabaseError as error:
        damaged = error
    else:
        raise AssertionError("the damaged file was opened")
    asked: list[str] = []

    def decline(box: QMessageBox) -> bool:
        asked.append(box.text())
        box.deleteLater()
        return False

    assert offer_restore(url, damaged, "Pårørendevejleder", decline) is None
    assert "beskadiget" in asked[0]
    with path.open("rb") as handle:
        handle.seek(3 * 4096)
        assert handle.read(16) == b"\xa5" * 16  # declined: untouched

    def accept(box: QMessageBox) -> bool:
        box.deleteLater()
        return True

    reopened = offer_restore(url, damaged, "Pårørendevejleder", accept)
    assert reopened is not None
    services_again, _backup = reopened
    try:
        assert services_again.accounts.sign_in("anne", PASSWORD).username == "anne"
    finally:
        services_again.db.dispose()


def test_the_day_s_backup_is_made_while_open_and_another_on_close(qtbot, services, runner):  # type: ignore[no-untyped-def]
    from advisor_app.domain.backup_rules import BackupKind
    from advisor_app.ui.app import BACKUP_CHECK_MS, Session, backup_on_close

    services.accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    anne = services.accounts.sign_in("anne", PASSWORD)
    session = Session(services, anne, runner)
    try:
        assert session.backup_timer.isActive()
        assert session.backup_timer.interval() == BACKUP_CHECK_MS
        for _tick in range(2):  # the second finds today's copy made
            session._on_backup_timer_timeout()
            runner.wait_idle()
        kinds = [b.kind for b in services.backups.generations(anne)]
        assert kinds == [BackupKind.DAILY]
        backup_on_close(services)
        kinds = [b.kind for b in services.backups.generations(anne)]
        assert kinds == [BackupKind.CLOSE]  # one a day is kept: the newest
    finally:
        session.stop()
        assert not session.backup_timer.isActive()


def test_on_a_team_database_the_page_says_the_server_s_backup_is_relied_on(  # type: ignore[no-untyped-def]
    qtbot, services, runner, monkeypatch
):
    from advisor_app.domain.errors import ValidationError
    from advisor_app.services.backups import TEAM_DATABASE

    services.accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    anne = services.accounts.sign_in("anne", PASSWORD)

    def team(actor):  # type: ignore[no-untyped-def]
        raise ValidationError(TEAM_DATABASE)

    monkeypatch.setattr(services.backups, "generations", team)
    window = AdminWindow(services, anne, runner, None)
    qtbot.addWidget(window)
    page = window.backups_page
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: not page.make_button.isEnabled(), timeout=10_000)
    assert "serverens egen sikkerhedskopi" in page.banner.text()
    assert not page.restore_button.isEnabled()
