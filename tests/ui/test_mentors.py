"""Mentor matching as the advisor does it: find a mentor for a relative, propose one, both
accept, see the match on both relatives' pages, end it with a reason; and the matching page
that assigns everyone waiting off the UI thread and saves only what the advisor keeps."""

from __future__ import annotations

import pytest
from mentor_factories import make_mentee, make_mentor
from PySide6.QtCore import Qt

from advisor_app.domain.mentoring import EndReason, MatchStatus
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.mentor_dialogs import (
    ActivateDialog,
    EndMatchDialog,
    FindMentorDialog,
    ReviewDialog,
)
from advisor_app.ui.mentor_matching_page import ProposalColumn


@pytest.fixture
def window(qtbot, services, actor, runner):  # type: ignore[no-untyped-def]
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    return win


def open_relative(qtbot, win, name):  # type: ignore[no-untyped-def]
    win.runner.wait_idle()
    win.search.clear()
    qtbot.keyClicks(win.search, name)
    qtbot.waitUntil(lambda: [r.name for r in win.relatives_model.rows()] == [name], timeout=10_000)
    tab = win.page.mentor_tab
    wanted = win.relatives_model.row_at(0).id
    win.relatives_view.selectRow(0)
    qtbot.waitUntil(lambda: tab.view is not None and tab.view.relative_id == wanted, timeout=10_000)
    win.runner.wait_idle()
    win.page.tabs.setCurrentWidget(tab)
    return tab


def test_find_a_mentor_accept_see_it_on_both_pages_and_end_it(qtbot, window, services, actor):  # type: ignore[no-untyped-def]
    mentor = make_mentor(services, actor, "Birthe Mentorsen")
    make_mentor(services, actor, "Kun Engelsk", languages=("en",))
    make_mentee(services, actor, "Ny Pårørende")
    tab = open_relative(qtbot, window, "Ny Pårørende")
    assert tab.find_button.isEnabled()

    with qtbot.waitSignal(tab.dialog_opened, timeout=10_000) as opened:
        qtbot.mouseClick(tab.find_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert isinstance(dialog, FindMentorDialog)
    qtbot.waitUntil(lambda: dialog.found is not None, timeout=10_000)
    assert dialog.list.count() == 1
    assert "Birthe Mentorsen" in dialog.list.item(0).text()
    assert "1 udelukket: 1 intet fælles sprog" in dialog.excluded.text()
    explanation = dialog.explanation.toPlainText()
    assert "Sygdom: Samme sygdom" in explanation and "Afgjort af:" in explanation

    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert tab.model.rowCount() == 1
    assert tab.selected_match().status is MatchStatus.PROPOSED
    for button in (tab.mentor_accepts, tab.mentee_accepts):
        with qtbot.waitSignal(tab.loaded, timeout=10_000):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    match = tab.selected_match()
    assert match.status is MatchStatus.ACCEPTED
    assert "Birthe Mentorsen" in tab.match_detail.text()
    assert match.mentor_contact is not None  # both consented: the contact is on screen
    assert match.mentor_contact.phone in tab.match_detail.text()

    # Start it (the first review becomes a follow-up), then review it.
    with qtbot.waitSignal(tab.dialog_opened, timeout=10_000) as opened:
        qtbot.mouseClick(tab.activate_button, Qt.MouseButton.LeftButton)
    start = opened.args[0]
    assert isinstance(start, ActivateDialog)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        qtbot.mouseClick(start.save_button, Qt.MouseButton.LeftButton)
    assert tab.selected_match().status is MatchStatus.ACTIVE
    qtbot.waitUntil(
        lambda: (
            "Mentoropfølgning: spørg begge, hvordan det går"
            in [a.description for a in window.page.all_actions_model.rows()]
        ),
        timeout=10_000,
    )
    with qtbot.waitSignal(tab.dialog_opened, timeout=10_000) as opened:
        qtbot.mouseClick(tab.review_button, Qt.MouseButton.LeftButton)
    review = opened.args[0]
    assert isinstance(review, ReviewDialog)
    qtbot.keyClicks(review.note, "Godt i gang")
    qtbot.mouseClick(review.save_button, Qt.MouseButton.LeftButton)  # nobody's satisfaction yet
    qtbot.waitUntil(lambda: review.banner.isVisible(), timeout=10_000)  # refused
    assert review.isVisible() and review.note.toPlainText() == "Godt i gang"  # the form keeps it
    review.mentor_score.setValue(4)
    review.mentee_score.setValue(5)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        qtbot.mouseClick(review.save_button, Qt.MouseButton.LeftButton)
    assert [
        (r.mentor_satisfaction, r.mentee_satisfaction) for r in tab.selected_match().reviews
    ] == [(4, 5)]

    # The mentor's page shows the same match.
    mentor_tab = open_relative(qtbot, window, "Birthe Mentorsen")
    assert [m.id for m in mentor_tab.model.rows()] == [match.id]
    assert "1 af 2 pladser" in mentor_tab.mentor_status.text()

    # End it with a reason.
    with qtbot.waitSignal(mentor_tab.dialog_opened, timeout=10_000) as opened:
        mentor_tab.matches_view.selectRow(0)
        qtbot.mouseClick(mentor_tab.end_button, Qt.MouseButton.LeftButton)
    end = opened.args[0]
    assert isinstance(end, EndMatchDialog)
    end.reason.setCurrentIndex(end.reason.findData(EndReason.POOR_FIT))
    qtbot.keyClicks(end.note, "Kemien passede ikke")
    with qtbot.waitSignal(mentor_tab.loaded, timeout=10_000):
        qtbot.mouseClick(end.save_button, Qt.MouseButton.LeftButton)
    ended = mentor_tab.model.rows()[0]
    assert (ended.status, ended.end_reason, ended.end_note) == (
        MatchStatus.ENDED,
        EndReason.POOR_FIT,
        "Kemien passede ikke",
    )
    assert "Afsluttet: Ikke et godt match" in mentor_tab.match_detail.text()
    assert mentor.id == ended.mentor_id


def test_the_matching_page_assigns_off_the_ui_thread_and_saves_what_is_kept(
    qtbot, window, services, actor
):  # type: ignore[no-untyped-def]
    make_mentor(services, actor, "Mentor Et", capacity=1)
    make_mentor(services, actor, "Mentor To", capacity=1)
    first = make_mentee(services, actor, "Venter Et")
    make_mentee(services, actor, "Venter To")
    page = window.mentor_matching
    window.tabs.setCurrentWidget(page)
    with qtbot.waitSignal(page.assignment_loaded, timeout=10_000) as done:
        qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
        assert not page.run_button.isEnabled()  # the worker runs it; the window goes on
    found = done.args[0]
    assert len(found.proposals) == 2 and page.model.rowCount() == 2
    qtbot.addWidget(page.view)
    # Untick the first relative's proposal: only the other is saved.
    row = next(r for r in range(2) if page.model.row_at(r).mentee_id == first.id)
    index = page.model.index(row, ProposalColumn.KEEP)
    assert page.model.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    with qtbot.waitSignal(page.proposals_saved, timeout=10_000) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    (match,) = saved.args[0]
    assert match.mentee_name == "Venter To" and match.status is MatchStatus.PROPOSED
    assert services.mentors.mentoring(actor, first.id).request.waiting


def test_the_models_pass_the_model_tester(qtmodeltester, services, actor):  # type: ignore[no-untyped-def]
    from advisor_app.ui.mentor_matching_page import ProposalsModel
    from advisor_app.ui.mentor_tab import MatchesModel

    mentor = make_mentor(services, actor, "Model Mentor")
    mentee = make_mentee(services, actor, "Model Mentee")
    match = services.mentors.propose(actor, mentee.id, mentor.id)
    matches = MatchesModel()
    matches.set_rows([match])
    qtmodeltester.check(matches)
    proposals = ProposalsModel()
    proposals.set_rows(services.mentors.assign_all(actor).proposals)
    qtmodeltester.check(proposals)
