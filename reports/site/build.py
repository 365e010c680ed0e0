"""The site's files from its typed input: pages, photos, the Atom feed and the style sheet.

Pure and deterministic: the same Site gives the same bytes (sorted lists, no clock, no random names),
so a rebuild that changes nothing changes no file the portal copies.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from PIL import Image

from domain.codes import Category
from domain.wording import CATEGORY_TEXT, quarter_text
from reports.site.feed import atom_feed
from reports.site.models import Site, SiteExemplar, slugify
from reports.site.photos import PhotoError, reencode

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "site"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
FEED = "atom.xml"
MARKER = ".dhtt-site"  # written in every built folder: only such a folder is ever replaced


@dataclass(frozen=True)
class Group:
    """One index entry: a quarter, a unit or a category, with its exemplars in name order."""

    title: str
    path: str
    exemplars: list[SiteExemplar] = field(default_factory=list)


@dataclass(frozen=True)
class Photo:
    path: str
    width: int
    height: int


def build_site(site: Site) -> dict[str, bytes]:
    """Every file of the site by its relative path (forward slashes)."""
    people = sorted(site.exemplars, key=lambda e: (_sort_key(e.name), e.slug))
    photos, files = _photos(people, site.max_photo_side)
    quarters = _groups(people, lambda e: e.quarters, lambda q: (quarter_text(q), f"theo-quy/{q.lower()}.html"),
                       newest_first=True)
    units = _groups(people, lambda e: [e.unit_name], _unit_place(people))
    categories = _groups(people, lambda e: [e.category.value], _category_place)
    indexes = {"quarter": quarters, "unit": units, "category": categories}
    recent = sorted(people, key=lambda e: (e.published_at, e.slug), reverse=True)[:12]
    files["index.html"] = _page("index.html", "", "home", people=people, recent=recent, **indexes)
    for kind, folder, groups in (("quarter", "theo-quy", quarters), ("unit", "theo-don-vi", units),
                                 ("category", "theo-doi-tuong", categories)):
        files[f"{folder}/index.html"] = _page("groups.html", "../", kind, kind=kind, groups=groups)
        for group in groups:
            files[group.path] = _page("group.html", "../", kind, kind=kind, group=group)
    for person in people:
        files[f"guong/{person.slug}.html"] = _page(
            "exemplar.html", "../", "", person=person, photo=photos.get(person.slug),
            quarter_links=[(quarter_text(q), f"../theo-quy/{q.lower()}.html") for q in person.quarters],
            category_path=f"../{_category_place(person.category.value)[1]}")
    files[FEED] = atom_feed(recent_first(people), site.base_url)
    files["style.css"] = (TEMPLATES / "style.css").read_bytes()
    files[MARKER] = b"dhtt\n"
    return files


def recent_first(people: Iterable[SiteExemplar]) -> list[SiteExemplar]:
    return sorted(people, key=lambda e: (e.published_at, e.slug), reverse=True)


def _page(template: str, root: str, active: str, **values: object) -> bytes:
    html = _ENV.get_template(template).render(root=root, active=active, category_text=_category_text,
                                              quarter_text=quarter_text, **values)
    return html.encode("utf-8")


def _photos(people: list[SiteExemplar], max_side: int) -> tuple[dict[str, Photo], dict[str, bytes]]:
    photos: dict[str, Photo] = {}
    files: dict[str, bytes] = {}
    for person in people:
        if person.photo is None:
            continue
        try:
            data = reencode(person.photo.data, max_side)
        except PhotoError:
            continue  # an unreadable photo: the page is published without one
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        path = f"anh/{person.slug}.jpg"
        files[path] = data
        photos[person.slug] = Photo(path=f"../{path}", width=width, height=height)
    return photos, files


def _groups(people: list[SiteExemplar], keys: Callable[[SiteExemplar], list[str]],
            place: Callable[[str], tuple[str, str]], newest_first: bool = False) -> list[Group]:
    members: dict[str, list[SiteExemplar]] = defaultdict(list)
    for person in people:
        for key in keys(person):
            members[key].append(person)
    order = sorted(members, reverse=True) if newest_first else sorted(members, key=lambda k: _sort_key(place(k)[0]))
    return [Group(title=place(key)[0], path=place(key)[1], exemplars=members[key]) for key in order]


def _unit_place(people: list[SiteExemplar]) -> Callable[[str], tuple[str, str]]:
    # Two unit names that fold to the same words get numbered file names, in name order.
    paths: dict[str, str] = {}
    for name in sorted({p.unit_name for p in people}):
        stem, n = slugify(name), 1
        while f"theo-don-vi/{stem}.html" in paths.values():
            n += 1
            stem = f"{slugify(name)}-{n}"
        paths[name] = f"theo-don-vi/{stem}.html"
    return lambda name: (name, paths[name])


def _category_place(code: str) -> tuple[str, str]:
    return _category_text(code), f"theo-doi-tuong/{code.replace('_', '-')}.html"


def _category_text(code: str) -> str:
    return CATEGORY_TEXT[Category(code)]


def _sort_key(text: str) -> tuple[str, str]:
    # Vietnamese order is close enough to the order of the unaccented letters, then the exact text.
    return slugify(text), text
