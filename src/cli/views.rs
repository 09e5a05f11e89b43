//! `deckgen views`: the site's views, for writing specs.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::server::{ServerArgs, connection, input_error, server_for, with_session};
use super::{Format, print_table};
use crate::pipeline::BuildError;
use crate::tableau::catalog;

/// Arguments of `deckgen views`.
#[derive(Debug, Args)]
pub struct ViewsArgs {
    /// A spec whose `server` section says where to sign in.
    spec: Option<PathBuf>,
    #[command(flatten)]
    server: ServerArgs,
    /// Only views of this project.
    #[arg(long)]
    project: Option<String>,
    /// Only views of this workbook.
    #[arg(long)]
    workbook: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Lists the views.
pub fn views(args: &ViewsArgs) -> Result<(), BuildError> {
    let server = server_for(args.spec.as_deref(), &args.server)?;
    let connection = connection(&server, &args.server).map_err(input_error)?;
    let (project, workbook) = (args.project.clone(), args.workbook.clone());
    let mut views = with_session(&connection, |session| async move {
        catalog::all_views(&session, project.as_deref(), workbook.as_deref()).await
    })?;
    views.sort_by(|a, b| {
        (&a.project, &a.workbook, &a.name).cmp(&(&b.project, &b.workbook, &b.name))
    });
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&views).unwrap_or_else(|_| "[]".into());
            let _ = writeln!(out, "{text}");
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = views
                .iter()
                .map(|v| {
                    vec![
                        v.project.clone().unwrap_or_default(),
                        v.workbook.clone().unwrap_or_default(),
                        v.name.clone(),
                        v.sheet_type.clone().unwrap_or_default(),
                        v.content_url.clone(),
                    ]
                })
                .collect();
            print_table(
                &mut out,
                &["PROJECT", "WORKBOOK", "VIEW", "TYPE", "CONTENT URL"],
                &rows,
            );
        }
    }
    Ok(())
}
