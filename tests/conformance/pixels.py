"""Pixel comparisons between embedded or rendered pictures and their expected crops."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops

from expectation import Box

# JPEG sources are decoded by deckgen's decoder (zune-jpeg through the `image` crate) and here
# by Pillow's libjpeg-turbo. Measured on chart-like and photo-like JPEGs (quality 75 to 95;
# 4:2:0, 4:2:2, 4:4:4; baseline and progressive): mean <= 0.32, 99th percentile <= 2,
# maximum <= 4. A box one pixel off gives a 99th percentile of 25 or more (mean 1.4 to 3.9).
JPEG_MEAN_BOUND = 1.0
JPEG_P99_BOUND = 10

# LibreOffice exports each picture into the PDF (losslessly, see render.py) and poppler
# resamples it to the page raster with its own kernels and whole-pixel placement. Measured over
# 10 pictures (drawn at 0.36x to 4.3x; charts, a dense table of 11 px text, photos, alpha): mean
# <= 1.7 for charts and photos and 4.0 for the dense table after the alignment and averaging
# below. Wrong crops (the box moved by a quarter, or the whole source) of the same pictures
# score 2.8 (a nearly empty axis crop) to 89.
RENDER_MEAN_BOUND = 6.0
# A wrong crop must score at least DECOY_RATIO times and DECOY_MARGIN levels worse.
DECOY_RATIO = 2.0
DECOY_MARGIN = 2.0
# Poppler places pictures on whole pixels and replicates upscaled pixels in whole steps, which
# moves edges by up to 2 px: the region is compared at its best offset within the 2 px inset.
ALIGN_SLACK = 2
# Both sides are averaged over POOL x POOL blocks before the mean is taken.
POOL = 4

# Pixels of the expected picture with alpha below this are not compared on the rendered page.
OPAQUE = 250


@dataclass(frozen=True)
class Difference:
    """Statistics of the per-pixel difference between two equally sized images."""

    mean: float
    p99: int
    maximum: int
    pixels: int
    unit: str = "px"

    def __str__(self) -> str:
        """Describe the difference in one phrase."""
        return (
            f"mean abs diff {self.mean:.2f}, 99th percentile {self.p99}, "
            f"max {self.maximum} over {self.pixels} {self.unit}"
        )


def to_rgba(image: Image.Image) -> Image.Image:
    """Convert any Pillow image to RGBA, honouring palette transparency."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("PA")
    return image.convert("RGBA")


def flatten(image: Image.Image) -> Image.Image:
    """Composite an image over white and return RGB."""
    rgba = to_rgba(image)
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def difference(a: Image.Image, b: Image.Image, mask: Image.Image | None = None) -> Difference:
    """Measure how two images of one size and mode differ, optionally only where mask is set."""
    if a.size != b.size or a.mode != b.mode:
        raise ValueError(f"cannot compare {a.mode} {a.size} with {b.mode} {b.size}")
    channels = ImageChops.difference(a, b).split()
    largest = channels[0]
    for channel in channels[1:]:
        largest = ImageChops.lighter(largest, channel)
    histogram = largest.histogram(mask)
    pixels = sum(histogram)
    if pixels == 0:
        return Difference(mean=0.0, p99=0, maximum=0, pixels=0)
    total = sum(level * count for ch in channels for level, count in enumerate(ch.histogram(mask)))
    return Difference(
        mean=total / (pixels * len(channels)),
        p99=_percentile(histogram, 0.99),
        maximum=max(level for level, count in enumerate(histogram) if count),
        pixels=pixels,
    )


def _percentile(histogram: list[int], fraction: float) -> int:
    """Return the smallest level at or below which the given fraction of counts lies."""
    needed, seen = fraction * sum(histogram), 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= needed:
            return level
    return len(histogram) - 1


def embedded_mismatch(actual: Image.Image, expected: Image.Image, lossless: bool) -> str | None:
    """Describe how an embedded picture differs from its expected crop, or None if it matches."""
    if actual.size != expected.size:
        return f"embedded image is {_size(actual.size)} px, expected {_size(expected.size)} px"
    actual_rgba, expected_rgba = to_rgba(actual), to_rgba(expected)
    if lossless:
        if actual_rgba.tobytes() == expected_rgba.tobytes():
            return None
        diff = difference(actual_rgba, expected_rgba)
        changed = _first_changed_pixel(actual_rgba, expected_rgba)
        return (
            f"pixels differ from the source crop ({diff}; first at x={changed[0]}, y={changed[1]})"
        )
    if actual_rgba.getchannel("A").getextrema() != (255, 255):
        return "embedded image has transparent pixels, but its JPEG source has none"
    diff = difference(actual_rgba.convert("RGB"), expected_rgba.convert("RGB"))
    if diff.mean <= JPEG_MEAN_BOUND and diff.p99 <= JPEG_P99_BOUND:
        return None
    return (
        f"pixels differ from the JPEG source crop beyond decoder tolerance ({diff}; "
        f"allowed mean <= {JPEG_MEAN_BOUND}, 99th percentile <= {JPEG_P99_BOUND})"
    )


def _first_changed_pixel(a: Image.Image, b: Image.Image) -> tuple[int, int]:
    """Return the top-left corner of the region where two images differ."""
    changed = ImageChops.difference(a, b).getbbox(alpha_only=False)
    return (changed[0], changed[1]) if changed else (0, 0)


def _size(size: tuple[int, int]) -> str:
    """Format an image size as WxH."""
    return f"{size[0]}x{size[1]}"


def quarter_shifted(source: Image.Image, box: Box) -> Image.Image:
    """Return the region of source at box moved by a quarter of its size (a wrong crop)."""
    width, height = source.size
    dx, dy = max(box.width // 4, 1), max(box.height // 4, 1)
    x = _shifted(box.x, dx, box.width, width)
    y = _shifted(box.y, dy, box.height, height)
    if (x, y) != (box.x, box.y):
        return source.crop((x, y, x + box.width, y + box.height))
    crop = to_rgba(source.crop(box.corners()))
    moved = Image.new("RGBA", crop.size, (255, 255, 255, 255))
    moved.paste(crop, (dx, dy))
    return moved


def _shifted(start: int, step: int, length: int, limit: int) -> int:
    """Move start by step forward or else backward, staying inside [0, limit]."""
    if start + step + length <= limit:
        return start + step
    if start - step >= 0:
        return start - step
    return start


def render_filter(picture_size: tuple[int, int], drawn_size: tuple[float, float]) -> Any:
    """Pick the resampling filter closest to poppler's for drawing a picture at a page size."""
    if drawn_size[0] <= picture_size[0] and drawn_size[1] <= picture_size[1]:
        return Image.Resampling.BOX
    # Splash interpolates upscaled images unless one side grows by 4x or more.
    if drawn_size[0] // picture_size[0] >= 4 or drawn_size[1] // picture_size[1] >= 4:
        return Image.Resampling.NEAREST
    return Image.Resampling.BILINEAR


def expected_region(
    picture: Image.Image,
    region: tuple[int, int, int, int],
    area: tuple[float, float, float, float],
    drawn_size: tuple[float, float],
) -> Image.Image:
    """Resample `area` (picture pixels) of a picture drawn at drawn_size to a page region."""
    size = (region[2] - region[0], region[3] - region[1])
    method = render_filter(picture.size, drawn_size)
    return to_rgba(picture).resize(size, method, box=area)


def opaque_mask(image: Image.Image) -> Image.Image:
    """Return a mask of the pixels of an RGBA image that are (nearly) opaque."""
    return image.getchannel("A").point(lambda alpha: 255 if alpha >= OPAQUE else 0)


def rendered_difference(
    page: Image.Image, region: tuple[int, int, int, int], expected: Image.Image
) -> Difference:
    """Compare a page region with an expected RGBA region, at the best offset, block-averaged."""
    # Averaging over POOL x POOL blocks cancels the two resampling kernels' aliasing of detail.
    flat, mask, page = flatten(expected), opaque_mask(expected), page.convert("RGB")
    best: tuple[float, Image.Image] | None = None
    for dy in range(-ALIGN_SLACK, ALIGN_SLACK + 1):
        for dx in range(-ALIGN_SLACK, ALIGN_SLACK + 1):
            moved = page.crop((region[0] + dx, region[1] + dy, region[2] + dx, region[3] + dy))
            mean = difference(moved, flat, mask).mean
            if best is None or mean < best[0]:
                best = (mean, moved)
    assert best is not None
    pooled_mask = mask.reduce(POOL).point(lambda level: 255 if level == 255 else 0)
    pooled = difference(best[1].reduce(POOL), flat.reduce(POOL), pooled_mask)
    return dataclasses.replace(pooled, unit=f"{POOL}x{POOL} px blocks")


def clearly_worse(right: Difference, wrong: Difference) -> bool:
    """Tell whether a wrong picture scores clearly worse than the right one."""
    return wrong.mean >= max(right.mean * DECOY_RATIO, right.mean + DECOY_MARGIN)
