#!/usr/bin/env python3
"""Regenerate the sample dashboard images used by the example specs.

Writes four images into ``specs/assets/`` (relative to the repository root):

* ``incidents-dashboard.png`` (1200x800) - "Safety Overview" dashboard with a
  header band and three chart cards (fleet bars, monthly trend, top hazards).
* ``fleet-mix.png`` (960x540) - stacked bar chart of fleet mix by region.
* ``site-heatmap.jpeg`` (800x600) - heat-map table of incidents by site and
  weekday.
* ``kpi-tiles.png`` (1000x320) - four KPI tiles inside an exact 40 px pure
  white margin (the example for ``trim: true``).

The example specs crop these images by pixel boxes, so the layout constants
below are part of that contract: change them only together with the specs.
All data is fixed, so the output is byte-identical on every run with the same
Pillow version.

Usage (needs Pillow >= 10.1 for its bundled scalable font):

    python3 -m venv /tmp/assetvenv
    /tmp/assetvenv/bin/pip install Pillow
    /tmp/assetvenv/bin/python scripts/make-sample-assets.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "specs" / "assets"

# Everything is drawn at SCALE times the final size and reduced at the end,
# which gives smooth lines and lets strokes be half a pixel wide.
SCALE = 2

# Palette.
PAGE_BG = (242, 244, 247)
WHITE = (255, 255, 255)
CARD_BORDER = (214, 218, 224)
INK = (38, 45, 56)
INK_MUTED = (102, 112, 125)
INK_FAINT = (140, 148, 158)
GRID = (232, 235, 239)
AXIS = (178, 184, 192)
BLUE = (78, 121, 167)
BLUE_MID = (132, 167, 204)
BLUE_LIGHT = (190, 210, 230)
ORANGE = (242, 142, 43)
TEAL = (118, 183, 178)
GREEN = (74, 150, 80)
RED = (214, 72, 72)
GREY_SERIES = (170, 176, 184)

# Layout of incidents-dashboard.png as (x, y, width, height), in pixels.
DASH_SIZE = (1200, 800)
HEADER_BOX = (0, 0, 1200, 80)
FLEET_CARD = (16, 96, 560, 688)
TREND_CARD = (592, 96, 592, 380)
HAZARD_CARD = (592, 492, 592, 292)

KPI_SIZE = (1000, 320)
KPI_MARGIN = 40


def check_font() -> None:
    font = ImageFont.load_default(size=40)
    if not isinstance(font, ImageFont.FreeTypeFont):
        sys.exit("Pillow >= 10.1 with FreeType support is required")


class Canvas:
    """Drawing surface that takes coordinates in final-image pixels."""

    _fonts: dict[int, ImageFont.FreeTypeFont] = {}
    _dash_cache: dict[tuple[int, str], tuple[int, int]] = {}

    def __init__(self, size: tuple[int, int], bg: tuple[int, int, int]):
        self.size = size
        self.image = Image.new("RGB", (size[0] * SCALE, size[1] * SCALE), bg)
        self.draw = ImageDraw.Draw(self.image)

    @classmethod
    def font(cls, size: float) -> ImageFont.FreeTypeFont:
        px = round(size * SCALE)
        if px not in cls._fonts:
            cls._fonts[px] = ImageFont.load_default(size=px)
        return cls._fonts[px]

    @staticmethod
    def _s(v: float) -> int:
        return round(v * SCALE)

    def rect(self, x0, y0, x1, y1, fill=None, outline=None, width=1.0):
        """Filled/outlined rectangle covering [x0, x1) x [y0, y1)."""
        s = self._s
        self.draw.rectangle(
            (s(x0), s(y0), s(x1) - 1, s(y1) - 1),
            fill=fill,
            outline=outline,
            width=s(width) if outline else 0,
        )

    def rounded(self, x0, y0, x1, y1, radius, fill=None, outline=None, width=1.0):
        s = self._s
        self.draw.rounded_rectangle(
            (s(x0), s(y0), s(x1) - 1, s(y1) - 1),
            radius=s(radius),
            fill=fill,
            outline=outline,
            width=s(width) if outline else 0,
        )

    def line(self, points, fill, width=1.0, joint=None):
        pts = [(self._s(x), self._s(y)) for x, y in points]
        self.draw.line(pts, fill=fill, width=self._s(width), joint=joint)

    def hline(self, x0, x1, y, fill, width=1.0):
        self.rect(x0, y, x1, y + width, fill=fill)

    def vline(self, x, y0, y1, fill, width=1.0):
        self.rect(x, y0, x + width, y1, fill=fill)

    def dashed_hline(self, x0, x1, y, fill, dash=4.0, gap=3.0, width=1.0):
        x = x0
        while x < x1:
            self.rect(x, y, min(x + dash, x1), y + width, fill=fill)
            x += dash + gap

    def circle(self, cx, cy, r, fill, outline=None, width=1.0):
        s = self._s
        self.draw.ellipse(
            (s(cx - r), s(cy - r), s(cx + r), s(cy + r)),
            fill=fill,
            outline=outline,
            width=s(width) if outline else 0,
        )

    def triangle(self, cx, cy, size, up, fill):
        h = size * 0.85
        if up:
            pts = [(cx - size / 2, cy + h / 2), (cx + size / 2, cy + h / 2), (cx, cy - h / 2)]
        else:
            pts = [(cx - size / 2, cy - h / 2), (cx + size / 2, cy - h / 2), (cx, cy + h / 2)]
        self.draw.polygon([(self._s(x), self._s(y)) for x, y in pts], fill=fill)

    # Text. The bundled font has no en/em dash glyphs, so dashes are drawn
    # as rules matched to the hyphen's weight and height.
    _DASHES = {"\u2014": 0.78, "\u2013": 0.52}

    def _segments(self, text: str):
        seg = ""
        for ch in text:
            if ch in self._DASHES:
                if seg:
                    yield seg
                seg = ""
                yield ch
            else:
                seg += ch
        if seg:
            yield seg

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        font = self.font(size)
        total = 0.0
        for seg in self._segments(text):
            if seg in self._DASHES:
                total += self._DASHES[seg] * font.size
            else:
                total += font.getlength(seg)
        stroke = self._stroke(size) if bold else 0
        return (total + 2 * stroke) / SCALE

    def _stroke(self, size: float) -> int:
        return 1 if size < 30 else 2

    def _hyphen_rows(self, font, vanchor: str) -> tuple[int, int]:
        key = (font.size, vanchor)
        if key not in self._dash_cache:
            probe = Image.new("L", (font.size * 3, font.size * 3), 0)
            origin = font.size * 1.5
            ImageDraw.Draw(probe).text(
                (font.size, origin), "-", font=font, fill=255, anchor="l" + vanchor
            )
            _, top, _, bottom = probe.getbbox()
            self._dash_cache[key] = (top - round(origin), bottom - round(origin))
        return self._dash_cache[key]

    def text(self, x, y, text, size, fill, anchor="ls", bold=False):
        font = self.font(size)
        stroke = self._stroke(size) if bold else 0
        hanchor, vanchor = anchor[0], anchor[1]
        width = self.text_width(text, size, bold) * SCALE
        px = x * SCALE
        if hanchor == "m":
            px -= width / 2
        elif hanchor == "r":
            px -= width
        px += stroke
        py = y * SCALE
        for seg in self._segments(text):
            if seg in self._DASHES:
                w = self._DASHES[seg] * font.size
                top, bottom = self._hyphen_rows(font, vanchor)
                pad = font.size * 0.06
                self.draw.rectangle(
                    (
                        round(px + pad),
                        round(py) + top - stroke,
                        round(px + w - pad) - 1,
                        round(py) + bottom - 1 + stroke,
                    ),
                    fill=fill,
                )
                px += w
            else:
                self.draw.text(
                    (px, py),
                    seg,
                    font=font,
                    fill=fill,
                    anchor="l" + vanchor,
                    stroke_width=stroke,
                    stroke_fill=fill,
                )
                px += font.getlength(seg)

    def finish(self) -> Image.Image:
        return self.image.reduce(SCALE)


# ---------------------------------------------------------------------------
# Shared chart pieces


def card(c: Canvas, box, title: str, subtitle: str | None = None):
    x, y, w, h = box
    c.rect(x, y, x + w, y + h, fill=WHITE, outline=CARD_BORDER, width=1)
    c.text(x + 18, y + 30, title, 16, INK, bold=True)
    if subtitle:
        c.text(x + 18, y + 50, subtitle, 12, INK_MUTED)


def legend_row(c: Canvas, x_right, y, items, swatch="square", size=12):
    """Right-aligned legend; items are (label, colour[, dashed])."""
    gap = 18
    widths = [14 + 6 + c.text_width(label, size) for label, *_ in items]
    if swatch == "line":
        widths = [w + 8 for w in widths]
    x = x_right - sum(widths) - gap * (len(items) - 1)
    for (label, colour, *rest), w in zip(items, widths):
        if swatch == "square":
            c.rect(x, y - 5, x + 11, y + 6, fill=colour)
            c.text(x + 17, y, label, size, INK_MUTED, anchor="lm")
        else:
            if rest and rest[0]:
                c.dashed_hline(x, x + 22, y - 1, colour, dash=5, gap=3, width=2)
            else:
                c.line([(x, y), (x + 22, y)], colour, width=2)
                c.circle(x + 11, y, 3.5, colour, outline=WHITE, width=1)
            c.text(x + 28, y, label, size, INK_MUTED, anchor="lm")
        x += w + gap


def save_png(img: Image.Image, path: Path, colours: int = 256) -> None:
    pal = img.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    pal.save(path, optimize=True)


# ---------------------------------------------------------------------------
# 1. incidents-dashboard.png

FLEETS = [
    # fleet, minor, moderate, serious
    ("A320", 28, 11, 3),
    ("B737-800", 24, 10, 3),
    ("E190", 16, 6, 2),
    ("ATR 72", 13, 5, 1),
    ("Q400", 9, 3, 1),
    ("B787-9", 5, 2, 1),
]
SEVERITY = [("Minor", BLUE_LIGHT), ("Moderate", BLUE_MID), ("Serious", BLUE)]

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TREND_2025 = [9, 10, 13, 12, 11, 14, 16, 15, 12, 11, 10, 10]
TREND_2024 = [12, 13, 15, 14, 13, 16, 18, 17, 15, 13, 12, 11]

HAZARDS = [
    ("Slips, trips and falls", 34),
    ("Ground equipment contact", 27),
    ("Manual handling", 21),
    ("Bird strike", 16),
    ("Fuel and oil spills", 12),
]


def dashboard_header(c: Canvas):
    x, y, w, h = HEADER_BOX
    c.rect(x, y, x + w, y + h, fill=WHITE)
    c.hline(x, x + w, y + h - 1, CARD_BORDER)
    c.rect(x, y, x + 6, y + h - 1, fill=BLUE)
    c.text(28, 40, "Safety Overview \u2014 Incidents", 26, INK, bold=True)
    c.text(28, 63, "All fleets \u00b7 January\u2013December 2025 \u00b7 Source: Safety Management System", 13, INK_MUTED)

    # Filter chips on the right.
    chips = [("Region", "All"), ("Fleet", "All"), ("Year", "2025")]
    xr = x + w - 24
    for name, value in reversed(chips):
        label = f"{name}: {value}"
        cw = c.text_width(label, 12) + 24
        c.rounded(xr - cw, 24, xr, 50, 13, fill=(246, 248, 251), outline=CARD_BORDER, width=1)
        c.text(xr - cw / 2, 37.5, label, 12, INK_MUTED, anchor="mm")
        xr -= cw + 8
    c.text(x + w - 24, 66, "Data refreshed 6 Jan 2026, 06:00", 11, INK_FAINT, anchor="rs")


def fleet_chart(c: Canvas):
    x, y, w, h = FLEET_CARD
    card(c, FLEET_CARD, "Incidents by fleet", "Count of incidents by severity, 2025")
    legend_row(c, x + w - 20, y + 82, SEVERITY)

    left = x + 96
    right = x + w - 56
    top = y + 104
    bottom = y + h - 62
    vmax = 50
    step = 10

    def vx(v):
        return left + (right - left) * v / vmax

    for v in range(0, vmax + 1, step):
        gx = vx(v)
        if v:
            c.vline(gx, top, bottom, GRID)
        c.text(gx, bottom + 18, str(v), 11, INK_MUTED, anchor="ms")
    c.vline(left, top, bottom, AXIS)
    c.text((left + right) / 2, bottom + 42, "Incidents", 12, INK_MUTED, anchor="ms")

    band = (bottom - top) / len(FLEETS)
    thickness = 40
    for i, (name, *counts) in enumerate(FLEETS):
        cy = top + band * (i + 0.5)
        y0, y1 = cy - thickness / 2, cy + thickness / 2
        c.text(left - 12, cy, name, 13, INK, anchor="rm")
        acc = 0
        for (sev, colour), n in zip(SEVERITY, counts):
            x0, x1 = vx(acc), vx(acc + n)
            c.rect(x0 + (1 if acc else 0.0), y0, x1, y1, fill=colour)
            if x1 - x0 >= 26:
                ink = WHITE if colour == BLUE else INK
                c.text((x0 + x1) / 2, cy, str(n), 11, ink, anchor="mm")
            acc += n
        c.text(vx(acc) + 8, cy, str(acc), 13, INK, anchor="lm", bold=True)


def trend_chart(c: Canvas):
    x, y, w, h = TREND_CARD
    card(c, TREND_CARD, "Monthly trend", "Incidents per month, 2025 vs 2024")
    legend_row(c, x + w - 20, y + 26, [("2025", BLUE), ("2024", GREY_SERIES, True)], swatch="line")

    left = x + 54
    right = x + w - 28
    top = y + 72
    bottom = y + h - 44
    vmax = 20

    def vy(v):
        return bottom - (bottom - top) * v / vmax

    for v in range(0, vmax + 1, 5):
        gy = vy(v)
        if v:
            c.hline(left, right, gy, GRID)
        c.text(left - 10, gy, str(v), 11, INK_MUTED, anchor="rm")
    c.hline(left, right, bottom, AXIS)

    slot = (right - left) / len(MONTHS)

    def mx(i):
        return left + slot * (i + 0.5)

    for i, m in enumerate(MONTHS):
        c.vline(mx(i), bottom, bottom + 4, AXIS)
        c.text(mx(i), bottom + 20, m, 11, INK_MUTED, anchor="ms")

    # 2024: dashed grey line.
    pts = [(mx(i), vy(v)) for i, v in enumerate(TREND_2024)]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        n = 4
        for k in range(n):
            t0, t1 = k / n, (k + 0.6) / n
            c.line(
                [(x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0), (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1)],
                GREY_SERIES,
                width=2,
            )
    c.text(pts[-1][0] + 6, pts[-1][1] - 8, str(TREND_2024[-1]), 11, INK_FAINT, anchor="ms")

    # 2025: solid blue line with markers and labels under each point.
    pts = [(mx(i), vy(v)) for i, v in enumerate(TREND_2025)]
    c.line(pts, BLUE, width=2.5, joint="curve")
    for (px, py), v in zip(pts, TREND_2025):
        c.circle(px, py, 4, BLUE, outline=WHITE, width=1.5)
        c.text(px, py + 20, str(v), 11, BLUE, anchor="ms", bold=True)


def hazard_table(c: Canvas):
    x, y, w, h = HAZARD_CARD
    card(c, HAZARD_CARD, "Top hazards", None)
    c.text(x + w - 18, y + 30, "Top 5 by incident count, 2025", 12, INK_MUTED, anchor="rs")

    col_rank = x + 28
    col_name = x + 50
    bar_left = x + 252
    bar_right = x + 452
    col_count = x + 508
    col_share = x + w - 18
    head_y = y + 62
    c.text(col_rank, head_y, "#", 11, INK_FAINT, anchor="ms")
    c.text(col_name, head_y, "HAZARD", 11, INK_FAINT)
    c.text(bar_left, head_y, "INCIDENTS", 11, INK_FAINT)
    c.text(col_count, head_y, "COUNT", 11, INK_FAINT, anchor="rs")
    c.text(col_share, head_y, "SHARE", 11, INK_FAINT, anchor="rs")
    c.hline(x + 16, x + w - 16, y + 72, AXIS)

    total = sum(sum(f[1:]) for f in FLEETS)
    vmax = HAZARDS[0][1]
    row_h = 40
    for i, (name, n) in enumerate(HAZARDS):
        ry = y + 73 + row_h * i
        cy = ry + row_h / 2
        if i % 2 == 1:
            c.rect(x + 16, ry, x + w - 16, ry + row_h, fill=(248, 249, 251))
        c.text(col_rank, cy, str(i + 1), 13, INK_MUTED, anchor="mm")
        c.text(col_name, cy, name, 13, INK, anchor="lm")
        bw = (bar_right - bar_left) * n / vmax
        c.rect(bar_left, cy - 8, bar_left + bw, cy + 8, fill=ORANGE)
        c.text(col_count, cy, str(n), 13, INK, anchor="rm", bold=True)
        c.text(col_share, cy, f"{100 * n / total:.1f}%", 13, INK_MUTED, anchor="rm")
        if i < len(HAZARDS) - 1:
            c.hline(x + 16, x + w - 16, ry + row_h - 1, GRID)


def make_dashboard() -> Image.Image:
    c = Canvas(DASH_SIZE, PAGE_BG)
    dashboard_header(c)
    fleet_chart(c)
    trend_chart(c)
    hazard_table(c)
    return c.finish()


# ---------------------------------------------------------------------------
# 2. fleet-mix.png

REGIONS = ["North", "South", "East", "West", "Central"]
AIRCRAFT_TYPES = [
    ("Narrowbody", BLUE, [32, 24, 28, 19, 14]),
    ("Widebody", ORANGE, [10, 6, 12, 5, 3]),
    ("Regional jet", TEAL, [12, 15, 8, 11, 9]),
    ("Turboprop", (237, 201, 72), [7, 12, 5, 9, 13]),
]


def make_fleet_mix() -> Image.Image:
    W, H = 960, 540
    c = Canvas((W, H), WHITE)
    c.text(32, 44, "Fleet mix", 22, INK, bold=True)
    c.text(32, 68, "Aircraft in service by region and type, 31 December 2025", 13, INK_MUTED)
    legend_row(c, W - 32, 40, [(name, colour) for name, colour, _ in AIRCRAFT_TYPES], size=13)

    left, right = 96, W - 40
    top, bottom = 112, H - 76
    vmax = 70

    def vy(v):
        return bottom - (bottom - top) * v / vmax

    for v in range(0, vmax + 1, 10):
        gy = vy(v)
        if v:
            c.hline(left, right, gy, GRID)
        c.text(left - 12, gy, str(v), 12, INK_MUTED, anchor="rm")
    c.hline(left, right, bottom, AXIS)

    # Vertical axis title, rendered sideways.
    label = "Aircraft"
    lw = int(c.text_width(label, 12) * SCALE) + 8
    tmp = Canvas((lw // SCALE + 4, 20), WHITE)
    tmp.text(2, 10, label, 12, INK_MUTED, anchor="lm")
    rot = tmp.image.rotate(90, expand=True)
    c.image.paste(rot, (round(40 * SCALE), round(((top + bottom) / 2) * SCALE - rot.height / 2)))

    slot = (right - left) / len(REGIONS)
    bar_w = 88
    for i, region in enumerate(REGIONS):
        cx = left + slot * (i + 0.5)
        x0, x1 = cx - bar_w / 2, cx + bar_w / 2
        acc = 0
        for _, colour, values in AIRCRAFT_TYPES:
            v = values[i]
            y0, y1 = vy(acc + v), vy(acc)
            c.rect(x0, y0 + (1 if acc else 0), x1, y1, fill=colour)
            if y1 - y0 >= 18:
                ink = WHITE if colour in (BLUE, ORANGE, TEAL) else INK
                c.text(cx, (y0 + y1) / 2, str(v), 12, ink, anchor="mm", bold=True)
            acc += v
        c.text(cx, vy(acc) - 10, str(acc), 14, INK, anchor="ms", bold=True)
        c.text(cx, bottom + 24, region, 13, INK, anchor="ms")
    c.text((left + right) / 2, bottom + 52, "Region", 12, INK_MUTED, anchor="ms")
    return c.finish()


# ---------------------------------------------------------------------------
# 3. site-heatmap.jpeg

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
SITES = [
    ("Aberdeen", [4, 5, 6, 5, 7, 2, 1]),
    ("Bristol", [6, 7, 8, 7, 9, 3, 2]),
    ("Cardiff", [3, 2, 4, 3, 4, 1, 0]),
    ("Dublin", [8, 9, 11, 10, 12, 5, 3]),
    ("Edinburgh", [5, 6, 5, 7, 8, 3, 2]),
    ("Glasgow", [7, 6, 8, 9, 10, 4, 2]),
    ("Leeds", [2, 3, 3, 2, 4, 1, 1]),
    ("Manchester", [9, 10, 12, 11, 14, 6, 4]),
]
HEAT_STOPS = [(0.0, (254, 240, 217)), (0.5, (252, 141, 89)), (1.0, (179, 0, 0))]


def heat_colour(t: float) -> tuple[int, int, int]:
    t = min(max(t, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(HEAT_STOPS, HEAT_STOPS[1:]):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            return tuple(round(a + (b - a) * f) for a, b in zip(c0, c1))
    return HEAT_STOPS[-1][1]


def make_heatmap() -> Image.Image:
    W, H = 800, 600
    c = Canvas((W, H), WHITE)
    c.text(32, 44, "Incidents by site and weekday", 22, INK, bold=True)
    c.text(32, 68, "Count of incidents by weekday of occurrence, 2023\u20132025 combined", 13, INK_MUTED)

    left, top = 150, 118
    cell_w, cell_h = 80, 50
    total_x = left + cell_w * len(WEEKDAYS) + 14
    vmax = max(max(v) for _, v in SITES)

    for j, day in enumerate(WEEKDAYS):
        c.text(left + cell_w * (j + 0.5), top - 12, day, 13, INK_MUTED, anchor="ms")
    c.text(total_x + 50, top - 12, "Total", 13, INK_MUTED, anchor="rs")

    for i, (site, values) in enumerate(SITES):
        y0 = top + cell_h * i
        cy = y0 + cell_h / 2
        c.text(left - 14, cy, site, 13, INK, anchor="rm")
        for j, v in enumerate(values):
            x0 = left + cell_w * j
            t = v / vmax
            c.rect(x0 + 1, y0 + 1, x0 + cell_w - 1, y0 + cell_h - 1, fill=heat_colour(t))
            ink = WHITE if t > 0.55 else INK
            c.text(x0 + cell_w / 2, cy, str(v), 14, ink, anchor="mm", bold=t > 0.55)
        c.text(total_x + 50, cy, str(sum(values)), 14, INK, anchor="rm", bold=True)
        if i < len(SITES) - 1:
            c.hline(total_x, total_x + 54, y0 + cell_h - 0.5, GRID, width=1)

    # Colour legend.
    ly = top + cell_h * len(SITES) + 34
    lx0, lx1 = left, left + 240
    c.text(lx0, ly - 8, "Incidents per cell", 12, INK_MUTED)
    steps = 120
    for k in range(steps):
        xa = lx0 + (lx1 - lx0) * k / steps
        xb = lx0 + (lx1 - lx0) * (k + 1) / steps
        c.rect(xa, ly, xb, ly + 12, fill=heat_colour(k / (steps - 1)))
    for v in (0, vmax // 2, vmax):
        tx = lx0 + (lx1 - lx0) * v / vmax
        c.vline(tx - 0.5, ly + 12, ly + 16, AXIS)
        c.text(tx, ly + 30, str(v), 11, INK_MUTED, anchor="ms")
    return c.finish()


# ---------------------------------------------------------------------------
# 4. kpi-tiles.png

KPIS = [
    # label, value, delta text, arrow up?, good?, footnote
    ("Total incidents", "143", "15.4% vs 2024", False, True, "January\u2013December 2025"),
    ("Lost-time injuries", "7", "2 more than 2024", True, False, "Rate 0.41 per 200k hours"),
    ("Near-miss reports", "312", "18.2% vs 2024", True, True, "Reporting culture indicator"),
    ("Days since last LTI", "48", "Best run since March", True, True, "As of 31 December 2025"),
]


def make_kpi_tiles() -> Image.Image:
    W, H = KPI_SIZE
    m = KPI_MARGIN
    c = Canvas((W, H), WHITE)
    gap = 16
    n = len(KPIS)
    tile_w = (W - 2 * m - gap * (n - 1)) / n
    for i, (label, value, delta, up, good, note) in enumerate(KPIS):
        x0 = m + i * (tile_w + gap)
        x1 = x0 + tile_w
        y0, y1 = m, H - m
        c.rect(x0, y0, x1, y1, fill=(247, 249, 252), outline=CARD_BORDER, width=1)
        c.rect(x0, y0, x1, y0 + 4, fill=BLUE)
        c.text(x0 + 20, y0 + 40, label, 15, INK_MUTED)
        c.text(x0 + 18, y0 + 118, value, 56, INK, bold=True)
        colour = GREEN if good else RED
        c.triangle(x0 + 27, y0 + 150, 11, up, colour)
        c.text(x0 + 40, y0 + 150, delta, 13, colour, anchor="lm", bold=True)
        c.hline(x0 + 20, x1 - 20, y0 + 182, GRID)
        c.text(x0 + 20, y0 + 210, note, 12, INK_FAINT)
    return c.finish()


def check_trim_box(path: Path, expected) -> None:
    img = Image.open(path).convert("RGB")
    bbox = ImageChops.difference(img, Image.new("RGB", img.size, WHITE)).getbbox()
    if bbox != expected:
        sys.exit(f"{path.name}: non-white bounding box {bbox}, expected {expected}")


# ---------------------------------------------------------------------------


def main() -> None:
    check_font()
    OUT.mkdir(parents=True, exist_ok=True)

    save_png(make_dashboard(), OUT / "incidents-dashboard.png")
    save_png(make_fleet_mix(), OUT / "fleet-mix.png")
    make_heatmap().save(OUT / "site-heatmap.jpeg", quality=90, optimize=True, subsampling=0)
    kpi_path = OUT / "kpi-tiles.png"
    save_png(make_kpi_tiles(), kpi_path)
    m = KPI_MARGIN
    check_trim_box(kpi_path, (m, m, KPI_SIZE[0] - m, KPI_SIZE[1] - m))

    for p in sorted(OUT.iterdir()):
        with Image.open(p) as im:
            print(f"{p.relative_to(ROOT)}  {im.size[0]}x{im.size[1]}  {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
