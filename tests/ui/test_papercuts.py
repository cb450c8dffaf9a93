"""Things that bothered in use: the duplicate warning when registering, the user guide on F1,
the About box."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from advisor_app import __version__
from advisor_app.domain.enums import Role
from advisor_app.services.dto import RelativeInput
from advisor_app.ui.duplicate_prompt import DuplicatePrompt
from advisor_app.ui.empty_state import EmptyHint
from advisor_app.ui.help_dialog import HelpDialog, guide_html
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.relative_dialog import RelativeDialog
from tests.factories import make_user, record_with_actions


@pytest.fixture
def window(qtbot, services, actor, runner):  # type: ignore[no-untyped-def]
    services.relatives.register(
        actor, RelativeInput(name="Søren Kierkegaard", phone="11 22 33 44", birth_year=1961)
    )
    services.relatives.register(actor, RelativeInput(name="Åse Ærbø", birth_year=1950))
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    return win


def open_new_relative(qtbot, window):  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(RelativeDialog) is not None, timeout=5_000)
    dialog = window.findChild(RelativeDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_registering_the_same_person_again_offers_the_existing_one(qtbot, window, services, actor):  # type: ignore[no-untyped-def]
    dialog = open_new_relative(qtbot, window)
    qtbot.keyClicks(dialog.relative_fields.name, "soren kierkegaard")
    qtbot.keyClicks(dialog.relative_fields.phone, "11223344")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(DuplicatePrompt) is not None, timeout=10_000)
    prompt = dialog.findChild(DuplicatePrompt)
    assert prompt.rows.count() == 1
    assert prompt.rows.item(0).text().startswith("Søren Kierkegaard")
    assert "11 22 33 44" in prompt.rows.item(0).text()

    # Go back: the form keeps what was typed and nothing is saved.
    qtbot.mouseClick(prompt.back_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.relative_fields.name.text() == "soren kierkegaard"
    assert services.relatives.search(actor, "kierkegaard").total == 1

    # Again, and open the existing relative instead.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(p.isVisible() for p in dialog.findChildren(DuplicatePrompt)),
        timeout=10_000,
    )
    prompt = next(p for p in dialog.findChildren(DuplicatePrompt) if p.isVisible())
    qtbot.mouseClick(prompt.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    qtbot.waitUntil(
        lambda: window.page.detail is not None and window.page.detail.name == "Søren Kierkegaard",
        timeout=10_000,
    )
    assert services.relatives.search(actor, "kierkegaard").total == 1


def test_registering_anyway_makes_a_second_record(qtbot, window, services, actor):  # type: ignore[no-untyped-def]
    dialog = open_new_relative(qtbot, window)
    qtbot.keyClicks(dialog.relative_fields.name, "Åse Ærbø")
    qtbot.keyClicks(dialog.relative_fields.birth_year, "1950")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(DuplicatePrompt) is not None, timeout=10_000)
    prompt = dialog.findChild(DuplicatePrompt)
    with qtbot.waitSignal(dialog.relative_saved, timeout=10_000):
        qtbot.mouseClick(prompt.register_button, Qt.MouseButton.LeftButton)
    assert services.relatives.search(actor, "aerbo").total == 2


def test_a_new_name_is_registered_without_a_question(qtbot, window, services, actor):  # type: ignore[no-untyped-def]
    dialog = open_new_relative(qtbot, window)
    qtbot.keyClicks(dialog.relative_fields.name, "Bodil Ipsen")
    qtbot.keyClicks(dialog.relative_fields.birth_year, "1961")
    with qtbot.waitSignal(dialog.relative_saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.findChild(DuplicatePrompt) is None
    assert QApplication.activeModalWidget() is not dialog


def test_f1_opens_the_guide_in_danish_with_every_shortcut(qtbot, window):  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(HelpDialog) is not None, timeout=5_000)
    guide = window.findChild(HelpDialog)
    qtbot.waitExposed(guide)
    text = guide.browser.toPlainText()
    assert "Mødet" in text and "Opfølgning" in text and "Mentorpårørende" in text
    # Generated from the menus: every action's key is there, F1 and Ctrl+N among them.
    for action in (window.new_relative_action, window.account_menus.guide_action):
        assert action.shortcut().toString() in text
    assert "Ctrl+Shift+K" in text and "F11" in text
    assert "<!--" not in guide.browser.toHtml()
    # F1 again brings the open guide forward rather than a second one.
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert len(window.findChildren(HelpDialog)) == 1
    guide.close()


def test_the_english_guide(qtbot, window):  # type: ignore[no-untyped-def]
    html = guide_html(window, "en")
    assert "The meeting" in html and "Ctrl+N" in html


def test_about_names_version_database_and_licences(qtbot, window, services):  # type: ignore[no-untyped-def]
    window.account_menus._on_about_triggered()
    box = window.findChild(QMessageBox, "about_box")
    assert box is not None and box.isVisible()
    text = box.text()
    assert __version__ in text and services.describe_database() in text
    assert "WHO-5" in text and "Psykiatrisk Center Nordsjælland" in text
    assert "DejaVu" in text and "LGPL" in text
    box.close()


def test_the_title_names_the_municipality_from_the_settings(qtbot, services, actor, runner):  # type: ignore[no-untyped-def]
    admin = make_user(services, "anne", "Anne Admin", Role.ADMIN)
    services.settings.save(admin, {"municipality.name": "Herning Kommune"})
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(
        lambda: win.windowTitle() == "Pårørendevejledning – Herning Kommune", timeout=10_000
    )


def test_empty_lists_say_so_and_their_buttons_wait(qtbot, window, services, actor):  # type: ignore[no-untyped-def]
    # The relatives list: a search that finds nobody.
    window.tabs.setCurrentWidget(window.relatives_tab)
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        window.search.setText("zzzz")
    hint = window.relatives_view.findChild(EmptyHint)
    assert hint.isVisible() and hint.text() == "Ingen pårørende fundet."
    with qtbot.waitSignal(window.search_finished, timeout=10_000):
        window.search.clear()
    assert not hint.isVisible()
    # The relative's page: no follow-ups, so "Mark done" has nothing to act on.
    relative = window.relatives_model.row_at(0)
    with qtbot.waitSignal(window.page.loaded, timeout=10_000):
        assert window.select_relative(relative.id)
    page = window.page
    open_hint = page.open_actions_view.findChild(EmptyHint)
    assert open_hint.isVisible() and open_hint.text() == "Ingen åbne opfølgninger."
    assert not page.done_button.isEnabled()
    page.tabs.setCurrentIndex(1)
    assert page.sessions_view.findChild(EmptyHint).text() == "Ingen samtaler endnu."
    assert page.sessions_view.findChild(EmptyHint).isVisible()
    # A follow-up agreed: the list shows it and the button works again.
    record_with_actions(services, actor, relative.id, date.today())
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.reload()
    assert not open_hint.isVisible() and page.done_button.isEnabled()
    # The main window's follow-ups tab is empty only when there are none.
    window.tabs.setCurrentWidget(window.follow_ups_tab)
    qtbot.waitUntil(lambda: window.follow_ups_model.rowCount() == 1, timeout=10_000)
    assert not window.follow_ups_view.findChild(EmptyHint).isVisible()
