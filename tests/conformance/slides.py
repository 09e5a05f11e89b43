"""Reading texts, placeholders and pictures of a slide opened with python-pptx."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

SUBTITLE_TYPES = (PP_PLACEHOLDER.SUBTITLE,)
BODY_TYPES = (PP_PLACEHOLDER.BODY,)


@dataclass(frozen=True)
class Placed:
    """A shape and its box on the slide in EMU (zero where the shape has no own position)."""

    shape: Any
    left: int
    top: int
    width: int
    height: int


def text_of(shape: Any) -> str:
    """Return a shape's text with line breaks written as newlines."""
    return shape.text_frame.text.replace("\v", "\n")


def placeholders(slide: Any, kind: PP_PLACEHOLDER) -> list[Any]:
    """Return the slide's placeholders of one type."""
    return [ph for ph in slide.placeholders if ph.placeholder_format.type == kind]


def subtitle_placeholders(slide: Any) -> list[Any]:
    """Return subtitle placeholders, and body placeholders with idx 1 (section subtitles)."""
    return [
        ph
        for ph in slide.placeholders
        if ph.placeholder_format.type in SUBTITLE_TYPES
        or (ph.placeholder_format.type in BODY_TYPES and ph.placeholder_format.idx == 1)
    ]


def slide_number_fields(shape: Any) -> list[Any]:
    """Return the `a:fld type="slidenum"` elements inside a shape's text."""
    return [field for field in shape._element.iter(qn("a:fld")) if field.get("type") == "slidenum"]


def pictures(slide: Any) -> list[Placed]:
    """Return the slide's `p:pic` shapes in reading order."""
    placed = [
        Placed(shape, shape.left or 0, shape.top or 0, shape.width or 0, shape.height or 0)
        for shape in slide.shapes
        if shape._element.tag == qn("p:pic")
    ]
    return reading_order(placed)


def reading_order(items: list[Placed]) -> list[Placed]:
    """Order boxes in rows top to bottom (rows = overlapping vertical spans), each left to right."""
    rows: list[list[Placed]] = []
    for item in sorted(items, key=lambda placed: (placed.top, placed.left)):
        row = rows[-1] if rows else None
        if row and item.top < min(other.top + other.height for other in row):
            row.append(item)
        else:
            rows.append([item])
    return [item for row in rows for item in sorted(row, key=lambda placed: placed.left)]


def own_xfrm(shape: Any) -> Any | None:
    """Return the shape's own `a:xfrm` if it has both an offset and an extent."""
    xfrm = shape._element.find(f"{qn('p:spPr')}/{qn('a:xfrm')}")
    if xfrm is None or xfrm.find(qn("a:off")) is None or xfrm.find(qn("a:ext")) is None:
        return None
    return xfrm


def alt_text(shape: Any) -> str | None:
    """Return a picture's `p:cNvPr/@descr`."""
    found = shape._element.xpath("./p:nvPicPr/p:cNvPr/@descr")
    return str(found[0]) if found else None


def source_crop(shape: Any) -> dict[str, str]:
    """Return the non-zero edges of a picture's `a:srcRect` (empty if it shows the whole blob)."""
    rect = shape._element.find(f"{qn('p:blipFill')}/{qn('a:srcRect')}")
    if rect is None:
        return {}
    return {edge: value for edge in "ltrb" if (value := rect.get(edge, "0")) not in ("0", "")}
