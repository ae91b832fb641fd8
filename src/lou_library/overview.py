"""``lou info``: what a network holds, counted (the store adds where it lives)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from lou_library.records import BOOKS, BOXES, SITES, VOLUNTEERS
from lou_library.repository import Repository
from lou_library.schema import BookStatus, BoxStatus, Role, SiteKind, Status

# the statuses a total counts
HELD = (BookStatus.in_box, BookStatus.in_depot, BookStatus.not_seen, BookStatus.lost)


def counts(db: Repository) -> dict[str, Any]:
    """The active sites, the boxes in service, the books held (as the inventory report
    counts them: the parts add up to the total; withdrawn copies are counted apart, never
    in a total), the active volunteers and the next round."""
    from lou_library.rotation import next_round as upcoming

    coming = upcoming(db)
    sites = [
        s for s in db.all(SITES) if s["kind"] != SiteKind.depot and s["status"] == Status.active
    ]
    boxes = Counter({status: n for (status,), n in db.tally(BOXES, "status").items()})
    books = Counter({status: n for (status,), n in db.tally(BOOKS, "status").items()})
    people = [v for v in db.all(VOLUNTEERS) if v["status"] == Status.active]
    return {
        "sites": {
            "total": len(sites),
            "compound": sum(s["kind"] == SiteKind.compound for s in sites),
            "yard": sum(s["kind"] == SiteKind.yard for s in sites),
        },
        "boxes": {
            "total": boxes[BoxStatus.active] + boxes[BoxStatus.repair],
            **dict(sorted(boxes.items())),
        },
        "books": {
            "total": sum(books.get(s, 0) for s in HELD),
            **{s.value: books.get(s, 0) for s in HELD},
        },
        "withdrawn": books.get(BookStatus.withdrawn, 0),
        "volunteers": {
            "total": len(people),
            "party_members": sum(bool(v["party_member"]) for v in people),
            "administrators": sum(v["role"] == Role.administrator for v in people),
        },
        "next_round": {"round": coming.number, "date": coming.date.isoformat()},
    }
