"""Wellbeing check-ins driven as in the meeting: the relative fills WHO-5 in the relative's
view, the advisor sees the prompt and the new point on the chart, next steps become
follow-ups; a child gets the smiley check-in; the follow-up list opens the relative."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QRadioButton, QStyle

from advisor_app.domain.enums import ConsentMethod, ConsentScope, Language, RelationType
from advisor_app.services.dto import (
    CheckInDueRow,
    CheckInId,
    CheckInInput,
    CitizenInput,
    ConsentInput,
    InstrumentAnswers,
    RelationInput,
    RelativeId,
    RelativeInput,
)
from advisor_app.ui.check_in_dialog import CheckInDialog
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.table_models import CheckInDueModel, CheckInsModel

CITIZEN = "Ingeborg Ravnsbæk"
OTHER_RELATIVE = "Bodil Ravnsbæk"


def register(services, actor, name, birth_year, citizen_id=None):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name=name, birth_year=birth_year),
        None if citizen_id else CitizenInput(name=CITIZEN, birth_year=1940),
        RelationInput(RelationType.CHILD if birth_year > 1950 else RelationType.SPOUSE),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.WRITTEN, date.today())],
        citizen_id=citizen_id,
    )


@pytest.fixture
def family(services, actor):  # type: ignore[no-untyped-def]
    """An adult with a good WHO-5 a month ago, and another relative of the same citizen."""
    adult = register(services, actor, "Erik Ravnsbæk", 1952)
    citizen_id = adult.relations[0].citizen.id
    register(services, actor, OTHER_RELATIVE, 1975, citizen_id)
    services.check_ins.record(
        actor,
        CheckInInput(
            adult.id,
            InstrumentAnswers("who5", (4, 4, 3, 4, 3)),
            taken_at=datetime.now(UTC) - timedelta(days=30),
        ),
    )
    return adult


@pytest.fixture
def window(qtbot, services, actor, runner, family):  # type: ignore[no-untyped-def]
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    return win


def open_page(qtbot, win, relative_id):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(win.page.check_ins_loaded, timeout=10_000):
        assert win.select_relative(relative_id)
    win.page.tabs.setCurrentIndex(3)


def open_check_in(qtbot, win) -> CheckInDialog:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(win.page.check_in_dialog_opened, timeout=10_000) as opened:
        qtbot.mouseClick(win.page.check_in_button, Qt.MouseButton.LeftButton)
    dialog: CheckInDialog = opened.args[0]
    qtbot.addWidget(dialog)
    return dialog


def answer(qtbot, dialog, instrument_id, item_ids_values):  # type: ignore[no-untyped-def]
    for item_id, value in item_ids_values:
        button = dialog.findChild(object, f"answer_{instrument_id}_{item_id}_{value}")
        assert button is not None, (item_id, value)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert button.isChecked()


def test_relative_fills_who5_in_the_relatives_view_and_the_advisor_sees_the_prompt(  # type: ignore[no-untyped-def]
    qtbot, window, family, services, actor
):
    open_page(qtbot, window, family.id)
    before = window.page.chart.points()
    assert [y for _x, y in before] == [72.0]
    dialog = open_check_in(qtbot, window)
    assert dialog.instrument_combo.itemData(0) == "who5"  # WHO-5 first for an adult

    qtbot.keyClick(dialog, Qt.Key.Key_F11)
    assert dialog.relative_view and dialog.isFullScreen()
    assert not dialog.advisor_panel.isVisibleTo(dialog)
    assert dialog.font().pointSizeF() > window.font().pointSizeF() * 1.4
    seen = " ".join(dialog.visible_texts())
    for private in (CITIZEN, OTHER_RELATIVE, "Ravnsbæk", "72"):
        assert private not in seen
    assert "Jeg har været glad og i godt humør" in seen  # the Danish item text

    answer(qtbot, dialog, "who5", [("1", 2), ("2", 1), ("3", 2), ("4", 1), ("5", 2)])
    answer(qtbot, dialog, "own_life", [("sleep", 0), ("own_time", 1), ("someone_to_talk_to", 3)])
    answer(qtbot, dialog, "own_life", [("own_time", "none")])  # a slip taken back
    qtbot.keyClicks(dialog.findChild(object, "text_own_life_worry"), "Økonomien")
    with (
        qtbot.waitSignal(window.page.check_ins_loaded, timeout=10_000),
        qtbot.waitSignal(dialog.check_in_saved, timeout=10_000) as saved,
    ):
        qtbot.keyClick(dialog.save_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    result = saved.args[0]
    assert result.check_in.score == 32 and result.check_in.band == "poor"
    # Still in the relative's view: a thank-you, no score, no prompts for the relative.
    assert dialog.thanks.isVisibleTo(dialog)
    assert not dialog.result_box.isVisibleTo(dialog)
    assert "32" not in " ".join(dialog.visible_texts())

    qtbot.keyClick(dialog, Qt.Key.Key_F11)  # the screen goes back to the advisor
    assert not dialog.relative_view and not dialog.isFullScreen()
    assert dialog.result_box.isVisibleTo(dialog)
    assert "32" in dialog.result_label.text()
    assert "Nedsat trivsel" in dialog.result_label.text()
    # Which answers were 0 or 1, by number and text: what to ask more about.
    low = dialog.result_label.text().split("Svar på 0 eller 1:")[1]
    assert "2. Jeg har følt mig rolig og afslappet: svaret 1" in low
    assert "4. Jeg er vågnet frisk og udhvilet: svaret 1" in low
    assert "1. Jeg har været glad" not in low
    prompts = dialog.prompts_label.text()
    assert "faldet 40 point" in prompts and "50 eller lavere" in prompts

    points = window.page.chart.points()
    assert [y for _x, y in points] == [72.0, 32.0]
    axis = window.page.chart.plot.getAxis("bottom")
    may = datetime(2026, 5, 15, tzinfo=UTC).timestamp()
    assert axis.tickStrings([may], 1.0, 30 * 86_400) == ["maj"]  # Danish month names
    assert axis.tickStrings([may], 1.0, 86_400) == ["15. maj"]
    assert window.page.chart.marked_changes() == [points[1]]
    assert window.page.check_ins_model.rowCount() == 2
    stored = services.check_ins.history(actor, family.id)[-1]
    assert stored.mode.value == "self_completed"
    assert stored.answer("own_life", "worry").text == "Økonomien"
    assert stored.answer("own_life", "sleep").value == 0
    assert stored.answer("own_life", "own_time") is None

    # Next steps become follow-ups on the relative's page.
    relief = dialog.findChild(object, "step_relief")
    relief.click()
    with qtbot.waitSignal(window.page.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.create_steps_button, Qt.MouseButton.LeftButton)
    descriptions = [a.description for a in window.page.detail.open_actions]
    assert descriptions == ["Tilbyd aflastning eller afløsning"]


def test_an_unanswered_question_is_named_and_nothing_is_saved(
    qtbot, window, family, services, actor
):  # type: ignore[no-untyped-def]
    open_page(qtbot, window, family.id)
    dialog = open_check_in(qtbot, window)
    answer(qtbot, dialog, "who5", [("1", 3), ("2", 3), ("4", 3), ("5", 3)])
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.banner.isVisible()
    assert "3" in dialog.banner.text()
    assert len(services.check_ins.history(actor, family.id)) == 1
    assert dialog.main_form.values() == (3, 3, None, 3, 3)  # what was chosen is kept
    # A bare Enter never saves; Escape asks before throwing answers away.
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.saved_result is None and dialog.isVisible()


def test_only_f11_leaves_the_relatives_view_and_the_mode_follows_who_answered(  # type: ignore[no-untyped-def]
    qtbot, window, family
):
    open_page(qtbot, window, family.id)
    dialog = open_check_in(qtbot, window)
    assert dialog.mode.currentData() == "interview"
    dialog.set_relative_view(True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # a relative's stray Escape uncovers nothing
    assert dialog.isVisible() and dialog.relative_view and dialog.isFullScreen()
    qtbot.keyClick(dialog, Qt.Key.Key_F11)  # nothing answered: still the advisor's interview
    assert not dialog.relative_view and dialog.advisor_panel.isVisibleTo(dialog)
    assert dialog.mode.currentData() == "interview"
    qtbot.keyClick(dialog, Qt.Key.Key_F11)
    answer(qtbot, dialog, "who5", [("1", 3)])
    qtbot.keyClick(dialog, Qt.Key.Key_F11)
    assert dialog.mode.currentData() == "self_completed"


def test_a_relative_who_may_not_yet_be_18_can_get_the_childrens_check_in(  # type: ignore[no-untyped-def]
    qtbot, services, actor, runner, family
):
    turning_18 = register(
        services, actor, "Sofie Ravnsbæk", date.today().year - 18, family.relations[0].citizen.id
    )
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    open_page(qtbot, win, turning_18.id)
    dialog = open_check_in(qtbot, win)
    combo = dialog.instrument_combo
    ids = [combo.itemData(i) for i in range(combo.count())]
    assert ids[0] == "who5" and ids[-1] == "child_smiley"
    combo.setCurrentIndex(combo.findData("child_smiley"))
    qtbot.waitUntil(lambda: dialog.main_form.isVisibleTo(dialog))
    assert not dialog.own_life_form.isVisibleTo(dialog)  # never with the children's questions
    answer(
        qtbot,
        dialog,
        "child_smiley",
        [("home", 3), ("sleep", 3), ("school", 3), ("friends", 3), ("talk", 3)],
    )
    with qtbot.waitSignal(dialog.check_in_saved, timeout=10_000) as saved:
        dialog.save()
    assert saved.args[0].check_in.instrument_id == "child_smiley"


def test_a_child_gets_the_smiley_check_in_only(qtbot, services, actor, runner, family):  # type: ignore[no-untyped-def]
    child = register(
        services, actor, "Mikkel Ravnsbæk", date.today().year - 11, family.relations[0].citizen.id
    )
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    open_page(qtbot, win, child.id)
    dialog = open_check_in(qtbot, win)
    combo = dialog.instrument_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["child_smiley"]
    assert dialog.own_life_form is None
    smiley = dialog.findChild(object, "answer_child_smiley_home_5")
    assert not smiley.icon().isNull() and smiley.accessibleName().endswith("Rigtig godt")
    answer(
        qtbot,
        dialog,
        "child_smiley",
        [("home", 4), ("sleep", 2), ("school", 4), ("friends", 5), ("talk", 1)],
    )
    with qtbot.waitSignal(dialog.check_in_saved, timeout=10_000) as saved:
        dialog.save()
    assert saved.args[0].check_in.score is None
    assert "Tal med barnet" in dialog.findChild(object, "step_talk_child").text()


def test_the_follow_up_list_names_the_relative_and_opens_the_page(
    qtbot, window, family, services, actor
):  # type: ignore[no-untyped-def]
    services.check_ins.record(
        actor, CheckInInput(family.id, InstrumentAnswers("who5", (1, 1, 1, 1, 1)))
    )
    window.tabs.setCurrentWidget(window.check_ins_due_tab)
    qtbot.waitUntil(lambda: window.check_in_due_model.rowCount() == 1, timeout=10_000)
    row = window.check_in_due_model.row_at(0)
    assert row.relative_id == family.id and row.score == 20
    why = window.check_in_due_model.index(0, 4).data()
    assert "28 eller lavere" in why
    window.check_in_due_view.selectRow(0)
    with qtbot.waitSignal(window.page.loaded, timeout=10_000):
        window._on_check_ins_due_double_clicked(None)
    assert (
        window.tabs.currentWidget() is window.relatives_tab and window.page.detail.id == family.id
    )
    # A shorter period puts the month-old check-in of nobody else on the list: still one.
    window.check_in_period.setValue(7)
    qtbot.waitUntil(lambda: window.check_in_due_model.rowCount() == 1, timeout=10_000)


def test_check_in_models_pass_the_model_tester(qtmodeltester, services, actor, family):  # type: ignore[no-untyped-def]
    model = CheckInsModel()
    model.set_rows(services.check_ins.history(actor, family.id))
    qtmodeltester.check(model)
    due = CheckInDueModel()
    due.set_rows(services.check_ins.needing_follow_up(actor, older_than_days=7))
    assert due.rowCount() == 1
    qtmodeltester.check(due)


def test_a_licensed_shell_takes_scores_and_shows_text_once_loaded(  # type: ignore[no-untyped-def]
    qtbot, window, family, services, actor, tmp_path
):
    import json

    open_page(qtbot, window, family.id)
    dialog = open_check_in(qtbot, window)
    dialog.instrument_combo.setCurrentIndex(dialog.instrument_combo.findData("zarit4"))
    qtbot.waitUntil(lambda: dialog.main_form.isVisibleTo(dialog))
    shell = " ".join(dialog.visible_texts())
    assert "Spørgsmål 1" in shell and "Licensed item" not in shell  # numbered items, no text
    answer(qtbot, dialog, "zarit4", [("1", 2), ("2", 3), ("3", 0), ("4", 4)])
    with qtbot.waitSignal(dialog.check_in_saved, timeout=10_000) as saved:
        dialog.save()
    assert saved.args[0].check_in.score == 9 and saved.args[0].check_in.instrument_id == "zarit4"
    dialog.done(0)

    # The municipality's licensed text file, loaded from the Settings menu's slot.
    text_file = tmp_path / "zarit4-da.json"
    text_file.write_text(
        json.dumps(
            {
                "id": "zarit4",
                "version": "shell-1",
                "items": {str(n): {"da": f"Licensed item {n}"} for n in range(1, 5)},
                "labels": {"da": ["L0", "L1", "L2", "L3", "L4"]},
            }
        ),
        encoding="utf-8",
    )
    with qtbot.waitSignal(window.page.check_ins_loaded, timeout=10_000):
        window.load_instrument_text(str(text_file))
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)
    assert "indlæst" in window.statusBar().currentMessage()
    window.page.check_ins_view.selectRow(0)  # the newest: the Zarit check-in, now with text
    history = window.page.check_in_text.toPlainText()
    assert "Licensed item 2" in history and "L3" in history
    dialog = open_check_in(qtbot, window)
    dialog.instrument_combo.setCurrentIndex(dialog.instrument_combo.findData("zarit4"))
    qtbot.waitUntil(lambda: dialog.main_form.isVisibleTo(dialog))
    loaded = " ".join(dialog.visible_texts())
    assert "Licensed item 3" in loaded and "L4" in loaded


def test_a_bad_text_file_is_explained_and_changes_nothing(qtbot, window, services, actor, tmp_path):  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "zarit4", "version": "old", "items": {}}', encoding="utf-8")
    window.load_instrument_text(str(bad))
    qtbot.waitUntil(lambda: window.findChild(object, "error_box") is not None, timeout=10_000)
    box = window.findChild(object, "error_box")
    assert "licensbelagt" in box.text()
    assert not services.check_ins.registry(actor).get("zarit4").shows_text


def test_the_relative_reads_the_check_in_in_their_own_language(qtbot, services, actor, runner):  # type: ignore[no-untyped-def]
    english = services.relatives.register(
        actor, RelativeInput(name="Mary Smith", birth_year=1960, language=Language.ENGLISH)
    )
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    open_page(qtbot, win, english.id)
    dialog = open_check_in(qtbot, win)
    assert dialog.save_button.text() == "Gem trivselstjek"  # the advisor's UI: Danish
    qtbot.keyClick(dialog, Qt.Key.Key_F11)
    seen = " ".join(dialog.visible_texts())
    assert "I have felt cheerful and in good spirits" in seen and "No answer" in seen
    assert "Jeg har været glad" not in seen
    assert dialog.save_button.text() == "Save check-in"
    qtbot.keyClick(dialog, Qt.Key.Key_F11)
    assert dialog.save_button.text() == "Gem trivselstjek"


def test_a_bug_while_saving_gives_the_buttons_back_and_keeps_the_answers(  # type: ignore[no-untyped-def]
    qtbot, window, family, services, monkeypatch
):
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    open_page(qtbot, window, family.id)
    dialog = open_check_in(qtbot, window)
    answer(qtbot, dialog, "who5", [("1", 3), ("2", 3), ("3", 3), ("4", 3), ("5", 3)])
    monkeypatch.setattr(services.check_ins, "record", broken)
    with qtbot.waitSignal(window.runner.failed, timeout=10_000):
        dialog.save()
        assert not dialog.save_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert dialog.save_button.isEnabled() and dialog.cancel_button.isEnabled()
    assert dialog.main_form.values() == (3, 3, 3, 3, 3) and dialog.saved_result is None
    window.findChild(object, "bug_box").done(0)


def test_a_good_score_is_not_red_because_of_another_answer(qtmodeltester):  # type: ignore[no-untyped-def]
    """WHO-5 76 with an own-life answer at 'Not at all': the reason is red, the score not."""
    model = CheckInDueModel()
    row = CheckInDueRow(
        RelativeId(1), "Bjørn", CheckInId(1), datetime(2026, 5, 1, tzinfo=UTC), "who5",
        76, "good", ("own_life_low",), False,
    )  # fmt: skip
    low = replace(row, check_in_id=CheckInId(2), score=44, band="poor", prompts=("score_50",))
    model.set_rows([row, low])
    qtmodeltester.check(model)
    red = Qt.ItemDataRole.ForegroundRole
    assert model.index(0, 3).data(red) is None  # the score 76
    assert model.index(0, 4).data(red) is not None  # why: the own-life answer
    assert model.index(1, 3).data(red) is not None  # the score 44


def test_the_wellbeing_table_shows_its_headers_whole(qtbot, window, family):  # type: ignore[no-untyped-def]
    open_page(qtbot, window, family.id)
    view = window.page.check_ins_view
    header = view.horizontalHeader()
    for column in range(window.page.check_ins_model.columnCount()):
        assert view.columnWidth(column) >= header.sectionSizeHint(column), column


def test_the_relatives_view_at_800_by_800_fits_and_shows_no_advisor_error(  # type: ignore[no-untyped-def]
    qtbot, window, family
):
    open_page(qtbot, window, family.id)
    dialog = open_check_in(qtbot, window)
    # The advisor sees a red message (changing instrument cleared answers) ...
    answer(qtbot, dialog, "who5", [("1", 2)])
    dialog.instrument_combo.setCurrentIndex(1)
    assert dialog.banner.isVisible()
    dialog.instrument_combo.setCurrentIndex(0)
    qtbot.keyClick(dialog, Qt.Key.Key_F11)
    # ... the relative does not.
    assert not dialog.banner.isVisible()
    dialog.showNormal()
    dialog.resize(800, 800)
    qtbot.waitUntil(lambda: dialog.width() == 800, timeout=5_000)
    area = dialog.questions_area
    qtbot.waitUntil(lambda: area.horizontalScrollBar().maximum() == 0, timeout=5_000)
    right = area.viewport().width()
    forms = [f for f in (dialog.main_form, dialog.own_life_form) if f is not None]
    labels = [w for f in forms for w in f.findChildren(QLabel) if w.isVisibleTo(dialog)]
    buttons = [w for f in forms for w in f.findChildren(QRadioButton) if w.isVisibleTo(dialog)]
    assert labels and buttons
    for label in labels:
        assert label.mapTo(area.viewport(), label.rect().topRight()).x() <= right
    for button in buttons:
        assert button.mapTo(area.viewport(), button.rect().topRight()).x() <= right
    # The radio buttons grow with the large text.
    size = (
        buttons[0]
        .style()
        .pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth, None, buttons[0])
    )
    assert size >= dialog.fontMetrics().height() * 0.8
    qtbot.keyClick(dialog, Qt.Key.Key_F11)
