//! Charts with axes: horizontal and vertical stacked bars and lines with markers, plus the
//! card header, legend rows and axis arithmetic they share.
//!
//! Each chart is laid out in its card's design pixels (see [`Frame`]); the ranked list and
//! the heat table live in `tables.rs`.

use super::data::{Bars, Chart, Lines, Series};
use super::frame::Frame;
use super::tables;
use crate::imaging::draw::text::{Align, Anchor, Style};

/// The colours of the sample site.
pub mod palette {
    use crate::imaging::draw::raster::Color;

    /// Dashboard background.
    pub const PAGE: Color = Color(242, 244, 247);
    /// Card background.
    pub const WHITE: Color = Color(255, 255, 255);
    /// Card border.
    pub const BORDER: Color = Color(214, 218, 224);
    /// Main text.
    pub const INK: Color = Color(38, 45, 56);
    /// Secondary text.
    pub const MUTED: Color = Color(102, 112, 125);
    /// Tertiary text.
    pub const FAINT: Color = Color(140, 148, 158);
    /// Gridlines.
    pub const GRID: Color = Color(232, 235, 239);
    /// Axis lines and ticks.
    pub const AXIS: Color = Color(178, 184, 192);
    /// Alternate table rows.
    pub const STRIPE: Color = Color(248, 249, 251);
    /// The main series.
    pub const BLUE: Color = Color(78, 121, 167);
    /// A lighter blue.
    pub const BLUE_MID: Color = Color(132, 167, 204);
    /// The lightest blue.
    pub const BLUE_LIGHT: Color = Color(190, 210, 230);
    /// Highlight series.
    pub const ORANGE: Color = Color(242, 142, 43);
    /// Third series.
    pub const TEAL: Color = Color(118, 183, 178);
    /// Fourth series.
    pub const YELLOW: Color = Color(237, 201, 72);
    /// Comparison series.
    pub const GREY_SERIES: Color = Color(170, 176, 184);
    /// Darkest end of the heat scale.
    pub const HEAT_HIGH: Color = Color(33, 84, 140);
    /// Lightest end of the heat scale.
    pub const HEAT_LOW: Color = Color(234, 241, 248);
}

use palette::*;

/// Draws a chart that fills its frame; `legend` draws the colour legend inside the card.
pub fn draw(f: &mut Frame, chart: &Chart, legend: bool) {
    match chart {
        Chart::Bars(bars) => horizontal_bars(f, bars, legend),
        Chart::Columns(bars) => columns(f, bars, legend),
        Chart::Lines(lines) => line_chart(f, lines, legend),
        Chart::Ranked(list) => tables::ranked(f, list),
        Chart::Heat(heat) => tables::heat(f, heat),
    }
}

/// A text style.
pub fn style(size: f32, color: crate::imaging::draw::raster::Color, bold: bool) -> Style {
    Style { size, color, bold }
}

/// The card title and the line under it.
pub fn header(f: &mut Frame, title: &str, subtitle: &str) {
    let title = f.fit(title, 16.0, true, f.w - 36.0);
    f.text(
        18.0,
        30.0,
        &title,
        style(16.0, INK, true),
        (Align::Left, Anchor::Baseline),
    );
    let subtitle = f.fit(subtitle, 12.0, false, f.w - 36.0);
    f.text(
        18.0,
        50.0,
        &subtitle,
        style(12.0, MUTED, false),
        (Align::Left, Anchor::Baseline),
    );
}

/// Says that the filters left nothing to show.
pub fn no_data(f: &mut Frame) {
    let at = (f.w / 2.0, f.h / 2.0);
    let message = "No data for the selected filters";
    f.text(
        at.0,
        at.1,
        message,
        style(13.0, FAINT, false),
        (Align::Center, Anchor::Middle),
    );
}

/// A right-aligned row of legend entries ending at `right`, centred on `y`; returns its width.
pub fn legend_row(f: &mut Frame, right: f32, y: f32, items: &[Series], lines: bool) -> f32 {
    let size = 12.0;
    let gap = 16.0;
    let swatch = if lines { 24.0 } else { 11.0 };
    let widths: Vec<f32> = items
        .iter()
        .map(|s| swatch + 6.0 + f.text_width(&s.name, size, false))
        .collect();
    let total = widths.iter().sum::<f32>() + gap * items.len().saturating_sub(1) as f32;
    let mut x = right - total;
    for (item, width) in items.iter().zip(&widths) {
        if !lines {
            f.rect(x, y - 5.5, x + swatch, y + 5.5, item.color);
        } else if item.dashed {
            f.dashed(&[(x, y), (x + swatch, y)], 2.0, 5.0, 3.0, item.color);
        } else {
            f.line(&[(x, y), (x + swatch, y)], 2.0, item.color);
            f.dot(x + swatch / 2.0, y, 4.0, WHITE);
            f.dot(x + swatch / 2.0, y, 3.0, item.color);
        }
        let label = (Align::Left, Anchor::Middle);
        f.text(
            x + swatch + 6.0,
            y,
            &item.name,
            style(size, MUTED, false),
            label,
        );
        x += width + gap;
    }
    total
}

/// A round axis maximum at or above `max`, and the step between its ticks.
pub fn nice_axis(max: u32) -> (u32, u32) {
    let max = max.max(1);
    let rough = f64::from(max) / 5.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .filter(|step| step.fract() == 0.0 || *step < 1.0)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * magnitude)
        .max(1.0)
        .round() as u32;
    (max.div_ceil(step) * step, step)
}

/// Horizontal bars stacked by series, with a value axis along the bottom.
fn horizontal_bars(f: &mut Frame, bars: &Bars, legend: bool) {
    header(f, &bars.title, &bars.subtitle);
    let stacked = bars.series.len() > 1;
    if stacked && legend {
        legend_row(f, f.w - 20.0, 82.0, &bars.series, false);
    }
    if bars.categories.is_empty() {
        return no_data(f);
    }
    let widest = bars
        .categories
        .iter()
        .map(|c| f.text_width(c, 13.0, false))
        .fold(0.0, f32::max);
    let left = (18.0 + widest + 12.0).clamp(70.0, f.w * 0.4);
    let (right, top, bottom) = (f.w - 56.0, if stacked { 104.0 } else { 72.0 }, f.h - 62.0);
    let totals: Vec<u32> = bars.values.iter().map(|v| v.iter().sum()).collect();
    let (axis_max, step) = nice_axis(totals.iter().copied().max().unwrap_or(1));
    let vx = |v: u32| left + (right - left) * v as f32 / axis_max as f32;

    for tick in (0..=axis_max).step_by(step as usize) {
        if tick > 0 {
            f.vrule(vx(tick), top, bottom, GRID);
        }
        let label = (Align::Center, Anchor::Baseline);
        f.text(
            vx(tick),
            bottom + 18.0,
            &tick.to_string(),
            style(11.0, MUTED, false),
            label,
        );
    }
    f.vrule(left, top, bottom, AXIS);
    let centre = (left + right) / 2.0;
    f.text(
        centre,
        bottom + 42.0,
        &bars.axis,
        style(12.0, MUTED, false),
        (Align::Center, Anchor::Baseline),
    );

    let band = (bottom - top) / bars.categories.len() as f32;
    let thick = (band * 0.6).min(40.0);
    for (i, (name, values)) in bars.categories.iter().zip(&bars.values).enumerate() {
        let cy = top + band * (i as f32 + 0.5);
        let name = f.fit(name, 13.0, false, left - 24.0);
        f.text(
            left - 12.0,
            cy,
            &name,
            style(13.0, INK, false),
            (Align::Right, Anchor::Middle),
        );
        let mut sum = 0;
        for (series, &n) in bars.series.iter().zip(values) {
            let (x0, x1) = (vx(sum), vx(sum + n));
            f.rect(
                x0 + if sum > 0 { 1.0 } else { 0.0 },
                cy - thick / 2.0,
                x1,
                cy + thick / 2.0,
                series.color,
            );
            if stacked && x1 - x0 >= 26.0 {
                let ink = if series.color == BLUE { WHITE } else { INK };
                f.text(
                    (x0 + x1) / 2.0,
                    cy,
                    &n.to_string(),
                    style(11.0, ink, false),
                    (Align::Center, Anchor::Middle),
                );
            }
            sum += n;
        }
        f.text(
            vx(sum) + 8.0,
            cy,
            &sum.to_string(),
            style(13.0, INK, true),
            (Align::Left, Anchor::Middle),
        );
    }
}

/// Vertical bars stacked by series, with a value axis on the left.
fn columns(f: &mut Frame, bars: &Bars, legend: bool) {
    header(f, &bars.title, &bars.subtitle);
    let stacked = bars.series.len() > 1;
    if stacked && legend {
        legend_row(f, f.w - 20.0, 82.0, &bars.series, false);
    }
    if bars.categories.is_empty() {
        return no_data(f);
    }
    let (left, right) = (56.0, f.w - 24.0);
    let (top, bottom) = (if stacked { 112.0 } else { 80.0 }, f.h - 70.0);
    let totals: Vec<u32> = bars.values.iter().map(|v| v.iter().sum()).collect();
    let (axis_max, step) = nice_axis(totals.iter().copied().max().unwrap_or(1));
    let vy = |v: u32| bottom - (bottom - top) * v as f32 / axis_max as f32;

    for tick in (0..=axis_max).step_by(step as usize) {
        if tick > 0 {
            f.hrule(left, right, vy(tick), GRID);
        }
        let label = (Align::Right, Anchor::Middle);
        f.text(
            left - 10.0,
            vy(tick),
            &tick.to_string(),
            style(11.0, MUTED, false),
            label,
        );
    }
    f.hrule(left, right, bottom, AXIS);
    let centre = (left + right) / 2.0;
    f.text(
        centre,
        bottom + 50.0,
        &bars.axis,
        style(12.0, MUTED, false),
        (Align::Center, Anchor::Baseline),
    );

    let slot = (right - left) / bars.categories.len() as f32;
    let width = (slot * 0.6).min(88.0);
    for (i, (name, values)) in bars.categories.iter().zip(&bars.values).enumerate() {
        let cx = left + slot * (i as f32 + 0.5);
        let (x0, x1) = (cx - width / 2.0, cx + width / 2.0);
        let mut sum = 0;
        for (series, &n) in bars.series.iter().zip(values) {
            let (y0, y1) = (vy(sum + n), vy(sum));
            f.rect(
                x0,
                y0,
                x1,
                y1 - if sum > 0 { 1.0 } else { 0.0 },
                series.color,
            );
            if stacked && y1 - y0 >= 18.0 {
                let ink = if series.color == YELLOW { INK } else { WHITE };
                f.text(
                    cx,
                    (y0 + y1) / 2.0,
                    &n.to_string(),
                    style(11.0, ink, true),
                    (Align::Center, Anchor::Middle),
                );
            }
            sum += n;
        }
        f.text(
            cx,
            vy(sum) - 8.0,
            &sum.to_string(),
            style(13.0, INK, true),
            (Align::Center, Anchor::Baseline),
        );
        let name = f.fit(name, 12.0, false, slot - 4.0);
        f.text(
            cx,
            bottom + 22.0,
            &name,
            style(12.0, INK, false),
            (Align::Center, Anchor::Baseline),
        );
    }
}

/// Lines over labels; the last series gets markers and data labels.
fn line_chart(f: &mut Frame, lines: &Lines, legend: bool) {
    header(f, &lines.title, &lines.subtitle);
    if legend && lines.series.len() > 1 {
        let items: Vec<Series> = lines.series.iter().rev().cloned().collect();
        legend_row(f, f.w - 20.0, 26.0, &items, true);
    }
    let (left, right, top, bottom) = (54.0, f.w - 28.0, 72.0, f.h - 44.0);
    let max = lines.values.iter().flatten().copied().max().unwrap_or(1);
    let (axis_max, step) = nice_axis(max);
    let vy = |v: u32| bottom - (bottom - top) * v as f32 / axis_max as f32;
    let slot = (right - left) / lines.labels.len().max(1) as f32;
    let mx = |i: usize| left + slot * (i as f32 + 0.5);

    for tick in (0..=axis_max).step_by(step as usize) {
        if tick > 0 {
            f.hrule(left, right, vy(tick), GRID);
        }
        let label = (Align::Right, Anchor::Middle);
        f.text(
            left - 10.0,
            vy(tick),
            &tick.to_string(),
            style(11.0, MUTED, false),
            label,
        );
    }
    f.hrule(left, right, bottom, AXIS);
    for (i, label) in lines.labels.iter().enumerate() {
        f.vrule(mx(i), bottom, bottom + 4.0, AXIS);
        f.text(
            mx(i),
            bottom + 20.0,
            label,
            style(11.0, MUTED, false),
            (Align::Center, Anchor::Baseline),
        );
    }

    let last = lines.series.len().saturating_sub(1);
    for (index, (series, values)) in lines.series.iter().zip(&lines.values).enumerate() {
        let points: Vec<(f32, f32)> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| (mx(i), vy(v)))
            .collect();
        if series.dashed {
            f.dashed(&points, 2.0, 6.0, 4.0, series.color);
        } else {
            f.line(&points, 2.5, series.color);
        }
        if index != last {
            if let (Some(&(x, y)), Some(v)) = (points.last(), values.last()) {
                let at = (Align::Left, Anchor::Baseline);
                f.text(
                    x + 6.0,
                    y - 8.0,
                    &v.to_string(),
                    style(11.0, FAINT, false),
                    at,
                );
            }
            continue;
        }
        for (&(x, y), v) in points.iter().zip(values) {
            f.dot(x, y, 5.0, WHITE);
            f.dot(x, y, 3.5, series.color);
            let below = y + 20.0 <= bottom - 4.0;
            let ly = if below { y + 20.0 } else { y - 10.0 };
            f.text(
                x,
                ly,
                &v.to_string(),
                style(11.0, series.color, true),
                (Align::Center, Anchor::Baseline),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers_above_the_data() {
        assert_eq!(nice_axis(42), (50, 10));
        assert_eq!(nice_axis(18), (20, 5));
        assert_eq!(nice_axis(7), (8, 2));
        assert_eq!(nice_axis(0), (1, 1));
        assert_eq!(nice_axis(96), (100, 20));
        let (max, step) = nice_axis(1234);
        assert!(max >= 1234 && max % step == 0 && max / step <= 6);
    }
}
