//! A drawing frame: one card's design coordinates mapped onto a region of the canvas.
//!
//! Charts are laid out in the pixels of their card at the dashboard's declared size; the
//! frame scales each axis to the card's real size in the rendered image, so a 2× render puts
//! every mark exactly twice as far from the card's corner.

use crate::imaging::draw::raster::{Canvas, Color, PxRect};
use crate::imaging::draw::text::{self, Align, Anchor, Style};

/// One card's design coordinates over a region of the canvas.
#[derive(Debug)]
pub struct Frame<'a> {
    canvas: &'a mut Canvas,
    ox: f32,
    oy: f32,
    sx: f32,
    sy: f32,
    /// Scale for text sizes and stroke widths: the smaller axis scale, so text never overflows.
    s: f32,
    /// Design width.
    pub w: f32,
    /// Design height.
    pub h: f32,
}

impl<'a> Frame<'a> {
    /// A frame mapping a `design_w` × `design_h` card onto `area` of the canvas.
    pub fn new(canvas: &'a mut Canvas, area: PxRect, design_w: f32, design_h: f32) -> Frame<'a> {
        let sx = area.width() as f32 / design_w.max(1.0);
        let sy = area.height() as f32 / design_h.max(1.0);
        Frame {
            canvas,
            ox: area.x0 as f32,
            oy: area.y0 as f32,
            sx,
            sy,
            s: sx.min(sy),
            w: design_w,
            h: design_h,
        }
    }

    /// The canvas x of a design x.
    fn x(&self, x: f32) -> f32 {
        self.ox + x * self.sx
    }

    /// The canvas y of a design y.
    fn y(&self, y: f32) -> f32 {
        self.oy + y * self.sy
    }

    /// A stroke width in canvas pixels, never thinner than one pixel.
    fn stroke(&self, width: f32) -> f32 {
        (width * self.s).max(1.0)
    }

    /// Fills a rectangle given by its corners.
    pub fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, color: Color) {
        let (a, b, c, d) = (self.x(x0), self.y(y0), self.x(x1), self.y(y1));
        self.canvas.fill_rect(a, b, c, d, color);
    }

    /// Fills a rectangle with rounded corners.
    pub fn round_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, radius: f32, color: Color) {
        let (a, b, c, d) = (self.x(x0), self.y(y0), self.x(x1), self.y(y1));
        self.canvas.round_rect(a, b, c, d, radius * self.s, color);
    }

    /// A crisp horizontal rule one design pixel thick, snapped to whole canvas pixels.
    pub fn hrule(&mut self, x0: f32, x1: f32, y: f32, color: Color) {
        let thick = self.stroke(1.0).round();
        let top = self.y(y).round();
        let (a, c) = (self.x(x0).round(), self.x(x1).round());
        self.canvas.fill_rect(a, top, c, top + thick, color);
    }

    /// A crisp vertical rule one design pixel thick, snapped to whole canvas pixels.
    pub fn vrule(&mut self, x: f32, y0: f32, y1: f32, color: Color) {
        let thick = self.stroke(1.0).round();
        let left = self.x(x).round();
        let (b, d) = (self.y(y0).round(), self.y(y1).round());
        self.canvas.fill_rect(left, b, left + thick, d, color);
    }

    /// A polyline `width` design pixels wide.
    pub fn line(&mut self, points: &[(f32, f32)], width: f32, color: Color) {
        let mapped: Vec<(f32, f32)> = points
            .iter()
            .map(|&(x, y)| (self.x(x), self.y(y)))
            .collect();
        let stroke = self.stroke(width);
        self.canvas.polyline(&mapped, stroke, color);
    }

    /// A dashed polyline: `dash` design pixels drawn, `gap` skipped, along its whole length.
    pub fn dashed(&mut self, points: &[(f32, f32)], width: f32, dash: f32, gap: f32, color: Color) {
        let mut pieces: Vec<Vec<(f32, f32)>> = Vec::new();
        let mut drawing = true;
        let mut left = dash;
        let mut current = points.first().map(|&p| vec![p]).unwrap_or_default();
        for pair in points.windows(2) {
            let (mut a, b) = (pair[0], pair[1]);
            let mut length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
            while length > left {
                let t = left / length;
                let cut = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
                if drawing {
                    current.push(cut);
                    pieces.push(std::mem::take(&mut current));
                } else {
                    current = vec![cut];
                }
                drawing = !drawing;
                length -= left;
                left = if drawing { dash } else { gap };
                a = cut;
            }
            left -= length;
            if drawing {
                current.push(b);
            }
        }
        if drawing && current.len() > 1 {
            pieces.push(current);
        }
        for piece in pieces {
            self.line(&piece, width, color);
        }
    }

    /// A filled circle of `radius` design pixels.
    pub fn dot(&mut self, cx: f32, cy: f32, radius: f32, color: Color) {
        let (x, y) = (self.x(cx), self.y(cy));
        self.canvas.circle(x, y, radius * self.s, color);
    }

    /// Draws text at a design position and returns its width in design pixels.
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        content: &str,
        style: Style,
        at: (Align, Anchor),
    ) -> f32 {
        let scaled = Style {
            size: style.size * self.s,
            ..style
        };
        let (cx, cy) = (self.x(x), self.y(y));
        text::draw(self.canvas, cx, cy, content, scaled, at) / self.sx
    }

    /// The width of text in design pixels.
    pub fn text_width(&self, content: &str, size: f32, bold: bool) -> f32 {
        text::width(content, size * self.s, bold) / self.sx
    }

    /// `content` shortened with an ellipsis to fit `max` design pixels.
    pub fn fit(&self, content: &str, size: f32, bold: bool, max: f32) -> String {
        text::fit(content, size * self.s, bold, max * self.sx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Color = Color(255, 255, 255);
    const INK: Color = Color(0, 0, 0);

    fn area(x0: u32, y0: u32, x1: u32, y1: u32) -> PxRect {
        PxRect { x0, y0, x1, y1 }
    }

    #[test]
    fn design_coordinates_scale_with_the_area() {
        let mut canvas = Canvas::new(40, 40, WHITE);
        let mut frame = Frame::new(&mut canvas, area(10, 10, 30, 30), 10.0, 10.0);
        frame.rect(2.0, 2.0, 4.0, 4.0, INK);
        assert_eq!(canvas.pixel(14, 14), Some(INK));
        assert_eq!(canvas.pixel(17, 17), Some(INK));
        assert_eq!(canvas.pixel(18, 18), Some(WHITE));
        assert_eq!(canvas.pixel(13, 13), Some(WHITE));
    }

    #[test]
    fn rules_are_whole_pixels() {
        let mut canvas = Canvas::new(20, 20, WHITE);
        let mut frame = Frame::new(&mut canvas, area(0, 0, 20, 20), 20.0, 20.0);
        frame.hrule(2.0, 18.0, 5.3, INK);
        assert_eq!(canvas.pixel(10, 5), Some(INK));
        assert_eq!(canvas.pixel(10, 4), Some(WHITE));
        assert_eq!(canvas.pixel(10, 6), Some(WHITE));
    }

    #[test]
    fn dashes_leave_gaps() {
        let mut canvas = Canvas::new(40, 10, WHITE);
        let mut frame = Frame::new(&mut canvas, area(0, 0, 40, 10), 40.0, 10.0);
        frame.dashed(&[(0.0, 5.0), (40.0, 5.0)], 1.0, 4.0, 4.0, INK);
        let row: Vec<bool> = (0..40).map(|x| canvas.pixel(x, 5) != Some(WHITE)).collect();
        assert!(row[1] && !row[6] && row[9] && !row[14]);
    }
}
