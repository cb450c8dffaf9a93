"""Reference data that is not personal: session topics and the first offer catalogue,
seeded from resources/seed."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor_app.domain.clock import Clock
from advisor_app.domain.permissions import Permission
from advisor_app.locations import resource
from advisor_app.persistence.database import Database
from advisor_app.persistence.models import Topic
from advisor_app.services.door import Gated, Work, door
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


def seed_reference_data(db: Database, clock: Clock) -> int:
    """Start-up work, not a user's call: the topics the program ships, kept current. Run
    where the connection may write reference data (a workstation, or the owner's
    ``db upgrade`` on a team database)."""
    # The offer catalogue's seed goes in once, into a database that never had offers.
    from advisor_app.services.offers import seed_offers

    with db.begin() as session:
        added = seed_topics(session)
        return added + seed_offers(session, clock.now())


class ReferenceService(Gated):
    @door(Permission.REFERENCE_READ)
    def topics(self, work: Work) -> tuple[TopicView, ...]:
        rows = work.session.scalars(
            select(Topic).where(Topic.active.is_(True)).order_by(Topic.sort_order)
        )
        return tuple(topic_view(t) for t in rows)
