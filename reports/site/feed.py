"""The Atom feed of the site, written with feedgen (escaping, dates and the Atom structure are its job)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from reports.site.models import SiteExemplar

TITLE = "Gương điển hình tiên tiến ngành Giáo dục Ninh Bình"
AUTHOR = "Sở Giáo dục và Đào tạo Ninh Bình"
FEED_ID = "urn:uuid:0b6f3c1e-5a41-5d0e-9c55-7d1b2a9e4f60"
EMPTY_UPDATED = datetime(2023, 1, 1, tzinfo=UTC)  # a fixed date for an empty feed: the output stays stable


def atom_feed(people: Sequence[SiteExemplar], base_url: str) -> bytes:
    """The feed, newest first; links are absolute when the portal's address is known."""
    feed = FeedGenerator()
    feed.id(FEED_ID)
    feed.title(TITLE)
    feed.subtitle("Các gương điển hình tiên tiến được Sở Giáo dục và Đào tạo Ninh Bình công bố")
    feed.author(name=AUTHOR)
    feed.language("vi")
    feed.generator("dhtt")
    feed.link(href=base_url + "index.html", rel="alternate", type="text/html")
    feed.link(href=base_url + "atom.xml", rel="self", type="application/atom+xml")
    feed.updated(max((p.published_at for p in people), default=EMPTY_UPDATED))
    for person in people:
        entry = feed.add_entry(order="append")
        entry.id(person.uid.urn)
        entry.title(person.name)
        entry.link(href=f"{base_url}guong/{person.slug}.html", rel="alternate", type="text/html")
        entry.updated(person.published_at)
        entry.published(person.published_at)
        entry.summary(", ".join(x for x in (person.position, person.workplace or person.unit_name) if x))
        entry.content(person.text, type="text")
    data: bytes = feed.atom_str(pretty=True)
    return data
