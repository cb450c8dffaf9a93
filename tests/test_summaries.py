"""The session and check-in summaries (reports/summaries.py) the relative's page shows: escaped,
and in the language asked for, whatever the UI speaks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from advisor_app.domain.enums import ActionStatus, CheckInMode, Language, SessionForm
from advisor_app.reports.summaries import check_in_html, due_text, session_html
from advisor_app.services.dto import (
    ActionId,
    ActionView,
    AnswerView,
    CheckInId,
    CheckInView,
    RelativeId,
    SessionId,
    SessionView,
)
from advisor_app.services.instruments import shipped

HOSTILE = '<img src="x"> & </p>'


def test_a_session_summary_escapes_and_speaks_the_language_asked_for() -> None:
    session = SessionView(
        id=SessionId(1),
        version=1,
        relative_id=RelativeId(1),
        started_at=datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
        duration_minutes=45,
        form=SessionForm.PHONE,
        anonymous=False,
        notes=HOSTILE,
        advisor_name="Hanne",
        actions=(
            ActionView(ActionId(1), 1, SessionId(1), HOSTILE, None, ActionStatus.OPEN, None, False),
        ),
    )
    danish = session_html(session, "da")
    assert "&lt;img src=&quot;x&quot;&gt; &amp; &lt;/p&gt;" in danish
    assert "<img" not in danish
    assert "Telefon" in danish and "ingen frist" in danish
    english = session_html(session, "en")
    assert "Phone" in english and "no due date" in english
    assert due_text(date(2026, 12, 8), "da") == "08.12.2026"


def test_a_check_in_summary_names_the_instrument_and_the_answers() -> None:
    check_in = CheckInView(
        id=CheckInId(1),
        relative_id=RelativeId(1),
        taken_at=datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
        mode=CheckInMode.INTERVIEW,
        language=Language.DANISH,
        instrument_id="who5",
        instrument_version="1",
        raw=15,
        score=60,
        band=None,
        prompts=(),
        answers=(AnswerView("who5", "1", 3, None),),
        advisor_name="Hanne",
    )
    found = check_in_html(check_in, lambda i: shipped(i), "en")
    assert "WHO-5" in found and "Score: 60" in found and "Hanne" in found
