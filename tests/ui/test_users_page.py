"""The administrator's users page, driven through its real widgets: add a user (who can then
sign in), a password the service refuses (the dialog keeps what was typed), passwords that
differ, unlock after five wrong passwords, disable, set a password; buttons enabled only
when they apply."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox
from sqlalchemy import text

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import Role
from advisor_app.domain.errors import AccessDeniedError
from advisor_app.domain.rules import MAX_FAILED_SIGN_INS
from advisor_app.services.facade import Services
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.users_page import (
    AddUserDialog,
    SetPasswordDialog,
    UserColumn,
    UsersModel,
    UsersPage,
)

PASSWORD = "en lang og god adgangskode"
NEW_PASSWORD = "en anden lang adgangskode"
TIMEOUT = 10_000


@pytest.fixture
def admin(services: Services) -> Actor:
    return services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)


@pytest.fixture
def advisor_user(services: Services, admin: Actor) -> str:
    services.accounts.add_user(admin, "vejleder", Role.ADVISOR, "Vera Vejleder", PASSWORD)
    return "vejleder"


def open_page(qtbot, services: Services, runner: TaskRunner, actor: Actor) -> UsersPage:  # type: ignore[no-untyped-def]
    page = UsersPage(services, runner, actor)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.users_loaded, timeout=TIMEOUT):
        page.show()
    qtbot.waitExposed(page)
    return page


def cell(page: UsersPage, username: str, column: UserColumn) -> str:
    model = page.view.model()
    for row in range(model.rowCount()):
        if model.index(row, UserColumn.USERNAME).data() == username:
            return str(model.index(row, column).data())
    raise AssertionError(f"no row for {username}")


def click_row(qtbot, page: UsersPage, username: str) -> None:  # type: ignore[no-untyped-def]
    model = page.view.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == username)
    rect = page.view.visualRect(model.index(row, UserColumn.NAME))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected_user() is not None and page.selected_user().username == username


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def open_dialog(qtbot, page: UsersPage, button):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.dialog_opened, timeout=TIMEOUT) as opened:
        click(qtbot, button)
    dialog = opened.args[0]
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def type_into(qtbot, widget, value: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClicks(widget, value)


def choose(qtbot, combo: QComboBox, value: str) -> None:  # type: ignore[no-untyped-def]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _step in range(combo.count()):
        if combo.currentData() == value:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == value


def usernames(services: Services, admin: Actor) -> list[str]:
    return [u.username for u in services.accounts.list_users(admin)]


# ---- the list -------------------------------------------------------------------------
def test_the_list_shows_name_role_and_state(qtbot, services, runner, admin, advisor_user):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    assert page.model.rowCount() == 2
    assert cell(page, "admin", UserColumn.NAME) == "Anne Admin"
    assert cell(page, "admin", UserColumn.ROLE) == "Administrator"
    assert cell(page, "vejleder", UserColumn.ROLE) == "Vejleder"
    assert cell(page, "vejleder", UserColumn.STATE) == "Aktiv"
    # Nothing selected: only Add applies.
    assert page.add_button.isEnabled()
    assert not page.unlock_button.isEnabled()
    assert not page.disable_button.isEnabled()
    assert not page.password_button.isEnabled()


def test_buttons_apply_to_the_selected_row_only(qtbot, services, runner, admin, advisor_user):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    click_row(qtbot, page, "admin")
    assert not page.disable_button.isEnabled()  # not one's own account
    assert not page.unlock_button.isEnabled()  # not locked
    assert page.password_button.isEnabled()
    click_row(qtbot, page, "vejleder")
    assert page.disable_button.isEnabled()
    assert not page.unlock_button.isEnabled()


# ---- add ------------------------------------------------------------------------------
def test_admin_adds_a_user_who_can_then_sign_in(qtbot, services, runner, admin):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    dialog = open_dialog(qtbot, page, page.add_button)
    assert isinstance(dialog, AddUserDialog)
    assert dialog.focusWidget() is dialog.username_edit
    type_into(qtbot, dialog.username_edit, "rikke")
    type_into(qtbot, dialog.display_name_edit, "Rikke Revisor")
    choose(qtbot, dialog.role_combo, Role.AUDITOR.value)
    assert dialog.role_combo.currentText() == "Revisor"
    type_into(qtbot, dialog.password_edit, PASSWORD)
    type_into(qtbot, dialog.repeat_edit, PASSWORD)

    with qtbot.waitSignal(page.user_added, timeout=TIMEOUT) as added:
        click(qtbot, dialog.save_button)

    assert added.args[0].username == "rikke"
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert cell(page, "rikke", UserColumn.NAME) == "Rikke Revisor"
    assert cell(page, "rikke", UserColumn.ROLE) == "Revisor"
    assert page.selected_user() is not None and page.selected_user().username == "rikke"
    actor = services.accounts.sign_in("rikke", PASSWORD)
    assert actor.role is Role.AUDITOR and actor.display_name == "Rikke Revisor"


def test_a_too_short_password_shows_the_message_and_keeps_the_fields(
    qtbot, services, runner, admin
):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    dialog = open_dialog(qtbot, page, page.add_button)
    type_into(qtbot, dialog.username_edit, "rikke")
    type_into(qtbot, dialog.display_name_edit, "Rikke Revisor")
    type_into(qtbot, dialog.password_edit, "kort")
    type_into(qtbot, dialog.repeat_edit, "kort")

    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.banner.isVisible() and not dialog.saving, timeout=TIMEOUT)

    assert dialog.banner.text() == "Adgangskoden skal have mindst 12 tegn."
    assert dialog.isVisible()
    assert (dialog.username_edit.text(), dialog.display_name_edit.text()) == (
        "rikke",
        "Rikke Revisor",
    )
    assert (dialog.password_edit.text(), dialog.repeat_edit.text()) == ("kort", "kort")
    assert dialog.focusWidget() is dialog.password_edit
    assert "rikke" not in usernames(services, admin)
    assert page.model.rowCount() == 1

    # Put right in the same dialog, it saves.
    for edit in (dialog.password_edit, dialog.repeat_edit):
        edit.clear()
        type_into(qtbot, edit, PASSWORD)
    with qtbot.waitSignal(page.user_added, timeout=TIMEOUT):
        click(qtbot, dialog.save_button)
    assert "rikke" in usernames(services, admin)


def test_passwords_that_differ_are_caught_in_the_dialog(qtbot, services, runner, admin):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    dialog = open_dialog(qtbot, page, page.add_button)
    type_into(qtbot, dialog.username_edit, "rikke")
    type_into(qtbot, dialog.password_edit, PASSWORD)
    type_into(qtbot, dialog.repeat_edit, PASSWORD + "x")
    click(qtbot, dialog.save_button)
    assert dialog.banner.isVisible()  # at once: no service call was made
    assert dialog.banner.text() == "De to adgangskoder er forskellige."
    assert dialog.focusWidget() is dialog.repeat_edit
    assert not runner.busy
    assert "rikke" not in usernames(services, admin)


def test_a_taken_user_name_is_refused_in_the_dialog(qtbot, services, runner, admin, advisor_user):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    dialog = open_dialog(qtbot, page, page.add_button)
    type_into(qtbot, dialog.username_edit, "Vejleder")
    type_into(qtbot, dialog.password_edit, PASSWORD)
    type_into(qtbot, dialog.repeat_edit, PASSWORD)
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.banner.isVisible() and not dialog.saving, timeout=TIMEOUT)
    assert dialog.banner.text() == "Der findes allerede en bruger med dette navn."
    assert (
        dialog.focusWidget() is dialog.username_edit and dialog.username_edit.text() == "Vejleder"
    )


# ---- unlock, disable, set password --------------------------------------------------------
def lock_out(services: Services, username: str) -> None:
    for _attempt in range(MAX_FAILED_SIGN_INS):
        with pytest.raises(AccessDeniedError):
            services.accounts.sign_in(username, "forkert adgangskode")


def test_unlock_after_five_wrong_passwords(qtbot, services, runner, admin, advisor_user):  # type: ignore[no-untyped-def]
    lock_out(services, "vejleder")
    with pytest.raises(AccessDeniedError):  # even the right password: locked
        services.accounts.sign_in("vejleder", PASSWORD)
    page = open_page(qtbot, services, runner, admin)
    assert cell(page, "vejleder", UserColumn.STATE).startswith("Låst til ")
    click_row(qtbot, page, "vejleder")
    assert page.unlock_button.isEnabled()

    with qtbot.waitSignal(page.user_changed, timeout=TIMEOUT) as changed:
        click(qtbot, page.unlock_button)

    assert changed.args[0].locked_until is None
    assert cell(page, "vejleder", UserColumn.STATE) == "Aktiv"
    assert not page.unlock_button.isEnabled()
    assert page.selected_user().username == "vejleder"  # the selection stays
    assert services.accounts.sign_in("vejleder", PASSWORD).username == "vejleder"


def test_disable_asks_first_then_the_user_cannot_sign_in(
    qtbot, services, runner, admin, advisor_user
):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    click_row(qtbot, page, "vejleder")

    box = open_dialog(qtbot, page, page.disable_button)
    assert isinstance(box, QMessageBox) and box.objectName() == "confirm_disable"
    assert "vejleder" in box.text()
    # "Keep" changes nothing.
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert not runner.busy and cell(page, "vejleder", UserColumn.STATE) == "Aktiv"

    box = open_dialog(qtbot, page, page.disable_button)
    with qtbot.waitSignal(page.user_changed, timeout=TIMEOUT) as changed:
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    assert not changed.args[0].active
    assert cell(page, "vejleder", UserColumn.STATE) == "Deaktiveret"
    assert not page.disable_button.isEnabled()
    with pytest.raises(AccessDeniedError):
        services.accounts.sign_in("vejleder", PASSWORD)


def test_set_password(qtbot, services, runner, admin, advisor_user):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, admin)
    click_row(qtbot, page, "vejleder")
    dialog = open_dialog(qtbot, page, page.password_button)
    assert isinstance(dialog, SetPasswordDialog) and dialog.user.username == "vejleder"
    assert dialog.focusWidget() is dialog.password_edit
    type_into(qtbot, dialog.password_edit, NEW_PASSWORD)
    type_into(qtbot, dialog.repeat_edit, NEW_PASSWORD)

    with qtbot.waitSignal(page.user_changed, timeout=TIMEOUT):
        qtbot.keyClick(dialog.repeat_edit, Qt.Key.Key_Return)  # Enter saves the dialog

    assert services.accounts.sign_in("vejleder", NEW_PASSWORD).username == "vejleder"
    with pytest.raises(AccessDeniedError):
        services.accounts.sign_in("vejleder", PASSWORD)


def test_set_password_also_lifts_a_lock(qtbot, services, runner, admin, advisor_user):  # type: ignore[no-untyped-def]
    lock_out(services, "vejleder")
    page = open_page(qtbot, services, runner, admin)
    click_row(qtbot, page, "vejleder")
    dialog = open_dialog(qtbot, page, page.password_button)
    type_into(qtbot, dialog.password_edit, "kort")
    type_into(qtbot, dialog.repeat_edit, "kort")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.banner.isVisible() and not dialog.saving, timeout=TIMEOUT)
    assert dialog.banner.text() == "Adgangskoden skal have mindst 12 tegn."
    assert dialog.password_edit.text() == "kort"

    for edit in (dialog.password_edit, dialog.repeat_edit):
        edit.clear()
        type_into(qtbot, edit, NEW_PASSWORD)
    with qtbot.waitSignal(page.user_changed, timeout=TIMEOUT):
        click(qtbot, dialog.save_button)
    assert cell(page, "vejleder", UserColumn.STATE) == "Aktiv"
    assert services.accounts.sign_in("vejleder", NEW_PASSWORD).username == "vejleder"


def test_a_refused_change_shows_in_the_page(qtbot, services, runner, admin, advisor_user):  # type: ignore[no-untyped-def]
    """The list is stale: the user was renamed behind the page's back. The service's refusal
    shows in the page's banner and the page stays usable."""
    lock_out(services, "vejleder")
    page = open_page(qtbot, services, runner, admin)
    click_row(qtbot, page, "vejleder")
    with services.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE advisor SET username = 'flyttet' WHERE username = 'vejleder'")
        )
    with qtbot.waitSignal(page.error_shown, timeout=TIMEOUT):
        click(qtbot, page.unlock_button)
    assert page.banner.text() == "Der er ingen bruger med dette navn."
    assert page.add_button.isEnabled()


# ---- the model ------------------------------------------------------------------------
def test_the_users_model_passes_the_model_tester(qtmodeltester, services, admin, advisor_user):  # type: ignore[no-untyped-def]
    model = UsersModel()
    qtmodeltester.check(model)
    now = services.clock.now()
    users = services.accounts.list_users(admin)
    model.set_users(users, now)
    qtmodeltester.check(model)
    added = services.accounts.add_user(admin, "rikke", Role.AUDITOR, "Rikke Revisor", PASSWORD)
    assert model.put_user(added, now) == 2  # appended
    changed = services.accounts.disable(admin, "vejleder")
    assert model.put_user(changed, now) == model.row_of("vejleder")  # replaced in place
    assert model.rowCount() == 3
    qtmodeltester.check(model)
