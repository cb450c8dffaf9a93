"""Drafts without Qt: what a draft holds survives its JSON form whole, and the local store
writes each draft whole or not at all, private to the user, in a folder per database and user."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from advisor_app.domain.actor import Actor, AdvisorId
from advisor_app.domain.drafts import (
    CheckInDraft,
    Draft,
    DraftAction,
    DraftError,
    DraftKind,
    DraftSubject,
    SessionDraft,
    from_json,
    to_json,
)
from advisor_app.domain.enums import Purpose, Role
from advisor_app.persistence.database import Database, sqlite_url
from advisor_app.services import drafts as drafts_module
from advisor_app.services.drafts import DraftStore, drafts_root

AT = datetime(2026, 11, 30, 13, 32, tzinfo=UTC)
ACTOR = Actor(AdvisorId(7), "advisor", Role.ADVISOR, Purpose.ADVISORY)


def session_draft(
    notes: str = "Søren er træt 😴; vil høre om afløsning.", **changes: object
) -> Draft:
    content = SessionDraft(
        opened_at=AT,
        started_at=AT - timedelta(minutes=5),
        duration_minutes=52,
        duration_touched=True,
        form="phone",
        topic_ids=(3, 1),
        citizen_ids=(12,),
        others="datter, hjemmesygeplejerske",
        notes=notes,
        actions=(DraftAction("Ring om afløsning", date(2026, 12, 14)), DraftAction("Uden dato")),
        pending_action="Send folder",
        pending_due=date(2026, 12, 1),
    )
    draft = Draft(
        subject=DraftSubject(DraftKind.SESSION, 42),
        draft_id="a1b2c3",
        saved_at=AT,
        label="Bjørn Østergård",
        content=content,
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


def check_in_draft() -> Draft:
    return Draft(
        subject=DraftSubject(DraftKind.CHECK_IN, 42, editing_id=9),
        draft_id="d4e5f6",
        saved_at=AT,
        label="Bjørn Østergård",
        content=CheckInDraft(
            instrument_id="who5",
            mode="self_completed",
            taken_at=AT,
            main_values=(5, None, 0, 3, 2),
            main_texts=(),
            own_life_values=(None, 4),
            own_life_texts=("Jeg savner at gå til kor.\nOg at sove.",),
        ),
        reason="forkert svar på spørgsmål 2",
        editing_version=3,
    )


def test_a_session_draft_and_a_check_in_draft_come_back_whole() -> None:
    for draft in (session_draft(), check_in_draft()):
        assert from_json(to_json(draft)) == draft
    anonymous = session_draft(subject=DraftSubject(DraftKind.SESSION, None), label="")
    assert from_json(to_json(anonymous)) == anonymous


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        '{"format": 99}',
        to_json(session_draft()).replace('"format": 1', '"format": 2'),
        to_json(session_draft()).replace('"duration_minutes": 52', '"duration_minutes": "x"'),
        to_json(session_draft()).replace("+00:00", ""),  # a time without its zone
        to_json(session_draft()).replace('"notes"', '"noter"'),
    ],
)
def test_anything_but_a_whole_draft_is_refused(text: str) -> None:
    with pytest.raises(DraftError):
        from_json(text)


def test_a_draft_whose_content_does_not_match_its_subject_is_not_written() -> None:
    with pytest.raises(DraftError):
        to_json(replace(check_in_draft(), subject=DraftSubject(DraftKind.SESSION, 42)))


def test_the_file_name_holds_ids_only() -> None:
    assert DraftSubject(DraftKind.SESSION, 42).file_prefix() == "session-r42"
    assert DraftSubject(DraftKind.SESSION, None).file_prefix() == "session-anon"
    assert DraftSubject(DraftKind.CHECK_IN, 42, 9).file_prefix() == "check_in-r42-e9"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_store_keeps_drafts_private_whole_and_per_subject(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "advisor.sqlite3"))
    store = DraftStore.for_user(db, ACTOR)
    assert store is not None
    assert store.folder == tmp_path / "advisor.sqlite3.drafts" / "user-7"
    old_umask = os.umask(0o022)  # a usual umask would make 0644 files
    try:
        first = session_draft()
        store.save(first)
        other = check_in_draft()
        store.save(other)
    finally:
        os.umask(old_umask)
    files = sorted(p.name for p in store.folder.iterdir())
    assert files == ["check_in-r42-e9.d4e5f6.json", "session-r42.a1b2c3.json"]
    assert mode(store.folder) == 0o700 and mode(store.folder.parent) == 0o700
    assert all(mode(p) == 0o600 for p in store.folder.iterdir())
    assert "Bjørn" not in " ".join(files)

    assert store.drafts(first.subject) == [first]
    assert store.drafts(DraftSubject(DraftKind.SESSION, 43)) == []
    newer = session_draft(draft_id="0ther", saved_at=AT + timedelta(minutes=1), notes="nyere")
    store.save(newer)
    assert store.drafts(first.subject) == [newer, first]
    assert len(store.drafts()) == 3

    changed = session_draft(notes="ændret")
    store.save(changed)  # the same dialog's draft again: replaced, not added
    assert store.drafts(first.subject) == [newer, changed]
    store.discard(changed)
    store.discard(changed)  # gone already is fine
    assert store.drafts(first.subject) == [newer]
    db.dispose()


def test_a_failed_write_leaves_the_earlier_draft_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DraftStore(tmp_path / "drafts" / "user-7")
    first = session_draft()
    store.save(first)

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts_module.os, "replace", disk_full)
    with pytest.raises(OSError):
        store.save(session_draft(notes="ny tekst"))
    assert store.drafts() == [first]
    assert [p.name for p in store.folder.iterdir()] == ["session-r42.a1b2c3.json"]


def test_a_damaged_or_foreign_file_is_skipped_and_left_alone(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts" / "user-7")
    good = session_draft()
    store.save(good)
    damaged = store.folder / "session-r42.ffff.json"
    damaged.write_text('{"format": 1, "kind": "sess', encoding="utf-8")
    leftover = store.folder / ".session-r42.a1b2c3.json.9999.tmp"
    leftover.write_text("half", encoding="utf-8")
    assert store.drafts(good.subject) == [good]
    assert damaged.exists()  # kept for a person to look at, never offered
    store.clean_temporary()
    assert not leftover.exists() and damaged.exists()


def test_a_draft_id_cannot_reach_outside_the_folder(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts" / "user-7")
    with pytest.raises(ValueError):
        store.save(session_draft(draft_id="../../x"))


def test_where_drafts_live(tmp_path: Path) -> None:
    memory = Database("sqlite+pysqlite:///:memory:")
    assert drafts_root(memory) is None
    memory.dispose()
    team = Database("postgresql+psycopg://anna:hemmelig@db.example/raad")
    other = Database("postgresql+psycopg://anna:andet@db.example/raad")
    root = drafts_root(team)
    assert root is not None and root == drafts_root(other)  # the password is not part of it
    assert "hemmelig" not in str(root) and "example" not in str(root)
    assert root.parent.name == "drafts"
