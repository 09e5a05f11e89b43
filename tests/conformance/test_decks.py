"""Conformance checks of every deck the Rust integration tests built."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pptx.enum.shapes import PP_PLACEHOLDER

import package_check
import pixels
import render
import slides
from expectation import Deck, PictureExpectation, SlideExpectation

ASPECT_TOLERANCE = 0.005


def fail_on(deck: Deck, what: str, problems: list[str]) -> None:
    """Fail the test with every problem found, naming the deck."""
    if problems:
        listed = "\n  ".join(problems)
        pytest.fail(f"{deck.pptx.name}: {what}:\n  {listed}", pytrace=False)


def presentation(deck: Deck) -> Any:
    """Return the deck opened with python-pptx, failing clearly when it cannot be read."""
    try:
        return deck.presentation
    except Exception as err:  # any reader failure is the finding itself
        pytest.fail(f"{deck.pptx.name}: python-pptx cannot open it: {err!r}", pytrace=False)


def slide_pairs(deck: Deck) -> Iterator[tuple[int, SlideExpectation, Any]]:
    """Yield (1-based number, expected slide, actual slide) for slides present in both."""
    pairs = zip(deck.expect.slides, presentation(deck).slides, strict=False)
    for number, (expected, slide) in enumerate(pairs, start=1):
        yield number, expected, slide


def per_slide(deck: Deck, check: Callable[[int, SlideExpectation, Any], list[str]]) -> list[str]:
    """Run a per-slide check on every slide and collect its problems."""
    return [problem for pair in slide_pairs(deck) for problem in check(*pair)]


def optional_text(number: int, what: str, shapes: list[Any], expected: str | None) -> list[str]:
    """Compare the text of the single shape holding a piece of text (or its absence)."""
    if expected is None:
        if not shapes:
            return []
        texts = [slides.text_of(shape) for shape in shapes]
        return [f"slide {number}: expected no {what} placeholder, found {len(shapes)}: {texts!r}"]
    if len(shapes) != 1:
        return [f"slide {number}: expected one {what} placeholder, found {len(shapes)}"]
    actual = slides.text_of(shapes[0])
    if actual != expected:
        return [f"slide {number}: {what} is {actual!r}, expected {expected!r}"]
    return []


@lru_cache(maxsize=16)
def load_source(path: Path) -> Image.Image:
    """Open a source image once and keep its decoded pixels."""
    with Image.open(path) as image:
        image.load()
        return image.copy()


def expected_crop(picture: PictureExpectation) -> Image.Image:
    """Return the region of the source image the picture must show."""
    source = load_source(picture.source)
    left, top, right, bottom = picture.box.corners()
    if right > source.width or bottom > source.height:
        size = f"{source.width}x{source.height}"
        raise AssertionError(f"box {list(picture.box.corners())} exceeds {picture.source} ({size})")
    return source.crop((left, top, right, bottom))


def picture_pairs(deck: Deck) -> Iterator[tuple[int, int, PictureExpectation, slides.Placed]]:
    """Yield (slide number, picture number, expected, actual) where both counts agree."""
    for number, expected, slide in slide_pairs(deck):
        actual = slides.pictures(slide)
        if len(actual) == len(expected.pictures):
            for index, pair in enumerate(zip(expected.pictures, actual, strict=False), start=1):
                yield number, index, *pair


# python-pptx: the deck as a reader sees it


def test_slide_size(deck: Deck) -> None:
    """The slide size equals the expected EMU size."""
    actual = (presentation(deck).slide_width, presentation(deck).slide_height)
    expected = deck.expect.slide_size
    fail_on(
        deck, "slide size", [f"{actual} EMU, expected {expected}"] if actual != expected else []
    )


def test_slide_count(deck: Deck) -> None:
    """The deck has the expected number of slides."""
    actual, expected = len(presentation(deck).slides), len(deck.expect.slides)
    fail_on(
        deck, "slide count", [f"{actual} slides, expected {expected}"] if actual != expected else []
    )


def test_layouts(deck: Deck) -> None:
    """Each slide uses the layout with the expected display name."""

    def check(number: int, expected: SlideExpectation, slide: Any) -> list[str]:
        name = slide.slide_layout.name
        return (
            []
            if name == expected.layout
            else [f"slide {number}: layout {name!r}, expected {expected.layout!r}"]
        )

    fail_on(deck, "layouts", per_slide(deck, check))


def test_titles(deck: Deck) -> None:
    """Each slide's title placeholder holds the expected title (none when null)."""

    def check(number: int, expected: SlideExpectation, slide: Any) -> list[str]:
        title = slide.shapes.title
        return optional_text(number, "title", [title] if title is not None else [], expected.title)

    fail_on(deck, "titles", per_slide(deck, check))


def test_subtitles(deck: Deck) -> None:
    """Each slide's subtitle (or section body idx 1) holds the expected text."""

    def check(number: int, expected: SlideExpectation, slide: Any) -> list[str]:
        found = slides.subtitle_placeholders(slide)
        return optional_text(number, "subtitle", found, expected.subtitle)

    fail_on(deck, "subtitles", per_slide(deck, check))


def test_notes(deck: Deck) -> None:
    """Each slide has the expected notes text, and no notes slide where notes are null."""

    def check(number: int, expected: SlideExpectation, slide: Any) -> list[str]:
        if expected.notes is None:
            return (
                [f"slide {number}: has a notes slide, expected none"]
                if slide.has_notes_slide
                else []
            )
        if not slide.has_notes_slide:
            return [f"slide {number}: has no notes slide, expected notes {expected.notes!r}"]
        frame = slide.notes_slide.notes_text_frame
        if frame is None:
            return [f"slide {number}: notes slide has no body placeholder"]
        text = frame.text.replace("\v", "\n")
        return (
            []
            if text == expected.notes
            else [f"slide {number}: notes are {text!r}, expected {expected.notes!r}"]
        )

    fail_on(deck, "notes", per_slide(deck, check))


def test_footers(deck: Deck) -> None:
    """Each slide's footer placeholder holds the expected text (none when null)."""

    def check(number: int, expected: SlideExpectation, slide: Any) -> list[str]:
        found = slides.placeholders(slide, PP_PLACEHOLDER.FOOTER)
        return optional_text(number, "footer", found, expected.footer)

    fail_on(deck, "footers", per_slide(deck, check))


def test_slide_numbers(deck: Deck) -> None:
    """Numbered slides show their position through a slide-number field; others show none."""

    def check(number: int, expected: SlideExpectation, slide: Any) -> list[str]:
        found = slides.placeholders(slide, PP_PLACEHOLDER.SLIDE_NUMBER)
        if not expected.slide_number:
            return [f"slide {number}: has a slide number, expected none"] if found else []
        problems = optional_text(number, "slide number", found, str(number))
        if len(found) == 1 and not slides.slide_number_fields(found[0]):
            problems.append(f'slide {number}: slide number is not an a:fld type="slidenum" field')
        return problems

    fail_on(deck, "slide numbers", per_slide(deck, check))


def test_picture_counts(deck: Deck) -> None:
    """Each slide has the expected number of pictures."""

    def check(number: int, expected: SlideExpectation, slide: Any) -> list[str]:
        count, wanted = len(slides.pictures(slide)), len(expected.pictures)
        return [] if count == wanted else [f"slide {number}: {count} pictures, expected {wanted}"]

    fail_on(deck, "picture counts", per_slide(deck, check))


def test_picture_alt_text(deck: Deck) -> None:
    """Each picture's alt text (`descr`) is the expected one."""
    problems = [
        f"slide {number}, picture {index}: alt text {slides.alt_text(actual.shape)!r}, "
        f"expected {expected.alt!r}"
        for number, index, expected, actual in picture_pairs(deck)
        if slides.alt_text(actual.shape) != expected.alt
    ]
    fail_on(deck, "picture alt text", problems)


def test_picture_pixels(deck: Deck) -> None:
    """Each embedded picture holds exactly the source pixels inside its box, uncropped."""
    problems = []
    for number, index, expected, actual in picture_pairs(deck):
        crop = f"{expected.source.name} {list(expected.box.corners())}"
        where = f"slide {number}, picture {index} ({crop})"
        cropped = slides.source_crop(actual.shape)
        if cropped:
            problems.append(f"{where}: a:srcRect crops the embedded image {cropped}")
        try:
            blob = actual.shape.image.blob
        except Exception as err:  # a dangling or unreadable image part is the finding itself
            problems.append(f"{where}: cannot read the embedded image: {err!r}")
            continue
        with Image.open(io.BytesIO(blob)) as embedded:
            mismatch = pixels.embedded_mismatch(
                embedded, expected_crop(expected), expected.lossless
            )
        if mismatch:
            problems.append(f"{where}: {mismatch}")
    fail_on(deck, "picture pixels", problems)


def test_picture_placement(deck: Deck) -> None:
    """Each picture has its own position, keeps the box's aspect ratio and lies on the slide."""
    slide_width, slide_height = deck.expect.slide_size
    problems = []
    for number, index, expected, actual in picture_pairs(deck):
        where = f"slide {number}, picture {index}"
        xfrm = slides.own_xfrm(actual.shape)
        if xfrm is None:
            problems.append(f"{where}: no a:xfrm with a:off and a:ext of its own")
            continue
        if any(xfrm.get(attr, "0") not in ("0", "false") for attr in ("rot", "flipH", "flipV")):
            problems.append(f"{where}: rotated or flipped ({dict(xfrm.attrib)})")
        problems += placement_problems(where, actual, expected, (slide_width, slide_height))
    fail_on(deck, "picture placement", problems)


def placement_problems(
    where: str, actual: slides.Placed, expected: PictureExpectation, slide: tuple[int, int]
) -> list[str]:
    """Check one picture's aspect ratio against its box and its extent against the slide."""
    if actual.width <= 0 or actual.height <= 0:
        return [f"{where}: empty extent {actual.width}x{actual.height} EMU"]
    problems = []
    shape_ratio = actual.width / actual.height
    box_ratio = expected.box.width / expected.box.height
    if abs(shape_ratio / box_ratio - 1) > ASPECT_TOLERANCE:
        problems.append(
            f"{where}: aspect {shape_ratio:.4f} ({actual.width}x{actual.height} EMU) differs from "
            f"the box's {box_ratio:.4f} ({expected.box.width}x{expected.box.height} px) "
            f"by more than {ASPECT_TOLERANCE:.1%}"
        )
    right, bottom = actual.left + actual.width, actual.top + actual.height
    if actual.left < 0 or actual.top < 0 or right > slide[0] or bottom > slide[1]:
        problems.append(
            f"{where}: spans ({actual.left}, {actual.top})-({right}, {bottom}) EMU, "
            f"outside the {slide[0]}x{slide[1]} slide"
        )
    return problems


# The package itself: gaps the validators leave open


@pytest.mark.parametrize(
    "check",
    [
        package_check.zip_problems,
        package_check.content_type_problems,
        package_check.relationship_problems,
        package_check.id_problems,
        package_check.shape_id_problems,
        package_check.app_version_problems,
    ],
    ids=lambda check: check.__name__.removesuffix("_problems"),
)
def test_package(deck: Deck, check: Callable[[package_check.Package], list[str]]) -> None:
    """The zip package passes one structural self-check."""
    with zipfile.ZipFile(deck.pptx) as archive:
        problems = check(package_check.Package(archive))
    fail_on(deck, f"package check {check.__name__}", problems)


# openxml-audit: the Open XML SDK rules


def test_openxml_audit(deck: Deck, audit_reports: dict[Path, dict[str, Any]]) -> None:
    """openxml-audit reports no errors (warnings are allowed)."""
    report = audit_reports.get(deck.pptx.resolve())
    if report is None:
        pytest.fail(f"{deck.pptx.name}: openxml-audit did not report on it", pytrace=False)
    problems = [
        f"{error['part_uri']} {error['path']}: {error['description']}"
        for error in report["errors"]
        if error["severity"] == "error"
    ]
    fail_on(deck, "openxml-audit errors", problems)


# LibreOffice: the deck as a third-party renderer draws it


def pdf_of(deck: Deck, conversion: render.Conversion) -> Path:
    """Return the deck's PDF, failing with LibreOffice's output when there is none."""
    if deck.name in conversion.missing:
        pytest.fail(f"{deck.pptx.name}: LibreOffice wrote no PDF:\n{conversion.log}", pytrace=False)
    return conversion.pdfs[deck.name]


def test_pdf_page_count(deck: Deck, conversion: render.Conversion) -> None:
    """LibreOffice renders one page per slide."""
    pages, slides_wanted = render.page_count(pdf_of(deck, conversion)), len(deck.expect.slides)
    fail_on(
        deck,
        "LibreOffice PDF",
        [f"{pages} pages, expected {slides_wanted}"] if pages != slides_wanted else [],
    )


def test_rendered_pictures(deck: Deck, conversion: render.Conversion, render_dir: Path) -> None:
    """Rendered picture regions match the expected crops and clearly not a wrong crop."""
    pdf = pdf_of(deck, conversion)
    size = render.page_size((presentation(deck).slide_width, presentation(deck).slide_height))
    with_pictures = [n for n, expected, _ in slide_pairs(deck) if expected.pictures]
    if not with_pictures:
        pytest.skip(f"{deck.pptx.name} has no pictures to render")
    chosen = set(render.pages_to_render(with_pictures))
    pages: dict[int, Image.Image] = {}
    problems = []
    for number, index, expected, actual in picture_pairs(deck):
        if number not in chosen:
            continue
        if number not in pages:
            pages[number] = render.render_page(pdf, number, size, render_dir / "pages")
        where = f"slide {number}, picture {index}"
        problems += rendered_problems(
            where, pages[number], expected, actual, render_dir / deck.name
        )
    compared = {number for number, *_ in picture_pairs(deck)} & chosen
    if compared != chosen:
        problems.append(f"slides {sorted(chosen - compared)}: picture counts differ, not compared")
    fail_on(deck, "rendered pictures", problems)


def rendered_problems(
    where: str,
    page: Image.Image,
    expected: PictureExpectation,
    actual: slides.Placed,
    keep: Path,
) -> list[str]:
    """Compare one rendered picture with its crop and with wrong crops."""
    box = (actual.left, actual.top, actual.width, actual.height)
    region = render.inset_region(*box)
    if region is None:
        return [f"{where}: too small to compare after the inset"]
    drawn = (actual.width / render.EMU_PER_PIXEL, actual.height / render.EMU_PER_PIXEL)

    def score(picture: Image.Image) -> pixels.Difference:
        area = render.picture_area(region, box, picture.size)
        return pixels.rendered_difference(
            page, region, pixels.expected_region(picture, region, area, drawn)
        )

    right = score(expected_crop(expected))
    if right.pixels == 0:
        return [f"{where}: the source crop has no opaque pixels to compare"]
    if right.mean > pixels.RENDER_MEAN_BOUND:
        problems = [
            f"{where}: rendered region {region} differs from the crop ({right}; "
            f"allowed mean <= {pixels.RENDER_MEAN_BOUND})"
        ]
    else:
        problems = []
        for name, decoy in decoys(load_source(expected.source), expected):
            wrong = score(decoy)
            if not pixels.clearly_worse(right, wrong):
                problems.append(
                    f"{where}: cannot tell the crop (mean {right.mean:.2f}) from {name} "
                    f"(mean {wrong.mean:.2f}); the check needs pictures with visible detail"
                )
    if problems:
        keep.mkdir(parents=True, exist_ok=True)
        page.crop(region).save(keep / f"{where.replace(', ', '-').replace(' ', '')}-rendered.png")
    return problems


def decoys(source: Image.Image, expected: PictureExpectation) -> list[tuple[str, Image.Image]]:
    """Return wrong pictures the rendered region must not match: a shifted box, the whole source."""
    found = [("the box shifted by a quarter", pixels.quarter_shifted(source, expected.box))]
    if expected.box.corners() != (0, 0, source.width, source.height):
        found.append(("the whole source", source))
    return found
