//! Geometry in EMU: slide sizes, the boxes of the built-in look, aspect-fit and grids.
//!
//! One inch is 914400 EMU and one pixel at 96 dpi is 9525 EMU. Products of EMU and pixel
//! sizes overflow 32 bits, so everything here is `i64`.

use serde::Serialize;

use crate::spec::SlideSize;

/// English Metric Units, the coordinate unit of DrawingML.
pub type Emu = i64;

/// EMU in one inch.
pub const EMU_PER_INCH: Emu = 914_400;

/// A rectangle in EMU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rect {
    /// Left edge.
    pub x: Emu,
    /// Top edge.
    pub y: Emu,
    /// Width.
    pub cx: Emu,
    /// Height.
    pub cy: Emu,
}

impl Rect {
    /// A rectangle from its edges and size.
    pub const fn new(x: Emu, y: Emu, cx: Emu, cy: Emu) -> Rect {
        Rect { x, y, cx, cy }
    }
}

/// Width and height of a slide, in EMU.
pub fn slide_size(size: SlideSize) -> (Emu, Emu) {
    match size {
        SlideSize::Wide => (12_192_000, 6_858_000),
        SlideSize::Standard => (9_144_000, 6_858_000),
    }
}

fn inches(value: f64) -> Emu {
    (value * EMU_PER_INCH as f64).round() as Emu
}

/// The named boxes the built-in look places its placeholders in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Boxes {
    /// Title band of content slides.
    pub title: Rect,
    /// Picture area of content slides.
    pub content: Rect,
    /// Left half of the picture area.
    pub left: Rect,
    /// Right half of the picture area.
    pub right: Rect,
    /// The whole slide.
    pub full: Rect,
    /// Title of the title slide.
    pub ctr_title: Rect,
    /// Subtitle of the title slide.
    pub subtitle: Rect,
    /// Title of a section slide.
    pub section_title: Rect,
    /// Text under a section title.
    pub section_text: Rect,
    /// Footer text.
    pub footer: Rect,
    /// Slide number.
    pub slide_number: Rect,
    /// Date.
    pub date: Rect,
}

/// The boxes of the built-in look on a slide of `width` × `height` EMU.
pub fn boxes(width: Emu, height: Emu) -> Boxes {
    let margin = inches(0.5);
    let inner = width - 2 * margin;
    let title = Rect::new(margin, inches(0.35), inner, inches(0.9));
    let footer_y = height - inches(0.55);
    let content_y = inches(1.45);
    let content = Rect::new(margin, content_y, inner, footer_y - inches(0.1) - content_y);
    let gap = inches(0.3);
    let half = (inner - gap) / 2;
    let ctr_title = Rect::new(
        2 * margin,
        height * 30 / 100,
        width - 4 * margin,
        inches(1.5),
    );
    let section_title = Rect::new(
        2 * margin,
        height * 36 / 100,
        width - 4 * margin,
        inches(1.2),
    );
    Boxes {
        title,
        content,
        left: Rect::new(margin, content.y, half, content.cy),
        right: Rect::new(width - margin - half, content.y, half, content.cy),
        full: Rect::new(0, 0, width, height),
        ctr_title,
        subtitle: Rect::new(
            ctr_title.x,
            ctr_title.y + ctr_title.cy + inches(0.15),
            ctr_title.cx,
            inches(0.9),
        ),
        section_title,
        section_text: Rect::new(
            section_title.x,
            section_title.y + section_title.cy + inches(0.1),
            section_title.cx,
            inches(0.8),
        ),
        footer: Rect::new(margin, footer_y, inner * 6 / 10, inches(0.4)),
        slide_number: Rect::new(
            width - margin - inches(1.0),
            footer_y,
            inches(1.0),
            inches(0.4),
        ),
        date: Rect::new(margin + inner * 6 / 10, footer_y, inches(2.0), inches(0.4)),
    }
}

/// The largest rectangle of an image's proportions that fits `area`, centred in it.
pub fn contain(width_px: u32, height_px: u32, area: Rect) -> Rect {
    let (iw, ih) = (i64::from(width_px.max(1)), i64::from(height_px.max(1)));
    let (cx, cy) = if iw * area.cy <= ih * area.cx {
        (div_round(area.cy * iw, ih), area.cy)
    } else {
        (area.cx, div_round(area.cx * ih, iw))
    };
    Rect::new(
        area.x + (area.cx - cx) / 2,
        area.y + (area.cy - cy) / 2,
        cx,
        cy,
    )
}

fn div_round(numerator: i64, denominator: i64) -> i64 {
    (numerator + denominator / 2) / denominator
}

/// The most pictures one picture area is divided into.
pub const MAX_GRID: usize = 6;

/// Splits `area` into `count` cells separated by `gap`: 2 and 3 side by side, 4 as 2 × 2,
/// 5 and 6 as two rows of three, a short last row centred.
pub fn grid(area: Rect, count: usize, gap: Emu) -> Vec<Rect> {
    let columns = match count {
        0 | 1 => 1,
        2 | 4 => 2,
        _ => 3,
    };
    let rows = count.div_ceil(columns).max(1);
    let (columns_i, rows_i) = (columns as i64, rows as i64);
    let cell_cx = (area.cx - gap * (columns_i - 1)) / columns_i;
    let cell_cy = (area.cy - gap * (rows_i - 1)) / rows_i;
    (0..count)
        .map(|i| {
            let row = (i / columns) as i64;
            let in_row = if row == rows_i - 1 {
                count - (rows - 1) * columns
            } else {
                columns
            } as i64;
            let row_width = in_row * cell_cx + (in_row - 1) * gap;
            let x0 = area.x + (area.cx - row_width) / 2;
            let column = (i % columns) as i64;
            Rect::new(
                x0 + column * (cell_cx + gap),
                area.y + row * (cell_cy + gap),
                cell_cx,
                cell_cy,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contain_fits_wide_and_tall_images_without_stretching() {
        let area = Rect::new(100, 200, 4000, 2000);
        assert_eq!(contain(400, 100, area), Rect::new(100, 700, 4000, 1000));
        assert_eq!(contain(100, 400, area), Rect::new(1850, 200, 500, 2000));
        assert_eq!(contain(200, 100, area), area);
    }

    #[test]
    fn contain_does_not_overflow_on_large_values() {
        let area = Rect::new(0, 0, 12_192_000, 6_858_000);
        let fit = contain(16_000, 9_000, area);
        assert_eq!(fit, area);
    }

    #[test]
    fn grid_centres_a_short_last_row() {
        let area = Rect::new(0, 0, 3000, 2000);
        let cells = grid(area, 5, 0);
        assert_eq!(cells.len(), 5);
        assert_eq!(cells[0], Rect::new(0, 0, 1000, 1000));
        assert_eq!(cells[2], Rect::new(2000, 0, 1000, 1000));
        assert_eq!(cells[3], Rect::new(500, 1000, 1000, 1000));
        assert_eq!(cells[4], Rect::new(1500, 1000, 1000, 1000));
    }

    #[test]
    fn grid_shapes_for_each_count() {
        let area = Rect::new(0, 0, 1200, 1200);
        let shape = |n| {
            let cells = grid(area, n, 0);
            let columns = cells.iter().filter(|c| c.y == 0).count();
            (columns, cells.len().div_ceil(columns))
        };
        assert_eq!(shape(2), (2, 1));
        assert_eq!(shape(3), (3, 1));
        assert_eq!(shape(4), (2, 2));
        assert_eq!(shape(6), (3, 2));
    }

    #[test]
    fn boxes_stay_inside_the_slide_for_both_sizes() {
        for size in [SlideSize::Wide, SlideSize::Standard] {
            let (w, h) = slide_size(size);
            let b = boxes(w, h);
            for rect in [
                b.title,
                b.content,
                b.left,
                b.right,
                b.footer,
                b.slide_number,
                b.subtitle,
            ] {
                assert!(
                    rect.x >= 0 && rect.y >= 0 && rect.cx > 0 && rect.cy > 0,
                    "{rect:?}"
                );
                assert!(rect.x + rect.cx <= w && rect.y + rect.cy <= h, "{rect:?}");
            }
            assert!(b.left.x + b.left.cx < b.right.x);
            assert!(b.title.y + b.title.cy < b.content.y);
            assert!(b.content.y + b.content.cy < b.footer.y);
        }
    }
}
