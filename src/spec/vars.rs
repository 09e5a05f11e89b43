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

/// How deep blocks and subexpressions may nest in one template.
const MAX_NESTING: usize = 64;

/// How a tag changes the nesting of blocks.
enum Tag {
    /// `{{#name}}` or `{{^name}}` opens a block.
    Open,
    /// `{{else name}}` chains a block that the enclosing block's close also closes.
    Chain,
    /// `{{/name}}` closes a block with its chain.
    Close,
    /// Anything else.
    Other,
}

/// Whether only whitespace and `~` stand before the end of the tag.
fn at_tag_end(rest: &[u8]) -> bool {
    let mut chars = rest
        .iter()
        .take(8)
        .skip_while(|b| **b == b'~' || b.is_ascii_whitespace());
    matches!(chars.next(), Some(b'}') | None)
}

/// The kind of tag whose text follows `rest`'s opening `{{`; only a few bytes are read,
/// and odd spacing may count a tag as opening, never the reverse.
fn tag_kind(rest: &[u8]) -> Tag {
    let lead = rest
        .iter()
        .take(8)
        .take_while(|b| matches!(b, b'{' | b'~') || b.is_ascii_whitespace())
        .count();
    let head = &rest[lead..];
    match head.first() {
        Some(b'#') => Tag::Open,
        Some(b'/') => Tag::Close,
        Some(b'^') if !at_tag_end(&head[1..]) => Tag::Open,
        _ if head.starts_with(b"else")
            && head.get(4).is_some_and(u8::is_ascii_whitespace)
            && !at_tag_end(&head[4..]) =>
        {
            Tag::Chain
        }
        _ => Tag::Other,
    }
}

/// The deepest nesting of blocks, chained blocks and parentheses inside one tag in a
/// template; tags that comments or escapes hide are counted too.
fn nesting(template: &str) -> usize {
    let bytes = template.as_bytes();
    // The chain length of each open block: its close ends the whole chain.
    let mut open: Vec<usize> = Vec::new();
    let (mut blocks, mut parens, mut deepest) = (0usize, 0usize, 0usize);
    let mut in_tag = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{{") {
            in_tag = true;
            parens = 0;
            match tag_kind(&bytes[i + 2..]) {
                Tag::Open => {
                    open.push(1);
                    blocks += 1;
                }
                Tag::Chain => {
                    if let Some(chain) = open.last_mut() {
                        *chain += 1;
                        blocks += 1;
                    }
                }
                Tag::Close => blocks -= open.pop().unwrap_or(0),
                Tag::Other => {}
            }
            i += 2;
        } else {
            match bytes[i] {
                b'(' if in_tag => parens += 1,
                b')' if in_tag => parens = parens.saturating_sub(1),
                b'}' if in_tag && bytes[i..].starts_with(b"}}") => {
                    in_tag = false;
                    parens = 0;
                }
                _ => {}
            }
            i += 1;
        }
        deepest = deepest.max(blocks + parens);
    }
    deepest
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
        // Handlebars parses and renders nesting by recursion, so a deep enough template
        // overflows the stack instead of failing.
        if nesting(template) > MAX_NESTING {
            let reason = format!("blocks and subexpressions nest more than {MAX_NESTING} deep");
            return Err(TemplateProblem::Syntax(reason));
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
    fn deeply_nested_blocks_and_subexpressions_are_refused() {
        let renderer = Renderer::new(BTreeMap::from([("x".to_string(), "1".to_string())]));
        let blocks = |n| format!("{}x{}", "{{#if x}}".repeat(n), "{{/if}}".repeat(n));
        assert_eq!(renderer.render(&blocks(64)).unwrap(), "x");
        for template in [
            blocks(65),
            blocks(2000),
            format!("{{{{{}x{}}}}}", "(lookup ".repeat(5000), " 1)".repeat(5000)),
            format!("{{{{#if x}}}}{}{{{{/if}}}}", "{{else if x}}b".repeat(3000)),
        ] {
            let problem = renderer.render(&template).unwrap_err();
            assert!(
                matches!(&problem, TemplateProblem::Syntax(r) if r.contains("more than 64")),
                "{problem:?}"
            );
        }
        let siblings = "{{#if x}}(a){{else if x}}b{{^}}c{{/if}}".repeat(100);
        assert_eq!(renderer.render(&siblings).unwrap(), "(a)".repeat(100));
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
