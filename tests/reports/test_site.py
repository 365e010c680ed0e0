"""The public static site: pages by quarter, unit and category, one page per exemplar, the Atom feed,
clean photos, deterministic output, an atomic rebuild that drops withdrawn exemplars, and pages that
pass the HTML validator and the accessibility check on a phone's screen."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
import re
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image
from playwright.sync_api import Browser

from reports.site import Site, SiteExemplar, SiteFolderError, SitePhoto, build_site, write_site
from tests.reports.site_checks import axe_violations, html_problems
from tests.reports.test_no_english import english_words

ATOM = "{http://www.w3.org/2005/Atom}"


def photo_with_metadata() -> bytes:
    """A camera JPEG: GPS position, the camera owner's name and a comment in its metadata."""
    image = Image.new("RGB", (3000, 2000), (180, 120, 60))
    exif = Image.Exif()
    exif[0x013B] = "Chu so huu may anh"  # Artist
    exif[0x010E] = "Ghi chu noi bo"  # ImageDescription
    exif.get_ifd(0x8825).update({1: "N", 2: (20.0, 15.0, 30.0), 3: "E", 4: (105.0, 58.0, 12.0)})  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"so dien thoai 0912345678")
    return out.getvalue()


def exemplar(key: str, name: str, **fields: object) -> SiteExemplar:
    values: dict[str, object] = {
        "unit_name": "Phòng Giáo dục và Đào tạo huyện Gia Viễn", "category": "nha_giao", "quarters": ["2024-Q2"],
        "text": f"{name} có nhiều sáng kiến trong giảng dạy.\nTích cực bồi dưỡng học sinh giỏi.",
        "published_at": datetime(2025, 1, int(key), 3, 0, tzinfo=UTC)} | fields
    return SiteExemplar(key=key, name=name, **values)  # type: ignore[arg-type]


PEOPLE = [
    exemplar("1", "Nguyễn Thị Đào", position="Giáo viên", workplace="Trường THCS Gia Viễn A",
             quarters=["2024-Q2", "2024-Q3"], photo=SitePhoto(data=photo_with_metadata()),
             awards=["Bằng khen của Chủ tịch UBND tỉnh (Quyết định số 15/QĐ-UBND ngày 10/01/2025)"]),
    exemplar("2", "Trường Tiểu học Kim Sơn A", unit_name="Phòng Giáo dục và Đào tạo huyện Kim Sơn",
             category="tap_the", quarters=["2024-Q3"]),
    exemplar("3", "Đinh Văn Hùng", position="Hiệu trưởng", workplace="Trường Mầm non Yên Mô A",
             unit_name="Phòng Giáo dục và Đào tạo huyện Yên Mô", category="can_bo_quan_ly"),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "guong-dien-hinh"
    write_site(build_site(Site(exemplars=PEOPLE)), out)
    return out


def test_indexes_and_one_page_per_exemplar(published: Path) -> None:
    """GIVEN three exemplars in two quarters, three units and three categories THEN each index lists them."""
    pages = sorted(p.relative_to(published).as_posix() for p in published.rglob("*.html"))
    assert [p for p in pages if p.startswith("guong/")] == sorted(f"guong/{e.slug}.html" for e in PEOPLE)
    quarter = (published / "theo-quy/2024-q3.html").read_text()
    assert "Quý III năm 2024" in quarter and "Nguyễn Thị Đào" in quarter and "Trường Tiểu học Kim Sơn A" in quarter
    assert "Đinh Văn Hùng" not in quarter
    assert "Đinh Văn Hùng" in (published / "theo-doi-tuong/can-bo-quan-ly.html").read_text()
    units = (published / "theo-don-vi/index.html").read_text()
    assert units.count("Phòng Giáo dục và Đào tạo huyện") == 3
    home = (published / "index.html").read_text()
    assert all(e.name in home for e in PEOPLE) and '<html lang="vi">' in home
    page = (published / f"guong/{PEOPLE[0].slug}.html").read_text()
    assert "Bằng khen của Chủ tịch UBND tỉnh" in page and "Quý II năm 2024" in page and "<main" in page
    assert f'alt="Ảnh Nguyễn Thị Đào, Trường THCS Gia Viễn A"' in page


def test_feed_lists_every_exemplar_newest_first(published: Path) -> None:
    feed = ElementTree.parse(published / "atom.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Đinh Văn Hùng", "Trường Tiểu học Kim Sơn A", "Nguyễn Thị Đào"]
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]  # type: ignore[union-attr]
    assert all((published / link).is_file() for link in links)
    assert feed.findtext(f"{ATOM}updated") == "2025-01-03T03:00:00+00:00"
    ids = [e.findtext(f"{ATOM}id") or "" for e in feed.findall(f"{ATOM}entry")]
    assert len(set(ids)) == 3 and all(i.startswith("urn:uuid:") for i in ids)
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Sở Giáo dục và Đào tạo Ninh Bình"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"


def test_photo_is_reencoded_without_metadata(published: Path) -> None:
    """GIVEN a camera photo with GPS, owner and comment THEN the published copy has none, and is bounded."""
    [photo] = list((published / "anh").iterdir())
    data = photo.read_bytes()
    with Image.open(photo) as image:
        assert max(image.size) == 1200 and not image.getexif() and "comment" not in image.info
    for secret in (b"Chu so huu", b"Ghi chu noi bo", b"0912345678", b"Exif", b"GPS"):
        assert secret not in data


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first, second = build_site(Site(exemplars=PEOPLE)), build_site(Site(exemplars=list(reversed(PEOPLE))))
    assert first == second


def test_withdrawn_exemplar_page_is_removed(tmp_path: Path) -> None:
    """GIVEN a published site WHEN it is rebuilt without one exemplar THEN its page and photo are gone."""
    out = tmp_path / "site"
    write_site(build_site(Site(exemplars=PEOPLE)), out)
    write_site(build_site(Site(exemplars=PEOPLE[1:])), out)
    assert not (out / f"guong/{PEOPLE[0].slug}.html").exists() and not list((out / "anh").glob("*"))
    assert "Nguyễn Thị Đào" not in (out / "index.html").read_text() + (out / "atom.xml").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["site"]  # no staging or old folder left behind


def test_publishing_twice_at_once_leaves_one_whole_site(tmp_path: Path) -> None:
    """GIVEN the button pressed while `dhtt publish` runs THEN the folder is one build or the other, whole."""
    out = tmp_path / "site"
    builds = [build_site(Site(exemplars=PEOPLE[:n])) for n in (1, 2, 3, 2, 1, 3, 2, 1)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda files: write_site(files, out), builds))
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written in builds
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["site"]


def test_a_folder_not_made_by_dhtt_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "tai-lieu.docx").write_bytes(b"someone's work")
    with pytest.raises(SiteFolderError):
        write_site(build_site(Site(exemplars=PEOPLE)), tmp_path)
    assert (tmp_path / "tai-lieu.docx").read_bytes() == b"someone's work"


def test_absolute_feed_links_with_the_portal_address() -> None:
    files = build_site(Site(exemplars=PEOPLE[:1], base_url="https://ninhbinh.edu.vn/guong/"))
    assert f'href="https://ninhbinh.edu.vn/guong/guong/{PEOPLE[0].slug}.html"'.encode() in files["atom.xml"]


def test_pages_pass_the_html_validator(published: Path, tmp_path: Path) -> None:
    write_site(build_site(Site()), tmp_path / "empty")
    assert html_problems([*published.rglob("*.html"), *(tmp_path / "empty").rglob("*.html")]) == []


def test_pages_pass_the_accessibility_check_on_a_phone(published: Path, browser: Browser) -> None:
    assert axe_violations(browser, sorted(published.rglob("*.html"))) == []


def test_html_validator_reports_a_broken_page(tmp_path: Path) -> None:
    """The check itself can fail: a page with an image without alt text and a stray end tag."""
    page = tmp_path / "hong.html"
    page.write_text('<!DOCTYPE html><html lang="vi"><head><title>x</title></head>'
                    '<body><main><img src="a.jpg"></div></main></body></html>')
    problems = html_problems([page])
    assert any("wcag/h37" in p for p in problems) and any("close-order" in p for p in problems)


def test_accessibility_check_reports_a_broken_page(tmp_path: Path, browser: Browser) -> None:
    page = tmp_path / "hong.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><img src="a.jpg"></body></html>')
    found = axe_violations(browser, [page])
    assert any("image-alt" in v for v in found) and any("html-has-lang" in v for v in found)


def test_no_english_word_on_a_page(published: Path) -> None:
    """What a reader sees (text and alt text) is Vietnamese; "Atom" is the feed format's own name."""
    for page in published.rglob("*.html"):
        html = page.read_text()
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<head>.*?</head>", " ", html, flags=re.S))
        alts = " ".join(re.findall(r'alt="([^"]*)"', html))
        assert english_words(visible + " " + alts) - {"Atom"} == set(), page.name


def test_photo_is_turned_upright_and_a_bad_file_is_left_out(tmp_path: Path) -> None:
    """GIVEN a phone photo stored sideways with an EXIF orientation, and a 'photo' that is not an image
    THEN the first is published upright, the second exemplar's page is published without a photo."""
    sideways = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    Image.new("RGB", (600, 400), (10, 120, 40)).save(sideways, format="JPEG", exif=exif)
    files = build_site(Site(exemplars=[
        exemplar("1", "Nguyễn Thị Đào", photo=SitePhoto(data=sideways.getvalue())),
        exemplar("2", "Trần Văn Bình", photo=SitePhoto(data=b"<html>not a photo</html>"))]))
    [photo] = [name for name in files if name.startswith("anh/")]
    with Image.open(io.BytesIO(files[photo])) as image:
        assert image.size == (400, 600) and not image.getexif()
    page = files[f"guong/{exemplar('2', 'Trần Văn Bình').slug}.html"].decode()
    assert "Trần Văn Bình" in page and "<img" not in page



def test_only_photo_formats_are_decoded() -> None:
    """A format outside the photo formats is not opened at all (Pillow would hand EPS to Ghostscript);
    a PPM, which Pillow decodes by itself, shows the check is made before decoding."""
    from reports.site.photos import PhotoError, reencode

    ppm = b"P6 2 2 255\n" + bytes(12)
    with Image.open(io.BytesIO(ppm)) as image:
        assert image.format == "PPM"  # Pillow itself would read it
    with pytest.raises(PhotoError):
        reencode(ppm, 1200)
