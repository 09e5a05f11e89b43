//! Dashboard layouts from a workbook file (`.twb`, or the `.twb` inside a `.twbx`): each
//! dashboard's declared size and its zones, so a chart can be cropped by its sheet name.
//!
//! Zone coordinates are absolute, in 1/100000 of the dashboard's width and height on each
//! axis. Only the `<zones>` directly under `<dashboard>` count: device layouts (Phone,
//! Tablet) reuse the same zone ids with other coordinates.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::imaging::PixelBox;

/// The full extent of a zone coordinate axis.
pub const UNITS: i64 = 100_000;

/// How a dashboard is sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase", tag = "mode")]
pub enum Sizing {
    /// Always `width` × `height` pixels.
    Fixed { width: u32, height: u32 },
    /// Between a minimum and a maximum; the server picks.
    Range {
        min_width: u32,
        min_height: u32,
        max_width: u32,
        max_height: u32,
    },
    /// Whatever the window is; zone crops are approximate.
    Automatic,
}

impl Sizing {
    /// The size the dashboard is designed at, when there is one.
    pub fn declared(&self) -> Option<(u32, u32)> {
        match *self {
            Sizing::Fixed { width, height } => Some((width, height)),
            Sizing::Range {
                max_width,
                max_height,
                ..
            } => Some((max_width, max_height)),
            Sizing::Automatic => None,
        }
    }
}

/// Space around a zone's content, in dashboard pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Edges {
    /// Top.
    pub top: u32,
    /// Right.
    pub right: u32,
    /// Bottom.
    pub bottom: u32,
    /// Left.
    pub left: u32,
}

/// One zone of a dashboard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Zone {
    /// The zone id.
    pub id: String,
    /// The sheet name (worksheets, legends and filters carry one).
    pub name: Option<String>,
    /// `type-v2` or `type`; `None` for a worksheet.
    pub kind: Option<String>,
    /// Left edge in layout units.
    pub x: i64,
    /// Top edge in layout units.
    pub y: i64,
    /// Width in layout units.
    pub w: i64,
    /// Height in layout units.
    pub h: i64,
    /// Margin from `zone-style`.
    pub margin: Edges,
    /// Whether the zone floats over the tiled layout.
    pub floating: bool,
}

impl Zone {
    /// A worksheet zone: named and untyped (legends, filters and controls are typed).
    pub fn is_worksheet(&self) -> bool {
        self.kind.is_none() && self.name.is_some()
    }

    /// The zone in pixels of a `width` × `height` image; edges are rounded, not sizes, so
    /// adjacent zones stay adjacent.
    pub fn pixels(&self, width: u32, height: u32) -> PixelBox {
        let scale = |value: i64, size: u32| {
            ((value as f64) * f64::from(size) / UNITS as f64)
                .round()
                .clamp(0.0, f64::from(size)) as u32
        };
        // Coordinates come from the file unchecked, so a far edge can pass i64's range.
        let (x0, x1) = (
            scale(self.x, width),
            scale(self.x.saturating_add(self.w), width),
        );
        let (y0, y1) = (
            scale(self.y, height),
            scale(self.y.saturating_add(self.h), height),
        );
        PixelBox {
            x: x0,
            y: y0,
            width: x1.saturating_sub(x0),
            height: y1.saturating_sub(y0),
        }
    }
}

/// A dashboard of a workbook.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Dashboard {
    /// Its name, which is the view's name.
    pub name: String,
    /// How it is sized.
    pub sizing: Sizing,
    /// Every zone of the desktop layout, tiled ones first.
    pub zones: Vec<Zone>,
}

impl Dashboard {
    /// The worksheet zones.
    pub fn worksheets(&self) -> impl Iterator<Item = &Zone> {
        self.zones.iter().filter(|z| z.is_worksheet())
    }
}

/// The dashboards of a workbook, and the names of its stories.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Workbook {
    /// Dashboards in file order.
    pub dashboards: Vec<Dashboard>,
    /// Names of story points dashboards (`type='storyboard'`), which have no zones to crop.
    pub stories: Vec<String>,
}

impl Workbook {
    /// The dashboard called `name`.
    pub fn dashboard(&self, name: &str) -> Option<&Dashboard> {
        self.dashboards.iter().find(|d| d.name == name)
    }
}

/// Reads a workbook file: a `.twbx` (zip) or a `.twb` (XML), told apart by their bytes.
pub fn read(bytes: &[u8]) -> Result<Workbook, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not a readable .twbx: {e}"))?;
        let mut names: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .filter(|n| n.ends_with(".twb"))
            .collect();
        // The workbook is normally the one .twb at the root; prefer the shallowest.
        names.sort_by_key(|n| (n.matches('/').count(), n.clone()));
        let name = names.first().ok_or("the .twbx holds no .twb")?.clone();
        let mut xml = Vec::new();
        archive
            .by_name(&name)
            .map_err(|e| e.to_string())?
            .read_to_end(&mut xml)
            .map_err(|e| format!("cannot read {name} from the .twbx: {e}"))?;
        return parse(&xml);
    }
    parse(bytes)
}

/// An attribute's name without a feature-flag prefix (`_.fcp.Flag.true...type-v2`).
fn plain_name(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    match text.rfind("...") {
        Some(at) => text[at + 3..].to_string(),
        None => text.into_owned(),
    }
}

/// The attributes of an element by plain name; a `true` flag variant wins over others.
fn attributes(element: &BytesStart) -> Vec<(String, String)> {
    let mut found: Vec<(String, String, bool)> = Vec::new();
    for attribute in element.attributes().flatten() {
        let raw = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let name = plain_name(attribute.key.as_ref());
        let preferred = !raw.contains("...") || raw.contains(".true...");
        let value = attribute
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_default();
        match found.iter_mut().find(|(n, _, _)| *n == name) {
            Some(existing) if preferred && !existing.2 => *existing = (name, value, preferred),
            Some(_) => {}
            None => found.push((name, value, preferred)),
        }
    }
    found.into_iter().map(|(n, v, _)| (n, v)).collect()
}

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn number(attrs: &[(String, String)], name: &str) -> i64 {
    get(attrs, name)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |v| v.round() as i64)
}

fn sizing(attrs: &[(String, String)]) -> Sizing {
    let px = |name| get(attrs, name).and_then(|v| v.trim().parse::<u32>().ok());
    let mode = get(attrs, "sizing-mode");
    match (
        px("minwidth"),
        px("minheight"),
        px("maxwidth"),
        px("maxheight"),
        mode,
    ) {
        (_, _, _, _, Some("automatic")) => Sizing::Automatic,
        (Some(a), Some(b), Some(c), Some(d), Some("range")) => Sizing::Range {
            min_width: a,
            min_height: b,
            max_width: c,
            max_height: d,
        },
        (_, _, Some(w), Some(h), _) => Sizing::Fixed {
            width: w,
            height: h,
        },
        (Some(w), Some(h), None, None, _) => Sizing::Fixed {
            width: w,
            height: h,
        },
        _ => Sizing::Automatic,
    }
}

/// Applies a `<format attr='margin…' value='…'/>` of a zone-style to a zone's margin.
fn apply_format(margin: &mut Edges, attrs: &[(String, String)]) {
    let Some(value) = get(attrs, "value").and_then(|v| v.trim().parse::<f64>().ok()) else {
        return;
    };
    let value = value.max(0.0).round() as u32;
    match get(attrs, "attr") {
        Some("margin") => {
            *margin = Edges {
                top: value,
                right: value,
                bottom: value,
                left: value,
            }
        }
        Some("margin-top") => margin.top = value,
        Some("margin-right") => margin.right = value,
        Some("margin-bottom") => margin.bottom = value,
        Some("margin-left") => margin.left = value,
        _ => {}
    }
}

/// The reader's place in the document.
#[derive(Default)]
struct State {
    dashboard: Option<(Dashboard, usize)>,
    /// Depth of the dashboard's own `<zones>` while inside it.
    zones_depth: Option<usize>,
    /// Indices into the dashboard's zones of the zones now open, with their depths.
    open: Vec<(usize, usize)>,
    /// Depth of the `zone-style` now open, and the zone it styles.
    style: Option<(usize, usize)>,
    top_level_zones: usize,
}

/// Parses `.twb` XML.
pub fn parse(xml: &[u8]) -> Result<Workbook, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut workbook = Workbook::default();
    let mut state = State::default();
    let mut depth = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "the workbook XML is malformed near byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                if is_start {
                    depth += 1;
                }
                let here = if is_start { depth } else { depth + 1 };
                open_element(e, here, is_start, &mut state, &mut workbook);
            }
            Event::End(ref e) => {
                close_element(e.local_name().as_ref(), depth, &mut state, &mut workbook);
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(workbook)
}

fn open_element(
    e: &BytesStart,
    here: usize,
    is_start: bool,
    state: &mut State,
    workbook: &mut Workbook,
) {
    let name = e.local_name();
    let attrs = attributes(e);
    match name.as_ref() {
        b"dashboard" if state.dashboard.is_none() => {
            let Some(title) = get(&attrs, "name") else {
                return;
            };
            if get(&attrs, "type") == Some("storyboard") {
                workbook.stories.push(title.to_string());
                return;
            }
            let dashboard = Dashboard {
                name: title.to_string(),
                sizing: Sizing::Automatic,
                zones: Vec::new(),
            };
            if is_start {
                state.dashboard = Some((dashboard, here));
            } else {
                workbook.dashboards.push(dashboard);
            }
        }
        b"size" => {
            if let Some((dashboard, d)) = state.dashboard.as_mut()
                && here == *d + 1
            {
                dashboard.sizing = sizing(&attrs);
            }
        }
        b"zones" => {
            if let Some((_, d)) = state.dashboard.as_ref()
                && here == *d + 1
                && is_start
            {
                state.zones_depth = Some(here);
            }
        }
        b"zone" => {
            let (Some((dashboard, _)), Some(zones_depth)) =
                (state.dashboard.as_mut(), state.zones_depth)
            else {
                return;
            };
            let floating = here == zones_depth + 1 && state.top_level_zones > 0;
            if here == zones_depth + 1 {
                state.top_level_zones += 1;
            }
            let zone = Zone {
                id: get(&attrs, "id").unwrap_or_default().to_string(),
                name: get(&attrs, "name").map(str::to_string),
                kind: get(&attrs, "type-v2")
                    .or_else(|| get(&attrs, "type"))
                    .map(str::to_string),
                x: number(&attrs, "x"),
                y: number(&attrs, "y"),
                w: number(&attrs, "w"),
                h: number(&attrs, "h"),
                margin: Edges::default(),
                floating,
            };
            dashboard.zones.push(zone);
            if is_start {
                state.open.push((dashboard.zones.len() - 1, here));
            }
        }
        b"zone-style" if is_start => {
            if let Some(&(index, zone_depth)) = state.open.last()
                && here == zone_depth + 1
            {
                state.style = Some((here, index));
            }
        }
        b"format" => {
            if let (Some((style_depth, index)), Some((dashboard, _))) =
                (state.style, state.dashboard.as_mut())
                && here == style_depth + 1
            {
                apply_format(&mut dashboard.zones[index].margin, &attrs);
            }
        }
        _ => {}
    }
}

fn close_element(name: &[u8], depth: usize, state: &mut State, workbook: &mut Workbook) {
    match name {
        b"zone-style" if state.style.is_some_and(|(d, _)| d == depth) => state.style = None,
        b"zone" if state.open.last().is_some_and(|(_, d)| *d == depth) => {
            state.open.pop();
        }
        b"zones" if state.zones_depth == Some(depth) => {
            state.zones_depth = None;
            state.top_level_zones = 0;
        }
        b"dashboard" if state.dashboard.as_ref().is_some_and(|(_, d)| *d == depth) => {
            if let Some((dashboard, _)) = state.dashboard.take() {
                workbook.dashboards.push(dashboard);
            }
        }
        _ => {}
    }
}

/// The pixel box of a worksheet zone in a `width` × `height` render of a dashboard of
/// `declared` size: the zone scaled, inset by its margin (scaled likewise), grown by `pad`
/// pixels, and clamped to the image.
pub fn sheet_box(
    zone: &Zone,
    declared: Option<(u32, u32)>,
    width: u32,
    height: u32,
    pad: i32,
) -> PixelBox {
    let outer = zone.pixels(width, height);
    let (sx, sy) = match declared {
        Some((dw, dh)) if dw > 0 && dh > 0 => (
            f64::from(width) / f64::from(dw),
            f64::from(height) / f64::from(dh),
        ),
        _ => (1.0, 1.0),
    };
    let inset = |value: u32, scale: f64| (f64::from(value) * scale).round() as i64;
    let pad = i64::from(pad);
    let left = i64::from(outer.x) + inset(zone.margin.left, sx) - pad;
    let top = i64::from(outer.y) + inset(zone.margin.top, sy) - pad;
    let right = i64::from(outer.x + outer.width) - inset(zone.margin.right, sx) + pad;
    let bottom = i64::from(outer.y + outer.height) - inset(zone.margin.bottom, sy) + pad;
    let clamp = |v: i64, max: u32| v.clamp(0, i64::from(max)) as u32;
    let (x0, x1) = (clamp(left, width), clamp(right, width));
    let (y0, y1) = (clamp(top, height), clamp(bottom, height));
    PixelBox {
        x: x0,
        y: y0,
        width: x1.saturating_sub(x0),
        height: y1.saturating_sub(y0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INCIDENTS: &str = include_str!("../../tests/fixtures/twb/incidents.twb");
    const FLEET: &str = include_str!("../../tests/fixtures/twb/fleet.twb");

    fn worksheet_names(dashboard: &Dashboard) -> Vec<(&str, &str)> {
        dashboard
            .worksheets()
            .map(|z| (z.id.as_str(), z.name.as_deref().unwrap_or("")))
            .collect()
    }

    #[test]
    fn only_untyped_named_zones_of_the_desktop_layout_are_worksheets() {
        let workbook = parse(INCIDENTS.as_bytes()).unwrap();
        let dashboard = workbook.dashboard("Incidents").unwrap();
        assert_eq!(
            dashboard.sizing,
            Sizing::Fixed {
                width: 1200,
                height: 800
            }
        );
        assert_eq!(
            worksheet_names(dashboard),
            vec![("4", "Trend"), ("5", "Top Hazards")]
        );
        // The Phone layout's zones 1, 4 and 5 are not read a second time.
        assert_eq!(dashboard.zones.iter().filter(|z| z.id == "4").count(), 1);
        assert_eq!(dashboard.zones.len(), 7);
    }

    #[test]
    fn flag_prefixed_attributes_floating_zones_and_margins_are_read() {
        let workbook = parse(INCIDENTS.as_bytes()).unwrap();
        let dashboard = workbook.dashboard("Incidents").unwrap();
        let zone = |id: &str| dashboard.zones.iter().find(|z| z.id == id).unwrap();
        assert_eq!(zone("1").kind.as_deref(), Some("layout-basic"));
        assert_eq!(
            zone("1").margin,
            Edges {
                top: 8,
                right: 8,
                bottom: 8,
                left: 8
            }
        );
        assert_eq!(
            zone("4").margin,
            Edges {
                top: 4,
                right: 4,
                bottom: 4,
                left: 4
            }
        );
        assert_eq!(zone("5").margin, Edges::default());
        assert!(zone("6").floating && !zone("6").is_worksheet());
        assert!(!zone("4").floating && !zone("1").floating);
    }

    #[test]
    fn zones_scale_to_any_render_size() {
        let workbook = parse(INCIDENTS.as_bytes()).unwrap();
        let dashboard = workbook.dashboard("Incidents").unwrap();
        let hazards = dashboard
            .worksheets()
            .find(|z| z.name.as_deref() == Some("Top Hazards"))
            .unwrap();
        assert_eq!(
            hazards.pixels(1200, 800),
            PixelBox {
                x: 600,
                y: 72,
                width: 592,
                height: 720
            }
        );
        assert_eq!(
            hazards.pixels(2400, 1600),
            PixelBox {
                x: 1200,
                y: 144,
                width: 1184,
                height: 1440
            }
        );
        let trend = dashboard
            .worksheets()
            .find(|z| z.name.as_deref() == Some("Trend"))
            .unwrap();
        // Edges are rounded, so the two sheets stay adjacent.
        assert_eq!(
            trend.pixels(1200, 800).x + trend.pixels(1200, 800).width,
            600
        );
    }

    #[test]
    fn zone_edges_beyond_the_integer_range_clamp_to_the_image() {
        let xml = b"<dashboard name='d'><zones><zone name='s' x='1e300' w='1e300' y='-1e300' \
                    h='-1e300'/></zones></dashboard>";
        let workbook = parse(xml).unwrap();
        let dashboard = workbook.dashboard("d").unwrap();
        let zone = dashboard.worksheets().next().unwrap();
        let corner = PixelBox {
            x: 1200,
            y: 0,
            width: 0,
            height: 0,
        };
        assert_eq!(zone.pixels(1200, 800), corner);
        assert_eq!(sheet_box(zone, None, 1200, 800, 50).x, 1150);
    }

    #[test]
    fn sheet_boxes_inset_by_the_scaled_margin_pad_and_clamp() {
        let workbook = parse(INCIDENTS.as_bytes()).unwrap();
        let dashboard = workbook.dashboard("Incidents").unwrap();
        let trend = dashboard
            .worksheets()
            .find(|z| z.name.as_deref() == Some("Trend"))
            .unwrap();
        let declared = dashboard.sizing.declared();
        // Zone (8, 72)–(600, 792) at 1×, inset by 4 px; at 2× by 8 px.
        assert_eq!(
            sheet_box(trend, declared, 1200, 800, 0),
            PixelBox {
                x: 12,
                y: 76,
                width: 584,
                height: 712
            }
        );
        assert_eq!(
            sheet_box(trend, declared, 2400, 1600, 0),
            PixelBox {
                x: 24,
                y: 152,
                width: 1168,
                height: 1424
            }
        );
        assert_eq!(
            sheet_box(trend, declared, 1200, 800, 4),
            PixelBox {
                x: 8,
                y: 72,
                width: 592,
                height: 720
            }
        );
        assert_eq!(sheet_box(trend, declared, 1200, 800, 100).x, 0);
    }

    #[test]
    fn double_quotes_range_and_automatic_sizing_per_side_margins_and_stories() {
        let workbook = parse(FLEET.as_bytes()).unwrap();
        assert_eq!(workbook.stories, vec!["Story".to_string()]);
        assert_eq!(workbook.dashboards.len(), 2);
        let fleet = workbook.dashboard("Fleet Mix").unwrap();
        assert_eq!(
            fleet.sizing,
            Sizing::Range {
                min_width: 1000,
                min_height: 700,
                max_width: 1400,
                max_height: 900
            }
        );
        assert_eq!(fleet.sizing.declared(), Some((1400, 900)));
        assert_eq!(
            worksheet_names(fleet),
            vec![("6", "Fleet Mix by Region"), ("7", "Utilisation")]
        );
        let region = fleet.worksheets().next().unwrap();
        assert_eq!(
            region.margin,
            Edges {
                top: 12,
                right: 6,
                bottom: 6,
                left: 6
            }
        );
        assert_eq!(
            fleet
                .zones
                .iter()
                .find(|z| z.id == "1")
                .unwrap()
                .kind
                .as_deref(),
            Some("layout-basic")
        );
        let auto = workbook.dashboard("Overview (auto)").unwrap();
        assert_eq!(auto.sizing, Sizing::Automatic);
        assert_eq!(auto.sizing.declared(), None);
    }

    #[test]
    fn twbx_archives_are_opened() {
        let mut bytes = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut bytes));
            let options = zip::write::SimpleFileOptions::default();
            zip.start_file("Data/Extracts/x.hyper", options).unwrap();
            std::io::Write::write_all(&mut zip, b"not xml").unwrap();
            zip.start_file("Safety Overview.twb", options).unwrap();
            std::io::Write::write_all(&mut zip, INCIDENTS.as_bytes()).unwrap();
            zip.finish().unwrap();
        }
        let workbook = read(&bytes).unwrap();
        assert!(workbook.dashboard("Incidents").is_some());
        assert!(read(b"PK\x03\x04 broken").is_err());
        assert!(
            read(b"<workbook><dashboards><dashboard name='x'>")
                .is_ok_and(|w| w.dashboards.is_empty())
        );
    }
}
