//! The numbers behind every chart: fixed base tables, varied deterministically by the view
//! filters and parameters of a request.
//!
//! A filter on a dimension a chart shows keeps only the matching rows; every other filter
//! scales each value by a factor hashed from the filter values and the row, so
//! `vf_Region=North` and `vf_Region=South` give visibly different bars and labels. The
//! `Top N` parameter sets how many hazards are listed.

use super::catalog::{ChartKind, SampleStyle};
use super::charts::palette;
use super::query::ViewFilters;
use crate::imaging::draw::raster::Color;

/// One series of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Colour.
    pub color: Color,
    /// Drawn dashed (a comparison line).
    pub dashed: bool,
}

/// Categories with one stacked value per series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bars {
    /// Card title.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Category labels.
    pub categories: Vec<String>,
    /// Stacked series, bottom (or left) first.
    pub series: Vec<Series>,
    /// `values[category][series]`.
    pub values: Vec<Vec<u32>>,
    /// Title of the value axis.
    pub axis: String,
}

/// Lines over shared labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lines {
    /// Card title.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Labels along the axis.
    pub labels: Vec<String>,
    /// The lines, the labelled one last so it is drawn on top.
    pub series: Vec<Series>,
    /// `values[series][label]`.
    pub values: Vec<Vec<u32>>,
}

/// A ranked list with bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// Card title.
    pub title: String,
    /// Note at the top right.
    pub note: String,
    /// Name and value, largest first.
    pub rows: Vec<(String, u32)>,
    /// The total that shares are taken of.
    pub total: u32,
}

/// A table coloured by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heat {
    /// Card title.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    /// `values[row][column]` in percent.
    pub values: Vec<Vec<u32>>,
}

/// What one sheet draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chart {
    /// Horizontal stacked bars.
    Bars(Bars),
    /// Vertical stacked bars.
    Columns(Bars),
    /// Lines with markers.
    Lines(Lines),
    /// A ranked list.
    Ranked(Ranked),
    /// A heat table.
    Heat(Heat),
}

impl Chart {
    /// The legend entries of the chart's colours.
    pub fn legend(&self) -> Vec<Series> {
        match self {
            Chart::Bars(bars) | Chart::Columns(bars) if bars.series.len() > 1 => {
                bars.series.clone()
            }
            Chart::Lines(lines) => lines.series.iter().rev().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

/// FNV-1a over bytes, finished with [`mix`] for well-spread bits.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// The SplitMix64 finaliser.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A number from 0 to 1 drawn from a hash.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// How the filters of a request move the base numbers.
#[derive(Debug, Clone, Copy)]
struct Variation {
    key: u64,
    active: bool,
}

impl Variation {
    /// The variation from every filter except those on `shown` dimensions; parameters change
    /// what a chart shows (see [`top_hazards`]), not its numbers.
    fn new(filters: &ViewFilters, shown: &[&str], year: u32, base_year: u32) -> Variation {
        let mut text = format!("year={year}");
        for (field, values) in filters
            .fields
            .iter()
            .filter(|(f, _)| !shown.contains(&f.as_str()))
        {
            text.push_str(&format!("|{field}={}", values.join(",")));
        }
        let active = year != base_year || text.contains('|');
        Variation {
            key: hash(text.as_bytes()),
            active,
        }
    }

    /// `base` scaled by this variation's level (0.6 to 1.4 times, the same for every row) and
    /// a smaller jitter for `row` (±15%), so the chart keeps its shape but not its numbers.
    fn apply(self, base: u32, row: &str) -> u32 {
        if !self.active {
            return base;
        }
        let level = 0.6 + 0.8 * unit(self.key);
        let jitter = 0.85 + 0.3 * unit(mix(self.key ^ hash(row.as_bytes())));
        (f64::from(base) * level * jitter).round() as u32
    }
}

/// Fleets with incidents by severity (minor, moderate, serious).
const FLEETS: [(&str, [u32; 3]); 6] = [
    ("A320", [28, 11, 3]),
    ("B737-800", [24, 10, 3]),
    ("E190", [16, 6, 2]),
    ("ATR 72", [13, 5, 1]),
    ("Q400", [9, 3, 1]),
    ("B787-9", [5, 2, 1]),
];
/// Month labels.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// Incidents per month this year.
const TREND: [u32; 12] = [9, 10, 13, 12, 11, 14, 16, 15, 12, 11, 10, 10];
/// Incidents per month the year before.
const TREND_BEFORE: [u32; 12] = [12, 13, 15, 14, 13, 16, 18, 17, 15, 13, 12, 11];
/// Hazards with their incident counts.
const HAZARDS: [(&str, u32); 8] = [
    ("Slips, trips and falls", 34),
    ("Ground equipment contact", 27),
    ("Manual handling", 21),
    ("Bird strike", 16),
    ("Fuel and oil spills", 12),
    ("Hot surfaces", 9),
    ("Noise exposure", 7),
    ("Foreign object debris", 5),
];
/// Regions.
const REGIONS: [&str; 5] = ["North", "South", "East", "West", "Central"];
/// Aircraft types with their count per region.
const AIRCRAFT: [(&str, [u32; 5]); 4] = [
    ("Narrowbody", [32, 24, 28, 19, 14]),
    ("Widebody", [10, 6, 12, 5, 3]),
    ("Regional jet", [12, 15, 8, 11, 9]),
    ("Turboprop", [7, 12, 5, 9, 13]),
];
/// Utilisation in percent per fleet and quarter.
const UTILISATION: [[u32; 4]; 6] = [
    [78, 84, 91, 80],
    [74, 81, 88, 77],
    [66, 72, 79, 70],
    [58, 63, 71, 61],
    [52, 57, 64, 55],
    [81, 86, 90, 83],
];
/// The year the base tables describe.
const BASE_YEAR: u32 = 2025;

/// The chart of a sheet for a request's filters.
pub fn chart(
    kind: ChartKind,
    sheet: &str,
    workbook: &str,
    year: u32,
    filters: &ViewFilters,
) -> Chart {
    match kind {
        ChartKind::FleetIncidents => fleet_incidents(year, filters),
        ChartKind::MonthlyTrend => monthly_trend(year, filters),
        ChartKind::TopHazards => top_hazards(year, filters),
        ChartKind::FleetMix => fleet_mix(year, filters),
        ChartKind::Utilisation => utilisation(year, filters),
        ChartKind::Sample(style) => sample(style, sheet, workbook, filters),
    }
}

/// Incidents by fleet, stacked by severity.
fn fleet_incidents(year: u32, filters: &ViewFilters) -> Chart {
    let vary = Variation::new(filters, &["Fleet"], year, BASE_YEAR);
    let severities = [
        ("Minor", palette::BLUE_LIGHT),
        ("Moderate", palette::BLUE_MID),
        ("Serious", palette::BLUE),
    ];
    let rows: Vec<_> = FLEETS
        .iter()
        .filter(|(fleet, _)| filters.allows("Fleet", fleet))
        .collect();
    Chart::Bars(Bars {
        title: "Incidents by fleet".into(),
        subtitle: format!("Count of incidents by severity, {year}"),
        categories: rows.iter().map(|(fleet, _)| fleet.to_string()).collect(),
        series: severities
            .iter()
            .map(|&(name, color)| solid(name, color))
            .collect(),
        values: rows
            .iter()
            .map(|(fleet, counts)| {
                let severity = severities.iter().map(|s| s.0);
                counts
                    .iter()
                    .zip(severity)
                    .map(|(&n, s)| vary.apply(n, &format!("{fleet}/{s}")))
                    .collect()
            })
            .collect(),
        axis: "Incidents".into(),
    })
}

/// Incidents per month against the year before.
fn monthly_trend(year: u32, filters: &ViewFilters) -> Chart {
    let vary = Variation::new(filters, &[], year, BASE_YEAR);
    let line = |base: &[u32; 12], tag: u32| -> Vec<u32> {
        base.iter()
            .zip(MONTHS)
            .map(|(&n, m)| vary.apply(n, &format!("{tag}/{m}")))
            .collect()
    };
    let before = year - 1;
    Chart::Lines(Lines {
        title: "Monthly trend".into(),
        subtitle: format!("Incidents per month, {year} vs {before}"),
        labels: MONTHS.iter().map(|m| m.to_string()).collect(),
        series: vec![
            Series {
                name: before.to_string(),
                color: palette::GREY_SERIES,
                dashed: true,
            },
            solid(&year.to_string(), palette::BLUE),
        ],
        values: vec![line(&TREND_BEFORE, before), line(&TREND, year)],
    })
}

/// The hazards with the most incidents; `Parameters.Top N` sets how many (default 5).
fn top_hazards(year: u32, filters: &ViewFilters) -> Chart {
    let vary = Variation::new(filters, &[], year, BASE_YEAR);
    let shown = filters
        .param("Top N")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(5);
    let shown = shown.clamp(1, HAZARDS.len());
    let mut rows: Vec<(String, u32)> = HAZARDS
        .iter()
        .map(|&(name, n)| (name.to_string(), vary.apply(n, name)))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total = rows.iter().map(|r| r.1).sum::<u32>().max(1);
    rows.truncate(shown);
    Chart::Ranked(Ranked {
        title: "Top hazards".into(),
        note: format!("Top {shown} by incident count, {year}"),
        rows,
        total,
    })
}

/// Aircraft per region, stacked by type.
fn fleet_mix(year: u32, filters: &ViewFilters) -> Chart {
    let vary = Variation::new(filters, &["Region"], year, BASE_YEAR);
    let colors = [
        palette::BLUE,
        palette::ORANGE,
        palette::TEAL,
        palette::YELLOW,
    ];
    let regions: Vec<(usize, &str)> = REGIONS
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, r)| filters.allows("Region", r))
        .collect();
    Chart::Columns(Bars {
        title: "Fleet mix by region".into(),
        subtitle: format!("Aircraft in service by type, 31 December {year}"),
        categories: regions.iter().map(|(_, r)| r.to_string()).collect(),
        series: AIRCRAFT
            .iter()
            .zip(colors)
            .map(|((name, _), color)| solid(name, color))
            .collect(),
        values: regions
            .iter()
            .map(|&(i, region)| {
                AIRCRAFT
                    .iter()
                    .map(|(kind, counts)| vary.apply(counts[i], &format!("{region}/{kind}")))
                    .collect()
            })
            .collect(),
        axis: "Aircraft".into(),
    })
}

/// Utilisation per fleet and quarter.
fn utilisation(year: u32, filters: &ViewFilters) -> Chart {
    let vary = Variation::new(filters, &["Fleet"], year, BASE_YEAR);
    let quarters = ["Q1", "Q2", "Q3", "Q4"];
    let rows: Vec<(usize, &str)> = FLEETS
        .iter()
        .map(|f| f.0)
        .enumerate()
        .filter(|(_, f)| filters.allows("Fleet", f))
        .collect();
    Chart::Heat(Heat {
        title: "Utilisation".into(),
        subtitle: format!("Share of scheduled hours flown, {year}"),
        rows: rows.iter().map(|(_, f)| f.to_string()).collect(),
        columns: quarters.iter().map(|q| q.to_string()).collect(),
        values: rows
            .iter()
            .map(|&(i, fleet)| {
                let cells = UTILISATION[i].iter().zip(quarters);
                cells
                    .map(|(&p, q)| vary.apply(p, &format!("{fleet}/{q}")).min(100))
                    .collect()
            })
            .collect(),
    })
}

/// A sandbox sheet: values hashed from the workbook and sheet names.
fn sample(style: SampleStyle, sheet: &str, workbook: &str, filters: &ViewFilters) -> Chart {
    let vary = Variation::new(filters, &[], BASE_YEAR, BASE_YEAR);
    let seed = hash(format!("{workbook}/{sheet}").as_bytes());
    let value = |i: usize| vary.apply(10 + (mix(seed ^ i as u64) % 80) as u32, &i.to_string());
    let subtitle = format!("{workbook} · sample data");
    let series = vec![solid("Value", palette::BLUE)];
    match style {
        SampleStyle::Line => Chart::Lines(Lines {
            title: sheet.to_string(),
            subtitle,
            labels: MONTHS.iter().map(|m| m.to_string()).collect(),
            series,
            values: vec![(0..MONTHS.len()).map(value).collect()],
        }),
        SampleStyle::Columns | SampleStyle::Bars => {
            let names = [
                "Aberdeen",
                "Bristol",
                "Cardiff",
                "Dublin",
                "Edinburgh",
                "Glasgow",
                "Leeds",
            ];
            let bars = Bars {
                title: sheet.to_string(),
                subtitle,
                categories: names.iter().map(|n| n.to_string()).collect(),
                series,
                values: (0..names.len()).map(|i| vec![value(i)]).collect(),
                axis: "Value".into(),
            };
            if style == SampleStyle::Bars {
                Chart::Bars(bars)
            } else {
                Chart::Columns(bars)
            }
        }
    }
}

/// A solid series.
fn solid(name: &str, color: Color) -> Series {
    Series {
        name: name.to_string(),
        color,
        dashed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::query::Query;

    fn filters(query: &str) -> ViewFilters {
        ViewFilters::from_query(&Query::parse(Some(query)))
    }

    #[test]
    fn no_filter_gives_the_base_table() {
        let Chart::Bars(bars) = chart(ChartKind::FleetIncidents, "", "", 2025, &filters("")) else {
            panic!("not bars");
        };
        assert_eq!(bars.categories.len(), 6);
        assert_eq!(bars.values[0], vec![28, 11, 3]);
    }

    #[test]
    fn two_regions_give_different_numbers_and_the_same_region_the_same() {
        let north = chart(
            ChartKind::FleetIncidents,
            "",
            "",
            2025,
            &filters("vf_Region=North"),
        );
        let south = chart(
            ChartKind::FleetIncidents,
            "",
            "",
            2025,
            &filters("vf_Region=South"),
        );
        assert_ne!(north, south);
        assert_eq!(
            north,
            chart(
                ChartKind::FleetIncidents,
                "",
                "",
                2025,
                &filters("vf_Region=North")
            )
        );
    }

    #[test]
    fn a_filter_on_a_shown_dimension_keeps_matching_rows_unchanged() {
        let Chart::Bars(bars) = chart(
            ChartKind::FleetIncidents,
            "",
            "",
            2025,
            &filters("vf_Fleet=A320,Q400&vf_Parameters.Top+N=3"),
        ) else {
            panic!("not bars");
        };
        assert_eq!(bars.categories, ["A320", "Q400"]);
        assert_eq!(bars.values[0], vec![28, 11, 3]);
        let Chart::Columns(mix) = chart(
            ChartKind::FleetMix,
            "",
            "",
            2025,
            &filters("vf_Region=East"),
        ) else {
            panic!("not columns");
        };
        assert_eq!(mix.categories, ["East"]);
    }

    #[test]
    fn the_top_n_parameter_sets_the_row_count() {
        let Chart::Ranked(list) = chart(
            ChartKind::TopHazards,
            "",
            "",
            2025,
            &filters("vf_Parameters.Top+N=3"),
        ) else {
            panic!("not a list");
        };
        assert_eq!(list.rows.len(), 3);
        assert!(list.rows.windows(2).all(|w| w[0].1 >= w[1].1));
    }

    #[test]
    fn the_archive_year_differs_from_the_current_one() {
        let now = chart(ChartKind::MonthlyTrend, "", "", 2025, &filters(""));
        let then = chart(ChartKind::MonthlyTrend, "", "", 2024, &filters(""));
        assert_ne!(now, then);
        assert_eq!(now.legend()[0].name, "2025");
    }
}
