"""Who is at the keyboard: the first administrator on a new database, signing in, five
wrong passwords, the idle lock over a half-written session, and a window for each role."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from advisor_app.domain.enums import (
    AuditAction,
    ConsentMethod,
    ConsentScope,
    RelationType,
    Role,
)
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.ui.app import Session
from advisor_app.ui.idle_lock import Cover, IdleLock
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.session_dialog import SessionDialog
from advisor_app.ui.sign_in import FirstAdminDialog, SignInDialog

PASSWORD = "et langt og hemmeligt kodeord"


def open_dialog(qtbot, dialog):  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def users(services):  # type: ignore[no-untyped-def]
    """An admin and an advisor with passwords (the sign-in is what these tests are about)."""
    admin = services.accounts.create_first_admin("anne", "Anne Admin", PASSWORD)
    services.accounts.add_user(admin, "bo", Role.ADVISOR, "Bo Berg", PASSWORD)
    services.accounts.add_user(admin, "rikke", Role.AUDITOR, "Rikke Revisor", PASSWORD)
    services.accounts.add_user(admin, "lars", Role.MANAGER, "Lars Leder", PASSWORD)
    return admin


def test_the_first_start_creates_the_administrator(qtbot, services, runner):  # type: ignore[no-untyped-def]
    assert not services.accounts.has_users()
    dialog = open_dialog(
        qtbot, FirstAdminDialog(runner, services.accounts.create_first_admin, "anne")
    )
    qtbot.keyClicks(dialog.display_name, "Anne Admin")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.repeat, PASSWORD + "x")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "differ" not in dialog.error.text()  # in Danish
    assert "adgangskoder" in dialog.error.text().lower()
    assert not services.accounts.has_users()
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert dialog.actor is not None and dialog.actor.role is Role.ADMIN
    assert services.accounts.sign_in("anne", PASSWORD).display_name == "Anne Admin"


def test_a_short_password_is_explained_and_the_form_kept(qtbot, services, runner):  # type: ignore[no-untyped-def]
    dialog = open_dialog(
        qtbot, FirstAdminDialog(runner, services.accounts.create_first_admin, "anne")
    )
    qtbot.keyClicks(dialog.display_name, "Anne Admin")
    qtbot.keyClicks(dialog.password, "kort")
    qtbot.keyClicks(dialog.repeat, "kort")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "12" in dialog.error.text()
    assert (dialog.username.text(), dialog.display_name.text()) == ("anne", "Anne Admin")
    assert dialog.ok_button.isEnabled() and not services.accounts.has_users()


def test_sign_in(qtbot, services, runner, users):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, SignInDialog(runner, services.accounts.sign_in, "bo"))
    assert dialog.focusWidget() is dialog.password  # the name is remembered
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert dialog.actor is not None and (dialog.actor.username, dialog.actor.role) == (
        "bo",
        Role.ADVISOR,
    )


def test_five_wrong_passwords_lock_the_account(qtbot, services, runner, users):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, SignInDialog(runner, services.accounts.sign_in, "bo"))
    for attempt in range(5):
        qtbot.keyClicks(dialog.password, f"forkert kodeord nummer {attempt}")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10_000)
        assert dialog.password.text() == ""  # typed again, never kept
        assert dialog.username.text() == "bo"
    assert "15" in dialog.error.text()  # locked for 15 minutes, in words
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10_000)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.actor is None
    assert "låst i 15 minutter" in dialog.error.text()  # the right password learns why
    (bo,) = [u for u in services.accounts.list_users(users) if u.username == "bo"]
    assert bo.locked_until is not None
    auditor = services.accounts.sign_in("rikke", PASSWORD)
    from advisor_app.services.audit import AuditFilter

    logged = services.audit.events(auditor, AuditFilter(username="bo")).rows
    assert [e.action for e in reversed(logged)][-7:] == [AuditAction.SIGN_IN_FAILED] * 5 + [
        AuditAction.ACCOUNT_LOCKED,
        AuditAction.SIGN_IN_FAILED,
    ]


def test_the_idle_lock_covers_everything_and_keeps_the_typed_note(  # type: ignore[no-untyped-def]
    qtbot, services, runner, users
):
    bo = services.accounts.sign_in("bo", PASSWORD)
    relative = services.relatives.register(
        bo,
        RelativeInput(name="Bjørn Østergård", birth_year=1958),
        CitizenInput(name="Åse Østergård", birth_year=1950),
        RelationInput(RelationType.SPOUSE),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.ORAL, date.today())],
    )
    lock = IdleLock(
        runner, lambda password: services.accounts.confirm_password(bo, password), "Bo Berg", 10
    )
    window = MainWindow(services, bo, runner, idle_lock=lock)
    qtbot.addWidget(window)
    window.show()
    dialog = SessionDialog(services, runner, bo, relative, services.reference.topics(bo))
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    note = "Bjørn sover dårligt og vil gerne høre om aflastning."
    qtbot.keyClicks(dialog.notes, note)

    lock.set_interval_ms(50)  # ten minutes, shortened
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    try:
        covers = [c for c in window.findChildren(Cover)] + dialog.findChildren(Cover)
        assert len(covers) == 2 and all(c.isVisible() for c in covers)
        for cover, under in ((covers[0], window), (covers[1], dialog)):
            assert cover.geometry() == under.rect()
            # The cover is on top: what is under a point of the note is the cover.
        assert dialog.childAt(dialog.notes.geometry().center()) is not dialog.notes
        assert lock.dialog is not None and lock.dialog.isVisible()
        assert lock.dialog.windowModality() == Qt.WindowModality.ApplicationModal

        unlock = lock.dialog
        qtbot.keyClicks(unlock.password, "ikke mit kodeord her")
        qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: unlock.error.isVisible(), timeout=10_000)
        assert lock.locked
        qtbot.keyClicks(unlock.password, PASSWORD)
        qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not lock.locked, timeout=10_000)
    finally:
        lock.set_minutes(10)
    qtbot.waitUntil(lambda: not window.findChildren(Cover) and not dialog.findChildren(Cover))
    assert dialog.isVisible() and dialog.notes.toPlainText() == note
    lock.stop()


def test_a_window_that_opens_while_locked_is_covered_too(qtbot, services, runner, users):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    bo = services.accounts.sign_in("bo", PASSWORD)
    lock = IdleLock(runner, lambda p: services.accounts.confirm_password(bo, p), "Bo", 10)
    window = MainWindow(services, bo, runner, idle_lock=lock)
    qtbot.addWidget(window)
    window.show()
    lock.lock()
    try:
        box = QMessageBox(QMessageBox.Icon.Warning, "Fejl", "En opgave fejlede", parent=window)
        qtbot.addWidget(box)
        box.open()  # e.g. a task's error message arriving while locked
        qtbot.waitUntil(lambda: bool(box.findChildren(Cover)), timeout=5_000)
        assert lock.dialog is not None and lock.dialog.isVisible()
    finally:
        lock.unlock()
        lock.stop()
    qtbot.waitUntil(lambda: not box.findChildren(Cover), timeout=5_000)


def test_five_wrong_answers_to_the_lock_end_the_program(qtbot, services, runner, users):  # type: ignore[no-untyped-def]
    bo = services.accounts.sign_in("bo", PASSWORD)
    lock = IdleLock(runner, lambda p: services.accounts.confirm_password(bo, p), "Bo", 10)
    window = QWidget()
    qtbot.addWidget(window)
    lock.lock()
    assert lock.dialog is not None
    qtbot.addWidget(lock.dialog)
    try:
        with qtbot.waitSignal(lock.quit_requested, timeout=20_000):
            for attempt in range(5):
                dialog = lock.dialog
                qtbot.waitUntil(lambda d=dialog: d.unlock_button.isEnabled(), timeout=10_000)
                qtbot.keyClicks(dialog.password, f"forkert gæt nummer {attempt}")
                qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
                if attempt < 4:
                    qtbot.waitUntil(lambda d=dialog: d.unlock_button.isEnabled(), timeout=10_000)
    finally:
        lock.unlock()
        lock.stop()


def test_escape_does_not_unlock(qtbot, services, runner, users):  # type: ignore[no-untyped-def]
    bo = services.accounts.sign_in("bo", PASSWORD)
    lock = IdleLock(runner, lambda p: services.accounts.confirm_password(bo, p), "Bo", 10)
    window = QWidget()
    qtbot.addWidget(window)
    lock.lock()
    assert lock.dialog is not None
    qtbot.addWidget(lock.dialog)
    qtbot.keyClick(lock.dialog, Qt.Key.Key_Escape)
    assert lock.locked and lock.dialog.isVisible()
    lock.unlock()
    lock.stop()


@pytest.mark.parametrize(
    ("name", "window_name"),
    [
        ("bo", "main_window"),
        ("anne", "admin_window"),
        ("rikke", "auditor_window"),
        ("lars", "manager_window"),
    ],
)
def test_each_role_gets_its_own_window(qtbot, services, runner, users, name, window_name):  # type: ignore[no-untyped-def]
    actor = services.accounts.sign_in(name, PASSWORD)
    session = Session(services, actor, runner)
    window = session.show()
    qtbot.addWidget(window)
    try:
        assert window.objectName() == window_name
        assert actor.display_name in window.statusBar().findChildren(QWidget)[-1].property(
            "text"
        ) or any(
            actor.display_name in (w.property("text") or "")
            for w in window.statusBar().findChildren(QWidget)
        )
        assert actor.display_name not in window.windowTitle()
        runner.wait_idle()
    finally:
        session.idle_lock.stop()


def test_the_admin_verifies_the_log_and_loads_a_licensed_text(  # type: ignore[no-untyped-def]
    qtbot, services, runner, users, tmp_path
):
    import json

    anne = services.accounts.sign_in("anne", PASSWORD)
    session = Session(services, anne, runner)
    window = session.show()
    qtbot.addWidget(window)
    try:
        window.verify_action.trigger()
        qtbot.waitUntil(lambda: window.verdict_box is not None, timeout=10_000)
        assert "Adgangsloggen er hel" in window.verdict_box.text()
        items = {str(n): {"da": f"Spørgsmål {n}", "en": f"Item {n}"} for n in range(1, 5)}
        licensed = tmp_path / "zarit4.json"
        licensed.write_text(json.dumps({"id": "zarit4", "version": "shell-1", "items": items}))
        with qtbot.waitSignal(window.text_loader.loaded, timeout=10_000):
            window.load_instrument_text(str(licensed))
        assert services.check_ins.registry(anne).get("zarit4").shows_text
        assert "indlæst" in window.statusBar().currentMessage()
    finally:
        session.idle_lock.stop()
