"""Correcting and deleting what was saved, as the advisor does it in the window: a typo in a
session's note and a wrong check-in answer corrected (the change shows, and so does the
earlier version), a session deleted with a reason, a relative deleted after a confirmation
that counts what goes, and one's own anonymous sessions found again and corrected."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import shiboken6
from factories import register_family, session_input
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from advisor_app.services.dto import ActionInput, CheckInInput, InstrumentAnswers
from advisor_app.ui.corrections import (
    AnonymousSessionsDialog,
    CheckInCorrectionDialog,
    DeleteRecordDialog,
    RevisionsDialog,
    SessionCorrectionDialog,
)
from advisor_app.ui.main_window import MainWindow

SESSIONS_TAB, CHECK_INS_TAB = 1, 3


@pytest.fixture
def family(services, actor):  # type: ignore[no-untyped-def]
    detail = register_family(services, actor, cpr=None)
    data = session_input(
        detail.id, notes="Talte om aflastnig.", actions=(ActionInput("Ring til kommunen", None),)
    )
    services.sessions.record(actor, data)
    services.check_ins.record(
        actor,
        CheckInInput(
            detail.id,
            InstrumentAnswers("who5", (1, 1, 1, 1, 1)),
            taken_at=datetime.now(UTC) - timedelta(minutes=10),
        ),
    )
    return detail


@pytest.fixture
def window(qtbot, services, actor, runner, family):  # type: ignore[no-untyped-def]
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    with qtbot.waitSignal(win.page.check_ins_loaded, timeout=10_000):
        assert win.select_relative(family.id)
    return win


def click(qtbot, button):  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def opened(qtbot, bar, button):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(bar.dialog_opened, timeout=10_000) as signal:
        click(qtbot, button)
    # Deleted on close; a child of the window, which closes it at the end at the latest.
    return signal.args[0]


def test_correct_a_session_s_note_and_see_the_earlier_version(
    qtbot, window, services, actor, family
):  # type: ignore[no-untyped-def]
    page = window.page
    page.tabs.setCurrentIndex(SESSIONS_TAB)
    bar = page.session_bar
    assert bar.mark.text() == ""
    dialog = opened(qtbot, bar, bar.correct_button)
    assert isinstance(dialog, SessionCorrectionDialog)
    assert dialog.windowTitle() == "Ret samtale"
    assert dialog.notes.toPlainText() == "Talte om aflastnig."
    assert dialog.duration.value() == 45
    assert dialog.action_list.count() == 1

    dialog.notes.selectAll()
    qtbot.keyClicks(dialog.notes, "Talte om aflastning.")
    # No reason: refused, and what was typed stays.
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=10_000)
    assert "begrundelse" in dialog.banner.text()
    assert dialog.notes.toPlainText() == "Talte om aflastning."
    assert dialog.isVisible()

    qtbot.keyClicks(dialog.reason, "Stavefejl i noten")
    with (
        qtbot.waitSignal(page.sessions_loaded, timeout=10_000),
        qtbot.waitSignal(dialog.session_saved, timeout=10_000),
    ):
        click(qtbot, dialog.save_button)
    assert gone(dialog)
    assert "Talte om aflastning." in page.session_text.toPlainText()
    assert bar.mark.text().startswith("Rettet den ")
    assert bar.mark.text().endswith(" af Test Advisor")
    (listed,) = page.sessions
    assert [a.description for a in listed.actions] == ["Ring til kommunen"]

    history = run_history(qtbot, bar)
    assert history.list.count() == 1
    assert "Stavefejl i noten" in history.list.item(0).text()
    assert "Talte om aflastnig." in history.content.toPlainText()
    history.close()


def gone(dialog) -> bool:  # type: ignore[no-untyped-def]
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def run_history(qtbot, bar) -> RevisionsDialog:  # type: ignore[no-untyped-def]
    dialog = opened(qtbot, bar, bar.history_button)
    assert isinstance(dialog, RevisionsDialog)
    return dialog


def test_a_colleague_s_correction_in_between_keeps_what_was_typed(
    qtbot, window, services, actor, family
):  # type: ignore[no-untyped-def]
    from factories import make_user

    page = window.page
    page.tabs.setCurrentIndex(SESSIONS_TAB)
    dialog = opened(qtbot, page.session_bar, page.session_bar.correct_button)
    colleague = make_user(services, "kollega", "Kirsten Kollega")
    (saved,) = services.sessions.list_for_relative(actor, family.id)
    services.corrections.correct_session(
        colleague, saved.id, saved.version, session_input(family.id, notes="Hendes"), "Ret"
    )
    dialog.notes.selectAll()
    qtbot.keyClicks(dialog.notes, "Min rettelse")
    qtbot.keyClicks(dialog.reason, "Stavefejl")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=10_000)
    assert "En anden har ændret" in dialog.banner.text()
    assert dialog.notes.toPlainText() == "Min rettelse"
    assert dialog.reason.text() == "Stavefejl"
    dialog.done(0)


def test_correct_a_check_in_s_answer_scores_it_again(qtbot, window, services, actor, family):  # type: ignore[no-untyped-def]
    page = window.page
    page.tabs.setCurrentIndex(CHECK_INS_TAB)
    bar = page.check_in_bar
    dialog = opened(qtbot, bar, bar.correct_button)
    assert isinstance(dialog, CheckInCorrectionDialog)
    assert dialog.main_form.values() == (1, 1, 1, 1, 1)
    assert not dialog.instrument_combo.isEnabled()
    button = dialog.findChild(object, "answer_who5_1_4")
    click(qtbot, button)
    qtbot.keyClicks(dialog.reason, "Svar 1 blev tastet forkert")
    with (
        qtbot.waitSignal(page.check_ins_loaded, timeout=10_000),
        qtbot.waitSignal(dialog.check_in_saved, timeout=10_000) as saved,
    ):
        click(qtbot, dialog.save_button)
    assert saved.args[0].check_in.score == 32
    assert "32" in dialog.result_label.text()
    dialog.close()
    (stored,) = page.check_ins
    assert stored.score == 32 and stored.answer("who5", "1").value == 4
    page.check_ins_view.selectRow(0)
    assert bar.mark.text().endswith(" af Test Advisor")

    history = run_history(qtbot, bar)
    assert "Svar 1 blev tastet forkert" in history.list.item(0).text()
    text = history.content.toPlainText()
    assert "20" in text  # the score before
    history.close()


def test_delete_a_session_with_a_reason(qtbot, window, services, actor, family):  # type: ignore[no-untyped-def]
    page = window.page
    page.tabs.setCurrentIndex(SESSIONS_TAB)
    bar = page.session_bar
    dialog = opened(qtbot, bar, bar.delete_button)
    assert isinstance(dialog, DeleteRecordDialog)
    click(qtbot, dialog.delete_button)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=10_000)
    assert len(services.sessions.list_for_relative(actor, family.id)) == 1
    qtbot.keyClicks(dialog.reason, "Registreret på den forkerte pårørende")
    with qtbot.waitSignal(page.sessions_loaded, timeout=10_000):
        click(qtbot, dialog.delete_button)
    assert page.sessions == ()
    assert not bar.delete_button.isEnabled()
    assert services.sessions.list_for_relative(actor, family.id) == ()


def test_delete_a_relative_after_the_confirmation_that_lists_what_goes(
    qtbot, window, services, actor, family
):  # type: ignore[no-untyped-def]
    page = window.page
    assert page.delete_button.isEnabled()
    with qtbot.waitSignal(page.delete_button.confirmation_opened, timeout=10_000) as signal:
        click(qtbot, page.delete_button)
    box: QMessageBox = signal.args[0]
    text = box.text()
    assert "Søren Hansen" in text
    assert "1 samtale" in text and "1 trivselstjek" in text and "1 opfølgning" in text
    assert "borgeren Karen Hansen" in text
    with qtbot.waitSignal(page.changed, timeout=10_000):
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: window.relatives_model.rowCount() == 0, timeout=10_000)
    assert services.relatives.search(actor, "Søren").total == 0
    assert not page.delete_button.isEnabled()


def test_own_anonymous_sessions_are_found_by_date_and_corrected(qtbot, window, services, actor):  # type: ignore[no-untyped-def]
    services.sessions.record(
        actor, session_input(None, anonymous=True, notes="Ægtefælle, demens, Navn Nævnt")
    )
    window.own_anonymous_action.trigger()
    dialog = window.anonymous_sessions_dialog
    assert isinstance(dialog, AnonymousSessionsDialog)  # deleted on close
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert "Navn Nævnt" in dialog.notes.toPlainText()
    later = date.today() + timedelta(days=1)
    dialog.set_period(later, later)
    click(qtbot, dialog.show_button)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    assert dialog.empty.isVisible()
    dialog.set_period(date.today() - timedelta(days=7), date.today())
    click(qtbot, dialog.show_button)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)

    editor = opened(qtbot, dialog.bar, dialog.bar.correct_button)
    assert editor.anonymous
    editor.notes.selectAll()
    qtbot.keyClicks(editor.notes, "Ægtefælle, demens")
    qtbot.keyClicks(editor.reason, "Fjernede et navn")
    with qtbot.waitSignal(editor.session_saved, timeout=10_000):
        click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: "Navn" not in dialog.notes.toPlainText(), timeout=10_000)
    assert dialog.bar.mark.text().startswith("Rettet den ")
    dialog.close()
