//! Table-like charts: a ranked list with inline bars and a heat table with a colour scale.

use super::charts::palette::*;
use super::charts::{header, no_data, style};
use super::data::{Heat, Ranked};
use super::frame::Frame;
use crate::imaging::draw::text::{Align, Anchor};

/// The lowest utilisation the heat scale distinguishes, in percent.
const HEAT_FLOOR: u32 = 40;

/// A ranked list: rank, name, a bar, the count and its share of the total.
pub fn ranked(f: &mut Frame, list: &Ranked) {
    let title = f.fit(&list.title, 16.0, true, f.w * 0.5);
    f.text(
        18.0,
        30.0,
        &title,
        style(16.0, INK, true),
        (Align::Left, Anchor::Baseline),
    );
    let note = f.fit(&list.note, 12.0, false, f.w * 0.45);
    f.text(
        f.w - 18.0,
        30.0,
        &note,
        style(12.0, MUTED, false),
        (Align::Right, Anchor::Baseline),
    );
    if list.rows.is_empty() {
        return no_data(f);
    }

    let (rank_x, name_x) = (28.0, 50.0);
    let (bar_left, bar_right) = (f.w * 0.42, f.w * 0.75);
    let (count_x, share_x) = (f.w * 0.85, f.w - 18.0);
    let head = style(11.0, FAINT, false);
    let at = |align| (align, Anchor::Baseline);
    f.text(rank_x, 62.0, "#", head, at(Align::Center));
    f.text(name_x, 62.0, "HAZARD", head, at(Align::Left));
    f.text(bar_left, 62.0, "INCIDENTS", head, at(Align::Left));
    f.text(count_x, 62.0, "COUNT", head, at(Align::Right));
    f.text(share_x, 62.0, "SHARE", head, at(Align::Right));
    f.hrule(16.0, f.w - 16.0, 72.0, AXIS);

    let row_h = ((f.h - 73.0 - 12.0) / list.rows.len() as f32).min(40.0);
    let max = list.rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    for (i, (name, n)) in list.rows.iter().enumerate() {
        let y = 73.0 + row_h * i as f32;
        let cy = y + row_h / 2.0;
        if i % 2 == 1 {
            f.rect(16.0, y, f.w - 16.0, y + row_h, STRIPE);
        }
        let mid = |align| (align, Anchor::Middle);
        f.text(
            rank_x,
            cy,
            &(i + 1).to_string(),
            style(13.0, MUTED, false),
            mid(Align::Center),
        );
        let name = f.fit(name, 13.0, false, bar_left - name_x - 12.0);
        f.text(name_x, cy, &name, style(13.0, INK, false), mid(Align::Left));
        let length = (bar_right - bar_left) * *n as f32 / max as f32;
        let half = (row_h * 0.2).min(8.0);
        f.rect(bar_left, cy - half, bar_left + length, cy + half, ORANGE);
        f.text(
            count_x,
            cy,
            &n.to_string(),
            style(13.0, INK, true),
            mid(Align::Right),
        );
        let share = format!(
            "{:.1}%",
            100.0 * f64::from(*n) / f64::from(list.total.max(1))
        );
        f.text(
            share_x,
            cy,
            &share,
            style(13.0, MUTED, false),
            mid(Align::Right),
        );
        if i + 1 < list.rows.len() {
            f.hrule(16.0, f.w - 16.0, y + row_h - 1.0, GRID);
        }
    }
}

/// The heat colour of a percentage.
fn heat_color(value: u32) -> crate::imaging::draw::raster::Color {
    let t = value.saturating_sub(HEAT_FLOOR) as f32 / (100 - HEAT_FLOOR) as f32;
    HEAT_LOW.mix(HEAT_HIGH, t)
}

/// A heat table: a row per item, a column per period, each cell coloured by its value.
pub fn heat(f: &mut Frame, heat: &Heat) {
    header(f, &heat.title, &heat.subtitle);
    if heat.rows.is_empty() {
        return no_data(f);
    }
    let label_w = 90.0;
    let (left, top) = (18.0 + label_w, 96.0);
    let cell_w = (f.w - 18.0 - left) / heat.columns.len().max(1) as f32;
    let cell_h = ((f.h - top - 80.0) / heat.rows.len() as f32).min(56.0);

    for (j, column) in heat.columns.iter().enumerate() {
        let cx = left + cell_w * (j as f32 + 0.5);
        f.text(
            cx,
            top - 12.0,
            column,
            style(12.0, MUTED, false),
            (Align::Center, Anchor::Baseline),
        );
    }
    for (i, (row, values)) in heat.rows.iter().zip(&heat.values).enumerate() {
        let y = top + cell_h * i as f32;
        let cy = y + cell_h / 2.0;
        let name = f.fit(row, 13.0, false, label_w - 12.0);
        f.text(
            left - 12.0,
            cy,
            &name,
            style(13.0, INK, false),
            (Align::Right, Anchor::Middle),
        );
        for (j, &value) in values.iter().enumerate() {
            let x = left + cell_w * j as f32;
            f.rect(
                x + 1.0,
                y + 1.0,
                x + cell_w - 1.0,
                y + cell_h - 1.0,
                heat_color(value),
            );
            let dark = value >= 70;
            let ink = if dark { WHITE } else { INK };
            let label = format!("{value}%");
            f.text(
                x + cell_w / 2.0,
                cy,
                &label,
                style(13.0, ink, dark),
                (Align::Center, Anchor::Middle),
            );
        }
    }
    scale(f, left, top + cell_h * heat.rows.len() as f32 + 36.0);
}

/// The colour scale under a heat table.
fn scale(f: &mut Frame, left: f32, y: f32) {
    let width = (f.w - 18.0 - left).min(220.0);
    f.text(
        left,
        y - 8.0,
        "Utilisation",
        style(12.0, MUTED, false),
        (Align::Left, Anchor::Baseline),
    );
    let steps = 60;
    for k in 0..steps {
        let x0 = left + width * k as f32 / steps as f32;
        let x1 = left + width * (k + 1) as f32 / steps as f32;
        let value = HEAT_FLOOR + (100 - HEAT_FLOOR) * k / (steps - 1);
        f.rect(x0, y, x1 + 0.5, y + 10.0, heat_color(value));
    }
    let ticks = [
        (HEAT_FLOOR, Align::Left),
        (70, Align::Center),
        (100, Align::Right),
    ];
    for (value, align) in ticks {
        let x = left + width * (value - HEAT_FLOOR) as f32 / (100 - HEAT_FLOOR) as f32;
        let label = format!("{value}%");
        f.text(
            x,
            y + 26.0,
            &label,
            style(11.0, MUTED, false),
            (align, Anchor::Baseline),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heat_scale_runs_from_light_to_dark() {
        assert_eq!(heat_color(0), HEAT_LOW);
        assert_eq!(heat_color(HEAT_FLOOR), HEAT_LOW);
        assert_eq!(heat_color(100), HEAT_HIGH);
        let mid = heat_color(70);
        assert!(mid.0 < HEAT_LOW.0 && mid.0 > HEAT_HIGH.0);
    }
}
