"""``advisor-app mentors suggest|assign``: mentor matching from the command line (an advisor's).

``suggest --relative ID`` prints the top 3 mentors with how each criterion counted and what
the hard rules excluded; ``assign`` prints the optimal assignment of every waiting relative.
Neither saves anything (the window saves what the advisor keeps).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor_app.domain.actor import Actor
    from advisor_app.services.facade import Services
    from advisor_app.services.mentor_dto import AssignmentView, SuggestionsView


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mentors = sub.add_parser("mentors", help="mentor matching (an advisor's); saves nothing")
    mentors_sub = mentors.add_subparsers(dest="mentors_command", required=True)
    suggest = mentors_sub.add_parser(
        "suggest", help="the top 3 mentors for a relative, with their explanations"
    )
    suggest.add_argument("--relative", required=True, type=int, metavar="ID")
    suggest.add_argument("--json", action="store_true", help="print one JSON object")
    assign = mentors_sub.add_parser(
        "assign", help="the optimal assignment of every relative waiting for a mentor (no save)"
    )
    assign.add_argument("--json", action="store_true", help="print one JSON object")


def run(services: Services, actor: Actor, args: argparse.Namespace) -> int:
    if args.mentors_command == "suggest":
        found = services.mentors.suggest(actor, args.relative)
        print(
            json.dumps(suggest_json(found), ensure_ascii=False)
            if args.json
            else suggest_text(found)
        )
        return 0
    solved = services.mentors.assign_all(actor)
    print(json.dumps(assign_json(solved), ensure_ascii=False) if args.json else assign_text(solved))
    return 0


def suggest_text(found: SuggestionsView) -> str:
    from advisor_app.i18n import _, ngettext
    from advisor_app.services.mentor_dto import criterion_line, deciding_line, excluded_line

    lines = [
        _("Mentors for relative {id}: {n} considered.").format(
            id=found.relative_id, n=found.considered
        ),
        excluded_line(found.excluded, _, ngettext),
    ]
    if not found.top:
        lines.append(_("No mentor fits the rules."))
    for rank, item in enumerate(found.top, 1):
        lines.append(
            _("{rank}. {name} (relative {id}): {score} points").format(
                rank=rank,
                name=item.mentor_name,
                id=item.mentor_relative_id,
                score=f"{item.score:.1f}",
            )
        )
        lines.append("   " + deciding_line(item.deciding, _))
        lines.extend("   " + criterion_line(c, _) for c in item.criteria)
    return "\n".join(lines)


def suggest_json(found: SuggestionsView) -> dict[str, object]:
    from advisor_app.i18n import _
    from advisor_app.services.mentor_dto import criterion_line

    return {
        "relative_id": found.relative_id,
        "considered": found.considered,
        "excluded": {rule.value: n for rule, n in found.excluded},
        "top": [
            {
                "mentor_id": item.mentor_id,
                "relative_id": item.mentor_relative_id,
                "name": item.mentor_name,
                "score": round(item.score, 2),
                "deciding": [c.value for c in item.deciding],
                "criteria": [
                    {
                        "criterion": c.criterion.value,
                        "similarity": round(c.similarity, 4),
                        "points": round(c.points, 2),
                        "max_points": round(c.max_points, 2),
                        "explanation": criterion_line(c, _),
                    }
                    for c in item.criteria
                ],
            }
            for item in found.top
        ],
    }


def assign_text(solved: AssignmentView) -> str:
    from advisor_app.i18n import _

    lines = [
        _("{n} waiting relatives, {m} mentors; found in {ms} ms.").format(
            n=len(solved.proposals) + len(solved.unassigned),
            m=solved.mentors,
            ms=f"{solved.seconds * 1000:.0f}",
        )
    ]
    for p in solved.proposals:
        lines.append(
            _("{mentee} ({mentee_id}) -> {mentor} ({mentor_id}): {score} points").format(
                mentee=p.mentee_name,
                mentee_id=p.mentee_id,
                mentor=p.mentor_name,
                mentor_id=p.mentor_relative_id,
                score=f"{p.score:.1f}",
            )
        )
    for rid, name in solved.unassigned:
        lines.append(_("{mentee} ({mentee_id}): no mentor fits").format(mentee=name, mentee_id=rid))
    lines.append(
        _("Total {total} points (one at a time, best first: {greedy}). Nothing was saved.").format(
            total=f"{solved.total:.1f}", greedy=f"{solved.greedy_total:.1f}"
        )
    )
    return "\n".join(lines)


def assign_json(solved: AssignmentView) -> dict[str, object]:
    return {
        "proposals": [
            {
                "relative_id": p.mentee_id,
                "relative_name": p.mentee_name,
                "mentor_id": p.mentor_id,
                "mentor_relative_id": p.mentor_relative_id,
                "mentor_name": p.mentor_name,
                "score": round(p.score, 2),
            }
            for p in solved.proposals
        ],
        "unassigned": [
            {"relative_id": rid, "relative_name": name} for rid, name in solved.unassigned
        ],
        "total": round(solved.total, 2),
        "greedy_total": round(solved.greedy_total, 2),
        "mentors": solved.mentors,
        "seconds": round(solved.seconds, 4),
        "saved": False,
    }
