//! The dashboard layout model: zones in Tableau's coordinates, the one source of truth for
//! both the rendered PNGs and the `.twb` files.
//!
//! Coordinates run 0–100000 across the whole dashboard on each axis and are absolute, as in a
//! `.twb`. The dashboards below are written in declared pixels for readability and converted to
//! those units once; the renderer and the workbook writer only ever see the units.

use crate::imaging::draw::raster::PxRect;

/// One axis of a dashboard in zone units.
pub const FULL: u32 = 100_000;

/// A zone's rectangle in zone units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Units {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// Rounds `units` of an axis `size` pixels long to the nearest pixel.
fn to_px(units: u32, size: u32) -> u32 {
    ((u64::from(units) * u64::from(size) + u64::from(FULL / 2)) / u64::from(FULL)) as u32
}

impl Units {
    /// The pixel rectangle in an image of `width` × `height`, rounding edges, not sizes, so
    /// neighbouring zones stay adjacent.
    pub fn to_px(self, width: u32, height: u32) -> PxRect {
        PxRect {
            x0: to_px(self.x, width),
            y0: to_px(self.y, height),
            x1: to_px(self.x + self.w, width),
            y1: to_px(self.y + self.h, height),
        }
    }
}

/// The direction a flow container stacks its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Side by side (`param='horz'`).
    Horizontal,
    /// One above the other (`param='vert'`).
    Vertical,
}

/// What a zone holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneKind {
    /// A plain container (`layout-basic`).
    Basic,
    /// A flow container (`layout-flow`).
    Flow(Flow),
    /// A worksheet, named by the zone's name; the only kind without a type attribute.
    Sheet,
    /// The dashboard title: a text object.
    Title,
    /// A filter control for `field`, belonging to the sheet the zone is named after.
    Filter {
        /// The filtered field's caption.
        field: String,
    },
    /// A colour legend for `field`, belonging to the sheet the zone is named after.
    Legend {
        /// The field coloured by.
        field: String,
    },
}

/// One zone of a dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// The id, unique in the dashboard and reused by device layouts.
    pub id: u32,
    /// The sheet the zone shows or belongs to.
    pub name: Option<String>,
    /// What the zone holds.
    pub kind: ZoneKind,
    /// Where it is.
    pub at: Units,
    /// Its margin in declared pixels.
    pub margin: u32,
    /// Zones inside a container, in document order.
    pub children: Vec<Zone>,
}

/// A fixed-size dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    /// The dashboard (and view) name.
    pub name: String,
    /// Declared width in pixels.
    pub width: u32,
    /// Declared height in pixels.
    pub height: u32,
    /// The title text shown in the title zone.
    pub title: String,
    /// The line under the title when no filter is active.
    pub subtitle: String,
    /// The tiled layout.
    pub root: Zone,
    /// Floating zones, drawn over the tiled ones.
    pub floating: Vec<Zone>,
}

impl Dashboard {
    /// Every zone without children, tiled ones first, each in document order.
    pub fn leaves(&self) -> Vec<&Zone> {
        let mut out = Vec::new();
        collect_leaves(&self.root, &mut out);
        out.extend(self.floating.iter());
        out
    }

    /// The worksheet zones.
    pub fn sheet_zones(&self) -> impl Iterator<Item = &Zone> {
        self.leaves()
            .into_iter()
            .filter(|zone| zone.kind == ZoneKind::Sheet)
    }

    /// Whether a floating legend is drawn for `sheet`, so the chart leaves its own out.
    pub fn has_legend_for(&self, sheet: &str) -> bool {
        self.leaves().iter().any(|zone| {
            matches!(zone.kind, ZoneKind::Legend { .. }) && zone.name.as_deref() == Some(sheet)
        })
    }

    /// The card a zone's content fills in a `width` × `height` render: the zone's pixel
    /// rectangle inset by its margin, scaled from the declared size.
    pub fn card(&self, zone: &Zone, width: u32, height: u32) -> PxRect {
        let rect = zone.at.to_px(width, height);
        let scale = |margin: u32, size: u32, declared: u32| {
            ((f64::from(margin) * f64::from(size)) / f64::from(declared)).round() as u32
        };
        rect.inset(
            scale(zone.margin, width, self.width),
            scale(zone.margin, height, self.height),
        )
    }

    /// The phone layout Tableau generates: the same zones, stacked, with new coordinates.
    pub fn phone(&self) -> (Zone, u32) {
        let leaves: Vec<&Zone> = self.leaves();
        let heights: Vec<u32> = leaves
            .iter()
            .map(|z| z.at.to_px(self.width, self.height).height())
            .collect();
        let total: u32 = heights.iter().sum::<u32>().max(1);
        let mut top = 0;
        let mut children = Vec::with_capacity(leaves.len());
        for (zone, height) in leaves.iter().zip(&heights) {
            let h = (u64::from(*height) * u64::from(FULL) / u64::from(total)) as u32;
            children.push(Zone {
                at: Units {
                    x: 0,
                    y: top,
                    w: FULL,
                    h,
                },
                children: Vec::new(),
                ..(*zone).clone()
            });
            top += h;
        }
        let stack = Zone {
            id: self
                .root
                .children
                .first()
                .map_or(self.root.id + 1, |z| z.id),
            name: None,
            kind: ZoneKind::Flow(Flow::Vertical),
            at: Units {
                x: 0,
                y: 0,
                w: FULL,
                h: top,
            },
            margin: 0,
            children,
        };
        let root = Zone {
            children: vec![stack],
            at: Units {
                x: 0,
                y: 0,
                w: FULL,
                h: FULL,
            },
            ..self.root.clone()
        };
        (root, total)
    }
}

/// Pushes the leaves under `zone` in document order.
fn collect_leaves<'a>(zone: &'a Zone, out: &mut Vec<&'a Zone>) {
    if zone.children.is_empty() {
        out.push(zone);
    }
    for child in &zone.children {
        collect_leaves(child, out);
    }
}

/// Converts declared pixels of one dashboard to zone units.
#[derive(Debug, Clone, Copy)]
struct Grid {
    width: u32,
    height: u32,
}

impl Grid {
    /// The units of a pixel rectangle; edges are converted, so neighbours share them exactly.
    fn at(self, x: u32, y: u32, w: u32, h: u32) -> Units {
        let unit = |px: u32, size: u32| {
            ((u64::from(px) * u64::from(FULL) + u64::from(size / 2)) / u64::from(size)) as u32
        };
        let (x0, y0) = (unit(x, self.width), unit(y, self.height));
        let (x1, y1) = (unit(x + w, self.width), unit(y + h, self.height));
        Units {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        }
    }
}

/// A zone with no name and no children yet.
fn zone(id: u32, kind: ZoneKind, at: Units, margin: u32) -> Zone {
    Zone {
        id,
        name: None,
        kind,
        at,
        margin,
        children: Vec::new(),
    }
}

/// A container holding `children`.
fn container(id: u32, kind: ZoneKind, at: Units, margin: u32, children: Vec<Zone>) -> Zone {
    Zone {
        children,
        ..zone(id, kind, at, margin)
    }
}

/// A zone named after `sheet`.
fn named(id: u32, kind: ZoneKind, at: Units, sheet: &str) -> Zone {
    Zone {
        name: Some(sheet.to_string()),
        ..zone(id, kind, at, CARD_MARGIN)
    }
}

/// The margin of the root zone, in declared pixels.
pub const ROOT_MARGIN: u32 = 8;
/// The margin of every card-like zone, in declared pixels.
pub const CARD_MARGIN: u32 = 4;

/// Sheet names of the Safety Overview workbooks.
pub const INCIDENTS_BY_FLEET: &str = "Incidents by Fleet";
/// The monthly trend sheet.
pub const MONTHLY_TREND: &str = "Monthly Trend";
/// The top hazards sheet.
pub const TOP_HAZARDS: &str = "Top Hazards";
/// The stacked fleet mix sheet of Fleet Operations.
pub const FLEET_MIX_BY_REGION: &str = "Fleet Mix by Region";
/// The utilisation heat table of Fleet Operations.
pub const UTILISATION: &str = "Utilisation";

/// The Incidents dashboard of the current Safety Overview, 1200 × 800.
pub fn incidents() -> Dashboard {
    let g = Grid {
        width: 1200,
        height: 800,
    };
    let sheet = |id, x, y, w, h, name| named(id, ZoneKind::Sheet, g.at(x, y, w, h), name);
    let flow = |id, dir, at, children| container(id, ZoneKind::Flow(dir), at, 0, children);
    let header = flow(
        5,
        Flow::Horizontal,
        g.at(8, 8, 1184, 80),
        vec![
            zone(6, ZoneKind::Title, g.at(8, 8, 864, 80), CARD_MARGIN),
            named(
                7,
                ZoneKind::Filter {
                    field: "Region".into(),
                },
                g.at(872, 8, 320, 80),
                INCIDENTS_BY_FLEET,
            ),
        ],
    );
    let right = flow(
        10,
        Flow::Vertical,
        g.at(584, 88, 608, 704),
        vec![
            sheet(11, 584, 88, 608, 392, MONTHLY_TREND),
            sheet(12, 584, 480, 608, 312, TOP_HAZARDS),
        ],
    );
    let body = flow(
        8,
        Flow::Horizontal,
        g.at(8, 88, 1184, 704),
        vec![sheet(9, 8, 88, 576, 704, INCIDENTS_BY_FLEET), right],
    );
    let stack = flow(4, Flow::Vertical, g.at(8, 8, 1184, 784), vec![header, body]);
    Dashboard {
        name: "Incidents".into(),
        width: 1200,
        height: 800,
        title: "Safety Overview — Incidents".into(),
        subtitle: "All regions · January–December 2025 · Source: Safety Management System".into(),
        root: container(
            3,
            ZoneKind::Basic,
            g.at(0, 0, 1200, 800),
            ROOT_MARGIN,
            vec![stack],
        ),
        floating: vec![Zone {
            margin: 0,
            ..named(
                13,
                ZoneKind::Legend {
                    field: "Year".into(),
                },
                g.at(1000, 106, 180, 24),
                MONTHLY_TREND,
            )
        }],
    }
}

/// The Incidents dashboard of the archived 2024 Safety Overview, 1200 × 800, laid out differently.
pub fn incidents_archive() -> Dashboard {
    let g = Grid {
        width: 1200,
        height: 800,
    };
    let sheet = |id, x, y, w, h, name| named(id, ZoneKind::Sheet, g.at(x, y, w, h), name);
    let flow = |id, dir, at, children| container(id, ZoneKind::Flow(dir), at, 0, children);
    let left = flow(
        5,
        Flow::Vertical,
        g.at(8, 88, 592, 704),
        vec![
            sheet(6, 8, 88, 592, 360, MONTHLY_TREND),
            sheet(7, 8, 448, 592, 344, TOP_HAZARDS),
        ],
    );
    let body = flow(
        4,
        Flow::Horizontal,
        g.at(8, 88, 1184, 704),
        vec![left, sheet(8, 600, 88, 592, 704, INCIDENTS_BY_FLEET)],
    );
    let stack = flow(
        2,
        Flow::Vertical,
        g.at(8, 8, 1184, 784),
        vec![
            zone(3, ZoneKind::Title, g.at(8, 8, 1184, 80), CARD_MARGIN),
            body,
        ],
    );
    Dashboard {
        name: "Incidents".into(),
        width: 1200,
        height: 800,
        title: "Safety Overview 2024 — Incidents".into(),
        subtitle: "Archived · January–December 2024 · Source: Safety Management System".into(),
        root: container(
            1,
            ZoneKind::Basic,
            g.at(0, 0, 1200, 800),
            ROOT_MARGIN,
            vec![stack],
        ),
        floating: Vec::new(),
    }
}

/// The Fleet Mix dashboard of Fleet Operations, 1000 × 700.
pub fn fleet_mix() -> Dashboard {
    let g = Grid {
        width: 1000,
        height: 700,
    };
    let sheet = |id, x, y, w, h, name| named(id, ZoneKind::Sheet, g.at(x, y, w, h), name);
    let flow = |id, dir, at, children| container(id, ZoneKind::Flow(dir), at, 0, children);
    let body = flow(
        4,
        Flow::Horizontal,
        g.at(8, 72, 984, 620),
        vec![
            sheet(5, 8, 72, 552, 620, FLEET_MIX_BY_REGION),
            sheet(6, 560, 72, 432, 620, UTILISATION),
        ],
    );
    let stack = flow(
        2,
        Flow::Vertical,
        g.at(8, 8, 984, 684),
        vec![
            zone(3, ZoneKind::Title, g.at(8, 8, 984, 64), CARD_MARGIN),
            body,
        ],
    );
    Dashboard {
        name: "Fleet Mix".into(),
        width: 1000,
        height: 700,
        title: "Fleet Operations — Fleet Mix".into(),
        subtitle: "All regions · Aircraft in service, 31 December 2025".into(),
        root: container(
            1,
            ZoneKind::Basic,
            g.at(0, 0, 1000, 700),
            ROOT_MARGIN,
            vec![stack],
        ),
        floating: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn px(x0: u32, y0: u32, x1: u32, y1: u32) -> PxRect {
        PxRect { x0, y0, x1, y1 }
    }

    #[test]
    fn units_follow_the_reference_worked_example() {
        let zone = Units {
            x: 800,
            y: 1000,
            w: 49200,
            h: 98000,
        };
        assert_eq!(zone.to_px(1000, 800), px(8, 8, 500, 792));
        assert_eq!(zone.to_px(2000, 1600), px(16, 16, 1000, 1584));
    }

    #[test]
    fn incidents_cards_sit_where_they_were_designed_at_1x_and_2x() {
        let dash = incidents();
        let cards: Vec<(String, PxRect, PxRect)> = dash
            .sheet_zones()
            .map(|z| {
                (
                    z.name.clone().unwrap_or_default(),
                    dash.card(z, 1200, 800),
                    dash.card(z, 2400, 1600),
                )
            })
            .collect();
        assert_eq!(
            cards[0],
            (
                INCIDENTS_BY_FLEET.into(),
                px(12, 92, 580, 788),
                px(24, 184, 1160, 1576)
            )
        );
        assert_eq!(cards[1].1, px(588, 92, 1188, 476));
        assert_eq!(cards[2].1, px(588, 484, 1188, 788));
        for (_, one, two) in &cards {
            assert_eq!(
                (two.x0, two.y0, two.x1, two.y1),
                (one.x0 * 2, one.y0 * 2, one.x1 * 2, one.y1 * 2)
            );
        }
    }

    #[test]
    fn children_lie_inside_their_containers_and_ids_are_unique() {
        fn check(zone: &Zone, ids: &mut Vec<u32>) {
            ids.push(zone.id);
            for child in &zone.children {
                assert!(child.at.x >= zone.at.x && child.at.y >= zone.at.y);
                assert!(child.at.x + child.at.w <= zone.at.x + zone.at.w);
                assert!(child.at.y + child.at.h <= zone.at.y + zone.at.h);
                check(child, ids);
            }
        }
        for dash in [incidents(), incidents_archive(), fleet_mix()] {
            let mut ids = Vec::new();
            check(&dash.root, &mut ids);
            ids.extend(dash.floating.iter().map(|z| z.id));
            let count = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), count, "{}", dash.name);
            assert_eq!(
                dash.root.at,
                Units {
                    x: 0,
                    y: 0,
                    w: FULL,
                    h: FULL
                }
            );
        }
    }

    #[test]
    fn the_phone_layout_reuses_the_leaf_ids() {
        let dash = incidents();
        let (phone, _) = dash.phone();
        let ids: Vec<u32> = phone.children[0].children.iter().map(|z| z.id).collect();
        let leaves: Vec<u32> = dash.leaves().iter().map(|z| z.id).collect();
        assert_eq!(ids, leaves);
        assert_ne!(phone.children[0].children[0].at, dash.leaves()[0].at);
    }
}
