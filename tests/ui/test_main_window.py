"""The main window driven as the advisor would: search, select, see the page, record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

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
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.session_dialog import SessionDialog
from advisor_app.ui.table_models import ActionsModel, RelativesModel, SessionsModel


def make_relative(services, actor, name, citizen, phone=None, overdue=False):  # type: ignore[no-untyped-def]
    detail = services.relatives.register(
        actor,
        RelativeInput(name=name, phone=phone, birth_year=1961),
        CitizenInput(name=citizen, birth_year=1938),
        RelationInput(RelationType.CHILD, hours_per_week=6),
        [ConsentInput(ConsentScope.PARTICIPATION, ConsentMethod.WRITTEN, date.today())],
    )
    if overdue:
        services.sessions.record(
            actor,
            SessionInput(
                detail.id,
                datetime.now(UTC) - timedelta(days=20),
                30,
                SessionForm.PHONE,
                actions=(ActionInput("Følg op på aflastning", date.today() - timedelta(days=3)),),
            ),
        )
    return detail


@pytest.fixture
def window(qtbot, services, actor, runner):  # type: ignore[no-untyped-def]
    make_relative(
        services, actor, "Søren Kierkegaard", "Ane Kierkegaard", "11 22 33 44", overdue=True
    )
    make_relative(services, actor, "Åse Ærbø", "Poul Ærbø")
    make_relative(services, actor, "Jens Hansen", "Karen Hansen", "55 66 77 88")
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    return win


def search(qtbot, win, text):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(win.search_finished, timeout=10_000) as done:
        win.search.clear()
        qtbot.keyClicks(win.search, text)
    return done.args[0]


def names(win):  # type: ignore[no-untyped-def]
    model = win.relatives_model
    return sorted(model.row_at(r).name for r in range(model.rowCount()))


def test_window_title_never_names_anyone(window):  # type: ignore[no-untyped-def]
    assert window.windowTitle() == "Pårørendevejledning"  # the product, never a person


def test_search_as_you_type_with_danish_folding(qtbot, window):  # type: ignore[no-untyped-def]
    assert names(window) == ["Jens Hansen", "Søren Kierkegaard", "Åse Ærbø"]
    search(qtbot, window, "Soren")
    assert names(window) == ["Søren Kierkegaard"]
    search(qtbot, window, "aerbo")
    assert names(window) == ["Åse Ærbø"]
    search(qtbot, window, "karen")  # the citizen's name
    assert names(window) == ["Jens Hansen"]
    search(qtbot, window, "5566")  # part of the phone number
    assert names(window) == ["Jens Hansen"]
    result = search(qtbot, window, "'; DROP TABLE relative; --")
    assert result.total == 0 and names(window) == []
    search(qtbot, window, "")
    assert len(names(window)) == 3


def test_selecting_shows_the_page_with_relations_consents_and_overdue(qtbot, window):  # type: ignore[no-untyped-def]
    search(qtbot, window, "kierkegaard")
    with qtbot.waitSignal(window.page.sessions_loaded, timeout=10_000):
        window.relatives_view.selectRow(0)
    qtbot.waitUntil(lambda: window.page.detail is not None, timeout=10_000)
    page = window.page
    assert window.stack.currentWidget() is page
    assert page.heading.text() == "Søren Kierkegaard"
    relation = page.relations_model.item(0, 0)
    assert relation.text() == "Ane Kierkegaard"
    assert relation.child(0, 0) is not None  # the consent
    assert page.open_actions_model.rowCount() == 1
    assert page.open_actions_model.row_at(0).overdue
    assert page.sessions_model.rowCount() == 1
    overdue_col = 5
    row = window.relatives_model.index(0, overdue_col)
    assert row.data() == "1"
    assert row.data(Qt.ItemDataRole.ForegroundRole) is not None


def test_record_a_session_from_the_page_and_see_it(qtbot, window, services, actor):  # type: ignore[no-untyped-def]
    search(qtbot, window, "Jens")
    with qtbot.waitSignals([window.page.loaded, window.page.sessions_loaded], timeout=10_000):
        window.relatives_view.selectRow(0)
    qtbot.waitUntil(lambda: bool(window.topics), timeout=10_000)
    qtbot.mouseClick(window.page.session_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SessionDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.topic_filter, "arbejde")
    qtbot.keyClick(dialog.topic_filter, Qt.Key.Key_Return)
    dialog.notes.setPlainText("Jens vil gerne passe sin mor; talte om pasningsorlov.")
    qtbot.keyClicks(dialog.action_text, "Send info om SEL § 118")
    qtbot.keyClick(dialog.action_text, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            window.page.open_actions_model.rowCount() == 1
            and window.page.sessions_model.rowCount() == 1
        ),
        timeout=10_000,
    )
    assert "pasningsorlov" in window.page.session_text.toPlainText()
    assert window.page.open_actions_model.row_at(0).description == "Send info om SEL § 118"

    # Mark it done from the overview.
    window.page.open_actions_view.selectRow(0)
    with qtbot.waitSignal(window.page.loaded, timeout=10_000):
        qtbot.mouseClick(window.page.done_button, Qt.MouseButton.LeftButton)
    assert window.page.open_actions_model.rowCount() == 0
    stored = services.sessions.list_for_relative(actor, window.page.detail.id)
    assert stored[0].actions[0].status is ActionStatus.DONE


def test_follow_ups_tab_lists_overdue_first_and_opens_the_relative(qtbot, window):  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.follow_ups_tab)
    qtbot.waitUntil(lambda: window.follow_ups_model.rowCount() == 1, timeout=10_000)
    action = window.follow_ups_model.row_at(0)
    assert action.overdue and action.relative_name == "Søren Kierkegaard"
    assert "1" in window.follow_ups_label.text()
    window.follow_ups_view.selectRow(0)
    with qtbot.waitSignal(window.page.loaded, timeout=10_000):
        window._on_follow_ups_double_clicked(None)
    assert window.tabs.currentWidget() is window.relatives_tab
    assert window.page.detail.name == "Søren Kierkegaard"


def test_table_models_pass_the_model_tester(qtbot, qtmodeltester, window, services, actor):  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.relatives_model)
    empty = RelativesModel()
    qtmodeltester.check(empty)
    sessions = SessionsModel()
    details = services.relatives.search(actor, "Kierkegaard").rows
    sessions.set_rows(services.sessions.list_for_relative(actor, details[0].id))
    qtmodeltester.check(sessions)
    actions = ActionsModel()
    actions.set_rows(services.sessions.open_actions(actor))
    qtmodeltester.check(actions)


def test_the_window_stays_responsive_while_the_worker_is_busy(qtbot, window):  # type: ignore[no-untyped-def]
    """Database work runs on the worker: the UI thread keeps handling events meanwhile."""
    import threading

    gate = threading.Event()
    window.runner.submit(lambda: gate.wait(5), lambda _r: None)
    assert window.runner.busy
    ticks = []
    from PySide6.QtCore import QTimer

    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=2000)
    gate.set()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=5000)


def test_the_relatives_list_reads_from_a_down(qtbot, window):  # type: ignore[no-untyped-def]
    proxy = window.relatives_view.model()
    shown = [proxy.index(row, 0).data() for row in range(proxy.rowCount())]
    assert shown == ["Jens Hansen", "Søren Kierkegaard", "Åse Ærbø"]


def test_the_follow_ups_tab_holds_those_from_check_ins_and_reopens_a_done_one(  # type: ignore[no-untyped-def]
    qtbot, window, services, actor
):
    """Every follow-up of the relative: from sessions and from check-ins, open and done;
    a done one can be reopened there."""
    from advisor_app.services.dto import CheckInInput, InstrumentAnswers

    search(qtbot, window, "kierkegaard")
    relative_id = window.relatives_model.row_at(0).id
    result = services.check_ins.record(
        actor, CheckInInput(relative_id, InstrumentAnswers("who5", (1, 1, 2, 1, 1)))
    )
    (from_check_in,) = services.check_ins.add_follow_ups(
        actor, result.check_in.id, (ActionInput("Tal om egen læge", None),)
    )
    services.sessions.set_action_status(
        actor, from_check_in.id, from_check_in.version, ActionStatus.DONE
    )
    with qtbot.waitSignal(window.page.loaded, timeout=10_000):
        window.relatives_view.selectRow(0)
    page = window.page
    qtbot.waitUntil(lambda: page.all_actions_model.rowCount() == 2, timeout=10_000)
    rows = {page.all_actions_model.row_at(r).description: r for r in range(2)}
    assert set(rows) == {"Følg op på aflastning", "Tal om egen læge"}

    view = page.all_actions_view
    done_row = next(
        r
        for r in range(view.model().rowCount())
        if view.model().index(r, 1).data() == "Tal om egen læge"
    )
    view.selectRow(done_row)
    assert page.action_reopen_button.isEnabled()
    assert not page.action_done_button.isEnabled()
    qtbot.mouseClick(page.action_reopen_button, Qt.MouseButton.LeftButton)

    def reopened() -> bool:
        found = [
            page.all_actions_model.row_at(r)
            for r in range(page.all_actions_model.rowCount())
            if page.all_actions_model.row_at(r).description == "Tal om egen læge"
        ]
        return bool(found) and found[0].status is ActionStatus.OPEN

    qtbot.waitUntil(reopened, timeout=10_000)
