"""Rendering decks with LibreOffice (to PDF) and poppler (to PNG pages)."""

from __future__ import annotations

import math
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

EMU_PER_PIXEL = 9525
# Lossless export keeps LibreOffice from re-encoding pictures as JPEG inside the PDF, so the
# rendered pixels differ from the source only by resampling.
PDF_FILTER = (
    'pdf:impress_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},'
    '"ReduceImageResolution":{"type":"boolean","value":"false"}}'
)
SOFFICE_TIMEOUT_BASE = 180
SOFFICE_TIMEOUT_PER_DECK = 30
MAX_RENDERED_PAGES = 4


class RenderError(RuntimeError):
    """A rendering tool failed or produced nothing."""


@dataclass
class Conversion:
    """The PDFs LibreOffice wrote for a batch of decks, with its log and duration."""

    pdfs: dict[str, Path]
    log: str
    seconds: float
    missing: list[str] = field(default_factory=list)


def find_tools() -> list[str]:
    """Return the names of the rendering tools that are not on PATH."""
    return [tool for tool in ("soffice", "pdftoppm", "pdfinfo") if shutil.which(tool) is None]


def convert_to_pdf(decks: dict[str, Path], out_dir: Path) -> Conversion:
    """Convert all decks to PDF with a single LibreOffice run and a throwaway profile."""
    pdf_dir, profile = out_dir / "pdf", out_dir / "lo-profile"
    shutil.rmtree(pdf_dir, ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)
    pdf_dir.mkdir(parents=True)
    command = [
        "soffice",
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        PDF_FILTER,
        "--outdir",
        str(pdf_dir),
        *(str(path) for path in decks.values()),
    ]
    timeout = SOFFICE_TIMEOUT_BASE + SOFFICE_TIMEOUT_PER_DECK * len(decks)
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as err:
        raise RenderError(f"soffice did not finish within {timeout} s: {err.stderr!r}") from err
    seconds = time.monotonic() - started
    log = f"exit code {done.returncode}\n{done.stdout}{done.stderr}".strip()
    pdfs = {name: pdf_dir / f"{path.stem}.pdf" for name, path in decks.items()}
    missing = [name for name, pdf in pdfs.items() if not pdf.is_file()]
    return Conversion(pdfs=pdfs, log=log, seconds=seconds, missing=missing)


def page_count(pdf: Path) -> int:
    """Return the number of pages of a PDF, as pdfinfo reports it."""
    done = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=False
    )
    for line in done.stdout.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Pages":
            return int(value)
    raise RenderError(f"pdfinfo {pdf} reported no page count: {done.stderr.strip()}")


def render_page(pdf: Path, page: int, size: tuple[int, int], out_dir: Path) -> Image.Image:
    """Render one 1-based page of a PDF to exactly size pixels."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / f"{pdf.stem}-slide{page}"
    command = [
        "pdftoppm",
        "-png",
        "-singlefile",
        "-f",
        str(page),
        "-l",
        str(page),
        "-scale-to-x",
        str(size[0]),
        "-scale-to-y",
        str(size[1]),
        str(pdf),
        str(prefix),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    png = prefix.with_name(prefix.name + ".png")
    if done.returncode != 0 or not png.is_file():
        raise RenderError(f"pdftoppm failed on page {page} of {pdf}: {done.stderr.strip()}")
    with Image.open(png) as image:
        return image.convert("RGB")


def page_size(slide_size: tuple[int, int]) -> tuple[int, int]:
    """Return the raster size in pixels of a slide at 96 dpi."""
    return (round(slide_size[0] / EMU_PER_PIXEL), round(slide_size[1] / EMU_PER_PIXEL))


def inset_region(
    left: int, top: int, width: int, height: int, inset: int = 2
) -> tuple[int, int, int, int] | None:
    """Return the whole-pixel region inside an EMU box, shrunk by inset px, or None if empty."""
    x0 = math.ceil(left / EMU_PER_PIXEL) + inset
    y0 = math.ceil(top / EMU_PER_PIXEL) + inset
    x1 = math.floor((left + width) / EMU_PER_PIXEL) - inset
    y1 = math.floor((top + height) / EMU_PER_PIXEL) - inset
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def picture_area(
    region: tuple[int, int, int, int],
    shape_box: tuple[int, int, int, int],
    picture_size: tuple[int, int],
) -> tuple[float, float, float, float]:
    """Map a page region in pixels to the picture's own pixel coordinates."""
    left, top, width, height = shape_box
    scale_x = picture_size[0] * EMU_PER_PIXEL / width
    scale_y = picture_size[1] * EMU_PER_PIXEL / height
    origin_x, origin_y = left / EMU_PER_PIXEL, top / EMU_PER_PIXEL
    return (
        (region[0] - origin_x) * scale_x,
        (region[1] - origin_y) * scale_y,
        (region[2] - origin_x) * scale_x,
        (region[3] - origin_y) * scale_y,
    )


def pages_to_render(picture_slides: list[int]) -> list[int]:
    """Pick at most MAX_RENDERED_PAGES slide numbers, spread from first to last."""
    if len(picture_slides) <= MAX_RENDERED_PAGES:
        return picture_slides
    last = len(picture_slides) - 1
    steps = MAX_RENDERED_PAGES - 1
    return [picture_slides[round(i * last / steps)] for i in range(MAX_RENDERED_PAGES)]
