//! Variables and the templates over them: every string of a spec is a Handlebars template.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use handlebars::{Handlebars, RenderErrorReason};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The calendar date (year, month 1–12, day 1–31) of a Unix time, in UTC.
pub fn civil_date(unix_seconds: i64) -> (i64, u32, u32) {
    // Days-to-civil conversion over 400-year eras of 146097 days (proleptic Gregorian).
    let days = unix_seconds.div_euclid(86_400) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The built-in variables monthly decks need, computed from one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Builtins {
    vars: BTreeMap<String, String>,
}

impl Builtins {
    /// Built-ins for the build date: `SOURCE_DATE_EPOCH` when set, else today in UTC.
    pub fn now() -> Builtins {
        let seconds = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64)
            });
        let (year, month, day) = civil_date(seconds);
        Builtins::for_date(year, month, day)
    }

    /// Built-ins for the given calendar date.
    pub fn for_date(year: i64, month: u32, day: u32) -> Builtins {
        let (prev_year, prev_month) = if month == 1 {
            (year - 1, 12)
        } else {
            (year, month - 1)
        };
        let prev_name = MONTHS[prev_month as usize - 1];
        let last_day = days_in_month(prev_year, prev_month);
        let vars = [
            ("today", format!("{year:04}-{month:02}-{day:02}")),
            ("this_month", format!("{year:04}-{month:02}")),
            ("prev_month", format!("{prev_year:04}-{prev_month:02}")),
            ("prev_month_name", format!("{prev_name} {prev_year}")),
            (
                "prev_month_short",
                format!("{} {prev_year}", &prev_name[..3]),
            ),
            (
                "prev_month_start",
                format!("{prev_year:04}-{prev_month:02}-01"),
            ),
            (
                "prev_month_end",
                format!("{prev_year:04}-{prev_month:02}-{last_day:02}"),
            ),
            ("prev_month_year", format!("{prev_year:04}")),
        ];
        Builtins {
            vars: vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }

    /// The variables by name.
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }
}

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateProblem {
    /// The template names a variable that is not defined.
    Undefined(String),
    /// The template itself is malformed.
    Syntax(String),
}

/// Renders spec strings against a fixed set of variables.
#[derive(Debug)]
pub struct Renderer {
    registry: Handlebars<'static>,
    vars: BTreeMap<String, String>,
}

impl Renderer {
    /// A renderer over `vars`; output is plain text, escaped later by the package writer.
    pub fn new(vars: BTreeMap<String, String>) -> Renderer {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        Renderer { registry, vars }
    }

    /// The variables templates can use.
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    /// Renders one template; text without `{{` is returned as it is.
    pub fn render(&self, template: &str) -> Result<String, TemplateProblem> {
        if !template.contains("{{") {
            return Ok(template.to_string());
        }
        self.registry
            .render_template(template, &self.vars)
            .map_err(|err| match err.reason() {
                RenderErrorReason::MissingVariable(name) => {
                    TemplateProblem::Undefined(name.clone().unwrap_or_default())
                }
                RenderErrorReason::TemplateError(inner) => {
                    TemplateProblem::Syntax(inner.reason().to_string())
                }
                other => TemplateProblem::Syntax(other.to_string()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_date_matches_known_days() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(951_782_400), (2000, 2, 29));
        assert_eq!(civil_date(1_796_083_200), (2026, 12, 1));
        assert_eq!(civil_date(-86_400), (1969, 12, 31));
    }

    #[test]
    fn previous_month_wraps_the_year_and_knows_leap_years() {
        let march = Builtins::for_date(2024, 3, 15);
        assert_eq!(march.vars()["prev_month"], "2024-02");
        assert_eq!(march.vars()["prev_month_end"], "2024-02-29");

        let new_year = Builtins::for_date(2027, 1, 5);
        assert_eq!(new_year.vars()["prev_month"], "2026-12");
        assert_eq!(new_year.vars()["prev_month_name"], "December 2026");
        assert_eq!(new_year.vars()["prev_month_short"], "Dec 2026");
        assert_eq!(new_year.vars()["prev_month_start"], "2026-12-01");
        assert_eq!(new_year.vars()["prev_month_end"], "2026-12-31");
        assert_eq!(new_year.vars()["this_month"], "2027-01");
        assert_eq!(new_year.vars()["today"], "2027-01-05");
    }

    #[test]
    fn render_keeps_markup_characters_and_names_undefined_variables() {
        let vars = BTreeMap::from([("month".to_string(), "Nov & <Dec>".to_string())]);
        let renderer = Renderer::new(vars);
        assert_eq!(
            renderer.render("Safety {{month}}").unwrap(),
            "Safety Nov & <Dec>"
        );
        assert_eq!(
            renderer.render("{{monht}}"),
            Err(TemplateProblem::Undefined("monht".to_string()))
        );
        assert!(matches!(
            renderer.render("{{#if}}"),
            Err(TemplateProblem::Syntax(_))
        ));
    }
}
