"""The session form as the advisor uses it during a meeting: keyboard first, nothing lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import func, select

from advisor_app.domain.enums import (
    ActionStatus,
    ConsentMethod,
    ConsentScope,
    ParticipantKind,
    RelationType,
    Role,
)
from advisor_app.persistence.models import AdvisorySession
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.ui.session_dialog import SessionDialog
from tests.factories import make_user, record_with_actions


@pytest.fixture
def relative(services, actor):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name="Bjørn Østergård", phone="20 30 40 50", birth_year=1958),
        CitizenInput(name="Åse Østergård", birth_year=1950),
        RelationInput(RelationType.SPOUSE, hours_per_week=30),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.ORAL, date.today())],
    )


def open_dialog(qtbot, services, runner, actor, relative, **kwargs):  # type: ignore[no-untyped-def]
    dialog = SessionDialog(
        services, runner, actor, relative, services.reference.topics(actor), **kwargs
    )
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def test_keyboard_only_session_with_topics_notes_and_follow_up(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, services, runner, actor, relative)
    assert relative.name not in dialog.windowTitle()
    assert dialog.focusWidget() is dialog.topic_filter

    # Type to filter topics and tick with Enter, twice.
    qtbot.keyClicks(dialog.topic_filter, "aflast")
    qtbot.keyClick(dialog.topic_filter, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.topic_filter, "ensomhed")
    qtbot.keyClick(dialog.topic_filter, Qt.Key.Key_Return)
    assert {t.code for t in dialog.chosen_topics()} == {"relief", "isolation"}

    dialog.notes.setFocus()
    qtbot.keyClicks(dialog.notes, "Søren er træt; vil gerne høre om afløsning.")
    dialog.action_text.setFocus()
    qtbot.keyClicks(dialog.action_text, "Ring om afløsning")
    qtbot.keyClick(dialog.action_text, Qt.Key.Key_Return)
    assert dialog.action_list.count() == 1

    with qtbot.waitSignal(dialog.session_saved, timeout=10_000) as saved:
        qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    session = saved.args[0]
    assert {t.code for t in session.topics} == {"relief", "isolation"}
    assert session.notes.startswith("Søren er træt")
    assert [a.description for a in session.actions] == ["Ring om afløsning"]
    assert session.actions[0].due_on == date.today() + timedelta(days=14)
    stored = services.sessions.list_for_relative(actor, relative.id)
    assert len(stored) == 1 and stored[0].actions[0].status is ActionStatus.OPEN
    assert not dialog.isVisible()


def test_running_clock_sets_duration_until_the_advisor_changes_it(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    opened = datetime.now(UTC) - timedelta(minutes=52, seconds=30)
    dialog = open_dialog(qtbot, services, runner, actor, relative, opened_at=opened)
    assert dialog.clock.text().startswith("52:3")
    assert dialog.duration.value() == 53
    dialog.duration.setValue(40)
    dialog._on_timer_timeout()
    assert dialog.duration.value() == 40


def session_count(services):  # type: ignore[no-untyped-def]
    with services.db.begin() as session:
        return session.scalar(select(func.count(AdvisorySession.id)))


def test_the_duration_starts_at_the_municipal_default(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    admin = make_user(services, "anne", "Anne Admin", Role.ADMIN)
    services.settings.save(admin, {"sessions.default_minutes": 60})
    dialog = open_dialog(qtbot, services, runner, actor, relative)
    qtbot.waitUntil(lambda: dialog.duration.value() == 60, timeout=10_000)
    short = datetime.now(UTC) - timedelta(minutes=12, seconds=30)
    other = open_dialog(qtbot, services, runner, actor, relative, opened_at=short)
    qtbot.waitUntil(lambda: other.duration.value() == 60, timeout=10_000)


def test_a_short_session_before_the_course_asks_first(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    record_with_actions(services, actor, relative.id, date.today())  # the course opens
    relative = services.relatives.get(actor, relative.id)
    dialog = open_dialog(qtbot, services, runner, actor, relative)
    dialog.started.setDateTime(dialog.started.dateTime().addYears(-30))
    dialog.duration.setValue(1)
    dialog.notes.setPlainText("Kort opringning")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    box = dialog.findChild(QMessageBox, "session_warnings")
    assert box is not None and box.isVisible()
    assert "før pårørendes forløb" in box.text() and "1 min" in box.text()
    box.findChild(QPushButton, "go_back").click()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "session_warnings") is None)
    assert dialog.isVisible() and dialog.notes.toPlainText() == "Kort opringning"
    assert len(services.sessions.list_for_relative(actor, relative.id)) == 1
    dialog.duration.setValue(30)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    box = dialog.findChild(QMessageBox, "session_warnings")
    assert "1 min" not in box.text()
    with qtbot.waitSignal(dialog.session_saved, timeout=10_000):
        box.findChild(QPushButton, "accept_anyway").click()
    assert len(services.sessions.list_for_relative(actor, relative.id)) == 2


def test_participants_include_the_citizen_and_others(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, services, runner, actor, relative)
    citizen_id = relative.relations[0].citizen.id
    box = dialog.findChild(
        type(dialog.participant_checks[0][0]), f"participant_citizen_{citizen_id}"
    )
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    qtbot.keyClicks(dialog.others, "datter, hjemmesygeplejerske")
    with qtbot.waitSignal(dialog.session_saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    kinds = sorted((p.kind, p.label) for p in saved.args[0].participants)
    assert kinds == [
        (ParticipantKind.CITIZEN, "Åse Østergård"),
        (ParticipantKind.OTHER, "datter"),
        (ParticipantKind.OTHER, "hjemmesygeplejerske"),
    ]


def test_bad_input_keeps_everything_and_saves_nothing(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, services, runner, actor, relative)
    dialog.notes.setPlainText("Noter med kontroltegn \x07 i teksten")
    dialog.action_text.setText("Ring tilbage")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=10_000)
    assert dialog.banner.text()
    assert dialog.isVisible()
    assert dialog.save_button.isEnabled()
    assert "kontroltegn" in dialog.notes.toPlainText()
    assert dialog.action_text.text() == "Ring tilbage"
    assert services.sessions.list_for_relative(actor, relative.id) == ()


def test_a_pending_follow_up_typed_but_not_added_is_kept(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, services, runner, actor, relative)
    dialog.action_text.setText("Send pjece om pårørendegruppe")
    with qtbot.waitSignal(dialog.session_saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [a.description for a in saved.args[0].actions] == ["Send pjece om pårørendegruppe"]


def test_escape_with_typed_notes_asks_before_discarding(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, services, runner, actor, relative)
    dialog.notes.setPlainText("Vigtige noter")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = dialog.findChild(QMessageBox, "confirm_discard")
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.isVisible()
    assert dialog.notes.toPlainText() == "Vigtige noter"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    boxes = [b for b in dialog.findChildren(QMessageBox, "confirm_discard") if b.isVisible()]
    boxes[0].button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_anonymous_session_records_no_identity_but_counts(qtbot, services, runner, actor):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, services, runner, actor, None)
    assert dialog.anonymous
    assert not dialog.others.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.topic_filter, "forventning")
    qtbot.keyClick(dialog.topic_filter, Qt.Key.Key_Return)
    with qtbot.waitSignal(dialog.session_saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    session = saved.args[0]
    assert session.anonymous and session.relative_id is None and session.participants == ()
    assert [t.code for t in session.topics] == ["expectations"]


def test_an_anonymous_note_that_may_identify_asks_before_saving(qtbot, services, runner, actor):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, services, runner, actor, None)
    dialog.notes.setFocus()
    qtbot.keyClicks(dialog.notes, "Datter af Inge Poulsen, cpr 010190-1234. Træt.")
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = dialog.findChild(QMessageBox, "session_warnings")
    assert box is not None and box.isVisible()
    assert "Inge, Poulsen" in box.text() and "010190-xxxx" in box.text()
    assert "1234" not in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape goes back, nothing saved
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "session_warnings") is None)
    assert dialog.isVisible() and "Inge Poulsen" in dialog.notes.toPlainText()
    assert session_count(services) == 0
    dialog.notes.setPlainText("Datter til en mor med demens. Træt.")
    with qtbot.waitSignal(dialog.session_saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].notes == "Datter til en mor med demens. Træt."
