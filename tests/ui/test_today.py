"""The start page ("I dag") as the advisor uses it: the window opens on it; a meeting booked
from the relative's page shows there; a follow-up is marked done (and reopened) from it;
the screenshot command can show it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from advisor_app.domain.booking import BookingStatus, MeetingMode
from advisor_app.domain.enums import (
    ActionStatus,
    ConsentMethod,
    ConsentScope,
    RelationType,
    SessionForm,
)
from advisor_app.services.dto import (
    ActionInput,
    CitizenInput,
    ConsentInput,
    RelationInput,
    RelativeInput,
    SessionInput,
)
from advisor_app.ui.booking_dialog import BookingDialog
from advisor_app.ui.forms import to_qdatetime
from advisor_app.ui.main_window import MainWindow

TIMEOUT = 10_000


def make_relative(services, actor, name, citizen, *, due=None):  # type: ignore[no-untyped-def]
    detail = services.relatives.register(
        actor,
        RelativeInput(name=name, birth_year=1961),
        CitizenInput(name=citizen, birth_year=1938),
        RelationInput(RelationType.CHILD, hours_per_week=6),
        [ConsentInput(ConsentScope.PARTICIPATION, ConsentMethod.WRITTEN, date.today())],
    )
    if due is not None:
        services.sessions.record(
            actor,
            SessionInput(
                detail.id,
                datetime.now(UTC) - timedelta(days=20),
                45,
                SessionForm.PHONE,
                actions=(ActionInput("Ring om aflastning", due),),
            ),
        )
    return detail


def open_window(qtbot, services, actor, runner):  # type: ignore[no-untyped-def]
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.today.loaded, timeout=TIMEOUT):
        win.show()
    return win


def test_the_window_opens_on_the_start_page(qtbot, services, actor, runner):  # type: ignore[no-untyped-def]
    make_relative(services, actor, "Søren Kierkegaard", "Ane Kierkegaard", due=date.today())
    win = open_window(qtbot, services, actor, runner)
    assert win.tabs.currentWidget() is win.today
    assert win.tabs.tabText(0) == "I dag"
    assert win.today.follow_ups_model.rowCount() == 1
    assert "1 (1 mine)" in win.today.counts.text()
    assert win.today.meetings_title.text() == "Møder i dag og i morgen: ingen aftalt"


def test_book_a_meeting_from_the_relatives_page_and_see_it_on_the_start_page(  # type: ignore[no-untyped-def]
    qtbot, services, actor, runner
) -> None:
    make_relative(services, actor, "Åse Ærbø", "Poul Ærbø")
    win = open_window(qtbot, services, actor, runner)
    assert win.today.meetings_model.rowCount() == 0
    win.tabs.setCurrentWidget(win.relatives_tab)
    with qtbot.waitSignal(win.page.bookings.loaded, timeout=TIMEOUT):
        win.relatives_view.selectRow(0)
    section = win.page.bookings
    assert section.empty.isVisibleTo(win) and not section.move_button.isEnabled()
    with qtbot.waitSignal(section.dialog_opened, timeout=TIMEOUT) as opened:
        qtbot.mouseClick(section.book_button, Qt.MouseButton.LeftButton)
    dialog: BookingDialog = opened.args[0]
    tomorrow_noon = datetime.combine(date.today() + timedelta(days=1), time(12)).astimezone()
    dialog.when.setDateTime(to_qdatetime(tomorrow_noon))
    dialog.minutes.setValue(60)
    dialog.mode.setCurrentIndex(dialog.mode.findData(MeetingMode.IN_PERSON.value))
    # A meeting in person needs a place: refused, and what was typed stays.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.isVisible(), timeout=TIMEOUT)
    assert "Skriv, hvor mødet er" in dialog.banner.text()
    assert dialog.minutes.value() == 60
    qtbot.keyClicks(dialog.place, "Rådhuset, mødelokale 3")
    with qtbot.waitSignal(section.loaded, timeout=TIMEOUT) as loaded:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (booked,) = loaded.args[0]
    assert booked.place == "Rådhuset, mødelokale 3" and booked.duration_minutes == 60
    assert section.view.isVisibleTo(win) and not section.empty.isVisibleTo(win)

    with qtbot.waitSignal(win.today.loaded, timeout=TIMEOUT) as shown:
        win.tabs.setCurrentWidget(win.today)
    today = shown.args[0]
    assert (today.meetings_today, today.meetings_tomorrow) == (0, 1)
    assert win.today.meetings_model.rowCount() == 1
    assert win.today.meetings_model.index(0, 1).data() == "Åse Ærbø"
    assert "Rådhuset" in win.today.meetings_model.index(0, 2).data()
    # Double-click opens the relative.
    win.today.meetings_view.selectRow(0)
    with qtbot.waitSignal(win.search_finished, timeout=TIMEOUT):
        win.today._on_meetings_double_clicked()
    runner.wait_idle()
    assert win.tabs.currentWidget() is win.relatives_tab
    assert win.page.detail.name == "Åse Ærbø"
    assert services.bookings.upcoming(actor, win.page.detail.id)[0].status is BookingStatus.BOOKED


def test_mark_a_follow_up_done_from_the_start_page_and_reopen_it(  # type: ignore[no-untyped-def]
    qtbot, services, actor, runner
) -> None:
    make_relative(
        services, actor, "Søren Kierkegaard", "Ane Kierkegaard", due=date.today() - timedelta(3)
    )
    win = open_window(qtbot, services, actor, runner)
    page = win.today
    assert page.follow_ups_model.rowCount() == 1
    assert page.follow_ups_model.index(0, 4).data() == "Min"
    assert not page.done_button.isEnabled()  # nothing chosen yet
    page.follow_ups_view.selectRow(0)
    assert page.done_button.isEnabled() and not page.reopen_button.isEnabled()
    with qtbot.waitSignal(page.follow_up_changed, timeout=TIMEOUT) as changed:
        qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    assert changed.args[0].status is ActionStatus.DONE
    # Still in the list, marked done, so a slip can be undone at once.
    row = page.follow_ups_model.row_at(0)
    assert row.status is ActionStatus.DONE and row.relative_name == "Søren Kierkegaard"
    assert page.reopen_button.isEnabled() and not page.done_button.isEnabled()
    assert services.sessions.open_actions(actor) == ()
    with qtbot.waitSignal(page.follow_up_changed, timeout=TIMEOUT):
        qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert [a.description for a in services.sessions.open_actions(actor)] == ["Ring om aflastning"]


def test_the_follow_up_list_filters_to_mine_and_remembers_its_columns(  # type: ignore[no-untyped-def]
    qtbot, services, actor, runner
) -> None:
    from factories import make_user

    colleague = make_user(services, "kollega", "Kollega")
    make_relative(services, actor, "Søren Kierkegaard", "Ane Kierkegaard", due=date.today())
    make_relative(services, colleague, "Jens Hansen", "Karen Hansen", due=date.today())
    win = open_window(qtbot, services, actor, runner)
    win.tabs.setCurrentWidget(win.follow_ups_tab)
    qtbot.waitUntil(lambda: win.follow_ups_model.rowCount() == 2, timeout=TIMEOUT)
    header = win.follow_ups_view.horizontalHeader()
    assert header.sectionSize(1) > header.sectionSize(3)  # the text, not the name, is wide
    win.mine_only.setChecked(True)
    qtbot.waitUntil(lambda: win.follow_ups_model.rowCount() == 1, timeout=TIMEOUT)
    assert win.follow_ups_model.row_at(0).relative_name == "Søren Kierkegaard"
    header.resizeSection(3, 333)
    win.follow_ups_view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert QSettings().value("headers/follow_ups") is not None
    again = MainWindow(services, actor, runner)
    qtbot.addWidget(again)
    restored = again.follow_ups_view.horizontalHeader()
    assert restored.sectionSize(3) == 333
    assert restored.sortIndicatorSection() == 3
    assert restored.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
    runner.wait_idle()


@pytest.mark.parametrize("page", [0, 2, 3])
def test_the_screenshot_shows_a_page_of_the_window(  # type: ignore[no-untyped-def]
    qtbot, services, actor, runner, tmp_path, page
) -> None:
    from advisor_app.cli import SCREENSHOT_PAGES
    from advisor_app.ui.app import take_screenshot

    assert SCREENSHOT_PAGES[0] == "today"
    make_relative(services, actor, "Søren Kierkegaard", "Ane Kierkegaard", due=date.today())
    win = open_window(qtbot, services, actor, runner)
    target = tmp_path / "page.png"
    take_screenshot(win, target, 0, page)
    assert QImage(str(target)).width() >= 800
    assert win.tabs.currentIndex() == page


def test_book_the_next_meeting_at_the_end_of_a_session(qtbot, services, runner, actor):  # type: ignore[no-untyped-def]
    from advisor_app.ui.session_dialog import SessionDialog

    relative = make_relative(services, actor, "Bjørn Østergård", "Åse Østergård")
    session_dialog = SessionDialog(
        services, runner, actor, relative, services.reference.topics(actor)
    )
    qtbot.addWidget(session_dialog)
    session_dialog.open()
    qtbot.waitExposed(session_dialog)
    qtbot.keyClicks(session_dialog.notes, "Talte om aflastning.")
    with qtbot.waitSignal(session_dialog.booking_dialog_opened, timeout=TIMEOUT) as opened:
        qtbot.mouseClick(session_dialog.book_button, Qt.MouseButton.LeftButton)
    dialog: BookingDialog = opened.args[0]  # deleted on close
    qtbot.addWidget(dialog)
    assert dialog.minutes.value() == 45  # a real meeting's length by default
    dialog.mode.setCurrentIndex(dialog.mode.findData(MeetingMode.VIDEO.value))
    with qtbot.waitSignal(dialog.booked, timeout=TIMEOUT) as booked:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    made = booked.args[0]
    (saved,) = services.sessions.list_for_relative(actor, relative.id)
    assert made.session_id == saved.id and made.mode is MeetingMode.VIDEO
    assert made.starts_at.astimezone().date() == date.today() + timedelta(days=14)
    runner.wait_idle()
