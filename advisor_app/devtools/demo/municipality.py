"""The municipality a demo database belongs to: its name and the contact line, phone and
e-mail printed on handouts (municipal settings), set when the database has none yet, so a
demo handout has a real-looking header. Its own random stream (``municipality-{seed}``)."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.orm import Session

from advisor_app.domain.settings import (
    HANDOUT_CONTACT_EMAIL,
    HANDOUT_CONTACT_LINE,
    HANDOUT_CONTACT_PHONE,
    MUNICIPALITY_NAME,
)
from advisor_app.persistence.models import MunicipalSetting

# (name, switchboard, e-mail domain): municipalities with a relatives' advisor.
MUNICIPALITIES = (
    ("Herning Kommune", "96 28 28 28", "herning.dk"),
    ("Ballerup Kommune", "44 77 20 00", "balk.dk"),
    ("Aarhus Kommune", "89 40 20 00", "aarhus.dk"),
    ("Odense Kommune", "66 13 13 72", "odense.dk"),
    ("Vejle Kommune", "76 81 00 00", "vejle.dk"),
    ("Silkeborg Kommune", "89 70 10 00", "silkeborg.dk"),
)
HOURS = ("mandag-torsdag kl. 9-12", "hverdage kl. 8-10", "mandag, onsdag og fredag kl. 9-11")


def settle_municipality(session: Session, seed: int, now: datetime, advisor_id: int) -> int:
    """Fill the municipal settings that are still empty; returns how many were set."""
    rng = random.Random(f"municipality-{seed}")
    name, phone, domain = rng.choice(MUNICIPALITIES)
    wanted = {
        MUNICIPALITY_NAME: name,
        HANDOUT_CONTACT_LINE: f"Pårørendevejledningen: ring {rng.choice(HOURS)}",
        HANDOUT_CONTACT_PHONE: phone,
        HANDOUT_CONTACT_EMAIL: f"paaroerende@{domain}",
    }
    made = 0
    for key, value in wanted.items():
        if session.get(MunicipalSetting, key) is not None:
            continue
        session.add(
            MunicipalSetting(key=key, text_value=value, updated_at=now, updated_by=advisor_id)
        )
        made += 1
    session.flush()
    return made
