//! The `.twb` against the rendered images: a client reading the worksheet zones of the file
//! (only the `<zones>` directly under a dashboard, flag prefixes stripped, margins from
//! `zone-style`) finds each chart card exactly where the renderer drew it, at 1× and 2×.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::catalog::Catalog;
use super::charts::palette::{BORDER, PAGE};
use super::query::ViewFilters;
use super::render;
use super::twb::workbook_xml;
use crate::imaging::draw::raster::{Color, PxRect};

/// A worksheet zone as a client reads it from the file.
#[derive(Debug)]
struct SheetZone {
    name: String,
    x: u64,
    y: u64,
    w: u64,
    h: u64,
    margin: u64,
}

/// Attributes by name, taking the part after the last `...` of flag-prefixed names.
fn attributes(start: &BytesStart) -> Vec<(String, String)> {
    start
        .attributes()
        .map(|a| {
            let a = a.expect("attribute parses");
            let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
            let key = key.rsplit("...").next().unwrap_or_default().to_string();
            (
                key,
                a.unescape_value().expect("value unescapes").to_string(),
            )
        })
        .collect()
}

/// Parses the worksheet zones of `dashboard`: only the `<zones>` directly under it.
fn sheet_zones(xml: &str, dashboard: &str) -> (u64, u64, Vec<SheetZone>) {
    let mut reader = Reader::from_str(xml);
    let (mut path, mut size, mut zones) = (Vec::<String>::new(), (0, 0), Vec::new());
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut in_dashboard = false;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (start, empty) = match &event {
            Event::Start(s) => (Some(s.clone()), false),
            Event::Empty(s) => (Some(s.clone()), true),
            Event::End(_) => {
                if path.pop().as_deref() == Some("zone") {
                    open.pop();
                }
                if path.len() < 3 {
                    in_dashboard = false;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let Some(start) = start else { continue };
        let name = String::from_utf8_lossy(start.name().as_ref()).to_string();
        let attrs = attributes(&start);
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if name == "dashboard" && get("name").as_deref() == Some(dashboard) {
            in_dashboard = true;
        }
        let under_zones = path.len() >= 4 && path[3] == "zones" && path[2] == "dashboard";
        if in_dashboard && name == "size" && path.len() == 3 {
            let n = |k: &str| get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
            size = (n("maxwidth"), n("maxheight"));
        }
        if in_dashboard && under_zones && name == "zone" {
            let typed = get("type-v2").or_else(|| get("type"));
            let index = if typed.is_none() {
                let n = |k: &str| get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
                let name = get("name").unwrap_or_default();
                zones.push(SheetZone {
                    name,
                    x: n("x"),
                    y: n("y"),
                    w: n("w"),
                    h: n("h"),
                    margin: 0,
                });
                Some(zones.len() - 1)
            } else {
                None
            };
            if !empty {
                open.push(index);
            }
        }
        if in_dashboard && name == "format" && get("attr").as_deref() == Some("margin") {
            let owner = path.len() >= 2 && path[path.len() - 1] == "zone-style";
            if let (true, Some(Some(index))) = (owner, open.last()) {
                zones[*index].margin = get("value").and_then(|v| v.parse().ok()).unwrap_or(0);
            }
        }
        if !empty {
            path.push(name);
        }
    }
    (size.0, size.1, zones)
}

/// The card a client computes for a zone in a `width` × `height` image.
fn client_card(zone: &SheetZone, declared: (u64, u64), width: u64, height: u64) -> PxRect {
    let edge = |v: u64, size: u64| ((v * size + 50_000) / 100_000) as u32;
    let mx = ((zone.margin * width) as f64 / declared.0 as f64).round() as u32;
    let my = ((zone.margin * height) as f64 / declared.1 as f64).round() as u32;
    PxRect {
        x0: edge(zone.x, width) + mx,
        y0: edge(zone.y, height) + my,
        x1: edge(zone.x + zone.w, width) - mx,
        y1: edge(zone.y + zone.h, height) - my,
    }
}

/// Asserts that `card` is exactly where a bordered card was drawn on the page.
fn assert_card_drawn(image: &image::RgbImage, card: PxRect, what: &str) {
    let at = |x: u32, y: u32| {
        let p = image.get_pixel(x, y);
        Color(p[0], p[1], p[2])
    };
    let (mx, my) = ((card.x0 + card.x1) / 2, (card.y0 + card.y1) / 2);
    let inside = [
        (card.x0, my),
        (card.x1 - 1, my),
        (mx, card.y0),
        (mx, card.y1 - 1),
    ];
    let outside = [
        (card.x0 - 1, my),
        (card.x1, my),
        (mx, card.y0 - 1),
        (mx, card.y1),
    ];
    for (x, y) in inside {
        assert_eq!(at(x, y), BORDER, "{what}: border at ({x}, {y}) of {card:?}");
    }
    for (x, y) in outside {
        assert_eq!(
            at(x, y),
            PAGE,
            "{what}: page at ({x}, {y}) outside {card:?}"
        );
    }
    assert_eq!(at(card.x0, card.y0), BORDER, "{what}: top-left corner");
    assert_eq!(
        at(card.x1 - 1, card.y1 - 1),
        BORDER,
        "{what}: bottom-right corner"
    );
}

#[test]
fn worksheet_zones_match_the_drawn_cards_at_standard_and_high_resolution() {
    let catalog = Catalog::new("safety");
    let dashboards = catalog
        .views
        .iter()
        .filter(|v| v.sheet_type() == "dashboard");
    let mut checked = 0;
    for view in dashboards {
        let workbook = &catalog.workbooks[view.workbook];
        let xml = workbook_xml(&catalog, workbook);
        let (width, height, zones) = sheet_zones(&xml, &view.name);
        assert!(zones.len() >= 2, "{}: {zones:?}", view.content_url);
        assert!(zones.iter().all(|z| z.margin == 4), "{zones:?}");
        for scale in [1, 2] {
            let (w, h) = (width * scale, height * scale);
            let png = render::render(&catalog, view, w as u32, h as u32, &ViewFilters::default())
                .unwrap();
            let image = image::load_from_memory(&png).unwrap().to_rgb8();
            assert_eq!(u64::from(image.width()), w);
            for zone in &zones {
                let card = client_card(zone, (width, height), w, h);
                assert_card_drawn(
                    &image,
                    card,
                    &format!("{} {} at {scale}x", view.content_url, zone.name),
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 2 * (3 + 3 + 2));
}

#[test]
fn the_phone_layout_is_ignored_by_a_direct_child_reading() {
    let catalog = Catalog::new("safety");
    let xml = workbook_xml(&catalog, &catalog.workbooks[0]);
    let (_, _, zones) = sheet_zones(&xml, "Incidents");
    assert_eq!(zones.len(), 3);
    let total = xml.matches("name='Top Hazards'").count();
    assert!(
        total >= 3,
        "worksheet, phone zone and desktop zone: {total}"
    );
}
