"""Nothing typed is lost: the session and check-in dialogs keep a draft while the advisor
types; after a crash the next dialog for the same relative offers it back whole; a completed
save or a discard removes it. The crash is simulated by destroying the dialog without any
close (in-process) and, in the last test, by SIGKILL of a real program process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from advisor_app.domain.drafts import CheckInDraft, DraftKind, DraftSubject, SessionDraft
from advisor_app.domain.enums import ConsentMethod, ConsentScope, RelationType, SessionForm
from advisor_app.services.dto import (
    CitizenInput,
    ConsentInput,
    RelationInput,
    RelativeInput,
)
from advisor_app.ui import drafts as ui_drafts
from advisor_app.ui.check_in_dialog import CheckInDialog
from advisor_app.ui.corrections import SessionCorrectionDialog
from advisor_app.ui.forms import to_qdate, to_qdatetime
from advisor_app.ui.session_dialog import SessionDialog

ROOT = Path(__file__).resolve().parents[2]
NOTE = "Bjørn sover dårligt; vil gerne høre om aflastning i weekenden."


@pytest.fixture(autouse=True)
def quick_autosave(monkeypatch: pytest.MonkeyPatch) -> None:
    """The autosave every 0.2 s instead of 3 s, so the tests wait less."""
    monkeypatch.setattr(ui_drafts, "AUTOSAVE_MS", 200)


@pytest.fixture
def relative(services, actor):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name="Bjørn Østergård", phone="20 30 40 50", birth_year=1958),
        CitizenInput(name="Åse Østergård", birth_year=1950),
        RelationInput(RelationType.SPOUSE, hours_per_week=30),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.ORAL, date.today())],
    )


def open_session(qtbot, services, runner, actor, relative, *, keep=True):  # type: ignore[no-untyped-def]
    dialog = SessionDialog(services, runner, actor, relative, services.reference.topics(actor))
    if keep:
        qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def open_check_in(qtbot, services, runner, actor, relative, *, keep=True):  # type: ignore[no-untyped-def]
    choice = services.check_ins.choice(actor, relative.is_child)
    dialog = CheckInDialog(services, runner, actor, relative, choice)
    if keep:
        qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def wait_for_draft(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """Until the store holds exactly what the form shows now."""
    store = dialog.drafts.store

    def kept() -> bool:
        found = [d for d in store.drafts() if d.draft_id == dialog.drafts.draft_id]
        return bool(found) and found[0].content == dialog.draft_content()

    qtbot.waitUntil(kept, timeout=10_000)


def crash(dialog) -> None:  # type: ignore[no-untyped-def]
    """Gone as in a crash: the C++ object destroyed, no close, no hide, no save."""
    dialog.drafts._timer.stop()
    shiboken6.delete(dialog)


def fill_session(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.started.setDateTime(dialog.started.dateTime().addSecs(-600))
    dialog.duration.setValue(75)
    dialog.form.setCurrentIndex(dialog.form.findData(SessionForm.PHONE))
    qtbot.keyClicks(dialog.topic_filter, "aflast")
    qtbot.keyClick(dialog.topic_filter, Qt.Key.Key_Return)
    dialog.participant_checks[0][0].setChecked(True)
    qtbot.keyClicks(dialog.others, "datter")
    qtbot.keyClicks(dialog.notes, NOTE)
    qtbot.keyClicks(dialog.action_text, "Ring om aflastning")
    qtbot.keyClick(dialog.action_text, Qt.Key.Key_Return)
    dialog.action_due.setDate(to_qdate(date.today() + timedelta(days=3)))
    qtbot.keyClicks(dialog.action_text, "Send folderen")  # typed, not yet added


def test_a_crashed_session_is_offered_back_with_every_field_and_a_save_removes_it(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    first = open_session(qtbot, services, runner, actor, relative, keep=False)
    assert not first.draft_bar.isVisible()  # nothing to offer on a first opening
    fill_session(qtbot, first)
    wait_for_draft(qtbot, first)
    kept = first.draft_content()
    store = first.drafts.store
    folder = store.folder
    crash(first)

    (draft,) = store.drafts()
    assert draft.subject == DraftSubject(DraftKind.SESSION, relative.id)
    assert draft.content == kept and draft.label == relative.name
    assert [p.stat().st_mode & 0o777 for p in folder.iterdir()] == [0o600]
    assert kept.topic_ids and kept.citizen_ids and kept.actions and kept.pending_action

    second = open_session(qtbot, services, runner, actor, relative)
    assert second.draft_bar.isVisible()
    offer = second.draft_bar.offer_label.text()
    when = draft.saved_at.astimezone().strftime("%H:%M")
    assert offer == f"Du har en ikke-gemt samtale fra {when} med Bjørn Østergård."
    assert second.draft_bar.restore_button.text().replace("&", "") == "Gendan"
    assert second.draft_bar.discard_button.text().replace("&", "") == "Kassér kladde"
    with qtbot.waitSignal(second.drafts.draft_restored):
        second.draft_bar.restore_button.click()
    assert not second.draft_bar.isVisible()
    assert second.draft_content() == kept  # every field, the running clock's start too
    assert second.notes.toPlainText() == NOTE
    # The restored work now lives in the second dialog's own draft, the old one is gone.
    assert [d.draft_id for d in store.drafts()] == [second.drafts.draft_id]

    with qtbot.waitSignal(second.session_saved, timeout=10_000) as saved:
        second.save_button.click()
    assert saved.args[0].notes == NOTE
    assert len(saved.args[0].actions) == 2  # the added one and the one still being typed
    assert store.drafts() == [] and list(folder.iterdir()) == []


def test_discarding_the_offer_removes_the_draft_and_the_form_stays_empty(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    first = open_session(qtbot, services, runner, actor, relative, keep=False)
    qtbot.keyClicks(first.notes, NOTE)
    wait_for_draft(qtbot, first)
    store = first.drafts.store
    crash(first)

    second = open_session(qtbot, services, runner, actor, relative)
    assert second.drafts.current_offer is not None
    second.draft_bar.discard_button.click()
    assert not second.draft_bar.isVisible()
    assert second.notes.toPlainText() == "" and store.drafts() == []
    assert second.drafts.current_offer is None
    # Nor is an anonymous session offered a relative's draft.
    qtbot.keyClicks(second.notes, NOTE)
    wait_for_draft(qtbot, second)
    anonymous = open_session(qtbot, services, runner, actor, None)
    assert anonymous.drafts.current_offer is None and not anonymous.draft_bar.isVisible()


def test_ignoring_the_offer_loses_neither_draft(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    first = open_session(qtbot, services, runner, actor, relative, keep=False)
    qtbot.keyClicks(first.notes, "den første")
    wait_for_draft(qtbot, first)
    store = first.drafts.store
    crash(first)
    second = open_session(qtbot, services, runner, actor, relative, keep=False)
    qtbot.keyClicks(second.notes, "den anden")
    wait_for_draft(qtbot, second)
    crash(second)
    notes = sorted(d.content.notes for d in store.drafts() if isinstance(d.content, SessionDraft))
    assert notes == ["den anden", "den første"]
    third = open_session(qtbot, services, runner, actor, relative)
    assert third.drafts.current_offer.content.notes == "den anden"  # the newest first
    third.draft_bar.restore_button.click()
    assert third.drafts.current_offer.content.notes == "den første"  # then the next
    third.draft_bar.discard_button.click()
    assert third.notes.toPlainText() == "den anden"


def test_cancel_and_discard_removes_the_draft_a_close_otherwise_keeps_it(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    dialog = open_session(qtbot, services, runner, actor, relative)
    store = dialog.drafts.store
    qtbot.keyClicks(dialog.notes, NOTE)
    dialog.hide()  # e.g. the program closes it: no save, no discard
    assert [d.content.notes for d in store.drafts()] == [NOTE]  # type: ignore[union-attr]
    dialog.show()
    dialog.reject()
    boxes = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    boxes[0].button(QMessageBox.StandardButton.Discard).click()
    assert not dialog.isVisible() and store.drafts() == []


def test_the_autosave_runs_every_three_seconds_and_only_when_something_changed(
    qtbot, services, runner, actor, relative, monkeypatch
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ui_drafts, "AUTOSAVE_MS", 3000)
    dialog = open_session(qtbot, services, runner, actor, relative)
    assert dialog.drafts._timer.interval() == 3000 and dialog.drafts._timer.isActive()
    assert dialog.drafts.autosave() and dialog.drafts.store.drafts() == []  # nothing typed
    dialog.notes.setPlainText(NOTE)
    with qtbot.waitSignal(dialog.drafts.draft_saved, timeout=5000):
        pass
    with qtbot.waitSignal(dialog.drafts.draft_saved, timeout=3500, raising=False) as again:
        pass
    assert not again.signal_triggered
    dialog.notes.clear()  # all of it taken back: the draft goes too
    qtbot.waitUntil(lambda: dialog.drafts.store.drafts() == [], timeout=5000)


def test_a_draft_that_cannot_be_written_is_said_and_the_form_keeps_everything(
    qtbot, services, runner, actor, relative, monkeypatch
):  # type: ignore[no-untyped-def]
    dialog = open_session(qtbot, services, runner, actor, relative)

    def full(_draft: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dialog.drafts.store, "save", full)
    dialog.notes.setPlainText(NOTE)
    assert not dialog.drafts.autosave()
    assert dialog.draft_bar.problem.isVisible()
    assert "kan ikke gemmes som kladde" in dialog.draft_bar.problem.text()
    assert dialog.notes.toPlainText() == NOTE
    monkeypatch.undo()
    assert dialog.drafts.autosave() and not dialog.draft_bar.problem.isVisible()


def test_a_crashed_check_in_is_offered_back_and_a_save_removes_it(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    first = open_check_in(qtbot, services, runner, actor, relative, keep=False)
    values = (4, 1, 0, 5, 2)
    for item, value in enumerate(values, 1):
        first.findChild(object, f"answer_who5_{item}_{value}").click()
    first.mode.setCurrentIndex(1)
    first.taken_at.setDateTime(first.taken_at.dateTime().addSecs(-1800))
    own = first.own_life_form
    assert own is not None and own.text_edits
    own.text_edits[0].setPlainText("Jeg savner koret.")
    wait_for_draft(qtbot, first)
    kept = first.draft_content()
    store = first.drafts.store
    crash(first)
    assert isinstance(kept, CheckInDraft) and kept.main_values == values

    second = open_check_in(qtbot, services, runner, actor, relative)
    when = store.drafts()[0].saved_at.astimezone().strftime("%H:%M")
    assert second.draft_bar.offer_label.text() == (
        f"Du har et ikke-gemt trivselstjek fra {when} med Bjørn Østergård."
    )
    second.draft_bar.restore_button.click()
    assert second.draft_content() == kept
    with qtbot.waitSignal(second.check_in_saved, timeout=10_000) as saved:
        second.save_button.click()
    assert saved.args[0].check_in.score == 48
    assert store.drafts() == []


def test_a_correction_keeps_its_draft_with_the_reason(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    from tests.factories import session_input

    saved = services.sessions.record(actor, session_input(relative.id, notes="Første udgave."))
    topics = services.reference.topics(actor)
    first = SessionCorrectionDialog(services, runner, actor, relative, topics, saved)
    first.open()
    qtbot.waitExposed(first)
    assert first.drafts.autosave() and first.drafts.store.drafts() == []  # nothing changed
    first.notes.setPlainText("Rettet udgave.")
    first.reason.setText("stavefejl")
    wait_for_draft(qtbot, first)
    store = first.drafts.store
    crash(first)
    (draft,) = store.drafts()
    assert draft.subject == DraftSubject(DraftKind.SESSION, relative.id, saved.id)
    assert draft.reason == "stavefejl" and draft.editing_version == saved.version

    # A new session for the relative is not offered the correction.
    new = open_session(qtbot, services, runner, actor, relative)
    assert new.drafts.current_offer is None

    second = SessionCorrectionDialog(services, runner, actor, relative, topics, saved)
    qtbot.addWidget(second)
    second.open()
    qtbot.waitExposed(second)
    assert second.draft_bar.offer_label.text().startswith(
        "Du har en ikke-gemt rettelse af denne samtale fra"
    )
    second.draft_bar.restore_button.click()
    assert second.notes.toPlainText() == "Rettet udgave." and second.reason.text() == "stavefejl"
    assert second.started.dateTime() == to_qdatetime(draft.content.started_at)  # type: ignore[union-attr]
    with qtbot.waitSignal(second.session_saved, timeout=10_000):
        second.save_button.click()
    assert store.drafts() == []


def run_child(url: str, actor, relative, step: str, note: str = "") -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "ui" / "draft_child.py"),
            url,
            str(int(actor.advisor_id)),
            actor.username,
            str(relative.id),
            step,
            note,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_program_killed_with_sigkill_after_the_autosave_loses_nothing(
    services, actor, relative, ui_db_url
):  # type: ignore[no-untyped-def]
    with run_child(ui_db_url, actor, relative, "type", NOTE) as child:
        try:
            assert child.stdout is not None
            line = child.stdout.readline()  # blocks until the child's autosave kept the note
            assert json.loads(line) == {"autosaved": NOTE}
            child.send_signal(signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()

    with run_child(ui_db_url, actor, relative, "reopen") as again:
        out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["offered"].startswith("Du har en ikke-gemt samtale fra ")
    assert report["offered"].endswith(" med Bjørn Østergård.")
    assert report["restored"] == NOTE
    store = services.draft_store(actor)
    # The restored draft is the reopening dialog's own now (that process was not killed,
    # and finished without saving: its draft went on purpose in the child).
    assert store is not None and store.drafts() == []


def test_the_program_and_the_relative_s_page_say_a_draft_is_kept(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    from advisor_app.ui.main_window import MainWindow

    first = open_session(qtbot, services, runner, actor, relative, keep=False)
    qtbot.keyClicks(first.notes, NOTE)
    wait_for_draft(qtbot, first)
    crash(first)

    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    assert (
        win.statusBar()
        .currentMessage()
        .startswith(
            "1 kladde fra før er bevaret; åbn den pårørende for at gendanne den: "
            "Du har en ikke-gemt samtale fra "
        )
    )
    with qtbot.waitSignal(win.page.loaded, timeout=10_000):
        assert win.select_relative(relative.id)
    assert win.page.drafts_row.isVisibleTo(win.page)
    assert win.page.drafts_note.text().endswith("med Bjørn Østergård.")
    win.page.drafts_button.click()
    (dialog,) = [d for d in win.findChildren(SessionDialog) if d.isVisible()]
    assert dialog.draft_bar.isVisible()
    dialog.draft_bar.restore_button.click()
    assert dialog.notes.toPlainText() == NOTE
    with qtbot.waitSignal(dialog.session_saved, timeout=10_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: not win.page.drafts_row.isVisibleTo(win.page), timeout=10_000)
    assert dialog.drafts.store.drafts() == []


def test_deleting_the_relative_removes_their_drafts_on_this_computer(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    from advisor_app.ui.main_window import MainWindow

    other = services.relatives.register(actor, RelativeInput(name="Karl Hansen", birth_year=1960))
    for who in (relative, other):
        dialog = open_session(qtbot, services, runner, actor, who, keep=False)
        dialog.notes.setPlainText(NOTE)
        wait_for_draft(qtbot, dialog)
        store = dialog.drafts.store
        crash(dialog)
    assert {d.subject.relative_id for d in store.drafts()} == {relative.id, other.id}

    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    with qtbot.waitSignal(win.page.loaded, timeout=10_000):
        assert win.select_relative(relative.id)
    page = win.page
    with qtbot.waitSignal(page.delete_button.confirmation_opened, timeout=10_000) as opened:
        page.delete_button.click()
    with qtbot.waitSignal(page.changed, timeout=10_000):
        opened.args[0].button(QMessageBox.StandardButton.Yes).click()
    assert [d.subject.relative_id for d in store.drafts()] == [other.id]
    assert not page.drafts_row.isVisibleTo(page)
