//! `deckgen zones`: the worksheet zones of a workbook's dashboards as pixel rectangles.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::server::{ServerArgs, connection, server_for, with_session};
use super::{Format, print_table};
use crate::diag::Diagnostic;
use crate::pipeline::BuildError;
use crate::tableau::twb::{self, Dashboard, Workbook};
use crate::tableau::{TableauError, catalog, encode};

/// Arguments of `deckgen zones`.
#[derive(Debug, Args)]
pub struct ZonesArgs {
    /// A local .twb or .twbx file, or the name of a workbook on the server.
    source: String,
    /// Only this dashboard.
    #[arg(long)]
    dashboard: Option<String>,
    /// Render width in pixels [default: the dashboard's declared width].
    #[arg(long, requires = "height")]
    width: Option<u32>,
    /// Render height in pixels [default: the dashboard's declared height].
    #[arg(long, requires = "width")]
    height: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// A spec whose `server` says where the workbook is (for a workbook name).
    #[arg(long, value_name = "SPEC")]
    spec: Option<PathBuf>,
    #[command(flatten)]
    server: ServerArgs,
}

/// One worksheet zone, as `--format json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneRow {
    /// Dashboard name.
    pub dashboard: String,
    /// Sheet name.
    pub name: String,
    /// Left edge in pixels.
    pub x: u32,
    /// Top edge in pixels.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The zone's margin, which a sheet crop removes, in dashboard pixels.
    pub margin: twb::Edges,
    /// The zone in layout units (1/100000 of the dashboard on each axis).
    pub raw: RawZone,
}

/// A zone in layout units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RawZone {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width.
    pub w: i64,
    /// Height.
    pub h: i64,
}

fn failure(message: String, hint: &str) -> BuildError {
    BuildError {
        bad_input: true,
        diagnostics: vec![Diagnostic::new(message).hint(hint)],
    }
}

/// The worksheet zones of `dashboard` at `size`, or its declared size.
pub fn rows(dashboard: &Dashboard, size: Option<(u32, u32)>) -> Result<Vec<ZoneRow>, BuildError> {
    let Some((width, height)) = size.or(dashboard.sizing.declared()) else {
        return Err(failure(
            format!(
                "dashboard `{}` has automatic sizing, so it has no size of its own",
                dashboard.name
            ),
            "pass --width and --height: the size the server renders it at",
        ));
    };
    Ok(dashboard
        .worksheets()
        .map(|zone| {
            let pixels = zone.pixels(width, height);
            ZoneRow {
                dashboard: dashboard.name.clone(),
                name: zone.name.clone().unwrap_or_default(),
                x: pixels.x,
                y: pixels.y,
                width: pixels.width,
                height: pixels.height,
                margin: zone.margin,
                raw: RawZone {
                    x: zone.x,
                    y: zone.y,
                    w: zone.w,
                    h: zone.h,
                },
            }
        })
        .collect())
}

fn read_source(args: &ZonesArgs) -> Result<Workbook, BuildError> {
    let path = Path::new(&args.source);
    let bytes = if path.is_file() {
        std::fs::read(path).map_err(|e| {
            failure(
                format!("cannot read {}: {e}", path.display()),
                "check the path",
            )
        })?
    } else if args.source.ends_with(".twb") || args.source.ends_with(".twbx") {
        return Err(failure(
            format!("no file {}", args.source),
            "check the path",
        ));
    } else {
        download(args)?
    };
    twb::read(&bytes)
        .map_err(|e| failure(format!("{}: {e}", args.source), "is it a Tableau workbook?"))
}

fn download(args: &ZonesArgs) -> Result<Vec<u8>, BuildError> {
    let server = server_for(args.spec.as_deref(), &args.server)?;
    let connection = connection(&server, &args.server).map_err(super::server::input_error)?;
    let name = args.source.clone();
    with_session(&connection, |session| async move {
        let workbooks = catalog::all_items(&session, "workbooks", "workbook").await?;
        let found: Vec<_> = workbooks.iter().filter(|w| w.name == name).collect();
        let workbook = match found.as_slice() {
            [one] => *one,
            [] => {
                let names: Vec<&str> = workbooks.iter().map(|w| w.name.as_str()).collect();
                let near =
                    crate::diag::nearest(&name, names).map(|n| format!("did you mean \"{n}\"?"));
                return Err(
                    TableauError::input(format!("no workbook \"{name}\" on the site")).hint(
                        near.unwrap_or_else(|| "`deckgen views` lists the site's workbooks".into()),
                    ),
                );
            }
            many => {
                let places: Vec<String> = many
                    .iter()
                    .map(|w| format!("{} ({})", w.name, w.project.as_deref().unwrap_or("?")))
                    .collect();
                return Err(TableauError::input(format!(
                    "{} workbooks are called \"{name}\": {}",
                    many.len(),
                    places.join(", ")
                ))
                .hint("download the one you mean and pass the .twbx file"));
            }
        };
        let path = format!(
            "workbooks/{}/content?includeExtract=False",
            encode(&workbook.id)
        );
        let answer = session
            .get(&session.site_url(&path), "download the workbook")
            .await?;
        Ok(answer.body.to_vec())
    })
}

/// Prints the zones.
pub fn zones(args: &ZonesArgs) -> Result<(), BuildError> {
    let workbook = read_source(args)?;
    let dashboards: Vec<&Dashboard> = match &args.dashboard {
        Some(name) => match workbook.dashboard(name) {
            Some(dashboard) => vec![dashboard],
            None if workbook.stories.contains(name) => {
                return Err(failure(
                    format!("`{name}` is a story"),
                    "stories have no sheet zones",
                ));
            }
            None => {
                let names: Vec<String> = workbook
                    .dashboards
                    .iter()
                    .map(|d| format!("\"{}\"", d.name))
                    .collect();
                return Err(failure(
                    format!("{} has no dashboard `{name}`", args.source),
                    &format!("its dashboards: {}", names.join(", ")),
                ));
            }
        },
        None => workbook.dashboards.iter().collect(),
    };
    let size = args.width.zip(args.height);
    let mut all = Vec::new();
    for dashboard in dashboards {
        all.extend(rows(dashboard, size)?);
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&all).unwrap_or_else(|_| "[]".into());
            let _ = writeln!(out, "{text}");
        }
        Format::Table => {
            let table: Vec<Vec<String>> = all
                .iter()
                .map(|r| {
                    let numbers = [r.x, r.y, r.width, r.height].map(|n| n.to_string());
                    [vec![r.dashboard.clone(), r.name.clone()], numbers.to_vec()].concat()
                })
                .collect();
            print_table(
                &mut out,
                &["DASHBOARD", "SHEET", "X", "Y", "WIDTH", "HEIGHT"],
                &table,
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_use_the_declared_size_or_the_given_one() {
        let workbook =
            twb::parse(include_bytes!("../../tests/fixtures/twb/incidents.twb")).unwrap();
        let dashboard = workbook.dashboard("Incidents").unwrap();
        let declared = rows(dashboard, None).unwrap();
        assert_eq!(declared.len(), 2);
        let hazards = &declared[1];
        assert_eq!(
            (
                hazards.name.as_str(),
                hazards.x,
                hazards.y,
                hazards.width,
                hazards.height
            ),
            ("Top Hazards", 600, 72, 592, 720)
        );
        assert_eq!(
            hazards.raw,
            RawZone {
                x: 50000,
                y: 9000,
                w: 49333,
                h: 90000
            }
        );
        let doubled = rows(dashboard, Some((2400, 1600))).unwrap();
        assert_eq!((doubled[1].x, doubled[1].width), (1200, 1184));
    }

    #[test]
    fn automatic_dashboards_need_a_size() {
        let workbook = twb::parse(include_bytes!("../../tests/fixtures/twb/fleet.twb")).unwrap();
        let auto = workbook.dashboard("Overview (auto)").unwrap();
        assert!(rows(auto, None).is_err());
        assert_eq!(rows(auto, Some((800, 600))).unwrap()[0].width, 800);
    }
}
