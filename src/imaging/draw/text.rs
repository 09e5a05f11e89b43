//! Text: the bundled Carlito font (SIL OFL 1.1, see `fonts/OFL.txt`) measured and drawn
//! with `ab_glyph`.
//!
//! Sizes are em sizes in pixels, as in CSS. Bold is drawn by overprinting the regular face a
//! fraction of the size to the right, so one font file serves both weights.

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};

use super::raster::{Canvas, Color, Mask};

/// The font file.
static FONT_BYTES: &[u8] = include_bytes!("fonts/Carlito-Regular.ttf");

/// The parsed font; the bytes are compiled in, and a unit test proves they parse.
static FONT: LazyLock<FontRef<'static>> =
    LazyLock::new(|| FontRef::try_from_slice(FONT_BYTES).expect("the bundled font parses"));

/// The height of a capital letter as a share of the em size.
static CAP_HEIGHT: LazyLock<f32> = LazyLock::new(|| {
    let size = 100.0;
    let glyph = FONT
        .glyph_id('H')
        .with_scale_and_position(scale(size), point(0.0, 0.0));
    FONT.outline_glyph(glyph)
        .map_or(0.64, |outlined| -outlined.px_bounds().min.y / size)
});

/// How far right bold overprints, as a share of the em size.
const BOLD_OFFSET: f32 = 0.045;

/// Where a text's `x` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `x` is the left end.
    Left,
    /// `x` is the middle.
    Center,
    /// `x` is the right end.
    Right,
}

/// Where a text's `y` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `y` is the baseline.
    Baseline,
    /// `y` is halfway up the capitals, which centres a label on a bar or a row.
    Middle,
}

/// How a text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Em size in pixels.
    pub size: f32,
    /// Ink colour.
    pub color: Color,
    /// Bold or regular.
    pub bold: bool,
}

/// The `ab_glyph` scale for an em size in pixels.
fn scale(size: f32) -> PxScale {
    let units = FONT.units_per_em().unwrap_or(2048.0);
    PxScale::from(size * FONT.height_unscaled() / units)
}

/// Each glyph of `text` with its pen position from the start of the line.
fn layout(text: &str, size: f32) -> (Vec<(GlyphId, f32)>, f32) {
    let font = FONT.as_scaled(scale(size));
    let mut caret = 0.0;
    let mut previous: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(prev) = previous {
            caret += font.kern(prev, id);
        }
        glyphs.push((id, caret));
        caret += font.h_advance(id);
        previous = Some(id);
    }
    (glyphs, caret)
}

/// The advance width of `text` in pixels.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    let extra = if bold { BOLD_OFFSET * size } else { 0.0 };
    layout(text, size).1 + extra
}

/// The height of capitals in pixels at an em size.
pub fn cap_height(size: f32) -> f32 {
    *CAP_HEIGHT * size
}

/// `text`, or as much of it as fits in `max` pixels followed by an ellipsis.
pub fn fit(text: &str, size: f32, bold: bool, max: f32) -> String {
    if width(text, size, bold) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if width(&candidate, size, bold) <= max {
            return candidate;
        }
    }
    String::new()
}

/// Draws `text` at (`x`, `y`) on the canvas and returns its width.
pub fn draw(
    canvas: &mut Canvas,
    x: f32,
    y: f32,
    text: &str,
    style: Style,
    at: (Align, Anchor),
) -> f32 {
    let (glyphs, advance) = layout(text, style.size);
    let offset = if style.bold {
        BOLD_OFFSET * style.size
    } else {
        0.0
    };
    let total = advance + offset;
    let left = match at.0 {
        Align::Left => x,
        Align::Center => x - total / 2.0,
        Align::Right => x - total,
    };
    let baseline = match at.1 {
        Anchor::Baseline => y,
        Anchor::Middle => y + cap_height(style.size) / 2.0,
    };

    let font = FONT.as_scaled(scale(style.size));
    let mut mask = Mask::new(
        canvas,
        left - style.size,
        baseline - font.ascent() - 2.0,
        left + total + style.size,
        baseline - font.descent() + 2.0,
    );
    let passes: &[f32] = if style.bold { &[0.0, offset] } else { &[0.0] };
    for &shift in passes {
        for &(id, pen) in &glyphs {
            let glyph =
                id.with_scale_and_position(scale(style.size), point(left + pen + shift, baseline));
            if let Some(outlined) = FONT.outline_glyph(glyph) {
                let bounds = outlined.px_bounds();
                outlined.draw(|gx, gy, coverage| {
                    let px = bounds.min.x as i64 + i64::from(gx);
                    let py = bounds.min.y as i64 + i64::from(gy);
                    mask.add(px, py, coverage);
                });
            }
        }
    }
    canvas.apply(&mask, style.color);
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Color = Color(255, 255, 255);

    #[test]
    fn the_bundled_font_parses_and_has_the_glyphs_the_charts_use() {
        for c in "Safety Overview — Incidents · 2025 – % …"
            .chars()
            .filter(|c| *c != ' ')
        {
            assert_ne!(FONT.glyph_id(c).0, 0, "no glyph for {c:?}");
        }
        assert!((0.55..0.75).contains(&*CAP_HEIGHT));
    }

    #[test]
    fn widths_grow_with_size_and_weight() {
        let regular = width("Incidents", 12.0, false);
        assert!(regular > 30.0 && regular < 70.0, "{regular}");
        assert!((width("Incidents", 24.0, false) - 2.0 * regular).abs() < 0.01);
        assert!(width("Incidents", 12.0, true) > regular);
    }

    #[test]
    fn fit_shortens_with_an_ellipsis_only_when_needed() {
        assert_eq!(fit("Bird strike", 12.0, false, 500.0), "Bird strike");
        let short = fit("Ground equipment contact", 12.0, false, 60.0);
        assert!(
            short.ends_with('…') && width(&short, 12.0, false) <= 60.0,
            "{short}"
        );
    }

    #[test]
    fn drawing_inks_pixels_where_the_text_is() {
        let mut canvas = Canvas::new(120, 40, WHITE);
        let style = Style {
            size: 20.0,
            color: Color(0, 0, 0),
            bold: true,
        };
        let drawn = draw(
            &mut canvas,
            60.0,
            20.0,
            "HH",
            style,
            (Align::Center, Anchor::Middle),
        );
        let inked = (0..120)
            .flat_map(|x| (0..40).map(move |y| (x, y)))
            .filter(|&(x, y)| canvas.pixel(x, y) != Some(WHITE))
            .collect::<Vec<_>>();
        assert!(!inked.is_empty());
        let (min_x, max_x) = (
            inked.iter().map(|p| p.0).min(),
            inked.iter().map(|p| p.0).max(),
        );
        assert!(
            min_x >= Some(60 - drawn as u32 / 2 - 1) && max_x <= Some(60 + drawn as u32 / 2 + 1)
        );
        assert!(inked.iter().all(|&(_, y)| (12..=28).contains(&y)));
    }
}
