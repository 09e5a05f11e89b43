"""Unit tests of the harness itself: each check must fail when what it guards breaks."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

import package_check
import pixels
import render
from conftest import DeckDiscoveryError, discover_decks
from expectation import Box
from slides import Placed, reading_order

FIXTURES = Path(__file__).parent / "fixtures"
SHIFTS = [(1, 0), (-1, 0), (0, 1), (0, -1)]


def pillow_decode(name: str) -> Image.Image:
    """Decode a fixture JPEG with Pillow, as the harness does with sources."""
    with Image.open(FIXTURES / f"{name}.jpg") as image:
        return image.convert("RGB")


def image_rs_decode(name: str) -> Image.Image:
    """Load the fixture JPEG as decoded by the image crate 0.25.10 (zune-jpeg 0.5.15)."""
    with Image.open(FIXTURES / f"{name}.image-rs.png") as image:
        return image.convert("RGB")


def inner_box(image: Image.Image, margin: int = 8) -> Box:
    """Return a box inside image with room to shift it by a pixel each way."""
    return Box(margin, margin, image.width - 2 * margin, image.height - 2 * margin)


def shifted(box: Box, dx: int, dy: int) -> Box:
    """Return box moved by (dx, dy)."""
    return Box(box.x + dx, box.y + dy, box.width, box.height)


# Embedded pictures: exact for PNG sources, decoder tolerance for JPEG sources


@pytest.mark.parametrize("name", ["chart", "photo"])
def test_jpeg_decoders_differ_but_within_tolerance(name: str) -> None:
    """Our JPEG decoder and Pillow's disagree slightly, and the tolerance accepts that."""
    ours, pillows = image_rs_decode(name), pillow_decode(name)
    box = inner_box(ours).corners()
    assert pixels.embedded_mismatch(ours.crop(box), pillows.crop(box), lossless=True) is not None
    assert pixels.embedded_mismatch(ours.crop(box), pillows.crop(box), lossless=False) is None


@pytest.mark.parametrize("name", ["chart", "photo"])
@pytest.mark.parametrize("dx, dy", SHIFTS)
def test_jpeg_tolerance_rejects_one_pixel_shift(name: str, dx: int, dy: int) -> None:
    """A box off by one pixel in any direction fails despite the JPEG tolerance."""
    ours, pillows = image_rs_decode(name), pillow_decode(name)
    box = inner_box(ours)
    actual = ours.crop(shifted(box, dx, dy).corners())
    mismatch = pixels.embedded_mismatch(actual, pillows.crop(box.corners()), lossless=False)
    assert mismatch is not None and "beyond decoder tolerance" in mismatch


def test_lossless_accepts_identical_pixels_in_other_modes() -> None:
    """An RGB crop equals its RGBA copy once both are converted to RGBA."""
    crop = image_rs_decode("chart").crop((10, 10, 110, 90))
    assert pixels.embedded_mismatch(crop.convert("RGBA"), crop, lossless=True) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda image: image.putpixel((5, 7), (1, 2, 3, 255)),
        lambda image: image.putpixel((5, 7), image.getpixel((5, 7))[:3] + (254,)),
    ],
    ids=["one-colour-value", "alpha"],
)
def test_lossless_rejects_any_changed_pixel(change: Callable[[Image.Image], None]) -> None:
    """A single changed colour or alpha value fails the exact comparison."""
    expected = image_rs_decode("chart").crop((10, 10, 110, 90)).convert("RGBA")
    actual = expected.copy()
    change(actual)
    mismatch = pixels.embedded_mismatch(actual, expected, lossless=True)
    assert mismatch is not None and "x=5, y=7" in mismatch


@pytest.mark.parametrize("lossless", [True, False])
def test_size_mismatch_is_reported(lossless: bool) -> None:
    """An embedded image of another size fails whatever the tolerance."""
    expected = image_rs_decode("chart")
    actual = expected.resize((expected.width - 1, expected.height))
    mismatch = pixels.embedded_mismatch(actual, expected, lossless)
    assert mismatch is not None and "479x300" in mismatch


def test_palette_transparency_survives_conversion() -> None:
    """A palette image's transparent index becomes alpha 0."""
    image = Image.new("P", (2, 1))
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.putpixel((1, 0), 1)
    image.info["transparency"] = 1
    assert pixels.to_rgba(image).getpixel((1, 0))[3] == 0


# Rendered pictures: resampling tolerance, alignment and the wrong-crop self-check


def placed_page(picture: Image.Image, at: tuple[int, int], drawn: tuple[int, int]) -> Image.Image:
    """Draw a picture on a white page the way a renderer would, resampled to drawn size."""
    page = Image.new("RGB", (drawn[0] + 2 * at[0], drawn[1] + 2 * at[1]), "white")
    page.paste(picture.resize(drawn, Image.Resampling.LANCZOS), at)
    return page


def score_on_page(
    page: Image.Image, picture: Image.Image, origin: tuple[int, int], drawn: tuple[int, int]
) -> pixels.Difference:
    """Score a page against a picture expected at origin with the drawn size."""
    emu = [v * render.EMU_PER_PIXEL for v in (*origin, *drawn)]
    region = render.inset_region(*emu)
    assert region is not None
    area = render.picture_area(region, tuple(emu), picture.size)
    expected = pixels.expected_region(picture, region, area, drawn)
    return pixels.rendered_difference(page, region, expected)


def test_rendered_comparison_tolerates_resampling_and_offset() -> None:
    """A picture drawn 1 px off with another kernel stays within the bound."""
    source = image_rs_decode("chart")
    page = placed_page(source, (41, 29), (400, 250))
    assert score_on_page(page, source, (40, 30), (400, 250)).mean <= pixels.RENDER_MEAN_BOUND


def test_rendered_comparison_rejects_wrong_crops() -> None:
    """The shifted-box and whole-source decoys score clearly worse than the right crop."""
    source = image_rs_decode("chart")
    box = Box(40, 30, 300, 200)
    crop = source.crop(box.corners())
    page = placed_page(crop, (40, 30), (450, 300))
    right = score_on_page(page, crop, (40, 30), (450, 300))
    for decoy in (pixels.quarter_shifted(source, box), source):
        wrong = score_on_page(page, decoy, (40, 30), (450, 300))
        assert wrong.mean > pixels.RENDER_MEAN_BOUND
        assert pixels.clearly_worse(right, wrong)


def test_rendered_comparison_ignores_transparent_pixels() -> None:
    """Fully transparent source pixels show the slide background and are not compared."""
    picture = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    ImageDraw.Draw(picture).rectangle((20, 20, 79, 79), fill=(200, 30, 30, 255))
    page = Image.new("RGB", (140, 140), (10, 120, 10))
    page.paste(picture, (20, 20), picture)
    difference = score_on_page(page, picture, (20, 20), (100, 100))
    assert difference.pixels > 0 and difference.mean <= 1.0


def test_quarter_shift_stays_inside_source() -> None:
    """The shifted decoy moves the box by a quarter, backwards when forwards does not fit."""
    source = image_rs_decode("chart")
    right_edge = Box(source.width - 100, 0, 100, 80)
    expected = source.crop((source.width - 125, 20, source.width - 25, 100))
    assert pixels.quarter_shifted(source, right_edge).tobytes() == expected.tobytes()


def test_quarter_shift_of_whole_source_is_translated() -> None:
    """A box covering the whole source yields the crop moved with a white border."""
    source = image_rs_decode("chart")
    moved = pixels.quarter_shifted(source, Box(0, 0, source.width, source.height))
    assert moved.getpixel((0, 0)) == (255, 255, 255, 255)
    assert moved.getpixel((source.width // 4 + 5, source.height // 4 + 5)) == (
        *source.getpixel((5, 5)),
        255,
    )


@pytest.mark.parametrize(
    "picture, drawn, method",
    [
        ((400, 300), (200.0, 150.0), Image.Resampling.BOX),
        ((400, 300), (800.0, 600.0), Image.Resampling.BILINEAR),
        ((100, 50), (400.0, 200.0), Image.Resampling.NEAREST),
    ],
)
def test_render_filter_follows_poppler(
    picture: tuple[int, int], drawn: tuple[float, float], method: Image.Resampling
) -> None:
    """Downscaling averages, moderate upscaling interpolates, 4x and more replicates."""
    assert pixels.render_filter(picture, drawn) == method


def test_inset_region_rounds_inwards() -> None:
    """The region lies inside the EMU box by the inset on every side."""
    assert render.inset_region(9525 * 10 + 1, 9525 * 20, 9525 * 100, 9525 * 50) == (13, 22, 108, 68)
    assert render.inset_region(0, 0, 9525 * 4, 9525 * 4) is None


def test_pages_to_render_spreads_over_the_deck() -> None:
    """At most four picture slides are rendered, including the first and the last."""
    assert render.pages_to_render([2, 3]) == [2, 3]
    assert render.pages_to_render(list(range(1, 11))) == [1, 4, 7, 10]


# Slides


def test_reading_order_rows_then_columns() -> None:
    """Side-by-side pictures centred at different heights read left to right, row by row."""
    left_low = Placed(None, 0, 300, 100, 200)
    right_high = Placed(None, 200, 100, 100, 500)
    below = Placed(None, 0, 700, 100, 100)
    assert reading_order([below, right_high, left_low]) == [left_low, right_high, below]


# Deck discovery


def write_deck(folder: Path, name: str, expect: dict | None = None, pptx: bool = True) -> None:
    """Write a placeholder deck and its expectation file."""
    if pptx:
        (folder / f"{name}.pptx").write_bytes(b"PK")
    if expect is not None:
        (folder / f"{name}.expect.json").write_text(json.dumps(expect))


GOOD_EXPECT = {"slide_size": [12192000, 6858000], "slides": []}


@pytest.mark.parametrize(
    "prepare, message",
    [
        (lambda _folder: None, "holds no *.expect.json"),
        (
            lambda folder: write_deck(folder, "a", GOOD_EXPECT, pptx=False),
            "a.expect.json has no a.pptx",
        ),
        (
            lambda folder: (write_deck(folder, "a", GOOD_EXPECT), write_deck(folder, "b")),
            "b.pptx has no b.expect.json",
        ),
        (
            lambda folder: write_deck(folder, "a", {**GOOD_EXPECT, "slide_count": 1}),
            "unknown keys ['slide_count']",
        ),
    ],
    ids=["empty", "no-pptx", "no-expect", "unknown-key"],
)
def test_discovery_fails_loudly(
    tmp_path: Path, prepare: Callable[[Path], object], message: str
) -> None:
    """A folder that would let decks go unchecked is an error, not an empty pass."""
    prepare(tmp_path)
    with pytest.raises(DeckDiscoveryError, match=message.replace("[", r"\[").replace("*", r"\*")):
        discover_decks(str(tmp_path))


@pytest.mark.parametrize("setting", [None, "", "/nonexistent/decks"])
def test_discovery_needs_the_folder(setting: str | None) -> None:
    """An unset or missing conformance folder is an error."""
    with pytest.raises(DeckDiscoveryError):
        discover_decks(setting)


# Package self-check


NS_P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"


def rels(*items: tuple[str, str, str]) -> str:
    """Build a relationships part from (id, type suffix, target) triples."""
    body = "".join(
        f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}"/>'
        for rid, kind, target in items
    )
    return f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'


def minimal_package() -> dict[str, str | bytes]:
    """Return the entries of a small self-consistent presentation package, in order."""
    overrides = {
        "/ppt/presentation.xml": f"{CT}.presentationml.presentation.main+xml",
        "/ppt/slideMasters/slideMaster1.xml": f"{CT}.presentationml.slideMaster+xml",
        "/ppt/slideLayouts/slideLayout1.xml": f"{CT}.presentationml.slideLayout+xml",
        "/ppt/slides/slide1.xml": f"{CT}.presentationml.slide+xml",
        "/docProps/app.xml": f"{CT}.extended-properties+xml",
    }
    types = "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, "PNG")
    return {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Default Extension="png" ContentType="image/png"/>{types}</Types>'
        ),
        "_rels/.rels": rels(
            ("rId1", "officeDocument", "ppt/presentation.xml"),
            ("rId2", "extended-properties", "docProps/app.xml"),
        ),
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<AppVersion>1.0000</AppVersion></Properties>"
        ),
        "ppt/presentation.xml": (
            f"<p:presentation {NS_P} {NS_R}><p:sldMasterIdLst>"
            '<p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
            '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>'
        ),
        "ppt/_rels/presentation.xml.rels": rels(
            ("rId1", "slideMaster", "slideMasters/slideMaster1.xml"),
            ("rId2", "slide", "slides/slide1.xml"),
        ),
        "ppt/slideMasters/slideMaster1.xml": (
            f"<p:sldMaster {NS_P} {NS_R}><p:sldLayoutIdLst>"
            '<p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>'
        ),
        "ppt/slideMasters/_rels/slideMaster1.xml.rels": rels(
            ("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml")
        ),
        "ppt/slideLayouts/slideLayout1.xml": f"<p:sldLayout {NS_P}/>",
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels": rels(
            ("rId1", "slideMaster", "../slideMasters/slideMaster1.xml")
        ),
        "ppt/slides/slide1.xml": (
            f'<p:sld {NS_P} {NS_R} xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/></p:nvGrpSpPr>'
            '<p:pic><p:nvPicPr><p:cNvPr id="2" name="Picture 2"/></p:nvPicPr>'
            '<p:blipFill><a:blip r:embed="rId2"/></p:blipFill></p:pic>'
            "</p:spTree></p:cSld></p:sld>"
        ),
        "ppt/slides/_rels/slide1.xml.rels": rels(
            ("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"),
            ("rId2", "image", "../media/image1.png"),
        ),
        "ppt/media/image1.png": png.getvalue(),
    }


def zipped(
    entries: dict[str, str | bytes], stamp: tuple[int, ...] = package_check.ZIP_EPOCH
) -> package_check.Package:
    """Zip entries in order with one timestamp and open them as a Package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, stamp), data)
    return package_check.Package(zipfile.ZipFile(buffer))


ALL_CHECKS = [
    package_check.zip_problems,
    package_check.content_type_problems,
    package_check.relationship_problems,
    package_check.id_problems,
    package_check.shape_id_problems,
    package_check.app_version_problems,
]


def edited(name: str, old: str, new: str) -> Callable[[dict], None]:
    """Return an edit that replaces text once inside one entry."""

    def edit(entries: dict) -> None:
        assert old in entries[name], f"{old!r} not in {name}"
        entries[name] = entries[name].replace(old, new, 1)

    return edit


def test_minimal_package_passes_every_check() -> None:
    """The reference package is clean, so the failures below come from the edits alone."""
    package = zipped(minimal_package())
    assert [problem for check in ALL_CHECKS for problem in check(package)] == []


def reordered(entries: dict) -> None:
    """Move the content types entry to the end."""
    entries["[Content_Types].xml"] = entries.pop("[Content_Types].xml")


PACKAGE_BREAKS = {
    "entry-order": (reordered, "first entries are"),
    "directory-entry": (lambda e: e.update({"ppt/media/": b""}), "directory entry 'ppt/media/'"),
    "no-content-type": (
        edited("[Content_Types].xml", '<Default Extension="png" ContentType="image/png"/>', ""),
        "ppt/media/image1.png: no content type",
    ),
    "jpg-extension": (
        lambda e: e.update({"ppt/media/image2.jpg": b"\xff\xd8"}),
        "ppt/media/image2.jpg: no content type",
    ),
    "phantom-override": (
        edited(
            "[Content_Types].xml",
            "</Types>",
            f'<Override PartName="/ppt/slides/slide9.xml" ContentType="{CT}.presentationml.'
            'slide+xml"/></Types>',
        ),
        "Override for /ppt/slides/slide9.xml",
    ),
    "missing-target": (lambda e: e.pop("ppt/media/image1.png"), "targets ../media/image1.png"),
    "orphan-rels": (
        lambda e: e.update({"ppt/slides/_rels/slide7.xml.rels": rels()}),
        "relationships of ppt/slides/slide7.xml",
    ),
    "dangling-embed": (
        edited("ppt/slides/slide1.xml", 'r:embed="rId2"', 'r:embed="rId9"'),
        "<blip r:embed='rId9'> has no such relationship",
    ),
    "low-slide-id": (edited("ppt/presentation.xml", 'id="256"', 'id="255"'), "slide id 255"),
    "duplicate-layout-id": (
        edited("ppt/slideMasters/slideMaster1.xml", 'id="2147483649"', 'id="2147483648"'),
        "id 2147483648 is used 2 times",
    ),
    "low-layout-id": (
        edited("ppt/slideMasters/slideMaster1.xml", 'id="2147483649"', 'id="1000"'),
        "layout id 1000 is outside",
    ),
    "duplicate-shape-id": (
        edited("ppt/slides/slide1.xml", 'id="2"', 'id="1"'),
        "shape id 1 is used 2 times",
    ),
    "app-version": (edited("docProps/app.xml", "1.0000", "1.0"), "AppVersion '1.0' does not match"),
    "no-app-xml": (lambda e: e.pop("docProps/app.xml"), "extended-properties part"),
}


@pytest.mark.parametrize("edit, message", PACKAGE_BREAKS.values(), ids=PACKAGE_BREAKS.keys())
def test_package_check_catches(edit: Callable[[dict], None], message: str) -> None:
    """Each way of breaking the package is reported with a message that names it."""
    entries = minimal_package()
    edit(entries)
    package = zipped(entries)
    problems = [problem for check in ALL_CHECKS for problem in check(package)]
    assert any(message in problem for problem in problems), problems


def test_package_check_catches_timestamps() -> None:
    """Entries stamped with the build time instead of 1980-01-01 are reported."""
    problems = package_check.zip_problems(zipped(minimal_package(), (2026, 11, 30, 12, 0, 0)))
    assert "ppt/presentation.xml: timestamp 2026-11-30 12:00:00" in "\n".join(problems)
