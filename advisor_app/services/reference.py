"""Reference data that is not personal: session topics, seeded from resources/seed."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor_app.locations import resource
from advisor_app.persistence.database import Database
from advisor_app.persistence.models import Topic
from advisor_app.services.dto import TopicId, TopicView


def load_topic_seed() -> list[dict[str, Any]]:
    with resource("seed", "topics.json").open(encoding="utf-8") as handle:
        data: list[dict[str, Any]] = json.load(handle)["topics"]
    return data


def seed_topics(session: Session) -> int:
    """Insert seed topics that are missing, update labels of those present; returns inserts."""
    existing = {t.code: t for t in session.scalars(select(Topic))}
    added = 0
    for order, item in enumerate(load_topic_seed()):
        topic = existing.get(item["code"])
        if topic is None:
            session.add(
                Topic(
                    code=item["code"],
                    label_da=item["da"],
                    label_en=item["en"],
                    source=item["source"],
                    sort_order=order,
                    active=True,
                )
            )
            added += 1
        else:
            topic.label_da, topic.label_en = item["da"], item["en"]
            topic.source, topic.sort_order = item["source"], order
    return added


def topic_view(topic: Topic) -> TopicView:
    return TopicView(TopicId(topic.id), topic.code, topic.label_da, topic.label_en)


class ReferenceService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def seed(self) -> int:
        with self._db.begin() as session:
            return seed_topics(session)

    def topics(self) -> tuple[TopicView, ...]:
        with self._db.begin() as session:
            rows = session.scalars(
                select(Topic).where(Topic.active.is_(True)).order_by(Topic.sort_order)
            )
            return tuple(topic_view(t) for t in rows)
