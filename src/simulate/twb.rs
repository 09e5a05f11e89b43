//! Workbook files: the `.twb` XML generated from the catalog and the layout model the renderer
//! uses, and the `.twbx` package around it.
//!
//! The files follow what Tableau Desktop writes: attributes in name order, two-space
//! indentation, `<zones>` holding the root tiled zone and then the floating zones, a
//! generated Phone device layout that reuses the zone ids, and `<windows>` last.

use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::pptx::xml::escape;

use super::catalog::{Catalog, ChartKind, SampleStyle, Target, Workbook, luid};
use super::charts::palette;
use super::data::{self, hash};
use super::layout::{Dashboard, Flow, Zone, ZoneKind};
use super::query::ViewFilters;

/// A workbook file ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookFile {
    /// The bytes: a zip for `.twbx`, XML for `.twb`.
    pub bytes: Vec<u8>,
    /// The download file name.
    pub filename: String,
}

/// The file of a workbook: packaged workbooks as `.twbx`, the others as `.twb`.
pub fn workbook_file(
    catalog: &Catalog,
    workbook: &Workbook,
) -> Result<WorkbookFile, zip::result::ZipError> {
    let xml = workbook_xml(catalog, workbook);
    if !workbook.packaged {
        return Ok(WorkbookFile {
            bytes: xml.into_bytes(),
            filename: format!("{}.twb", workbook.name),
        });
    }
    let options = SimpleFileOptions::default()
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(format!("{}.twb", workbook.name), options)?;
    zip.write_all(xml.as_bytes())?;
    zip.add_directory("Data/", options.unix_permissions(0o755))?;
    zip.start_file("Data/incidents.csv", options)?;
    zip.write_all(sample_csv(workbook).as_bytes())?;
    let bytes = zip.finish()?.into_inner();
    Ok(WorkbookFile {
        bytes,
        filename: format!("{}.twbx", workbook.name),
    })
}

/// The text file the packaged data source points at: the first sheet's unfiltered numbers.
fn sample_csv(workbook: &Workbook) -> String {
    let mut out = String::from("Fleet,Severity,Incidents\r\n");
    let Some(sheet) = workbook.sheets.first() else {
        return out;
    };
    let chart = data::chart(
        sheet.chart,
        &sheet.name,
        &workbook.name,
        workbook.year,
        &ViewFilters::default(),
    );
    if let data::Chart::Bars(bars) = chart {
        for (category, values) in bars.categories.iter().zip(&bars.values) {
            for (series, value) in bars.series.iter().zip(values) {
                out.push_str(&format!("{category},{},{value}\r\n", series.name));
            }
        }
    }
    out
}

/// Writes indented XML with the workbook's quote character.
#[derive(Debug)]
struct Writer {
    out: String,
    quote: char,
    depth: usize,
}

/// An attribute name and its value.
type Attrs<'a> = Vec<(&'a str, String)>;

impl Writer {
    /// Writes a new line at the current depth and `<name attrs`, attributes in name order.
    fn open(&mut self, name: &str, mut attrs: Attrs) {
        attrs.sort_by(|a, b| a.0.cmp(b.0));
        self.out.push('\n');
        self.out.push_str(&"  ".repeat(self.depth));
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let q = self.quote;
            self.out
                .push_str(&format!(" {key}={q}{}{q}", escape(&value)));
        }
    }

    /// `<name attrs>`, one level deeper after it.
    fn start(&mut self, name: &str, attrs: Attrs) {
        self.open(name, attrs);
        self.out.push('>');
        self.depth += 1;
    }

    /// `</name>` on its own line.
    fn end(&mut self, name: &str) {
        self.depth -= 1;
        self.out.push('\n');
        self.out.push_str(&"  ".repeat(self.depth));
        self.out.push_str(&format!("</{name}>"));
    }

    /// `<name attrs />`.
    fn empty(&mut self, name: &str, attrs: Attrs) {
        self.open(name, attrs);
        self.out.push_str(" />");
    }

    /// `<name attrs>text</name>` on one line.
    fn text(&mut self, name: &str, attrs: Attrs, text: &str) {
        self.open(name, attrs);
        self.out.push_str(&format!(">{}</{name}>", escape(text)));
    }
}

/// Attributes from pairs of anything printable.
fn attrs<'a>(pairs: &[(&'a str, &dyn std::fmt::Display)]) -> Attrs<'a> {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

/// A `federated.`-style name hashed from a key, 28 base-36 characters long.
fn generated_name(prefix: &str, key: &str) -> String {
    let mut n =
        hash(key.as_bytes()) as u128 | (u128::from(hash(format!("{key}#").as_bytes())) << 64);
    let digits: String = (0..28)
        .map(|_| {
            let d = (n % 36) as u32;
            n /= 36;
            char::from_digit(d, 36).unwrap_or('0')
        })
        .collect();
    format!("{prefix}.{digits}")
}

/// The `{GUID}` of a `simple-id`.
fn simple_id(workbook: &Workbook, item: &str) -> String {
    format!(
        "{{{}}}",
        luid("simple-id", &format!("{}/{item}", workbook.content_url)).to_uppercase()
    )
}

/// The whole `.twb` document of a workbook.
pub fn workbook_xml(catalog: &Catalog, workbook: &Workbook) -> String {
    let q = workbook.quote;
    let mut w = Writer {
        out: format!(
            "<?xml version={q}1.0{q} encoding={q}utf-8{q} ?>\n\n<!-- build 20261.26.0101.1200 -->"
        ),
        quote: q,
        depth: 0,
    };
    w.start(
        "workbook",
        attrs(&[
            ("original-version", &"18.1"),
            ("source-build", &"2026.1.0 (20261.26.0101.1200)"),
            ("source-platform", &"linux"),
            ("version", &"18.1"),
            ("xmlns:user", &"http://www.tableausoftware.com/xml/user"),
        ]),
    );
    if workbook.flag_prefixes {
        w.start("document-format-change-manifest", Vec::new());
        w.empty(
            "_.fcp.SetMembershipControl.true...SetMembershipControl",
            Vec::new(),
        );
        w.end("document-format-change-manifest");
    }
    w.start("preferences", Vec::new());
    w.empty(
        "preference",
        attrs(&[("name", &"ui.encoding.shelf.height"), ("value", &24)]),
    );
    w.end("preferences");
    let source = generated_name("federated", &workbook.content_url);
    datasources(&mut w, workbook, &source);
    worksheets(&mut w, workbook, &source);
    if !workbook.dashboards.is_empty() {
        w.start("dashboards", Vec::new());
        for dash in &workbook.dashboards {
            dashboard(&mut w, workbook, dash, &source);
        }
        w.end("dashboards");
    }
    windows(&mut w, catalog, workbook);
    w.end("workbook");
    w.out.push('\n');
    w.out
}

/// The data source with its columns.
fn datasources(w: &mut Writer, workbook: &Workbook, source: &str) {
    let ds = &workbook.source;
    w.start("datasources", Vec::new());
    if !ds.parameters.is_empty() {
        let top = attrs(&[
            ("hasconnection", &"false"),
            ("inline", &"true"),
            ("name", &"Parameters"),
        ]);
        w.start("datasource", top);
        w.empty("aliases", attrs(&[("enabled", &"yes")]));
        for (index, (name, value)) in ds.parameters.iter().enumerate() {
            let column = format!("[Parameter {}]", index + 1);
            let mut a = attrs(&[
                ("caption", name),
                ("datatype", &"integer"),
                ("name", &column),
            ]);
            a.extend(attrs(&[
                ("param-domain-type", &"range"),
                ("role", &"measure"),
            ]));
            a.extend(attrs(&[("type", &"quantitative"), ("value", value)]));
            w.start("column", a);
            w.empty(
                "calculation",
                attrs(&[("class", &"tableau"), ("formula", value)]),
            );
            w.end("column");
        }
        w.end("datasource");
    }
    w.start(
        "datasource",
        attrs(&[
            ("caption", &ds.caption),
            ("inline", &"true"),
            ("name", &source),
            ("version", &"18.1"),
        ]),
    );
    w.start("connection", attrs(&[("class", &"federated")]));
    w.start("named-connections", Vec::new());
    let connection = generated_name("textscan", &format!("{}/file", workbook.content_url));
    w.start(
        "named-connection",
        attrs(&[("caption", &"incidents"), ("name", &connection)]),
    );
    w.empty(
        "connection",
        attrs(&[
            ("class", &"textscan"),
            ("directory", &"Data"),
            ("filename", &"incidents.csv"),
        ]),
    );
    w.end("named-connection");
    w.end("named-connections");
    w.end("connection");
    w.empty("aliases", attrs(&[("enabled", &"yes")]));
    for dim in &ds.dimensions {
        let name = format!("[{dim}]");
        w.empty(
            "column",
            attrs(&[
                ("caption", dim),
                ("datatype", &"string"),
                ("name", &name),
                ("role", &"dimension"),
                ("type", &"nominal"),
            ]),
        );
    }
    for measure in &ds.measures {
        let name = format!("[{measure}]");
        w.empty(
            "column",
            attrs(&[
                ("caption", measure),
                ("datatype", &"integer"),
                ("name", &name),
                ("role", &"measure"),
                ("type", &"quantitative"),
            ]),
        );
    }
    w.end("datasource");
    w.end("datasources");
}

/// The shelves of a chart: rows, columns, mark class and the field on colour.
fn shelves(
    chart: ChartKind,
) -> (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
) {
    match chart {
        ChartKind::FleetIncidents => (
            "none:Fleet:nk",
            "sum:Incidents:qk",
            "Bar",
            Some("none:Severity:nk"),
        ),
        ChartKind::MonthlyTrend => (
            "sum:Incidents:qk",
            "none:Month:ok",
            "Line",
            Some("none:Year:ok"),
        ),
        ChartKind::TopHazards => ("none:Hazard:nk", "sum:Incidents:qk", "Bar", None),
        ChartKind::FleetMix => (
            "sum:Aircraft:qk",
            "none:Region:nk",
            "Bar",
            Some("none:Aircraft Type:nk"),
        ),
        ChartKind::Utilisation => (
            "none:Fleet:nk",
            "none:Quarter:ok",
            "Square",
            Some("avg:Utilisation:qk"),
        ),
        ChartKind::Sample(SampleStyle::Columns) => {
            ("sum:Value:qk", "none:Category:nk", "Bar", None)
        }
        ChartKind::Sample(SampleStyle::Line) => ("sum:Value:qk", "none:Category:ok", "Line", None),
        ChartKind::Sample(SampleStyle::Bars) => ("none:Category:nk", "sum:Value:qk", "Bar", None),
    }
}

/// One `<worksheet>` per sheet.
fn worksheets(w: &mut Writer, workbook: &Workbook, source: &str) {
    w.start("worksheets", Vec::new());
    for sheet in &workbook.sheets {
        let (rows, cols, mark, color) = shelves(sheet.chart);
        w.start("worksheet", attrs(&[("name", &sheet.name)]));
        w.start("table", Vec::new());
        w.start("view", Vec::new());
        w.start("datasources", Vec::new());
        w.empty(
            "datasource",
            attrs(&[("caption", &workbook.source.caption), ("name", &source)]),
        );
        w.end("datasources");
        w.empty("aggregation", attrs(&[("value", &"true")]));
        w.end("view");
        w.empty("style", Vec::new());
        w.start("panes", Vec::new());
        w.start(
            "pane",
            attrs(&[("selection-relaxation-option", &"selection-relaxation-allow")]),
        );
        w.start("view", Vec::new());
        w.empty("breakdown", attrs(&[("value", &"auto")]));
        w.end("view");
        w.empty("mark", attrs(&[("class", &mark)]));
        if let Some(field) = color {
            w.start("encodings", Vec::new());
            w.empty(
                "color",
                attrs(&[("column", &format!("[{source}].[{field}]"))]),
            );
            w.end("encodings");
        }
        w.end("pane");
        w.end("panes");
        w.text("rows", Vec::new(), &format!("[{source}].[{rows}]"));
        w.text("cols", Vec::new(), &format!("[{source}].[{cols}]"));
        w.end("table");
        w.empty(
            "simple-id",
            attrs(&[("uuid", &simple_id(workbook, &sheet.name))]),
        );
        w.end("worksheet");
    }
    w.end("worksheets");
}

/// One dashboard: size, zones, the Phone layout.
fn dashboard(w: &mut Writer, workbook: &Workbook, dash: &Dashboard, source: &str) {
    w.start("dashboard", attrs(&[("name", &dash.name)]));
    w.empty("style", Vec::new());
    let (width, height) = (dash.width, dash.height);
    w.empty(
        "size",
        attrs(&[
            ("maxheight", &height),
            ("maxwidth", &width),
            ("minheight", &height),
            ("minwidth", &width),
            ("sizing-mode", &"fixed"),
        ]),
    );
    w.start("zones", Vec::new());
    zone(w, workbook, dash, &dash.root, source, None);
    for floating in &dash.floating {
        zone(w, workbook, dash, floating, source, None);
    }
    w.end("zones");
    let (phone, phone_height) = dash.phone();
    w.start("devicelayouts", Vec::new());
    w.start(
        "devicelayout",
        attrs(&[("auto-generated", &"true"), ("name", &"Phone")]),
    );
    w.empty(
        "size",
        attrs(&[
            ("maxheight", &phone_height),
            ("minheight", &phone_height),
            ("sizing-mode", &"vscroll"),
        ]),
    );
    w.start("zones", Vec::new());
    zone(w, workbook, dash, &phone, source, Some(phone_height));
    w.end("zones");
    w.end("devicelayout");
    w.end("devicelayouts");
    w.empty(
        "simple-id",
        attrs(&[(
            "uuid",
            &simple_id(workbook, &format!("dashboard/{}", dash.name)),
        )]),
    );
    w.end("dashboard");
}

/// A zone and everything inside it; `phone` carries the Phone layout's height in pixels.
fn zone(
    w: &mut Writer,
    workbook: &Workbook,
    dash: &Dashboard,
    z: &Zone,
    source: &str,
    phone: Option<u32>,
) {
    let at = z.at;
    let mut a = attrs(&[
        ("h", &at.h),
        ("id", &z.id),
        ("w", &at.w),
        ("x", &at.x),
        ("y", &at.y),
    ]);
    if let Some(name) = &z.name {
        a.push(("name", name.clone()));
    }
    let is_root = std::ptr::eq(z, &dash.root) || (phone.is_some() && z.kind == ZoneKind::Basic);
    let kind = match &z.kind {
        ZoneKind::Basic => Some("layout-basic"),
        ZoneKind::Flow(_) => Some("layout-flow"),
        ZoneKind::Sheet => None,
        ZoneKind::Title => Some("text"),
        ZoneKind::Filter { .. } => Some("filter"),
        ZoneKind::Legend { .. } => Some("color"),
    };
    match (kind, is_root && workbook.flag_prefixes) {
        (Some(kind), true) => {
            a.push(("_.fcp.SetMembershipControl.false...type", kind.to_string()));
            a.push((
                "_.fcp.SetMembershipControl.true...type-v2",
                kind.to_string(),
            ));
        }
        (Some(kind), false) => a.push(("type-v2", kind.to_string())),
        (None, _) => {}
    }
    match &z.kind {
        ZoneKind::Flow(Flow::Horizontal) => a.push(("param", "horz".into())),
        ZoneKind::Flow(Flow::Vertical) => a.push(("param", "vert".into())),
        ZoneKind::Filter { field } => {
            a.push(("param", format!("[{source}].[none:{field}:nk]")));
            a.push(("mode", "checkdropdown".into()));
            a.push(("values", "relevant".into()));
        }
        ZoneKind::Legend { field } => {
            a.push(("param", format!("[{source}].[none:{field}:ok]")));
            a.push(("pane-specification-id", "0".into()));
            a.push(("leg-item-layout", "horz".into()));
        }
        _ => {}
    }
    if let Some(total) = phone.filter(|_| z.children.is_empty()) {
        let pixels = (u64::from(at.h) * u64::from(total) / 100_000).to_string();
        a.push(("fixed-size", pixels));
        a.push(("is-fixed", "true".into()));
    }

    w.start("zone", a);
    if z.kind == ZoneKind::Title {
        w.start("formatted-text", Vec::new());
        w.text(
            "run",
            attrs(&[("bold", &"true"), ("fontsize", &20)]),
            &dash.title,
        );
        // A line break in formatted text is a run holding a character reference.
        w.open("run", Vec::new());
        w.out.push_str(">&#10;</run>");
        w.text(
            "run",
            attrs(&[("fontcolor", &palette::MUTED.hex()), ("fontsize", &10)]),
            &dash.subtitle,
        );
        w.end("formatted-text");
    }
    for child in &z.children {
        zone(w, workbook, dash, child, source, phone);
    }
    zone_style(w, z);
    w.end("zone");
}

/// The `<zone-style>` of a zone: after its children, as Tableau writes it.
fn zone_style(w: &mut Writer, z: &Zone) {
    let format = |w: &mut Writer, attr: &str, value: String| {
        w.empty("format", attrs(&[("attr", &attr), ("value", &value)]));
    };
    match z.kind {
        ZoneKind::Basic => {
            w.start("zone-style", Vec::new());
            format(w, "border-color", "#000000".into());
            format(w, "border-style", "none".into());
            format(w, "border-width", "0".into());
            format(w, "margin", z.margin.to_string());
            format(w, "background-color", palette::PAGE.hex());
            w.end("zone-style");
        }
        ZoneKind::Sheet | ZoneKind::Title | ZoneKind::Filter { .. } => {
            w.start("zone-style", Vec::new());
            format(w, "border-color", palette::BORDER.hex());
            format(w, "border-style", "solid".into());
            format(w, "border-width", "1".into());
            format(w, "margin", z.margin.to_string());
            format(w, "background-color", palette::WHITE.hex());
            w.end("zone-style");
        }
        ZoneKind::Legend { .. } => {
            w.start("zone-style", Vec::new());
            format(w, "margin", z.margin.to_string());
            w.end("zone-style");
        }
        ZoneKind::Flow(_) => {}
    }
}

/// The `<windows>`: worksheets (hidden when not published as views), then dashboards.
fn windows(w: &mut Writer, catalog: &Catalog, workbook: &Workbook) {
    let published: Vec<Target> = catalog
        .views_of(workbook)
        .iter()
        .map(|v| v.target)
        .collect();
    w.start("windows", attrs(&[("source-height", &30)]));
    for (index, sheet) in workbook.sheets.iter().enumerate() {
        let mut a = attrs(&[
            ("class", &"worksheet"),
            ("maximized", &"true"),
            ("name", &sheet.name),
        ]);
        if !published.contains(&Target::Sheet(index)) {
            a.push(("hidden", "true".into()));
        }
        w.start("window", a);
        w.start("cards", Vec::new());
        w.start("edge", attrs(&[("name", &"left")]));
        w.start("strip", attrs(&[("size", &160)]));
        for card in ["pages", "filters", "marks"] {
            w.empty("card", attrs(&[("type", &card)]));
        }
        w.end("strip");
        w.end("edge");
        w.end("cards");
        w.empty(
            "simple-id",
            attrs(&[(
                "uuid",
                &simple_id(workbook, &format!("window/{}", sheet.name)),
            )]),
        );
        w.end("window");
    }
    for dash in &workbook.dashboards {
        w.start(
            "window",
            attrs(&[
                ("class", &"dashboard"),
                ("maximized", &"true"),
                ("name", &dash.name),
            ]),
        );
        w.start("viewpoints", Vec::new());
        for zone in dash.sheet_zones() {
            w.empty(
                "viewpoint",
                attrs(&[("name", &zone.name.clone().unwrap_or_default())]),
            );
        }
        w.end("viewpoints");
        w.empty("active", attrs(&[("id", &-1)]));
        w.empty(
            "simple-id",
            attrs(&[(
                "uuid",
                &simple_id(workbook, &format!("window/{}", dash.name)),
            )]),
        );
        w.end("window");
    }
    w.end("windows");
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::*;

    #[test]
    fn every_workbook_is_well_formed_with_its_quote_style() {
        let catalog = Catalog::new("safety");
        for workbook in &catalog.workbooks {
            let xml = workbook_xml(&catalog, workbook);
            let mut reader = Reader::from_str(&xml);
            loop {
                match reader.read_event() {
                    Ok(Event::Eof) => break,
                    Ok(_) => {}
                    Err(err) => panic!("{}: {err}", workbook.name),
                }
            }
            let q = workbook.quote;
            assert!(
                xml.starts_with(&format!("<?xml version={q}1.0{q}")),
                "{}",
                workbook.name
            );
        }
        let by_url = |url: &str| {
            catalog
                .workbooks
                .iter()
                .find(|w| w.content_url == url)
                .unwrap()
        };
        let safety = workbook_xml(&catalog, by_url("SafetyOverview"));
        let size = "<size maxheight='800' maxwidth='1200' minheight='800' minwidth='1200' \
            sizing-mode='fixed' />";
        assert!(safety.contains(size));
        assert!(safety.contains("_.fcp.SetMembershipControl.true...type-v2='layout-basic'"));
        assert!(safety.contains("name='Monthly Trend'") && safety.contains("type-v2='color'"));
        assert!(
            safety.contains("type-v2='filter'")
                && safety.contains("<devicelayout auto-generated='true' name='Phone'>")
        );
        let fleet = workbook_xml(&catalog, by_url("FleetOperations"));
        assert!(fleet.contains("<dashboard name=\"Fleet Mix\">") && !fleet.contains('\''));
    }

    #[test]
    fn packaged_workbooks_are_zips_with_the_twb_at_the_root() {
        let catalog = Catalog::new("safety");
        let file = workbook_file(&catalog, &catalog.workbooks[0]).unwrap();
        assert_eq!(file.filename, "Safety Overview.twbx");
        assert!(file.bytes.starts_with(b"PK\x03\x04"));
        let mut archive = zip::ZipArchive::new(Cursor::new(file.bytes.clone())).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        assert!(
            names.contains(&"Safety Overview.twb".to_string())
                && names.contains(&"Data/".to_string())
        );
        let mut twb = String::new();
        archive
            .by_name("Safety Overview.twb")
            .unwrap()
            .read_to_string(&mut twb)
            .unwrap();
        assert_eq!(twb, workbook_xml(&catalog, &catalog.workbooks[0]));
        assert_eq!(
            file,
            workbook_file(&catalog, &catalog.workbooks[0]).unwrap()
        );
        let plain = workbook_file(&catalog, &catalog.workbooks[1]).unwrap();
        assert_eq!(plain.filename, "Fleet Operations.twb");
        assert!(plain.bytes.starts_with(b"<?xml "));
    }
}
