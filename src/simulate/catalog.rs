//! The sample site: projects, workbooks, their sheets and dashboards, and the published views.
//!
//! Every id is a LUID derived from the item's kind and a stable key, so ids are the same on
//! every run and every machine.

use sha2::{Digest, Sha256};

use super::layout::{self, Dashboard};

/// The user who owns every item.
#[derive(Debug, Clone)]
pub struct Owner {
    /// LUID.
    pub id: String,
    /// Sign-in name.
    pub name: String,
    /// Display name.
    pub full_name: String,
    /// E-mail address.
    pub email: String,
}

/// The one site.
#[derive(Debug, Clone)]
pub struct Site {
    /// LUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The content URL used at sign-in.
    pub content_url: String,
}

/// A project.
#[derive(Debug, Clone)]
pub struct Project {
    /// LUID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
}

/// What a worksheet draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Incidents per fleet, stacked by severity, as horizontal bars.
    FleetIncidents,
    /// Incidents per month, this year against last year.
    MonthlyTrend,
    /// The hazards with the most incidents, as a ranked list.
    TopHazards,
    /// Aircraft per region, stacked by type, as columns.
    FleetMix,
    /// Utilisation per fleet and quarter, as a heat table.
    Utilisation,
    /// A plain sample chart of a sandbox workbook.
    Sample(SampleStyle),
}

/// The look of a sandbox sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleStyle {
    /// Vertical bars.
    Columns,
    /// A line with markers.
    Line,
    /// Horizontal bars.
    Bars,
}

/// A worksheet of a workbook.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet name.
    pub name: String,
    /// What it draws.
    pub chart: ChartKind,
}

/// The data source a workbook's sheets use.
#[derive(Debug, Clone)]
pub struct DataSource {
    /// The caption shown in Tableau.
    pub caption: String,
    /// Dimension captions.
    pub dimensions: Vec<&'static str>,
    /// Measure captions.
    pub measures: Vec<&'static str>,
    /// Parameter names, with their default values.
    pub parameters: Vec<(&'static str, u32)>,
}

/// A workbook.
#[derive(Debug, Clone)]
pub struct Workbook {
    /// LUID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Content URL, unique on the site.
    pub content_url: String,
    /// Index into the catalog's projects.
    pub project: usize,
    /// The year its data covers.
    pub year: u32,
    /// Worksheets.
    pub sheets: Vec<Sheet>,
    /// Dashboards.
    pub dashboards: Vec<Dashboard>,
    /// The data source.
    pub source: DataSource,
    /// Served as a packaged `.twbx` rather than a plain `.twb`.
    pub packaged: bool,
    /// The quote character of its `.twb` attributes.
    pub quote: char,
    /// Whether its `.twb` spells the root zone's type with feature-flag prefixes.
    pub flag_prefixes: bool,
    /// Creation time.
    pub created_at: String,
}

/// What a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A dashboard of the workbook, by index.
    Dashboard(usize),
    /// A worksheet of the workbook, by index.
    Sheet(usize),
}

/// A published view.
#[derive(Debug, Clone)]
pub struct View {
    /// LUID.
    pub id: String,
    /// The sheet or dashboard name.
    pub name: String,
    /// `<workbook contentUrl>/sheets/<viewUrlName>`.
    pub content_url: String,
    /// The name without spaces.
    pub url_name: String,
    /// Index into the catalog's workbooks.
    pub workbook: usize,
    /// What it shows.
    pub target: Target,
}

impl View {
    /// `dashboard` or `worksheet`.
    pub fn sheet_type(&self) -> &'static str {
        match self.target {
            Target::Dashboard(_) => "dashboard",
            Target::Sheet(_) => "worksheet",
        }
    }
}

/// The fixed modification time of every item.
pub const UPDATED_AT: &str = "2026-01-06T06:00:00Z";
/// The size a worksheet view renders at, in pixels.
pub const SHEET_SIZE: (u32, u32) = (800, 600);
/// How many sandbox workbooks the site has.
const SANDBOX_WORKBOOKS: usize = 42;
/// How many views each sandbox workbook publishes, by position in a repeating cycle.
const SANDBOX_VIEWS: [usize; 6] = [3, 2, 3, 1, 3, 3];
/// Names of sandbox sheets.
const SANDBOX_SHEETS: [&str; 6] = [
    "Overview",
    "Trend",
    "By Region",
    "By Site",
    "Breakdown",
    "Detail",
];

/// A UUID-shaped id derived from a kind and a key.
pub fn luid(kind: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("deckgen-simulator:{kind}:{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The whole sample site.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The site.
    pub site: Site,
    /// The owner of everything.
    pub owner: Owner,
    /// Projects.
    pub projects: Vec<Project>,
    /// Workbooks.
    pub workbooks: Vec<Workbook>,
    /// Published views, in listing order.
    pub views: Vec<View>,
}

impl Catalog {
    /// The sample site under the content URL `site`.
    pub fn new(site: &str) -> Catalog {
        let project = |name: &str, description: &str| Project {
            id: luid("project", name),
            name: name.to_string(),
            description: description.to_string(),
        };
        let mut catalog = Catalog {
            site: Site {
                id: luid("site", site),
                name: "Safety".into(),
                content_url: site.to_string(),
            },
            owner: Owner {
                id: luid("user", "safety.analytics"),
                name: "safety.analytics@example.com".into(),
                full_name: "Safety Analytics".into(),
                email: "safety.analytics@example.com".into(),
            },
            projects: vec![
                project("Safety", "Published safety dashboards"),
                project("Operations", "Fleet and operations reporting"),
                project("Archive", "Previous years, read only"),
                project("Sandbox", "Drafts and experiments"),
            ],
            workbooks: Vec::new(),
            views: Vec::new(),
        };
        catalog.add(safety_overview(), &[0, 1, 2], &[0]);
        catalog.add(fleet_operations(), &[0, 1], &[0]);
        catalog.add(safety_archive(), &[], &[0]);
        for number in 1..=SANDBOX_WORKBOOKS {
            let workbook = sandbox(number);
            let sheets: Vec<usize> = (0..workbook.sheets.len()).collect();
            catalog.add(workbook, &sheets, &[]);
        }
        catalog
    }

    /// Adds a workbook and publishes the given sheets and dashboards as views.
    fn add(&mut self, workbook: Workbook, sheets: &[usize], dashboards: &[usize]) {
        let index = self.workbooks.len();
        let targets = dashboards.iter().map(|&d| Target::Dashboard(d));
        for target in targets.chain(sheets.iter().map(|&s| Target::Sheet(s))) {
            let name = match target {
                Target::Dashboard(d) => workbook.dashboards[d].name.clone(),
                Target::Sheet(s) => workbook.sheets[s].name.clone(),
            };
            let url_name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
            let content_url = format!("{}/sheets/{url_name}", workbook.content_url);
            self.views.push(View {
                id: luid("view", &content_url),
                name,
                content_url,
                url_name,
                workbook: index,
                target,
            });
        }
        self.workbooks.push(workbook);
    }

    /// The workbook with a LUID.
    pub fn workbook(&self, id: &str) -> Option<&Workbook> {
        self.workbooks
            .iter()
            .find(|w| w.id.eq_ignore_ascii_case(id))
    }

    /// The view with a LUID.
    pub fn view(&self, id: &str) -> Option<&View> {
        self.views.iter().find(|v| v.id.eq_ignore_ascii_case(id))
    }

    /// The views of a workbook.
    pub fn views_of(&self, workbook: &Workbook) -> Vec<&View> {
        self.views
            .iter()
            .filter(|v| self.workbooks[v.workbook].id == workbook.id)
            .collect()
    }

    /// The value of a filterable field of a view, or `None` when the field is not filterable.
    pub fn view_field(&self, view: &View, field: &str) -> Option<String> {
        let workbook = &self.workbooks[view.workbook];
        Some(match field {
            "name" => view.name.clone(),
            "contentUrl" => view.content_url.clone(),
            "viewUrlName" => view.url_name.clone(),
            "sheetType" => view.sheet_type().to_string(),
            "workbookName" => workbook.name.clone(),
            "projectName" => self.projects[workbook.project].name.clone(),
            "ownerName" => self.owner.name.clone(),
            _ => return None,
        })
    }

    /// The value of a filterable field of a workbook, or `None` when it is not filterable.
    pub fn workbook_field(&self, workbook: &Workbook, field: &str) -> Option<String> {
        Some(match field {
            "name" => workbook.name.clone(),
            "contentUrl" => workbook.content_url.clone(),
            "projectName" => self.projects[workbook.project].name.clone(),
            "ownerName" => self.owner.name.clone(),
            _ => return None,
        })
    }

    /// The value of a filterable field of a project, or `None` when it is not filterable.
    pub fn project_field(&self, project: &Project, field: &str) -> Option<String> {
        Some(match field {
            "name" => project.name.clone(),
            "ownerName" => self.owner.name.clone(),
            _ => return None,
        })
    }
}

/// A worksheet.
fn sheet(name: &str, chart: ChartKind) -> Sheet {
    Sheet {
        name: name.to_string(),
        chart,
    }
}

/// The incidents data source of both Safety Overview workbooks.
fn incidents_source() -> DataSource {
    DataSource {
        caption: "Safety Incidents".into(),
        dimensions: vec!["Region", "Fleet", "Month", "Severity", "Hazard", "Year"],
        measures: vec!["Incidents"],
        parameters: vec![("Top N", 5)],
    }
}

/// The three Safety Overview worksheets.
fn safety_sheets() -> Vec<Sheet> {
    vec![
        sheet(layout::INCIDENTS_BY_FLEET, ChartKind::FleetIncidents),
        sheet(layout::MONTHLY_TREND, ChartKind::MonthlyTrend),
        sheet(layout::TOP_HAZARDS, ChartKind::TopHazards),
    ]
}

/// Safety Overview in project Safety: a packaged workbook with the Incidents dashboard.
fn safety_overview() -> Workbook {
    Workbook {
        id: luid("workbook", "Safety/SafetyOverview"),
        name: "Safety Overview".into(),
        content_url: "SafetyOverview".into(),
        project: 0,
        year: 2025,
        sheets: safety_sheets(),
        dashboards: vec![layout::incidents()],
        source: incidents_source(),
        packaged: true,
        quote: '\'',
        flag_prefixes: true,
        created_at: "2025-01-05T09:00:00Z".into(),
    }
}

/// Fleet Operations in project Operations, written with double quotes.
fn fleet_operations() -> Workbook {
    Workbook {
        id: luid("workbook", "Operations/FleetOperations"),
        name: "Fleet Operations".into(),
        content_url: "FleetOperations".into(),
        project: 1,
        year: 2025,
        sheets: vec![
            sheet(layout::FLEET_MIX_BY_REGION, ChartKind::FleetMix),
            sheet(layout::UTILISATION, ChartKind::Utilisation),
        ],
        dashboards: vec![layout::fleet_mix()],
        source: DataSource {
            caption: "Fleet Register".into(),
            dimensions: vec!["Region", "Aircraft Type", "Fleet", "Quarter"],
            measures: vec!["Aircraft", "Utilisation"],
            parameters: Vec::new(),
        },
        packaged: false,
        quote: '"',
        flag_prefixes: false,
        created_at: "2025-02-10T09:00:00Z".into(),
    }
}

/// The 2024 Safety Overview in project Archive: same name, another layout.
fn safety_archive() -> Workbook {
    Workbook {
        id: luid("workbook", "Archive/SafetyOverview_2024"),
        name: "Safety Overview".into(),
        content_url: "SafetyOverview_2024".into(),
        project: 2,
        year: 2024,
        sheets: safety_sheets(),
        dashboards: vec![layout::incidents_archive()],
        source: incidents_source(),
        packaged: false,
        quote: '\'',
        flag_prefixes: false,
        created_at: "2024-01-08T09:00:00Z".into(),
    }
}

/// Sandbox workbook `number`, with one to three sample worksheets.
fn sandbox(number: usize) -> Workbook {
    let count = SANDBOX_VIEWS[(number - 1) % SANDBOX_VIEWS.len()];
    let styles = [SampleStyle::Columns, SampleStyle::Line, SampleStyle::Bars];
    let sheets = (0..count)
        .map(|j| {
            let name = SANDBOX_SHEETS[(number + j) % SANDBOX_SHEETS.len()];
            sheet(name, ChartKind::Sample(styles[(number + j) % styles.len()]))
        })
        .collect();
    let content_url = format!("SandboxWorkbook{number:02}");
    Workbook {
        id: luid("workbook", &format!("Sandbox/{content_url}")),
        name: format!("Sandbox Workbook {number:02}"),
        content_url,
        project: 3,
        year: 2025,
        sheets,
        dashboards: Vec::new(),
        source: DataSource {
            caption: "Sample Data".into(),
            dimensions: vec!["Category"],
            measures: vec!["Value"],
            parameters: Vec::new(),
        },
        packaged: false,
        quote: if number.is_multiple_of(2) { '"' } else { '\'' },
        flag_prefixes: false,
        created_at: format!(
            "2025-{:02}-{:02}T09:00:00Z",
            1 + number % 12,
            1 + (number * 7) % 28
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luids_are_stable_and_uuid_shaped() {
        let id = luid("view", "SafetyOverview/sheets/Incidents");
        assert_eq!(id, luid("view", "SafetyOverview/sheets/Incidents"));
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_eq!(&id[14..15], "4");
        assert_ne!(id, luid("view", "SafetyOverview_2024/sheets/Incidents"));
    }

    #[test]
    fn the_site_has_the_named_views_and_more_than_a_page_of_them() {
        let catalog = Catalog::new("safety");
        let urls: Vec<&str> = catalog
            .views
            .iter()
            .map(|v| v.content_url.as_str())
            .collect();
        for url in [
            "SafetyOverview/sheets/Incidents",
            "SafetyOverview/sheets/IncidentsbyFleet",
            "SafetyOverview/sheets/MonthlyTrend",
            "SafetyOverview/sheets/TopHazards",
            "FleetOperations/sheets/FleetMix",
            "FleetOperations/sheets/FleetMixbyRegion",
            "FleetOperations/sheets/Utilisation",
            "SafetyOverview_2024/sheets/Incidents",
            "SandboxWorkbook01/sheets/Trend",
        ] {
            assert!(urls.contains(&url), "{url}");
        }
        assert!(
            catalog.views.len() > 100 && catalog.views.len() < 200,
            "{}",
            catalog.views.len()
        );
        let mut unique = urls.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), urls.len());
    }

    #[test]
    fn a_view_name_alone_is_ambiguous_across_projects() {
        let catalog = Catalog::new("safety");
        let projects: Vec<String> = catalog
            .views
            .iter()
            .filter(|v| catalog.view_field(v, "workbookName").as_deref() == Some("Safety Overview"))
            .filter(|v| v.name == "Incidents")
            .filter_map(|v| catalog.view_field(v, "projectName"))
            .collect();
        assert_eq!(projects, ["Safety", "Archive"]);
    }
}
