"""Start-up pieces: language from the settings, switching language rebuilds the window,
bundled fonts with æøå, and the offscreen screenshot."""

from __future__ import annotations

from pathlib import Path

from factories import make_user
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontDatabase, QFontMetrics, QImage

from advisor_app import i18n
from advisor_app.services.dto import RelativeInput
from advisor_app.ui.app import BUNDLED_FAMILY, Session, choose_language, load_fonts, take_screenshot


def test_language_comes_from_settings_unless_given(qapp) -> None:  # type: ignore[no-untyped-def]
    QSettings().setValue("language", "en")
    assert choose_language(None) == "en"
    assert choose_language("da") == "da"
    QSettings().setValue("language", "xx")
    assert choose_language(None) == i18n.DEFAULT_LANGUAGE


def test_switching_language_rebuilds_the_window_in_english(
    qtbot, services, runner, request
) -> None:  # type: ignore[no-untyped-def]
    actor = make_user(services, "u")
    services.relatives.register(actor, RelativeInput(name="Grethe Mørk"))
    session = Session(services, actor, runner)
    request.addfinalizer(session.idle_lock.stop)
    first = session.show()
    qtbot.addWidget(first)
    qtbot.waitUntil(lambda: first.relatives_model.rowCount() == 1, timeout=10_000)
    danish_tab = first.tabs.tabText(1)
    english = next(
        a for a in first.findChildren(type(first.new_relative_action)) if a.data() == "en"
    )
    english.trigger()
    second = session.window
    assert second is not first
    qtbot.addWidget(second)
    assert i18n.current_language() == "en"
    assert second.tabs.tabText(0) == "Today"
    assert second.tabs.tabText(1) == "Relatives"
    assert danish_tab != "Relatives"
    assert QSettings().value("language") == "en"
    qtbot.waitUntil(lambda: second.relatives_model.rowCount() == 1, timeout=10_000)


def test_bundled_font_draws_danish_letters(qapp) -> None:  # type: ignore[no-untyped-def]
    load_fonts(qapp)
    assert BUNDLED_FAMILY in QFontDatabase.families()
    metrics = QFontMetrics(qapp.font())
    for letter in "æøåÆØÅ":
        assert metrics.inFontUcs4(ord(letter)), letter


def test_fonts_are_registered_once_per_process(qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Registering a font again invalidates Qt's font caches under open widgets' text
    layouts, which crashed a later paint; a second window must not register them again."""
    load_fonts(qapp)
    calls: list[str] = []
    monkeypatch.setattr(QFontDatabase, "addApplicationFont", lambda path: calls.append(path))
    load_fonts(qapp)
    assert calls == []  # registered by the first call of this process, not again
    assert BUNDLED_FAMILY in QFontDatabase.families()


def test_screenshot_of_a_selected_relative(
    qtbot, services, runner, tmp_path: Path, request
) -> None:  # type: ignore[no-untyped-def]
    actor = make_user(services, "u")
    services.relatives.register(actor, RelativeInput(name="Søren Ærø Åberg"))
    session = Session(services, actor, runner)
    request.addfinalizer(session.idle_lock.stop)
    window = session.show()
    qtbot.addWidget(window)
    target = tmp_path / "shot.png"
    take_screenshot(window, target)
    image = QImage(str(target))
    assert image.width() >= 800 and image.height() >= 600
    assert window.page.heading.text() == "Søren Ærø Åberg"


def test_screenshot_of_the_wellbeing_tab_picks_a_relative_with_a_trend(  # type: ignore[no-untyped-def]
    qtbot, services, runner, tmp_path: Path, request
) -> None:
    from datetime import UTC, datetime, timedelta

    from advisor_app.services.dto import CheckInInput, InstrumentAnswers
    from advisor_app.ui.app import WELLBEING_TAB

    actor = make_user(services, "u")
    services.relatives.register(actor, RelativeInput(name="Anna Andersen", birth_year=1950))
    trend = services.relatives.register(actor, RelativeInput(name="Bo Berg", birth_year=1950))
    for days, answers in ((90, (4, 4, 4, 4, 4)), (45, (3, 3, 3, 3, 3)), (1, (2, 2, 1, 2, 2))):
        services.check_ins.record(
            actor,
            CheckInInput(
                trend.id,
                InstrumentAnswers("who5", answers),
                taken_at=datetime.now(UTC) - timedelta(days=days),
            ),
        )
    session = Session(services, actor, runner)
    request.addfinalizer(session.idle_lock.stop)
    window = session.show()
    qtbot.addWidget(window)
    target = tmp_path / "wellbeing.png"
    take_screenshot(window, target, WELLBEING_TAB)
    assert QImage(str(target)).width() >= 800
    assert window.page.heading.text() == "Bo Berg"
    assert window.page.tabs.currentIndex() == WELLBEING_TAB
    assert window.page.chart is not None
    assert [y for _x, y in window.page.chart.points()] == [80.0, 60.0, 36.0]
