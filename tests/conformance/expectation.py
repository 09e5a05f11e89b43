"""What a deck built by the Rust tests should contain, read from its `.expect.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

DECK_KEYS = {"slide_size", "slides"}
SLIDE_KEYS = {"layout", "title", "subtitle", "notes", "footer", "slide_number", "pictures"}
PICTURE_KEYS = {"source", "box", "alt", "lossless"}


class ExpectationError(ValueError):
    """An `.expect.json` file that does not follow the contract."""


@dataclass(frozen=True)
class Box:
    """A pixel rectangle of a source image."""

    x: int
    y: int
    width: int
    height: int

    def corners(self) -> tuple[int, int, int, int]:
        """Return (left, top, right, bottom) as Pillow's crop expects."""
        return (self.x, self.y, self.x + self.width, self.y + self.height)


@dataclass(frozen=True)
class PictureExpectation:
    """One picture a slide must show: a region of a source image."""

    source: Path
    box: Box
    alt: str
    lossless: bool


@dataclass(frozen=True)
class SlideExpectation:
    """The layout, texts and pictures of one slide."""

    layout: str
    title: str | None
    subtitle: str | None
    notes: str | None
    footer: str | None
    slide_number: bool
    pictures: tuple[PictureExpectation, ...]


@dataclass(frozen=True)
class DeckExpectation:
    """The slide size and slides of one deck."""

    slide_size: tuple[int, int]
    slides: tuple[SlideExpectation, ...]


@dataclass
class Deck:
    """A deck written by the Rust tests together with what it should contain."""

    name: str
    pptx: Path
    expect: DeckExpectation

    @cached_property
    def presentation(self) -> Any:
        """The deck opened with python-pptx."""
        from pptx import Presentation

        return Presentation(str(self.pptx))


def load_expectation(path: Path) -> DeckExpectation:
    """Read and check one `.expect.json` file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ExpectationError(f"{path}: cannot read: {err}") from err
    where = str(path)
    _require_keys(data, DECK_KEYS, where)
    size = data["slide_size"]
    if not (isinstance(size, list) and len(size) == 2 and all(_is_int(v) for v in size)):
        raise ExpectationError(f"{where}: slide_size must be [cx, cy] in EMU, got {size!r}")
    slides = tuple(
        _slide(item, f"{where}: slide {number}")
        for number, item in enumerate(_list(data["slides"], f"{where}: slides"), start=1)
    )
    return DeckExpectation(slide_size=(size[0], size[1]), slides=slides)


def _slide(data: Any, where: str) -> SlideExpectation:
    """Build one slide expectation."""
    _require_keys(data, SLIDE_KEYS, where)
    pictures = tuple(
        _picture(item, f"{where}, picture {number}")
        for number, item in enumerate(_list(data["pictures"], f"{where}: pictures"), start=1)
    )
    return SlideExpectation(
        layout=_text(data["layout"], f"{where}: layout", nullable=False),
        title=_text(data["title"], f"{where}: title"),
        subtitle=_text(data["subtitle"], f"{where}: subtitle"),
        notes=_text(data["notes"], f"{where}: notes"),
        footer=_text(data["footer"], f"{where}: footer"),
        slide_number=_flag(data["slide_number"], f"{where}: slide_number"),
        pictures=pictures,
    )


def _picture(data: Any, where: str) -> PictureExpectation:
    """Build one picture expectation."""
    _require_keys(data, PICTURE_KEYS, where)
    box = data["box"]
    valid_box = isinstance(box, list) and len(box) == 4 and all(_is_int(v) for v in box)
    if not valid_box or box[0] < 0 or box[1] < 0 or box[2] <= 0 or box[3] <= 0:
        raise ExpectationError(f"{where}: box must be [x, y, width, height] pixels, got {box!r}")
    source = Path(_text(data["source"], f"{where}: source", nullable=False))
    if not source.is_absolute() or not source.is_file():
        raise ExpectationError(f"{where}: source must be an absolute path to a file: {source}")
    return PictureExpectation(
        source=source,
        box=Box(*box),
        alt=_text(data["alt"], f"{where}: alt", nullable=False),
        lossless=_flag(data["lossless"], f"{where}: lossless"),
    )


def _require_keys(data: Any, keys: set[str], where: str) -> None:
    """Fail unless data is an object with exactly the given keys."""
    if not isinstance(data, dict):
        raise ExpectationError(f"{where}: expected an object, got {type(data).__name__}")
    missing, unknown = keys - data.keys(), data.keys() - keys
    if missing or unknown:
        raise ExpectationError(
            f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"
        )


def _list(value: Any, where: str) -> list[Any]:
    """Return value if it is a list."""
    if not isinstance(value, list):
        raise ExpectationError(f"{where}: expected a list, got {value!r}")
    return value


def _text(value: Any, where: str, nullable: bool = True) -> Any:
    """Return value if it is a string (or null where allowed)."""
    if isinstance(value, str) or (nullable and value is None):
        return value
    raise ExpectationError(f"{where}: expected a string{' or null' * nullable}, got {value!r}")


def _flag(value: Any, where: str) -> bool:
    """Return value if it is a boolean."""
    if not isinstance(value, bool):
        raise ExpectationError(f"{where}: expected true or false, got {value!r}")
    return value


def _is_int(value: Any) -> bool:
    """Tell whether value is a JSON integer (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)
