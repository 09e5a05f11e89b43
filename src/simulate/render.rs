//! Rendering a view to PNG: a dashboard zone by zone from its layout, or one worksheet alone.
//!
//! Every card is the zone's rectangle scaled to the output size and inset by the zone's
//! margin ([`Dashboard::card`]), the same arithmetic a client applies to the `.twb`, so a crop
//! by sheet lands exactly on the card at any resolution.

use image::DynamicImage;

use crate::imaging::{ImageError, encode_png};

use super::catalog::{Catalog, SHEET_SIZE, Target, View, Workbook};
use super::charts::palette::*;
use super::charts::{self, legend_row, style};
use super::data;
use super::frame::Frame;
use super::layout::{Dashboard, Zone, ZoneKind};
use super::query::ViewFilters;
use crate::imaging::draw::raster::{Canvas, PxRect};
use crate::imaging::draw::text::{Align, Anchor};

/// The declared size of a view: the dashboard's fixed size, or the worksheet size.
pub fn declared_size(catalog: &Catalog, view: &View) -> (u32, u32) {
    let workbook = &catalog.workbooks[view.workbook];
    match view.target {
        Target::Dashboard(d) => (workbook.dashboards[d].width, workbook.dashboards[d].height),
        Target::Sheet(_) => SHEET_SIZE,
    }
}

/// Renders a view at `width` × `height` pixels under the request's filters, as PNG bytes.
pub fn render(
    catalog: &Catalog,
    view: &View,
    width: u32,
    height: u32,
    filters: &ViewFilters,
) -> Result<Vec<u8>, ImageError> {
    let workbook = &catalog.workbooks[view.workbook];
    let source = &workbook.source;
    let params: Vec<&str> = source.parameters.iter().map(|p| p.0).collect();
    let filters = &filters.known(&source.dimensions, &params);
    let canvas = match view.target {
        Target::Dashboard(d) => {
            dashboard(workbook, &workbook.dashboards[d], width, height, filters)
        }
        Target::Sheet(s) => worksheet(workbook, s, width, height, filters),
    };
    let image = canvas
        .into_image()
        .ok_or_else(|| ImageError::Encode("canvas size mismatch".into()))?;
    encode_png(&DynamicImage::ImageRgb8(image))
}

/// A worksheet on its own: the chart fills the white image.
fn worksheet(
    workbook: &Workbook,
    index: usize,
    width: u32,
    height: u32,
    filters: &ViewFilters,
) -> Canvas {
    let sheet = &workbook.sheets[index];
    let chart = data::chart(
        sheet.chart,
        &sheet.name,
        &workbook.name,
        workbook.year,
        filters,
    );
    let mut canvas = Canvas::new(width, height, WHITE);
    let area = PxRect {
        x0: 0,
        y0: 0,
        x1: width,
        y1: height,
    };
    let mut frame = Frame::new(&mut canvas, area, SHEET_SIZE.0 as f32, SHEET_SIZE.1 as f32);
    charts::draw(&mut frame, &chart, true);
    canvas
}

/// A dashboard: the page, then every zone in document order, floating zones last.
fn dashboard(
    workbook: &Workbook,
    dash: &Dashboard,
    width: u32,
    height: u32,
    filters: &ViewFilters,
) -> Canvas {
    let mut canvas = Canvas::new(width, height, PAGE);
    let border = ((width as f32 / dash.width as f32).min(height as f32 / dash.height as f32))
        .round()
        .max(1.0);
    for zone in dash.leaves() {
        let card = dash.card(zone, width, height);
        let design = dash.card(zone, dash.width, dash.height);
        let (dw, dh) = (design.width() as f32, design.height() as f32);
        // A legend floats over its sheet's card without a card of its own.
        if matches!(zone.kind, ZoneKind::Legend { .. }) {
            legend_zone(&mut canvas, workbook, zone, (card, dw, dh), filters);
            continue;
        }
        canvas.fill_box(card, WHITE);
        canvas.frame_box(card, border as u32, BORDER);
        let mut frame = Frame::new(&mut canvas, card, dw, dh);
        match &zone.kind {
            ZoneKind::Title => title_zone(&mut frame, dash, filters),
            ZoneKind::Filter { field } => filter_zone(&mut frame, field, filters),
            _ => sheet_zone(&mut frame, workbook, dash, zone, filters),
        }
    }
    canvas
}

/// The chart of a worksheet zone; its legend is left out when a legend zone shows it.
fn sheet_zone(
    f: &mut Frame,
    workbook: &Workbook,
    dash: &Dashboard,
    zone: &Zone,
    filters: &ViewFilters,
) {
    let name = zone.name.as_deref().unwrap_or_default();
    let Some(sheet) = workbook.sheets.iter().find(|s| s.name == name) else {
        return charts::no_data(f);
    };
    let chart = data::chart(
        sheet.chart,
        &sheet.name,
        &workbook.name,
        workbook.year,
        filters,
    );
    charts::draw(f, &chart, !dash.has_legend_for(name));
}

/// The title zone: an accent bar, the dashboard title, the active filters and a data note.
fn title_zone(f: &mut Frame, dash: &Dashboard, filters: &ViewFilters) {
    f.rect(0.0, 0.0, 6.0, f.h, BLUE);
    let size = (f.h * 0.33).min(24.0);
    let baseline = f.h * 0.5 + 1.0;
    let title = f.fit(&dash.title, size, true, f.w * 0.7);
    f.text(
        22.0,
        baseline,
        &title,
        style(size, INK, true),
        (Align::Left, Anchor::Baseline),
    );
    let line = if filters.is_empty() {
        dash.subtitle.clone()
    } else {
        filter_summary(filters)
    };
    let line = f.fit(&line, 12.0, false, f.w * 0.68);
    let below = (baseline + 20.0).min(f.h - 8.0);
    f.text(
        22.0,
        below,
        &line,
        style(12.0, MUTED, false),
        (Align::Left, Anchor::Baseline),
    );
    let note = "Data refreshed 6 Jan 2026, 06:00";
    if f.text_width(note, 11.0, false) < f.w * 0.25 {
        f.text(
            f.w - 16.0,
            below,
            note,
            style(11.0, FAINT, false),
            (Align::Right, Anchor::Baseline),
        );
    }
}

/// The active filters and parameters as one line.
fn filter_summary(filters: &ViewFilters) -> String {
    let fields = filters
        .fields
        .iter()
        .map(|(name, values)| format!("{name}: {}", values.join(", ")));
    let params = filters
        .params
        .iter()
        .map(|(name, value)| format!("{name}: {value}"));
    format!(
        "Filtered · {}",
        fields.chain(params).collect::<Vec<_>>().join(" · ")
    )
}

/// A filter control: the field's caption over a drop-down showing the selected values.
fn filter_zone(f: &mut Frame, field: &str, filters: &ViewFilters) {
    f.text(
        12.0,
        22.0,
        field,
        style(12.0, INK, true),
        (Align::Left, Anchor::Baseline),
    );
    let (x0, y0, x1, y1) = (12.0, 32.0, f.w - 12.0, (f.h - 10.0).max(44.0));
    f.round_rect(x0, y0, x1, y1, 3.0, BORDER);
    f.round_rect(x0 + 1.0, y0 + 1.0, x1 - 1.0, y1 - 1.0, 2.5, WHITE);
    let shown = filters
        .values(field)
        .map_or_else(|| "(All)".to_string(), |v| v.join(", "));
    let shown = f.fit(&shown, 12.0, false, x1 - x0 - 40.0);
    let cy = (y0 + y1) / 2.0;
    f.text(
        x0 + 10.0,
        cy,
        &shown,
        style(12.0, INK, false),
        (Align::Left, Anchor::Middle),
    );
    let cx = x1 - 14.0;
    f.line(
        &[(cx - 4.0, cy - 2.0), (cx, cy + 2.0), (cx + 4.0, cy - 2.0)],
        1.5,
        MUTED,
    );
}

/// A floating colour legend for the sheet the zone is named after.
fn legend_zone(
    canvas: &mut Canvas,
    workbook: &Workbook,
    zone: &Zone,
    area: (PxRect, f32, f32),
    filters: &ViewFilters,
) {
    let name = zone.name.as_deref().unwrap_or_default();
    let Some(sheet) = workbook.sheets.iter().find(|s| s.name == name) else {
        return;
    };
    let chart = data::chart(
        sheet.chart,
        &sheet.name,
        &workbook.name,
        workbook.year,
        filters,
    );
    let mut frame = Frame::new(canvas, area.0, area.1, area.2);
    let lines = matches!(chart, data::Chart::Lines(_));
    let (right, middle) = (frame.w, frame.h / 2.0);
    legend_row(&mut frame, right, middle, &chart.legend(), lines);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::query::Query;

    fn view<'a>(catalog: &'a Catalog, url: &str) -> &'a View {
        catalog
            .views
            .iter()
            .find(|v| v.content_url == url)
            .expect("view exists")
    }

    fn filters(query: &str) -> ViewFilters {
        ViewFilters::from_query(&Query::parse(Some(query)))
    }

    #[test]
    fn renders_are_byte_identical_and_filters_change_them() {
        let catalog = Catalog::new("safety");
        let incidents = view(&catalog, "SafetyOverview/sheets/Incidents");
        let a = render(&catalog, incidents, 600, 400, &filters("vf_Region=North")).unwrap();
        let b = render(&catalog, incidents, 600, 400, &filters("vf_Region=North")).unwrap();
        let c = render(&catalog, incidents, 600, 400, &filters("vf_Region=South")).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let unknown = render(&catalog, incidents, 600, 400, &filters("vf_Colour=Red")).unwrap();
        assert_eq!(
            unknown,
            render(&catalog, incidents, 600, 400, &ViewFilters::default()).unwrap()
        );
        let info = crate::imaging::probe(&a).unwrap();
        assert_eq!((info.width, info.height), (600, 400));
    }

    #[test]
    fn every_view_renders_at_its_declared_size() {
        let catalog = Catalog::new("safety");
        for view in catalog.views.iter().step_by(9) {
            let (w, h) = declared_size(&catalog, view);
            let png = render(&catalog, view, w, h, &ViewFilters::default()).unwrap();
            let info = crate::imaging::probe(&png).unwrap();
            assert_eq!((info.width, info.height), (w, h), "{}", view.content_url);
        }
    }

    #[test]
    fn filter_summaries_name_fields_and_parameters() {
        let text = filter_summary(&filters("vf_Region=North,South&vf_Parameters.Top+N=3"));
        assert_eq!(text, "Filtered · Region: North, South · Top N: 3");
    }
}
