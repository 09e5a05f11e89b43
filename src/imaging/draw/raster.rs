//! Raster primitives: an RGB canvas with exact boxes and anti-aliased rectangles, lines,
//! circles and rounded boxes.
//!
//! Every shape is drawn as a coverage mask that is blended once, so the overlapping segments
//! of one polyline do not darken their joints.

use image::RgbImage;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    /// The colour as `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// The colour part of the way (0 to 1) towards `other`.
    pub fn mix(self, other: Color, t: f32) -> Color {
        let t = t.clamp(0.0, 1.0);
        let channel =
            |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
        Color(
            channel(self.0, other.0),
            channel(self.1, other.1),
            channel(self.2, other.2),
        )
    }
}

/// A rectangle of whole pixels; `x1` and `y1` are exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PxRect {
    /// Left edge.
    pub x0: u32,
    /// Top edge.
    pub y0: u32,
    /// Right edge, exclusive.
    pub x1: u32,
    /// Bottom edge, exclusive.
    pub y1: u32,
}

impl PxRect {
    /// Width in pixels.
    pub fn width(self) -> u32 {
        self.x1.saturating_sub(self.x0)
    }

    /// Height in pixels.
    pub fn height(self) -> u32 {
        self.y1.saturating_sub(self.y0)
    }

    /// The rectangle moved in by `dx` on the left and right and `dy` on the top and bottom.
    pub fn inset(self, dx: u32, dy: u32) -> PxRect {
        let x0 = (self.x0 + dx).min(self.x1);
        let y0 = (self.y0 + dy).min(self.y1);
        PxRect {
            x0,
            y0,
            x1: self.x1.saturating_sub(dx).max(x0),
            y1: self.y1.saturating_sub(dy).max(y0),
        }
    }
}

/// Coverage (0 to 1) over a window of the canvas; parts of one shape combine by maximum.
#[derive(Debug)]
pub struct Mask {
    x0: i64,
    y0: i64,
    width: usize,
    height: usize,
    coverage: Vec<f32>,
}

impl Mask {
    /// An empty mask over the pixels from (`x0`, `y0`) to (`x1`, `y1`), clipped to the canvas.
    pub fn new(canvas: &Canvas, x0: f32, y0: f32, x1: f32, y1: f32) -> Mask {
        let clip = |v: f32, max: u32| (v.floor() as i64).clamp(0, i64::from(max));
        let left = clip(x0, canvas.width);
        let top = clip(y0, canvas.height);
        let right = clip(x1.ceil(), canvas.width);
        let bottom = clip(y1.ceil(), canvas.height);
        let width = (right - left).max(0) as usize;
        let height = (bottom - top).max(0) as usize;
        Mask {
            x0: left,
            y0: top,
            width,
            height,
            coverage: vec![0.0; width * height],
        }
    }

    /// Raises the coverage of canvas pixel (`x`, `y`) to at least `value`.
    pub fn add(&mut self, x: i64, y: i64, value: f32) {
        let (dx, dy) = (x - self.x0, y - self.y0);
        if dx < 0 || dy < 0 || dx >= self.width as i64 || dy >= self.height as i64 {
            return;
        }
        let cell = &mut self.coverage[dy as usize * self.width + dx as usize];
        *cell = cell.max(value.min(1.0));
    }

    /// Visits the canvas pixels of the mask inside the box, with the centre of each pixel.
    fn each_in(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, mut f: impl FnMut(f32, f32) -> f32) {
        let left = (x0.floor() as i64).max(self.x0);
        let top = (y0.floor() as i64).max(self.y0);
        let right = (x1.ceil() as i64).min(self.x0 + self.width as i64);
        let bottom = (y1.ceil() as i64).min(self.y0 + self.height as i64);
        for y in top..bottom {
            for x in left..right {
                let value = f(x as f32 + 0.5, y as f32 + 0.5);
                if value > 0.0 {
                    self.add(x, y, value);
                }
            }
        }
    }

    /// Adds a line segment `width` wide with round ends.
    pub fn segment(&mut self, a: (f32, f32), b: (f32, f32), width: f32) {
        let half = width / 2.0;
        let pad = half + 1.0;
        let (x0, x1) = (a.0.min(b.0) - pad, a.0.max(b.0) + pad);
        let (y0, y1) = (a.1.min(b.1) - pad, a.1.max(b.1) + pad);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let length2 = dx * dx + dy * dy;
        self.each_in(x0, y0, x1, y1, |px, py| {
            let t = if length2 > 0.0 {
                (((px - a.0) * dx + (py - a.1) * dy) / length2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (cx, cy) = (a.0 + dx * t, a.1 + dy * t);
            let distance = ((px - cx).powi(2) + (py - cy).powi(2)).sqrt();
            (half + 0.5 - distance).clamp(0.0, 1.0)
        });
    }
}

/// An RGB image being drawn.
#[derive(Debug, Clone)]
pub struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    /// A canvas of `width` × `height` pixels filled with `background`.
    pub fn new(width: u32, height: u32, background: Color) -> Canvas {
        let count = width as usize * height as usize;
        Canvas {
            width,
            height,
            pixels: [background.0, background.1, background.2].repeat(count),
        }
    }

    /// A canvas holding the pixels of `image`, to draw over it.
    pub fn from_image(image: RgbImage) -> Canvas {
        let (width, height) = image.dimensions();
        Canvas {
            width,
            height,
            pixels: image.into_raw(),
        }
    }

    /// The colour of one pixel, or `None` outside the canvas.
    #[cfg(test)]
    pub fn pixel(&self, x: u32, y: u32) -> Option<Color> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = (y as usize * self.width as usize + x as usize) * 3;
        Some(Color(
            self.pixels[at],
            self.pixels[at + 1],
            self.pixels[at + 2],
        ))
    }

    /// Blends `color` over pixel (`x`, `y`) with `alpha` from 0 to 1; outside pixels are skipped.
    pub fn blend(&mut self, x: i64, y: i64, color: Color, alpha: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let alpha = alpha.clamp(0.0, 1.0);
        let at = (y as usize * self.width as usize + x as usize) * 3;
        for (offset, value) in [color.0, color.1, color.2].into_iter().enumerate() {
            let old = f32::from(self.pixels[at + offset]);
            let new = old + (f32::from(value) - old) * alpha;
            self.pixels[at + offset] = new.round() as u8;
        }
    }

    /// Fills whole pixels exactly, with no anti-aliasing.
    pub fn fill_box(&mut self, rect: PxRect, color: Color) {
        let (x1, y1) = (rect.x1.min(self.width), rect.y1.min(self.height));
        if rect.x0 >= x1 || rect.y0 >= y1 {
            return;
        }
        let row = [color.0, color.1, color.2].repeat((x1 - rect.x0) as usize);
        for y in rect.y0..y1 {
            let at = (y as usize * self.width as usize + rect.x0 as usize) * 3;
            self.pixels[at..at + row.len()].copy_from_slice(&row);
        }
    }

    /// Draws a border `width` pixels wide just inside `rect`.
    pub fn frame_box(&mut self, rect: PxRect, width: u32, color: Color) {
        let w = width.min(rect.width() / 2).min(rect.height() / 2).max(1);
        let strip = |x0, y0, x1, y1| PxRect { x0, y0, x1, y1 };
        self.fill_box(strip(rect.x0, rect.y0, rect.x1, rect.y0 + w), color);
        self.fill_box(strip(rect.x0, rect.y1 - w, rect.x1, rect.y1), color);
        self.fill_box(strip(rect.x0, rect.y0, rect.x0 + w, rect.y1), color);
        self.fill_box(strip(rect.x1 - w, rect.y0, rect.x1, rect.y1), color);
    }

    /// Fills a rectangle with fractional edges; partly covered edge pixels are blended.
    pub fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Color) {
        let (x0, x1) = (x0.min(x1).max(0.0), x0.max(x1).min(self.width as f32));
        let (y0, y1) = (y0.min(y1).max(0.0), y0.max(y1).min(self.height as f32));
        if x0 >= x1 || y0 >= y1 {
            return;
        }
        // Coverage of a pixel is the product of its row's and its column's overlap, so each
        // is worked out once and the fully covered interior is copied, not blended.
        let overlap = |lo: f32, hi: f32, p: f32| (hi.min(p + 1.0) - lo.max(p)).clamp(0.0, 1.0);
        let (left, top) = (x0.floor() as u32, y0.floor() as u32);
        let (right, bottom) = (x1.ceil() as u32, y1.ceil() as u32);
        let columns: Vec<f32> = (left..right).map(|x| overlap(x0, x1, x as f32)).collect();
        let full = |c: &f32| *c >= 1.0;
        let inner_left = left + columns.iter().take_while(|c| !full(c)).count() as u32;
        let inner_right = right - columns.iter().rev().take_while(|c| !full(c)).count() as u32;
        for y in top..bottom {
            let row = overlap(y0, y1, y as f32);
            if row >= 1.0 && inner_left < inner_right {
                let inner = PxRect {
                    x0: inner_left,
                    y0: y,
                    x1: inner_right,
                    y1: y + 1,
                };
                self.fill_box(inner, color);
                for (x, c) in (left..right).zip(&columns) {
                    if x < inner_left || x >= inner_right {
                        self.blend(i64::from(x), i64::from(y), color, *c);
                    }
                }
            } else {
                for (x, c) in (left..right).zip(&columns) {
                    self.blend(i64::from(x), i64::from(y), color, c * row);
                }
            }
        }
    }

    /// Draws a polyline `width` pixels wide with round joints and ends.
    pub fn polyline(&mut self, points: &[(f32, f32)], width: f32, color: Color) {
        let Some(first) = points.first() else {
            return;
        };
        let pad = width / 2.0 + 1.0;
        let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
        for &(x, y) in points {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let mut mask = Mask::new(self, x0 - pad, y0 - pad, x1 + pad, y1 + pad);
        for pair in points.windows(2) {
            mask.segment(pair[0], pair[1], width);
        }
        if points.len() == 1 {
            mask.segment(*first, *first, width);
        }
        self.apply(&mask, color);
    }

    /// Fills a circle.
    pub fn circle(&mut self, cx: f32, cy: f32, radius: f32, color: Color) {
        let pad = radius + 1.0;
        let mut mask = Mask::new(self, cx - pad, cy - pad, cx + pad, cy + pad);
        mask.each_in(cx - pad, cy - pad, cx + pad, cy + pad, |px, py| {
            let distance = ((px - cx).powi(2) + (py - cy).powi(2)).sqrt();
            (radius + 0.5 - distance).clamp(0.0, 1.0)
        });
        self.apply(&mask, color);
    }

    /// Fills a rectangle with corners rounded to `radius`.
    pub fn round_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, radius: f32, color: Color) {
        let radius = radius.min((x1 - x0) / 2.0).min((y1 - y0) / 2.0).max(0.0);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let (hw, hh) = ((x1 - x0) / 2.0 - radius, (y1 - y0) / 2.0 - radius);
        let mut mask = Mask::new(self, x0, y0, x1, y1);
        mask.each_in(x0, y0, x1, y1, |px, py| {
            let qx = ((px - cx).abs() - hw).max(0.0);
            let qy = ((py - cy).abs() - hh).max(0.0);
            let outside = (qx * qx + qy * qy).sqrt() - radius;
            let inner = ((px - cx).abs() - hw).max((py - cy).abs() - hh).min(0.0);
            (0.5 - outside - inner).clamp(0.0, 1.0)
        });
        self.apply(&mask, color);
    }

    /// Blends `color` through a coverage mask.
    pub fn apply(&mut self, mask: &Mask, color: Color) {
        for row in 0..mask.height {
            for col in 0..mask.width {
                let coverage = mask.coverage[row * mask.width + col];
                if coverage > 0.0 {
                    self.blend(mask.x0 + col as i64, mask.y0 + row as i64, color, coverage);
                }
            }
        }
    }

    /// The finished image.
    pub fn into_image(self) -> Option<RgbImage> {
        RgbImage::from_raw(self.width, self.height, self.pixels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Color = Color(255, 255, 255);
    const INK: Color = Color(0, 0, 0);

    #[test]
    fn boxes_are_exact_and_frames_stay_inside() {
        let mut canvas = Canvas::new(10, 10, WHITE);
        let rect = PxRect {
            x0: 2,
            y0: 3,
            x1: 8,
            y1: 9,
        };
        canvas.frame_box(rect, 1, INK);
        assert_eq!(canvas.pixel(2, 3), Some(INK));
        assert_eq!(canvas.pixel(7, 8), Some(INK));
        assert_eq!(canvas.pixel(1, 3), Some(WHITE));
        assert_eq!(canvas.pixel(8, 8), Some(WHITE));
        assert_eq!(canvas.pixel(4, 5), Some(WHITE));
    }

    #[test]
    fn fractional_rectangles_blend_their_edges() {
        let mut canvas = Canvas::new(6, 3, WHITE);
        canvas.fill_rect(1.0, 0.0, 3.5, 3.0, INK);
        assert_eq!(canvas.pixel(0, 1), Some(WHITE));
        assert_eq!(canvas.pixel(2, 1), Some(INK));
        assert_eq!(canvas.pixel(3, 1), Some(Color(128, 128, 128)));
    }

    #[test]
    fn lines_and_circles_cover_their_centres_and_spare_the_rest() {
        let mut canvas = Canvas::new(20, 20, WHITE);
        canvas.polyline(&[(2.0, 10.5), (18.0, 10.5)], 1.0, INK);
        assert_eq!(canvas.pixel(10, 10), Some(INK));
        assert_eq!(canvas.pixel(10, 5), Some(WHITE));
        canvas.circle(10.0, 4.0, 2.0, INK);
        assert_eq!(canvas.pixel(9, 3), Some(INK));
        assert_eq!(canvas.pixel(15, 4), Some(WHITE));
    }

    #[test]
    fn inset_never_turns_a_rectangle_inside_out() {
        let rect = PxRect {
            x0: 0,
            y0: 0,
            x1: 4,
            y1: 4,
        };
        assert_eq!(rect.inset(1, 1).width(), 2);
        assert_eq!(rect.inset(3, 3).width(), 0);
    }

    #[test]
    fn mix_and_hex() {
        assert_eq!(INK.mix(WHITE, 0.5), Color(128, 128, 128));
        assert_eq!(Color(242, 142, 43).hex(), "#f28e2b");
    }
}
